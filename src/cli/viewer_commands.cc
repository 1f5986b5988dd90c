// fog get: fetch a video back from the fog and verify every packet end to
// end (a video in the seed's format: each packet under the seed's check,
// never authenticated); fog videos: list what the fog holds.

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.h"
#include "config/fog_descriptor.h"
#include "mqtt/client.h"
#include "tls/http_client.h"
#include "trust/packet_verifier.h"
#include "viewer/packet_fetcher.h"
#include "viewer/verified_packets.h"
#include "wire/certificate.h"
#include "wire/get_range.h"
#include "wire/legacy_payload.h"
#include "wire/payload_format.h"

namespace fog::cli {

namespace {

struct GetArgs {
  std::string dir = config::kDefaultFogDir;
  std::string video_id;
  std::string output;
  std::string trust_dir;
  double timeout_s = 30;
};

// One packet's verdict in a seed-format video.
struct LegacyVerdict {
  // "valid", "invalid", "unchecked", "conflict" or "missing"
  std::string status;
  std::string reason;
};

// The reason every valid seed check carries: the check is not a signature,
// and covers only the first 1537 bytes of the packet (docs/legacy.md).
constexpr char kLegacyValidReason[] = "unauthenticated, 1537 bytes covered";

// How long the fetch took, for the summary (bench/federation_bench.sh reads
// it): from the request to the first packet reply (null when none came) and
// to the fetch's end, in milliseconds. Neither counts connecting nor
// verifying.
nlohmann::json FetchTiming(std::chrono::steady_clock::time_point start,
                           std::chrono::steady_clock::time_point end,
                           const viewer::FetchResult& fetched) {
  auto ms = [start](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(t - start).count();
  };
  nlohmann::json first = nullptr;
  if (fetched.first_packet_at != std::chrono::steady_clock::time_point{}) {
    first = ms(fetched.first_packet_at);
  }
  return {{"first_packet_ms", first}, {"elapsed_ms", ms(end)}};
}

// fog get for a video published in the seed's format: each packet is
// checked as the seed's worker did, never authenticated; the bytes of the
// valid packets are written in order.
int RunLegacyGet(const GetArgs& args, const viewer::FetchResult& fetched,
                 const nlohmann::json& timing) {
  std::map<int64_t, std::pair<LegacyVerdict, wire::VideoPacket>> got;
  int64_t total = 0;
  for (const Bytes& payload : fetched.legacy) {
    Result<wire::VideoPacket> packet = viewer::SeedPacketOf(payload);
    if (!packet.ok()) continue;  // the fetcher kept only these
    total = std::max(total, packet->total_packets);
    LegacyVerdict verdict;
    if (wire::DetectFormat(payload) == wire::PayloadFormat::kVideoPacket) {
      verdict = {"unchecked", "a bare VideoPacket carries no check"};
    } else {
      Result<wire::LegacyResult> r = wire::VerifyLegacyPayload(payload);
      if (r.ok() && r->valid) {
        verdict = {"valid", kLegacyValidReason};
      } else {
        verdict = {"invalid", r.ok() ? r->reason : r.status().message()};
      }
    }
    const int64_t n = packet->packet_number;
    // A worker refused a different payload for this number: nothing tells
    // which one is genuine, so the packet is not taken as certain (and not
    // written), whatever its check says (docs/legacy.md, "Conflicts").
    if (fetched.conflicts.contains(n)) {
      verdict = {"conflict",
                 "another payload claimed this number and was refused; the "
                 "stored one came first and is unauthenticated (its check: " +
                     verdict.status + ")"};
    }
    got.emplace(n, std::make_pair(std::move(verdict), std::move(*packet)));
  }
  const int64_t last = std::max(total, got.empty() ? 0 : got.rbegin()->first);
  std::FILE* out = std::fopen(args.output.c_str(), "wb");
  if (out == nullptr) {
    ReportError("cannot write " + args.output);
    return kExitUsage;
  }
  std::map<std::string, int64_t> counts;
  nlohmann::json statuses = nlohmann::json::array();
  uint64_t bytes = 0;
  const LegacyVerdict missing{"missing", "no worker answered with it"};
  // Runs of packets with the same verdict, one line (and one entry) each.
  auto flush = [&](int64_t first, int64_t to, const LegacyVerdict& v) {
    statuses.push_back({{"first", first},
                        {"last", to},
                        {"status", v.status},
                        {"reason", v.reason}});
    std::fprintf(stderr, "packet %lld%s: %s (%s)\n",
                 static_cast<long long>(first),
                 to != first ? ("-" + std::to_string(to)).c_str() : "",
                 v.status.c_str(), v.reason.c_str());
  };
  int64_t run_first = 1;
  LegacyVerdict run;
  for (int64_t n = 1; n <= last; ++n) {
    auto it = got.find(n);
    const LegacyVerdict& v = it == got.end() ? missing : it->second.first;
    ++counts[v.status];
    if (v.status == "valid") {
      const Bytes& data = it->second.second.data;
      // An empty packet's data() may be null, which fwrite must not get.
      if (!data.empty()) std::fwrite(data.data(), 1, data.size(), out);
      bytes += data.size();
    }
    if (n > 1 && (v.status != run.status || v.reason != run.reason)) {
      flush(run_first, n - 1, run);
      run_first = n;
    }
    run = v;
  }
  if (last > 0) flush(run_first, last, run);
  std::fclose(out);
  nlohmann::json summary = {
      {"video_id", args.video_id},      {"format", "seed"},
      {"authenticated", false},         {"packets", last},
      {"valid", counts["valid"]},       {"invalid", counts["invalid"]},
      {"missing", counts["missing"]},   {"unchecked", counts["unchecked"]},
      {"conflict", counts["conflict"]}, {"bytes", bytes},
      {"output", args.output},          {"statuses", statuses}};
  summary.update(timing);
  std::printf("%s\n", summary.dump().c_str());
  return last > 0 && counts["valid"] == last ? kExitOk : kExitInvalid;
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
  Result<std::unique_ptr<viewer::PacketFetcher>> fetcher =
      viewer::PacketFetcher::Connect({.uri = fog->mqtt_uri,
                                      .username = viewer.username,
                                      .password = viewer.password,
                                      .ca_file = fog->ca_file,
                                      .cert_file = fog->client_cert,
                                      .key_file = fog->client_key},
                                     std::chrono::seconds(10));
  if (!fetcher.ok()) {
    ReportError(fetcher.status().ToString());
    return kExitUsage;
  }
  const auto fetch_start = std::chrono::steady_clock::now();
  Result<viewer::FetchResult> fetched =
      (*fetcher)->Fetch({.video_id = args.video_id,
                         .timeout = std::chrono::milliseconds(
                             static_cast<int64_t>(args.timeout_s * 1000)),
                         .page_bytes = wire::kMaxPageBytes,
                         .all_pages = true});
  const auto fetch_end = std::chrono::steady_clock::now();
  fetcher->reset();
  if (!fetched.ok()) {
    ReportError(fetched.status().ToString());
    return kExitUsage;
  }
  if (fetched->undecodable > 0) {
    spdlog::warn("{} answers were not packets of this video",
                 fetched->undecodable);
  }
  const nlohmann::json timing = FetchTiming(fetch_start, fetch_end, *fetched);
  if (fetched->envelopes.empty() && !fetched->legacy.empty()) {
    return RunLegacyGet(args, *fetched, timing);
  }
  if (fetched->envelopes.empty() && !fetched->unreachable.empty()) {
    // Fail fast with the reason: the federation knows who holds it.
    std::string fogs;
    for (const std::string& f : fetched->unreachable) {
      fogs += (fogs.empty() ? "" : ", ") + f;
    }
    ReportError(args.video_id + " is held by " + fogs + ", which " +
                (fetched->unreachable.size() == 1 ? "is" : "are") +
                " down (unreachable); try again when the link is back");
    return kExitInvalid;
  }
  const viewer::VerifiedPackets verified =
      viewer::VerifyPackets(std::move(fetched->envelopes), *trust);
  const std::vector<trust::PacketReport>& reports = verified.reports;

  std::FILE* out = std::fopen(args.output.c_str(), "wb");
  if (out == nullptr) {
    ReportError("cannot write " + args.output);
    return kExitUsage;
  }
  std::map<std::string, int64_t> counts = verified.Counts();
  uint64_t bytes = 0;
  // Who signed: the names of the certificates that vouched for the valid
  // packets (their certificates already passed), else the bare key ids.
  std::set<std::string> publishers;
  for (const auto& [n, e] : verified.valid) {
    if (!e.signature) continue;
    Result<wire::Certificate> cert =
        e.signature->certificate.empty()
            ? Result<wire::Certificate>(Status::NotFound("bare key"))
            : wire::DecodeCertificate(e.signature->certificate);
    publishers.insert(cert.ok() ? cert->body.name
                                : "key " + ToHex(e.signature->key_id));
  }
  for (const auto& [n, e] : verified.valid) {  // only verified bytes
    if (!e.packet.data.empty()) {
      std::fwrite(e.packet.data.data(), 1, e.packet.data.size(), out);
    }
    bytes += e.packet.data.size();
  }
  for (const trust::PacketReport& r : reports) {
    if (r.status != trust::PacketStatus::kValid) {
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
      {"publishers", publishers},
      {"output", args.output}};
  summary.update(timing);
  std::printf("%s\n", summary.dump().c_str());
  const bool all_valid =
      !reports.empty() && counts["valid"] == reports.back().last;
  return all_valid ? kExitOk : kExitInvalid;
}

// Every video of the federation and the fogs that hold it
// (GET /videos?scope=federation, docs/federation.md).
int RunFederationVideos(const config::FogDescriptor& fog, bool json) {
  // Over HTTPS on a TLS fog, checked against its CA (with the client
  // certificate under mutual TLS), as every other API read.
  std::unique_ptr<httplib::Client> http = tls::MakeHttpClient(
      fog.http_url, {fog.ca_file, fog.client_cert, fog.client_key});
  auto res = http->Get("/videos?scope=federation");
  if (!res || res->status != 200) {
    ReportError("GET " + fog.http_url + "/videos?scope=federation failed" +
                (res ? ": " + res->body : std::string()));
    return kExitUsage;
  }
  if (json) {
    std::printf("%s\n", res->body.c_str());
    return kExitOk;
  }
  nlohmann::json videos = nlohmann::json::parse(res->body, nullptr, false);
  if (!videos.is_array()) {
    ReportError("unexpected answer from the API");
    return kExitUsage;
  }
  std::printf("%-38s %-9s %9s  %s\n", "VIDEO", "STATUS", "PACKETS", "FOGS");
  for (const auto& v : videos) {
    if (!v.is_object()) continue;
    std::string fogs;
    for (const auto& f : v.value("fogs", nlohmann::json::array())) {
      if (f.is_string())
        fogs += (fogs.empty() ? "" : ",") + f.get<std::string>();
    }
    const nlohmann::json packets = v.value("packets", nlohmann::json(0));
    const nlohmann::json status = v.value("status", nlohmann::json(""));
    const nlohmann::json id = v.value("video_id", nlohmann::json(""));
    std::printf("%-38s %-9s %9lld  %s\n",
                id.is_string() ? id.get<std::string>().c_str() : "",
                status.is_string() ? status.get<std::string>().c_str() : "",
                packets.is_number_integer()
                    ? static_cast<long long>(packets.get<int64_t>())
                    : 0LL,
                fogs.c_str());
  }
  return kExitOk;
}

int RunVideos(const std::string& dir, bool json, bool federation) {
  Result<config::FogDescriptor> fog = config::LoadFogDescriptor(dir);
  if (!fog.ok()) {
    ReportError(fog.status().ToString());
    return kExitUsage;
  }
  if (federation) return RunFederationVideos(*fog, json);
  std::unique_ptr<httplib::Client> http = tls::MakeHttpClient(
      fog->http_url, {fog->ca_file, fog->client_cert, fog->client_key});
  auto res = http->Get("/videos?limit=1000");
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
  auto federation = std::make_shared<bool>(false);
  videos->add_flag("--federation", *federation,
                   "Every video of the federation and which fogs hold it");
  videos->callback([dir, json, federation, exit_code] {
    *exit_code = RunVideos(*dir, *json, *federation);
  });
}

}  // namespace fog::cli
