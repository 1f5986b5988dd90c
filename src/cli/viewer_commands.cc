// fog get: fetch a video back from the fog and verify every packet end to
// end; fog videos: list what the fog holds.

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.h"
#include "config/fog_descriptor.h"
#include "mqtt/client.h"
#include "sis/mldsa/mldsa.h"
#include "trust/packet_verifier.h"
#include "wire/topics.h"

namespace fog::cli {

namespace {

struct GetArgs {
  std::string dir = config::kDefaultFogDir;
  std::string video_id;
  std::string output;
  std::string trust_dir;
  double timeout_s = 30;
};

// Collects the workers' answers to one get request, decoding each envelope
// once as it arrives.
class Collector {
 public:
  explicit Collector(std::string video_id) : video_id_(std::move(video_id)) {}

  void Add(const mqtt::Message& m) {
    std::lock_guard<std::mutex> lock(mu_);
    last_activity_ = std::chrono::steady_clock::now();
    if (!m.UserProperty("end").empty()) {
      ++ends_;
    } else if (Result<wire::Envelope> e = wire::DecodeEnvelope(m.payload);
               e.ok() && e->packet.video_id == video_id_) {
      numbers_.insert(e->packet.packet_number);
      total_ = std::max(total_, e->packet.total_packets);
      envelopes_.push_back(std::move(*e));
    } else {
      ++undecodable_;
    }
    cv_.notify_all();
  }

  // Waits until every packet 1..total is here, or answers stop for `quiet`
  // after at least one worker finished, or `timeout`.
  std::vector<wire::Envelope> Wait(std::chrono::milliseconds timeout,
                                   std::chrono::milliseconds quiet) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock<std::mutex> lock(mu_);
    while (std::chrono::steady_clock::now() < deadline) {
      cv_.wait_for(lock, std::chrono::milliseconds(100));
      const bool complete = total_ > 0 && *numbers_.rbegin() == total_ &&
                            static_cast<int64_t>(numbers_.size()) == total_;
      if (complete) break;
      if (ends_ > 0 &&
          std::chrono::steady_clock::now() - last_activity_ > quiet)
        break;
    }
    if (undecodable_ > 0) {
      spdlog::warn("{} answers were not envelopes of this video", undecodable_);
    }
    return std::move(envelopes_);
  }

 private:
  const std::string video_id_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<wire::Envelope> envelopes_;
  std::set<int64_t> numbers_;
  int64_t total_ = 0;
  int ends_ = 0;
  int undecodable_ = 0;
  std::chrono::steady_clock::time_point last_activity_ =
      std::chrono::steady_clock::now();
};

Bytes RandomToken() {
  Bytes b(16);
  (void)mldsa::RandomBytes(b);
  return b;
}

int RunGet(const GetArgs& args) {
  Result<config::FogDescriptor> fog = config::LoadFogDescriptor(args.dir);
  if (!fog.ok()) {
    ReportError(fog.status().ToString());
    return kExitUsage;
  }
  std::vector<std::string> rejected;
  Result<trust::TrustStore> trust = trust::TrustStore::LoadDir(
      args.trust_dir.empty() ? fog->trust_dir : args.trust_dir, &rejected);
  if (!trust.ok()) {
    ReportError(trust.status().ToString());
    return kExitUsage;
  }
  const config::Credentials& viewer = fog->credentials["viewer"];
  mqtt::Client client({.uri = fog->mqtt_uri,
                       .username = viewer.username,
                       .password = viewer.password});
  Collector collector(args.video_id);
  client.OnMessage([&](const mqtt::Message& m) { collector.Add(m); });
  Bytes token = RandomToken();
  const std::string reply = "reply/" + ToHex(token);
  Status s = client.Connect(std::chrono::seconds(10));
  if (s.ok()) s = client.Subscribe(reply, 1);
  mqtt::Message request{.topic = wire::topics::Get(args.video_id), .qos = 1};
  request.response_topic = reply;
  request.correlation_data = token;
  if (s.ok()) s = client.Publish(request);
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  std::vector<wire::Envelope> envelopes = collector.Wait(
      std::chrono::milliseconds(static_cast<int64_t>(args.timeout_s * 1000)),
      std::chrono::milliseconds(2000));
  client.Disconnect();

  std::vector<trust::PacketReport> reports =
      trust::VerifyStream(envelopes, *trust);
  std::map<int64_t, const wire::Envelope*> by_number;
  for (const wire::Envelope& e : envelopes)
    by_number[e.packet.packet_number] = &e;

  std::FILE* out = std::fopen(args.output.c_str(), "wb");
  if (out == nullptr) {
    ReportError("cannot write " + args.output);
    return kExitUsage;
  }
  std::map<std::string, int64_t> counts;
  uint64_t bytes = 0;
  for (const trust::PacketReport& r : reports) {
    counts[trust::PacketStatusName(r.status)] += r.last - r.number + 1;
    if (r.status == trust::PacketStatus::kValid) {
      const Bytes& data = by_number[r.number]->packet.data;
      std::fwrite(data.data(), 1, data.size(), out);  // only verified bytes
      bytes += data.size();
    } else {
      std::fprintf(
          stderr, "packet %lld%s: %s (%s)\n", static_cast<long long>(r.number),
          r.last != r.number ? ("-" + std::to_string(r.last)).c_str() : "",
          trust::PacketStatusName(r.status), r.reason.c_str());
    }
  }
  std::fclose(out);
  nlohmann::json summary = {
      {"video_id", args.video_id},
      {"packets", reports.empty() ? 0 : reports.back().last},
      {"valid", counts["valid"]},
      {"invalid", counts["invalid"]},
      {"missing", counts["missing"]},
      {"unsigned", counts["unsigned"]},
      {"bytes", bytes},
      {"output", args.output}};
  std::printf("%s\n", summary.dump().c_str());
  const bool all_valid =
      !reports.empty() && counts["valid"] == reports.back().last;
  return all_valid ? kExitOk : kExitInvalid;
}

int RunVideos(const std::string& dir, bool json) {
  Result<config::FogDescriptor> fog = config::LoadFogDescriptor(dir);
  if (!fog.ok()) {
    ReportError(fog.status().ToString());
    return kExitUsage;
  }
  httplib::Client http(fog->http_url);
  auto res = http.Get("/videos?limit=1000");
  if (!res || res->status != 200) {
    ReportError("GET " + fog->http_url + "/videos failed");
    return kExitUsage;
  }
  if (json) {
    std::printf("%s\n", res->body.c_str());
    return kExitOk;
  }
  try {
    nlohmann::json videos = nlohmann::json::parse(res->body);
    std::printf("%-38s %-9s %9s %12s  %s\n", "VIDEO", "STATUS", "PACKETS",
                "BYTES", "WORKERS");
    for (const auto& v : videos) {
      std::string workers;
      for (const auto& w : v.value("workers", nlohmann::json::array())) {
        workers +=
            (workers.empty() ? "" : ",") + w.value("worker", std::string());
      }
      std::string packets = std::to_string(v.value("packets", 0)) + "/" +
                            std::to_string(v.value("total_packets", 0));
      std::printf("%-38s %-9s %9s %12lld  %s\n",
                  v.value("VideoID", std::string()).c_str(),
                  v.value("status", std::string()).c_str(), packets.c_str(),
                  static_cast<long long>(v.value("bytes", int64_t{0})),
                  workers.c_str());
    }
  } catch (const nlohmann::json::exception& e) {
    ReportError(std::string("unexpected answer from the API: ") + e.what());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace

void AddViewerCommands(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<GetArgs>();
  auto* get = app.add_subcommand(
      "get", "Fetch a video from the fog, verify every packet, write the file");
  get->add_option("video_id", args->video_id, "Video id")->required();
  get->add_option("-o,--output", args->output, "Output file")->required();
  get->add_option("--dir", args->dir, "Fog directory (fog.json)")
      ->capture_default_str();
  get->add_option("--trust", args->trust_dir,
                  "Trusted keys (default: the fog's)");
  get->add_option("--timeout", args->timeout_s, "Seconds to wait for packets")
      ->capture_default_str();
  get->callback([args, exit_code] { *exit_code = RunGet(*args); });

  auto dir = std::make_shared<std::string>(config::kDefaultFogDir);
  auto json = std::make_shared<bool>(false);
  auto* videos = app.add_subcommand("videos", "List the videos the fog holds");
  videos->add_option("--dir", *dir, "Fog directory (fog.json)")
      ->capture_default_str();
  videos->add_flag("--json", *json, "Print the API's JSON");
  videos->callback(
      [dir, json, exit_code] { *exit_code = RunVideos(*dir, *json); });
}

}  // namespace fog::cli
