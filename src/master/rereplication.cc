// The master's re-replication: when a worker has been gone for good (not
// live for `gone_after`), the packets it held are copied again from a
// surviving holder to a worker that lacks them. The master no longer has
// their payloads, so it fetches them from the holders with the viewers'
// request/response (fog/get/<video_id>, one request per run of numbers,
// response topic reply/master/<session>) and places what comes back like a
// stream packet (docs/durability.md). The same path tops up packets placed
// while fewer than `replicas` workers were live.
//
// Which packets a departed worker held comes from two places: the master's
// own placements (recent packets, since it started) and, when the master
// knows the API, the registry, where every worker reports its ranges (all
// packets, across master restarts).

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/packet_ranges.h"
#include "master/master.h"
#include "tls/http_client.h"
#include "wire/get_range.h"
#include "wire/payload_format.h"
#include "wire/topics.h"

namespace fog::master {

namespace {

constexpr auto kRefetchRetry = std::chrono::seconds(10);
constexpr int kRefetchAttempts = 6;

}  // namespace

std::string Master::CopyTopic() const { return "reply/master/" + session_; }

void Master::WriteOffDepartedWorkers() {
  const auto now = Membership::Clock::now();
  // Right after a (re)connection nobody has had time to be heard from.
  if (now - connected_since_.load() < options_.gone_after) return;
  const std::vector<std::string> live = membership_.Live(now);
  const std::vector<std::string> gone =
      membership_.SilentFor(now, options_.gone_after);
  const size_t want = CopiesWanted(live.size());
  std::vector<std::string> newly_gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = written_off_.begin(); it != written_off_.end();) {
      it = std::binary_search(gone.begin(), gone.end(), *it)
               ? std::next(it)
               : written_off_.erase(it);  // it came back
    }
    for (const std::string& worker : gone) {
      if (written_off_.insert(worker).second) newly_gone.push_back(worker);
    }
  }
  for (const std::string& worker : newly_gone) {
    // Packet -> its live holders, from both sources.
    std::map<PacketKey, std::set<std::string>> held;
    if (!options_.api_url.empty()) {
      Status s = HoldingsFromRegistry(worker, live, &held);
      if (!s.ok()) {
        counters_.Add("registry_errors");
        spdlog::error("master: the registry's holdings of {}: {}", worker,
                      s.ToString());
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (const PacketKey& key : placements_.HeldBy(worker)) {
      placements_.Remove(key, worker);
      std::set<std::string>& holders = held[key];
      for (const std::string& h : placements_.Holders(key)) {
        if (std::binary_search(live.begin(), live.end(), h)) holders.insert(h);
      }
    }
    size_t lost = 0, queued = 0;
    for (const auto& [key, holders] : held) {
      if (copies_in_flight_.contains(key)) continue;  // being placed anyway
      for (const std::string& h : holders) placements_.Add(key, h);
      if (holders.empty()) {
        ++lost;
      } else if (holders.size() < want) {
        refetch_.try_emplace(key, Refetch{});
        ++queued;
      }
    }
    counters_.Add("workers_written_off");
    if (lost > 0) counters_.Add("packets_without_live_copy", lost);
    spdlog::warn(
        "master: worker {} is gone for good: copying {} of its packets again"
        "{}",
        worker, queued,
        lost > 0 ? fmt::format(" ({} with no live copy left)", lost) : "");
  }
}

Status Master::HoldingsFromRegistry(
    const std::string& worker, const std::vector<std::string>& live,
    std::map<PacketKey, std::set<std::string>>* held) const {
  std::unique_ptr<httplib::Client> client = tls::MakeHttpClient(
      options_.api_url,
      {options_.api_ca_file, options_.api_cert_file, options_.api_key_file});
  httplib::Client& http = *client;
  http.set_connection_timeout(2);
  http.set_read_timeout(10);
  constexpr int kPage = 1000;
  for (int64_t offset = 0;; offset += kPage) {
    auto res = http.Get("/videos?limit=" + std::to_string(kPage) +
                        "&offset=" + std::to_string(offset));
    if (!res) return Status::Unavailable(httplib::to_string(res.error()));
    if (res->status != 200) {
      return Status::Unavailable("HTTP " + std::to_string(res->status));
    }
    nlohmann::json page = nlohmann::json::parse(res->body, nullptr, false);
    if (!page.is_array()) return Status::Corruption("not a list of videos");
    for (const nlohmann::json& v : page) {
      if (!v.is_object() || !v.contains("workers")) continue;
      const std::string video_id = v.value("VideoID", std::string());
      std::map<std::string, PacketRanges> ranges;
      for (const nlohmann::json& w : v["workers"]) {
        if (!w.is_object() || !w.contains("ranges")) continue;
        Result<PacketRanges> r = ParseRanges(w.value("ranges", std::string()));
        if (r.ok()) ranges[w.value("worker", std::string())] = std::move(*r);
      }
      auto mine = ranges.find(worker);
      if (mine == ranges.end()) continue;
      for (const PacketRange& range : mine->second) {
        for (int64_t n = range.first; n <= range.last; ++n) {
          std::set<std::string>& holders = (*held)[{video_id, n}];
          for (const auto& [other, theirs] : ranges) {
            if (other == worker ||
                !std::binary_search(live.begin(), live.end(), other)) {
              continue;
            }
            for (const PacketRange& t : theirs) {
              if (t.first <= n && n <= t.last) holders.insert(other);
            }
          }
        }
      }
    }
    if (page.size() < static_cast<size_t>(kPage)) return Status::OK();
  }
}

void Master::TopUp() {
  const std::vector<std::string> live =
      membership_.Live(Membership::Clock::now());
  const size_t want = CopiesWanted(live.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<PacketKey> keys;
    keys.reserve(under_replicated_.size());
    for (const auto& [key, entry] : under_replicated_) keys.push_back(key);
    for (const PacketKey& key : keys) {
      auto it = under_replicated_.find(key);
      if (it == under_replicated_.end()) continue;
      size_t live_holders = 0;
      for (const std::string& h : placements_.Holders(key)) {
        live_holders += std::binary_search(live.begin(), live.end(), h);
      }
      const bool in_flight = copies_in_flight_.contains(key);
      if (live_holders >= replicas()) {
        // Topped up meanwhile (a holder came back).
        const bool unsettled = it->second.where.has_value();
        under_replicated_.erase(it);
        if (unsettled && !in_flight) Settle(key);
        continue;
      }
      if (in_flight) continue;  // its acks come back here (Finish)
      if (live_holders >= want) {
        // No room for more copies now: settled short after a while
        // (docs/durability.md), copied from a holder once more are live.
        if (it->second.where && MaySettle(key, live.size())) Settle(key);
        continue;
      }
      if (const Where where = it->second.where) {
        // Unsettled in the journal: the missing copies are read back from
        // it, within the memory budget (the rest on a later tick).
        if (!Fits(where->payload_bytes, /*resident=*/false)) continue;
        if (Payload payload = Load(where, {}, {})) {
          Place(key, payload, where);
          continue;
        }
        Settle(key);  // unreadable (counted, logged): copy from a holder
      }
      if (live_holders == 0) continue;  // no source to copy from
      refetch_.try_emplace(key, Refetch{});
      under_replicated_.erase(key);  // Place() adds it back if still short
    }
  }
  FlushOutbox();
}

void Master::AskForCopies() {
  const auto now = std::chrono::steady_clock::now();
  std::map<std::string, std::vector<int64_t>> wanted;  // by video
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = refetch_.begin(); it != refetch_.end();) {
      Refetch& r = it->second;
      if (r.attempts > 0 && now - r.asked < kRefetchRetry) {
        ++it;
      } else if (r.attempts >= kRefetchAttempts) {
        counters_.Add("rereplication_failed");
        spdlog::error("master: no holder sent {}/{}", it->first.first,
                      it->first.second);
        it = refetch_.erase(it);
      } else {
        ++r.attempts;
        r.asked = now;
        wanted[it->first.first].push_back(it->first.second);
        ++it;
      }
    }
  }
  for (auto& [video_id, numbers] : wanted) {
    for (const PacketRange& range : RangesOf(numbers)) {
      mqtt::Message ask{
          .topic = wire::topics::Get(video_id),
          .payload = wire::EncodeGetRange({range.first, range.last}),
          .qos = 1};
      ask.response_topic = CopyTopic();
      ask.correlation_data = Bytes(video_id.begin(), video_id.end());
      (void)client_.Publish(ask, /*wait=*/false);
    }
  }
}

void Master::OnCopy(const mqtt::Message& m) {
  if (!m.UserProperty("end").empty()) return;
  const std::string video_id(m.correlation_data.begin(),
                             m.correlation_data.end());
  Result<int64_t> number = wire::PeekPacketNumber(m.payload_view());
  if (!number.ok()) {
    reject_log_.Reject(
        counters_, "bad-copy", video_id,
        "a copy for re-replication: " + number.status().message());
    return;
  }
  const PacketKey key{video_id, *number};
  {
    std::lock_guard<std::mutex> lock(mu_);
    // The first holder's answer is enough; the workers verify it again.
    if (refetch_.erase(key) == 0) return;
    // Not in the journal: the copies in flight keep it in memory.
    Place(key,
          memory_.Track(m.shared_payload
                            ? m.shared_payload
                            : std::make_shared<const std::string>(
                                  m.payload.begin(), m.payload.end())),
          std::nullopt);
    counters_.Add("packets_rereplicated");
  }
  FlushOutbox();
}

}  // namespace fog::master
