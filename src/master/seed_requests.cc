// The seed's packet-request protocol, routed: the seed's viewer appends
// every answer it gets, so a request must be answered exactly once however
// many copies of the packet there are. The master knows where each packet
// was placed and which workers are live; it forwards each request to one
// live holder, and workers answer only what the master forwards to them
// (docs/topics.md#viewer-protocols).

#include <spdlog/spdlog.h>

#include <algorithm>

#include "master/master.h"
#include "wire/envelope.h"
#include "wire/seed_request.h"
#include "wire/topics.h"

namespace fog::master {

namespace topics = wire::topics;

std::vector<std::string> SeedRequestTargets(
    const std::vector<std::string>& holders,
    const std::vector<std::string>& live) {
  // The first live holder in name order: deterministic, so a repeated
  // request goes to the same worker while it stays live.
  for (const std::string& h : holders) {
    if (std::find(live.begin(), live.end(), h) != live.end()) return {h};
  }
  // Placements forgotten (past their bound, or a master restarted without
  // a journal): every live worker gets the request and those that hold the
  // packet answer, as in the seed.
  if (holders.empty()) return live;
  return {};  // every holder is gone: the viewer times out
}

void Master::OnSeedRequest(const mqtt::Message& m) {
  counters_.Add("seed_requests");
  Result<wire::SeedRequest> request = wire::DecodeSeedRequest(m.payload_view());
  if (!request.ok()) {
    reject_log_.Reject(counters_, "bad-request", "",
                       request.status().message());
    return;
  }
  const std::string& video_id = request->video_id;
  const int64_t number = request->packet_number;
  if (!wire::ValidateVideoId(video_id).ok()) {
    reject_log_.Reject(counters_, "bad-request", "",
                       "packet-request with an unusable video id");
    return;
  }
  const std::vector<std::string> live =
      membership_.Live(Membership::Clock::now());
  std::vector<std::string> holders;
  {
    std::lock_guard<std::mutex> lock(mu_);
    holders = placements_.Holders({video_id, number});
  }
  const std::vector<std::string> targets = SeedRequestTargets(holders, live);
  if (targets.empty()) {
    counters_.Add("seed_requests_unrouted");
    spdlog::warn("packet-request {}/{}: no live worker holds it", video_id,
                 number);
    return;
  }
  if (targets.size() > 1) counters_.Add("seed_requests_broadcast");
  for (const std::string& worker : targets) {
    // QoS 0: a request queued for a worker that is away would be answered
    // late, after the viewer asked again elsewhere.
    mqtt::Message forward{
        .topic = topics::SeedRequest(worker), .payload = m.payload, .qos = 0};
    forward.shared_payload = m.shared_payload;
    Status s = client_.Publish(forward, /*wait=*/false);
    if (!s.ok()) {
      counters_.Add("seed_request_errors");
      spdlog::error("packet-request: {}", s.ToString());
    }
  }
  counters_.Add("seed_requests_routed");
}

}  // namespace fog::master
