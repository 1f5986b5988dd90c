#include "experiment/runner.h"

#include <httplib.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "bench/fog_roles.h"
#include "common/bytes.h"
#include "common/free_ports.h"
#include "common/packet_ranges.h"
#include "experiment/media_source.h"
#include "experiment/network.h"
#include "experiment/outputs.h"
#include "experiment/presigned.h"
#include "experiment/recorder.h"
#include "experiment/sampler.h"
#include "experiment/store_faults.h"
#include "experiment/summary.h"
#include "mqtt/client.h"
#include "tls/http_client.h"
#include "trust/keys.h"
#include "trust/packet_signer.h"
#include "trust/packet_verifier.h"
#include "trust/trust_store.h"
#include "up/fog_up.h"
#include "viewer/packet_fetcher.h"
#include "wire/envelope.h"
#include "wire/topics.h"

namespace fog::experiment {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

// A source video is cut into memory once (each of its streams signs the
// same packets): a larger one is refused rather than swapped.
constexpr uint64_t kMaxMediaBytes = uint64_t{1} << 30;
// The pre-signed packets go to a file in the output directory; this much of
// its file system stays free for the fog's stores.
constexpr uint64_t kPresignedReserveBytes = uint64_t{2} << 30;

struct Stream {
  std::string video;
  std::string fog;  // published into
  double gop_ms = 1000;
  double offset_ms = 0;  // streams start staggered over one GOP
  std::vector<PresignedFile::Ref> packets;  // in the run's PresignedFile
};

// The media packets of each publisher group whose source is a video (empty
// for synthetic), cut before the fog starts so that ffmpeg's CPU is not
// part of the run. A pattern is rendered into `tmp_dir` and removed once cut.
Result<std::vector<std::vector<Bytes>>> PrepareMedia(
    const Spec& spec, const std::string& tmp_dir) {
  std::vector<std::vector<Bytes>> media(spec.publishers.size());
  uint64_t total = 0;
  for (size_t g = 0; g < spec.publishers.size(); ++g) {
    const PublisherSpec& p = spec.publishers[g];
    if (p.source == "synthetic") continue;
    std::string path = p.path;
    if (p.source == "pattern") {
      std::error_code ec;
      fs::create_directories(tmp_dir, ec);
      path = tmp_dir + "/pattern-" + std::to_string(g) + ".mp4";
      std::fprintf(stderr,
                   "experiment %s: rendering %.0f s of test pattern at %.0f "
                   "kbit/s\n",
                   spec.name.c_str(), spec.duration_s + p.gop_s,
                   p.bitrate_kbps);
      Status s = RenderPattern("ffmpeg", path, p.bitrate_kbps, p.gop_s,
                               spec.duration_s + p.gop_s);
      if (!s.ok()) return s;
    }
    Result<std::vector<Bytes>> cut = CutVideo("ffmpeg", path, kMaxMediaBytes);
    if (p.source == "pattern") fs::remove(path);
    if (!cut.ok())
      return Status::InvalidArgument("publishers[" + std::to_string(g) +
                                     "]: " + cut.status().message());
    for (const Bytes& b : *cut) total += b.size();
    media[g] = std::move(*cut);
  }
  std::error_code ec;
  fs::remove(tmp_dir, ec);  // only when empty: every pattern is removed
  if (total > kMaxMediaBytes) {
    return Status::InvalidArgument(
        "publishers: " + std::to_string(total >> 20) +
        " MiB of source video packets exceed the 1024 MiB the run holds in "
        "memory");
  }
  return media;
}

// Each stream is signed with the key of the fog it is published into; the
// packets go to `*file`, made at `path` for their total size.
Result<std::vector<Stream>> SignStreams(
    const Spec& spec, const std::map<std::string, trust::SecretKey>& keys,
    const std::vector<std::vector<Bytes>>& media, const std::string& path,
    std::unique_ptr<PresignedFile>* file) {
  std::mt19937_64 rng(spec.seed);
  uint64_t total = 0;
  for (size_t g = 0; g < spec.publishers.size(); ++g) {
    const PublisherSpec& p = spec.publishers[g];
    const double bytes = p.bitrate_kbps * 125 * p.gop_s;
    for (int i = 0; i < p.count; ++i) {
      const double offset_s = p.start_every_s > 0 ? p.start_every_s * i : 0;
      const double packets =
          std::max(1.0, std::floor((spec.duration_s - offset_s) / p.gop_s));
      if (p.source == "synthetic") {
        total += static_cast<uint64_t>(bytes * packets);
      } else {
        for (size_t n = 0; n < media[g].size() && n < packets; ++n)
          total += media[g][n].size();
      }
    }
  }
  Result<std::unique_ptr<PresignedFile>> made =
      PresignedFile::Create(path, total, kPresignedReserveBytes);
  if (!made.ok()) {
    return Status::InvalidArgument("publishers: " + made.status().message());
  }
  *file = std::move(*made);
  std::vector<Stream> streams;
  for (size_t g = 0; g < spec.publishers.size(); ++g) {
    const PublisherSpec& p = spec.publishers[g];
    const size_t bytes = std::max<size_t>(
        64, static_cast<size_t>(p.bitrate_kbps * 125 * p.gop_s));
    for (int i = 0; i < p.count; ++i) {
      Stream s;
      s.fog = p.fog;
      // With several fogs the id names its fog, so events.csv tells them
      // apart.
      s.video = "exp-" + std::to_string(spec.seed) +
                (spec.fogs.size() > 1 ? "-" + p.fog : "") + "-s" +
                std::to_string(streams.size());
      s.gop_ms = p.gop_s * 1000;
      s.offset_ms = p.start_every_s > 0 ? p.start_every_s * 1000 * i
                                        : s.gop_ms * i / p.count;
      int64_t packets = std::max<int64_t>(
          1, static_cast<int64_t>(std::floor(
                 (spec.duration_s * 1000 - s.offset_ms) / s.gop_ms)));
      // A video's stream ends with its packets when they are fewer than
      // the slots.
      if (p.source != "synthetic")
        packets = std::min<int64_t>(packets, media[g].size());
      trust::PacketSigner signer(keys.at(p.fog).Clone(), {});
      Bytes data(p.source == "synthetic" ? bytes : 0);
      for (int64_t n = 1; n <= packets; ++n) {
        if (p.source == "synthetic") {
          for (size_t b = 0; b < data.size(); b += 8) {
            const uint64_t r = rng();
            std::memcpy(data.data() + b, &r,
                        std::min<size_t>(8, data.size() - b));
          }
        }
        const bool last = n == packets;
        Result<wire::Envelope> e = signer.Next(
            {.video_id = s.video,
             .packet_number = n,
             .total_packets = last ? packets : 0,
             .data = p.source == "synthetic" ? data : media[g][n - 1]},
            last);
        if (!e.ok()) return e.status();
        Result<PresignedFile::Ref> ref =
            (*file)->Append(wire::EncodeEnvelope(*e));
        if (!ref.ok()) return ref.status();
        s.packets.push_back(*ref);
      }
      streams.push_back(std::move(s));
    }
  }
  if (Status flushed = (*file)->Flush(); !flushed.ok()) return flushed;
  return streams;
}

// Publishes one stream's packets in their real-time slots; a packet whose
// slot has passed (the publish before it waited) goes at once, and the lag
// is in its event. Each packet is read back from `file` before its slot.
void Publish(mqtt::Client* client, const Stream& stream,
             const PresignedFile& file, Clock::time_point start,
             Recorder* rec) {
  const std::string topic = wire::topics::Stream(stream.video);
  for (size_t i = 0; i < stream.packets.size(); ++i) {
    const double slot = stream.offset_ms + stream.gop_ms * i;
    Result<Bytes> payload = file.Read(stream.packets[i]);
    if (!payload.ok()) {
      // Not published: its event says so (published_ms -1), and the
      // summary counts it unacknowledged.
      std::fprintf(stderr, "experiment: %s packet %zu: %s\n",
                   stream.video.c_str(), i + 1,
                   payload.status().ToString().c_str());
      rec->AddPacket({.video = stream.video,
                      .packet = static_cast<int64_t>(i + 1),
                      .scheduled_ms = slot});
      continue;
    }
    std::this_thread::sleep_until(
        start + std::chrono::microseconds(static_cast<int64_t>(slot * 1000)));
    const size_t index = rec->AddPacket({.video = stream.video,
                                         .packet = static_cast<int64_t>(i + 1),
                                         .published_ms = rec->Now(),
                                         .scheduled_ms = slot});
    mqtt::Message m{.topic = topic, .qos = 1};
    m.payload = std::move(*payload);
    if (client->Publish(m, /*wait=*/true).ok()) rec->Acked(index, rec->Now());
  }
}

// One viewer: a request every `interval` for a packet that has its copies,
// of a stream published into `spec.videos_from`.
void View(const std::string& http_url, const ViewerSpec& spec,
          const std::string& ca_file, std::chrono::milliseconds interval,
          uint64_t seed, Clock::time_point start, Clock::time_point stop,
          Recorder* rec) {
  std::mt19937_64 rng(seed);
  std::unique_ptr<httplib::Client> client =
      tls::MakeHttpClient(http_url, {ca_file, "", ""});
  httplib::Client& http = *client;
  http.set_connection_timeout(2);
  http.set_read_timeout(5);
  for (auto next = start + interval; next < stop; next += interval) {
    std::this_thread::sleep_until(next);
    std::string video;
    int64_t n = 0;
    if (!rec->PickComplete(rng, spec.videos_from, &video, &n)) continue;
    const std::string path =
        spec.kind == "hls"
            ? "/videos/" + video + "/index.m3u8"
            : "/videos/" + video + "/packets/" + std::to_string(n);
    const double at = rec->Now();
    auto res = http.Get(path);
    rec->AddView({.video = video,
                  .packet = spec.kind == "hls" ? 0 : n,
                  .kind = spec.kind,
                  .at_ms = at,
                  .latency_ms = rec->Now() - at,
                  .status = res ? res->status : 0,
                  .fog = spec.fog});
  }
}

// One `get` viewer: what `fog get` does, over MQTT with the fog's viewer
// login: a request every `interval` for a packet that has its copies,
// fetched back from the workers (fog/get/ID, docs/topics.md) and verified
// against the fog's trust directory (digest, signature, publisher key).
// Status: 200 verified, 404 no worker sent it, 422 it came back but failed
// verification, 0 no connection or an error.
void ViewByGet(const config::FogDescriptor& desc, const ViewerSpec& spec,
               std::chrono::milliseconds interval, uint64_t seed,
               Clock::time_point start, Clock::time_point stop, Recorder* rec) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> rejected;
  Result<trust::TrustStore> trust =
      trust::TrustStore::LoadDir(desc.trust_dir, &rejected);
  auto viewer = desc.credentials.find("viewer");
  Result<std::unique_ptr<viewer::PacketFetcher>> fetcher =
      Status::Unavailable("no viewer login in fog.json");
  if (viewer != desc.credentials.end()) {
    fetcher =
        viewer::PacketFetcher::Connect({.uri = desc.mqtt_uri,
                                        .username = viewer->second.username,
                                        .password = viewer->second.password,
                                        .ca_file = desc.ca_file},
                                       std::chrono::seconds(10));
  }
  if (!trust.ok() || !fetcher.ok()) {
    std::fprintf(
        stderr, "experiment: a get viewer cannot start: %s\n",
        (!trust.ok() ? trust.status() : fetcher.status()).ToString().c_str());
  }
  for (auto next = start + interval; next < stop; next += interval) {
    std::this_thread::sleep_until(next);
    std::string video;
    int64_t n = 0;
    if (!rec->PickComplete(rng, spec.videos_from, &video, &n)) continue;
    const double at = rec->Now();
    int status = 0;
    if (trust.ok() && fetcher.ok()) {
      Result<viewer::FetchResult> got =
          (*fetcher)->Fetch({.video_id = video,
                             .first = n,
                             .last = n,
                             .timeout = std::chrono::seconds(5)});
      if (got.ok()) {
        auto it = std::find_if(got->envelopes.begin(), got->envelopes.end(),
                               [n](const wire::Envelope& e) {
                                 return e.packet.packet_number == n;
                               });
        status = it == got->envelopes.end()                    ? 404
                 : trust::VerifySignedPacket(*it, *trust).ok() ? 200
                                                               : 422;
      }
    }
    rec->AddView({.video = video,
                  .packet = n,
                  .kind = spec.kind,
                  .at_ms = at,
                  .latency_ms = rec->Now() - at,
                  .status = status,
                  .fog = spec.fog});
  }
}

// Pins every thread of `pid` to `cpus`; false if the process is gone.
bool Pin(pid_t pid, const std::set<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) CPU_SET(c, &set);
  std::error_code ec;
  bool any = false;
  for (const auto& task :
       fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    const pid_t tid = std::atoi(task.path().filename().c_str());
    any |= ::sched_setaffinity(tid, sizeof(set), &set) == 0;
  }
  return any;
}

// A CPU hog beside one worker: the target alone on the last CPU with a busy
// process, every other component on the others, so that the worker's CPU
// (measured over its own CPUs, worker/system_stats.h) reads busy as a
// loaded machine would.
std::string StartHog(const std::string& target,
                     const std::map<std::string, pid_t>& processes,
                     pid_t* hog) {
  const int cpus = static_cast<int>(std::thread::hardware_concurrency());
  if (cpus < 2) return "a hog needs 2 CPUs, this machine has 1";
  if (*hog > 0) return "a hog already runs";
  std::set<int> others;
  for (int c = 0; c < cpus - 1; ++c) others.insert(c);
  for (const auto& [name, pid] : processes) {
    if (pid > 0) Pin(pid, name == target ? std::set<int>{cpus - 1} : others);
  }
  const pid_t child = ::fork();
  if (child < 0) return std::string("fork: ") + std::strerror(errno);
  if (child == 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpus - 1, &set);
    ::sched_setaffinity(0, sizeof(set), &set);
    for (;;) asm volatile("" ::: "memory");  // busy, never optimised away
  }
  *hog = child;
  return "ok";
}

bool IsStoreFault(const FaultSpec& f) {
  return f.action == "fill-quota" || f.action == "corrupt-packet";
}

// What the store faults need: a login allowed to dispatch and to ask the
// workers (the master's), the acks of its filler packets, the signing key.
struct StoreFaults {
  std::unique_ptr<mqtt::Client> client;
  AckMailbox acks;
  const trust::SecretKey* key = nullptr;
  std::string fog_dir;
  uint64_t quota_bytes = 0;
  size_t filler_bytes = 0;
  std::vector<std::thread> fills;  // joined before the fog stops
};

// The payload of each filler packet: a little below the streams' largest
// packet, so that once the worker refuses a filler packet it refuses every
// stream packet (the signature a filler packet carries is not larger than
// 8 KiB).
size_t FillerBytes(const Spec& spec) {
  double largest = 64;
  for (const PublisherSpec& p : spec.publishers)
    largest = std::max(largest, p.bitrate_kbps * 125 * p.gop_s);
  return std::max<size_t>(
      64, static_cast<size_t>(largest) - std::min<size_t>(8192, largest / 2));
}

// fill-quota runs beside the timeline (a fill takes one fsync per filler
// packet) and records its event, timed at its start, when it ends;
// corrupt-packet damages the earliest packet with R copies that the target
// holds, then asks the workers for it so the target reads the damage.
void ApplyStoreFault(const FaultSpec& f, const Spec& spec, StoreFaults* sf,
                     Recorder* rec) {
  const double at = rec->Now();
  if (f.action == "fill-quota") {
    const std::string fog = spec.fogs.size() > 1 ? spec.fogs.front().name : "";
    sf->fills.emplace_back([f, at, sf, rec, fog, seed = spec.seed] {
      FillResult r =
          FillQuota(sf->client.get(), &sf->acks, *sf->key, f.target,
                    "exp-" + std::to_string(seed) + "-fill-" + f.target,
                    sf->filler_bytes, sf->quota_bytes);
      std::fprintf(stderr,
                   "experiment: fill-quota %s: %lld filler packets (%llu "
                   "bytes) stored, then %s\n",
                   f.target.c_str(), static_cast<long long>(r.stored),
                   static_cast<unsigned long long>(r.bytes),
                   r.status == "ok" ? "refused: store-full" : r.status.c_str());
      rec->AddFault({at, f.action, f.target, r.status, r.video, 0, fog});
    });
    return;
  }
  std::string video;
  int64_t n = 0;
  std::string result;
  if (!rec->PickHeldBy(f.target, &video, &n)) {
    result = "no packet with its R copies on " + f.target + " yet";
  } else {
    result =
        CorruptStoredPacket(sf->fog_dir + "/workers/" + f.target, video, n);
    if (result == "ok") {
      Status s = RequestRead(sf->client.get(), "fog-exp-faults", video, n);
      if (!s.ok()) result = "damaged, but asking for it failed: " + s.message();
    }
  }
  std::fprintf(stderr, "experiment: corrupt-packet %s: %s/%lld: %s\n",
               f.target.c_str(), video.c_str(), static_cast<long long>(n),
               result.c_str());
  rec->AddFault({at, f.action, f.target, result, video, n,
                 spec.fogs.size() > 1 ? spec.fogs.front().name : ""});
}

std::string ApplyFault(const FaultSpec& f, up::FogUp& fog,
                       const std::map<std::string, pid_t>& processes,
                       std::set<pid_t>* stopped, pid_t* hog) {
  if (f.action == "hog") return StartHog(f.target, processes, hog);
  if (f.action == "unhog") {
    if (*hog <= 0) return "no hog runs";
    ::kill(*hog, SIGKILL);
    ::waitpid(*hog, nullptr, 0);
    *hog = -1;
    return "ok";
  }
  const pid_t pid = fog.pid(f.target);
  if (pid <= 0) return "no such process running: " + f.target;
  int sig = SIGKILL;
  if (f.action == "stop") sig = SIGSTOP;
  if (f.action == "continue") sig = SIGCONT;
  if (f.action == "restart-broker")
    sig = SIGTERM;  // the supervisor restarts it
  if (::kill(pid, sig) != 0)
    return std::string("kill: ") + std::strerror(errno);
  if (sig == SIGSTOP) stopped->insert(pid);
  if (sig == SIGCONT) stopped->erase(pid);
  return "ok";
}

std::map<std::string, pid_t> Processes(const FogSpec& spec, up::FogUp& fog) {
  std::map<std::string, pid_t> out;
  std::vector<std::string> names = {"mosquitto", "ws-bridge", "api", "master",
                                    "federation"};
  if (spec.balancer != "none") names.push_back("balancer");
  for (int i = 1; i <= spec.workers; ++i)
    names.push_back("worker-" + std::to_string(i));
  for (const std::string& n : names) out[n] = fog.pid(n);
  return out;
}

// The copies each worker's store holds, read with `fog store check` once
// the fog has stopped: the ground truth beside the acks the run saw (an ack
// can be missed, a stored packet cannot). Packets of `packets` with fewer
// than R copies, and with none; "checked": false when a store could not be
// read.
// With corrupt-packet faults, also whether each damaged packet is held
// intact again by the worker it was damaged on (repaired from another copy).
json StoreCopies(const std::string& self_exe, const std::string& fog_dir,
                 int workers, int replicas,
                 const std::vector<PacketEvent>& packets,
                 const std::vector<FaultEvent>& faults) {
  std::set<std::tuple<std::string, std::string, int64_t>> damaged, repaired;
  for (const FaultEvent& f : faults) {
    if (f.action == "corrupt-packet" && f.result == "ok")
      damaged.insert({f.target, f.video, f.packet});
  }
  std::map<std::pair<std::string, int64_t>, int> copies;
  bool checked = true;
  for (int i = 1; i <= workers; ++i) {
    const std::string cmd = "'" + self_exe + "' store check '" + fog_dir +
                            "/workers/worker-" + std::to_string(i) +
                            "' 2>/dev/null";
    std::string text;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) text.append(buf, n);
      ::pclose(p);
    }
    const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.contains("videos") ||
        !doc["videos"].is_object()) {
      checked = false;
      continue;
    }
    for (const auto& [video, ranges] : doc["videos"].items()) {
      if (!ranges.is_string()) continue;
      Result<PacketRanges> r = ParseRanges(ranges.get<std::string>());
      if (!r.ok()) continue;
      for (const PacketRange& range : *r) {
        for (int64_t n = range.first; n <= range.last; ++n) {
          ++copies[{video, n}];
          const std::tuple<std::string, std::string, int64_t> key{
              "worker-" + std::to_string(i), video, n};
          if (damaged.count(key)) repaired.insert(key);
        }
      }
    }
  }
  int64_t under = 0, lost = 0;
  for (const PacketEvent& p : packets) {
    if (p.broker_acked_ms < 0) continue;
    auto it = copies.find({p.video, p.packet});
    const int n = it == copies.end() ? 0 : it->second;
    if (n == 0)
      ++lost;
    else if (n < replicas)
      ++under;
  }
  return {{"checked", checked},
          {"packets_under_replicated", under},
          {"packets_lost", lost},
          {"corrupted_packets", static_cast<int64_t>(damaged.size())},
          {"corrupted_repaired", static_cast<int64_t>(repaired.size())}};
}

json BalancerJson(const FogSpec& fog, const std::vector<Sample>& samples) {
  json weights = json::object(), dispatched = json::object();
  for (const Sample& s : samples) {
    if (s.metric == "policy_weight") weights[s.label] = s.value;
    if (s.metric == "dispatched_per_s") {
      const double prev = dispatched.value(s.label, 0.0);
      dispatched[s.label] = prev + s.value;  // per-second rates over 1 s
    }
  }
  return {{"model", fog.balancer},
          {"policy_weight_last", weights},
          {"dispatched_by_worker", dispatched}};
}

// One fog of the run: its declaration, directory, host (with `network`) and
// the things the run holds on it.
struct FogRun {
  FogSpec spec;
  std::string dir;
  std::unique_ptr<FogHost> host;
  std::unique_ptr<up::FogUp> up;
  config::FogDescriptor desc;
  std::map<std::string, config::Credentials> roles;
  std::unique_ptr<mqtt::Client> watch;
  std::unique_ptr<Sampler> sampler;
  std::set<pid_t> stopped;

  // Runs `call` with this thread in the fog's namespace, so a process it
  // starts is placed there and its loopback listeners are reachable.
  template <typename F>
  void In(F&& call) {
    if (host) (void)host->Enter();
    call();
    if (host) (void)host->Leave();
  }
};

// A declared link: `b` dials `a` (b's peers name a, declared before it).
struct Link {
  std::string a, b;
  std::string Name() const { return a + "-" + b; }
};

// fog_federation_peer_connected{peer="PEER"} on `fog`'s federation metrics;
// -1 when they cannot be read.
int PeerConnected(FogRun& fog, const std::string& peer) {
  auto it = fog.desc.metrics.find("federation");
  if (it == fog.desc.metrics.end()) return -1;
  const std::string& url = it->second;
  const size_t path = url.find('/', url.find("//") + 2);
  int value = -1;
  fog.In([&] {
    std::unique_ptr<httplib::Client> http =
        tls::MakeHttpClient(url.substr(0, path), {fog.desc.ca_file, "", ""});
    http->set_connection_timeout(0, 300000);
    http->set_read_timeout(0, 500000);
    auto res = http->Get(url.substr(path));
    if (!res || res->status != 200) return;
    value = 0;
    for (const PromLine& p : ParsePrometheus(res->body)) {
      if (p.name == "fog_federation_peer_connected" &&
          LabelValue(p.labels, "peer") == peer)
        value = p.value > 0 ? 1 : 0;
    }
  });
  return value;
}

// network.hosts: a namespace per declared host, joined through one bridge,
// and where each of the fog's roles runs.
Status MakeComponentHosts(
    const NetworkSpec& net,
    std::map<std::string, std::unique_ptr<FogHost>>* hosts,
    std::map<std::string, up::UpOptions::Placement>* placement) {
  for (size_t j = 0; j < net.hosts.size(); ++j) {
    const auto& [name, roles] = net.hosts[j];
    Result<std::unique_ptr<FogHost>> made = FogHost::Create(
        net.bandwidth_mbit, net.delay_ms, net.loss_pct, static_cast<int>(j));
    if (!made.ok()) return made.status();
    for (const std::string& role : roles) {
      (*placement)[role] = {.netns = "/var/run/netns/" + (*made)->ns(),
                            .address = (*made)->address()};
    }
    hosts->emplace(name, std::move(*made));
  }
  return Status::OK();
}

// resolved.json's emulation with network.hosts.
json ComponentHostsJson(
    const NetworkSpec& net,
    const std::map<std::string, std::unique_ptr<FogHost>>& hosts) {
  json out = hosts.begin()->second->Describe();
  out["network"] =
      "the fog's components on " + std::to_string(hosts.size()) +
      " hosts, each a network namespace joined by a veth pair through one "
      "bridge, the link limited each way; the experiment's publishers and "
      "viewers outside them all";
  out["hosts"] = json::object();
  for (const auto& [name, roles] : net.hosts) {
    const FogHost& h = *hosts.at(name);
    out["hosts"][name] = {
        {"namespace", h.ns()}, {"address", h.address()}, {"roles", roles}};
  }
  out["cut_link"] =
      "blackhole routes between the two hosts' addresses, one in each "
      "namespace";
  return out;
}

void StopAll(std::vector<FogRun>& fogs) {
  for (auto it = fogs.rbegin(); it != fogs.rend(); ++it) {
    if (it->watch) it->watch->Disconnect();
    if (it->up) it->up->Stop();
  }
}

// The events of one fog: its streams' packets and copies, the views asked
// of it, the faults on its processes and on its links.
Events FogEvents(const Events& all, const std::string& fog,
                 const std::map<std::string, std::string>& video_fog) {
  Events out;
  auto mine = [&](const std::string& video) {
    auto it = video_fog.find(video);
    return it != video_fog.end() && it->second == fog;
  };
  for (const PacketEvent& p : all.packets)
    if (mine(p.video)) out.packets.push_back(p);
  for (const CopyEvent& c : all.copies)
    if (mine(c.video)) out.copies.push_back(c);
  for (const ViewEvent& v : all.views)
    if (v.fog == fog) out.views.push_back(v);
  for (const FaultEvent& f : all.faults) {
    const size_t dash = f.target.find('-');
    const bool link =
        (f.action == "cut-link" || f.action == "restore-link") &&
        (f.target.substr(0, dash) == fog || f.target.substr(dash + 1) == fog);
    if (link || f.fog == fog) out.faults.push_back(f);
  }
  return out;
}

}  // namespace

Result<RunResult> RunExperiment(const Spec& spec, const RunOptions& o) {
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return Status::IoError("cannot create " + o.out_dir);
  const bool several = spec.fogs.size() > 1;
  // One fog stays in DIR/fog as before; several in DIR/fogs/NAME.
  fs::remove_all(o.out_dir + "/fog", ec);  // fresh: no packets of a past run
  fs::remove_all(o.out_dir + "/fogs", ec);
  Result<std::vector<std::vector<Bytes>>> media =
      PrepareMedia(spec, o.out_dir + "/media");
  if (!media.ok()) return media.status();
  const NetworkSpec& net = spec.network;
  if (net.enabled && (net.delay_ms > 0 || net.loss_pct > 0) &&
      !NetemAvailable()) {
    return Status::InvalidArgument(
        "network (line " + std::to_string(net.line) +
        "): delay_ms and loss_pct need the kernel's netem qdisc, which "
        "this kernel does not have (tc qdisc add ... netem: unknown qdisc "
        "kind); remove them to emulate bandwidth alone");
  }
  // Each host outlives the processes on it: StopAll runs on every path
  // before the vectors (and with them the hosts) are destroyed, the
  // components' hosts (network.hosts) after the fogs.
  std::map<std::string, std::unique_ptr<FogHost>> component_hosts;
  std::vector<FogRun> fogs(spec.fogs.size());
  std::map<std::string, FogRun*> by_name;
  std::vector<Link> links;
  for (size_t i = 0; i < spec.fogs.size(); ++i) {
    FogRun& f = fogs[i];
    f.spec = spec.fogs[i];
    f.dir = several ? o.out_dir + "/fogs/" + f.spec.name : o.out_dir + "/fog";
    by_name[f.spec.name] = &f;
    // Named earlier fog first ("a-b" when b dials a).
    for (const std::string& p : f.spec.peers) links.push_back({p, f.spec.name});
  }
  Status s;
  std::map<std::string, trust::SecretKey> keys;
  for (size_t i = 0; i < fogs.size() && s.ok(); ++i) {
    FogRun& f = fogs[i];
    std::map<std::string, up::UpOptions::Placement> placement;
    if (!net.hosts.empty()) {
      s = MakeComponentHosts(net, &component_hosts, &placement);
      if (!s.ok()) break;
    } else if (net.enabled) {
      Result<std::unique_ptr<FogHost>> made = FogHost::Create(
          net.bandwidth_mbit, net.delay_ms, net.loss_pct, static_cast<int>(i));
      if (!made.ok()) {
        s = made.status();
        break;
      }
      f.host = std::move(*made);
    }
    Result<std::vector<int>> ports = FreeTcpPorts("127.0.0.1", 3);
    if (!ports.ok()) {
      s = ports.status();
      break;
    }
    up::UpOptions up{
        .dir = f.dir,
        .workers = f.spec.workers,
        .mqtt_port = (*ports)[0],
        .ws_port = (*ports)[1],
        .http_port = (*ports)[2],
        .replicas = f.spec.replicas,
        .balancer = f.spec.balancer != "none",
        .balancer_model = f.spec.balancer == "none" ? "exact" : f.spec.balancer,
        .balancer_period_ms = f.spec.balancer_period_ms,
        .self_exe = o.self_exe,
        .worker_store_quota = f.spec.store_quota_bytes};
    if (f.host) up.bind = f.host->address();
    up.placement = std::move(placement);
    up.name = f.spec.name;
    // The peers' packets are trusted the documented way (docs/federation.md):
    // each peer's certificate authority and publisher key in this fog's
    // trust directory, before it starts; and this fog's in each peer's.
    fs::create_directories(f.dir + "/trust", ec);
    for (const std::string& p : f.spec.peers) {
      FogRun& peer = *by_name.at(p);
      up.peers.push_back(peer.desc.peer_uri);
      fs::copy_file(peer.dir + "/trust/fog-ca.authority",
                    f.dir + "/trust/" + p + ".authority",
                    fs::copy_options::overwrite_existing, ec);
      fs::copy_file(peer.dir + "/keys/publisher.pub",
                    f.dir + "/trust/" + p + ".pub",
                    fs::copy_options::overwrite_existing, ec);
    }
    f.up = std::make_unique<up::FogUp>(up);
    std::fprintf(stderr, "experiment %s: starting fog %s in %s\n",
                 spec.name.c_str(), f.spec.name.c_str(), f.dir.c_str());
    f.In([&] { s = f.up->Start(); });
    if (!s.ok()) break;
    f.desc = f.up->descriptor();
    for (const std::string& p : f.spec.peers) {
      FogRun& peer = *by_name.at(p);
      fs::copy_file(f.dir + "/trust/fog-ca.authority",
                    peer.dir + "/trust/" + f.spec.name + ".authority",
                    fs::copy_options::overwrite_existing, ec);
      fs::copy_file(f.dir + "/keys/publisher.pub",
                    peer.dir + "/trust/" + f.spec.name + ".pub",
                    fs::copy_options::overwrite_existing, ec);
    }
    auto roles = bench::LoadRoles(f.dir, {"master"});
    Result<trust::SecretKey> key = trust::LoadSecretKey(f.desc.publisher_key);
    if (!roles.ok() || !key.ok()) {
      s = !roles.ok() ? roles.status() : key.status();
      break;
    }
    f.roles = std::move(*roles);
    keys.emplace(f.spec.name, std::move(*key));
    f.sampler = std::make_unique<Sampler>(
        f.desc.metrics.count("master") ? f.desc.metrics.at("master") : "",
        f.desc.ca_file);
  }
  if (!s.ok()) {
    StopAll(fogs);
    return s;
  }
  // Every declared link is up, seen from both sides, before the clock
  // starts (the federation's metrics).
  if (!links.empty()) {
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    for (;;) {
      bool all = true;
      for (const Link& l : links)
        all = all && PeerConnected(*by_name[l.a], l.b) == 1 &&
              PeerConnected(*by_name[l.b], l.a) == 1;
      if (all) break;
      if (Clock::now() > deadline) {
        StopAll(fogs);
        return Status::Unavailable(
            "the fogs' links did not come up within 30 s "
            "(fog_federation_peer_connected)");
      }
      for (FogRun& f : fogs) f.In([&] { f.up->Poll(); });
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::fprintf(stderr, "experiment %s: %zu link(s) up\n", spec.name.c_str(),
                 links.size());
  }
  std::unique_ptr<PresignedFile> presigned;
  Result<std::vector<Stream>> streams =
      SignStreams(spec, keys, *media, o.out_dir + "/presigned.bin", &presigned);
  if (!streams.ok()) {
    StopAll(fogs);
    return streams.status();
  }
  std::map<std::string, std::string> video_fog;
  for (const Stream& st : *streams) video_fog[st.video] = st.fog;

  // Every publisher connects before the clock starts, so the first slots
  // are not late by a connection's set-up. All at once: the MQTT library
  // takes up to a second (its poll interval) to finish each connection, so
  // a hundred in turn would take minutes.
  std::vector<std::unique_ptr<mqtt::Client>> clients;
  for (const Stream& st : *streams) {
    const config::FogDescriptor& desc = by_name[st.fog]->desc;
    const config::Credentials& creds = desc.credentials.at("publisher");
    clients.push_back(std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = desc.mqtt_uri,
                             .client_id = "fog-exp-" + st.video,
                             .username = creds.username,
                             .password = creds.password}));
  }
  std::vector<Status> connected(clients.size());
  {
    std::vector<std::thread> connecting;
    for (size_t i = 0; i < clients.size(); ++i) {
      connecting.emplace_back([&, i] {
        connected[i] = clients[i]->Connect(std::chrono::seconds(10));
      });
    }
    for (std::thread& t : connecting) t.join();
  }
  for (const Status& c : connected) {
    if (!c.ok()) {
      StopAll(fogs);
      return c;
    }
  }
  Recorder rec(spec.fog.replicas);
  for (const Stream& st : *streams) rec.Expect(st.video, st.fog);
  {
    size_t planned = 0;
    for (const Stream& st : *streams) planned += st.packets.size();
    double views = 0;
    for (const ViewerSpec& v : spec.viewers)
      views += v.rate_per_s * spec.duration_s + v.count;
    int replicas = 0;
    for (const FogSpec& f : spec.fogs)
      replicas = std::max(replicas, f.replicas);
    rec.set_bounds(planned * (replicas + 8), static_cast<size_t>(views) + 1);
  }
  FogRun& first = fogs.front();
  StoreFaults store_faults{.key = &keys.at(first.spec.name),
                           .fog_dir = first.dir,
                           .quota_bytes = first.spec.store_quota_bytes,
                           .filler_bytes = FillerBytes(spec)};
  for (FogRun& f : fogs) {
    // A persistent session: acks the workers publish while the broker
    // restarts, or while this client reconnects, are kept for it.
    f.watch = std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = f.desc.mqtt_uri,
                             .client_id = "fog-exp-watch",
                             .username = f.roles["master"].username,
                             .password = f.roles["master"].password,
                             .clean_start = false,
                             .session_expiry_seconds = 600});
    const bool is_first = &f == &first;
    f.watch->OnMessage([&rec, &store_faults, is_first](const mqtt::Message& m) {
      rec.OnAck(m.payload);
      if (is_first) store_faults.acks.Offer(m);
    });
    s = f.watch->Connect(std::chrono::seconds(10));
    if (s.ok()) s = f.watch->Subscribe(wire::topics::kAckFilter, 1);
    if (!s.ok()) {
      StopAll(fogs);
      return s;
    }
  }
  if (std::any_of(spec.faults.begin(), spec.faults.end(), IsStoreFault)) {
    store_faults.client = std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = first.desc.mqtt_uri,
                             .client_id = "fog-exp-faults",
                             .username = first.roles["master"].username,
                             .password = first.roles["master"].password});
    if (s = store_faults.client->Connect(std::chrono::seconds(10)); !s.ok()) {
      StopAll(fogs);
      return s;
    }
  }
  // The clock starts once every connection is up.
  const auto start = Clock::now() + std::chrono::milliseconds(200);
  rec.set_start(start);

  std::vector<std::thread> threads;
  for (size_t i = 0; i < streams->size(); ++i) {
    threads.emplace_back([&, i] {
      Publish(clients[i].get(), (*streams)[i], *presigned, start, &rec);
    });
  }
  const auto publish_end =
      start +
      std::chrono::milliseconds(static_cast<int64_t>(spec.duration_s * 1000));
  std::vector<std::thread> viewers;
  uint64_t viewer_seed = spec.seed * 1000003;
  for (const ViewerSpec& v : spec.viewers) {
    const auto interval = std::chrono::milliseconds(
        static_cast<int64_t>(1000.0 * v.count / v.rate_per_s));
    const config::FogDescriptor* desc = &by_name[v.fog]->desc;
    for (int i = 0; i < v.count; ++i) {
      viewers.emplace_back([&, v, interval, desc, seed = ++viewer_seed] {
        if (v.kind == "get") {
          ViewByGet(*desc, v, interval, seed, start, publish_end, &rec);
        } else {
          View(desc->http_url, v, desc->ca_file, interval, seed, start,
               publish_end, &rec);
        }
      });
    }
  }

  std::vector<Sample> samples;
  pid_t hog = -1;
  size_t next_fault = 0;
  std::vector<FaultSpec> faults = spec.faults;
  std::stable_sort(
      faults.begin(), faults.end(),
      [](const FaultSpec& a, const FaultSpec& b) { return a.at_s < b.at_s; });
  const auto end = publish_end + std::chrono::milliseconds(
                                     static_cast<int64_t>(spec.drain_s * 1000));
  int64_t last_published = 0, last_complete = 0;
  bool publishers_joined = false;
  // Each link's state once a second: 1 when both sides report it connected.
  auto sample_links = [&](double t) {
    for (const Link& l : links) {
      const int ab = PeerConnected(*by_name[l.a], l.b);
      const int ba = PeerConnected(*by_name[l.b], l.a);
      samples.push_back(
          {t, "link_up", l.Name(), (ab == 1 && ba == 1) ? 1.0 : 0.0});
    }
  };
  for (int second = 1;; ++second) {
    const auto tick = start + std::chrono::seconds(second);
    while (Clock::now() < tick) {
      const double now_s = rec.Now() / 1000;
      while (next_fault < faults.size() && faults[next_fault].at_s <= now_s) {
        const FaultSpec& f = faults[next_fault++];
        if (IsStoreFault(f)) {
          ApplyStoreFault(f, spec, &store_faults, &rec);
          continue;
        }
        std::string result;
        std::string fog_name = f.fog;
        if (f.action == "cut-link" || f.action == "restore-link") {
          const size_t dash = f.target.find('-');
          const std::string a = f.target.substr(0, dash),
                            b = f.target.substr(dash + 1);
          // Between two of the fog's hosts (network.hosts), or two fogs.
          FogHost& ha = component_hosts.count(a) ? *component_hosts.at(a)
                                                 : *by_name.at(a)->host;
          FogHost& hb = component_hosts.count(b) ? *component_hosts.at(b)
                                                 : *by_name.at(b)->host;
          Status ls = FogHost::SetLink(ha, hb, f.action == "cut-link");
          result = ls.ok() ? "ok" : ls.message();
          fog_name.clear();
        } else {
          FogRun& fr = *by_name.at(f.fog);
          result = ApplyFault(f, *fr.up, Processes(fr.spec, *fr.up),
                              &fr.stopped, &hog);
          if (!several) fog_name.clear();  // one fog: targets as before
        }
        std::fprintf(stderr, "experiment: t=%.1f s %s %s%s%s: %s\n", now_s,
                     f.action.c_str(), several ? fog_name.c_str() : "",
                     several && !fog_name.empty() ? "/" : "", f.target.c_str(),
                     result.c_str());
        rec.AddFault({.at_ms = rec.Now(),
                      .action = f.action,
                      .target = f.target,
                      .result = result,
                      .fog = fog_name});
      }
      for (FogRun& f : fogs) f.In([&] { f.up->Poll(); });
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const double t = second;
    // The masters' /metrics listen on each fog's loopback. With several
    // fogs every label names its fog ("a/worker-1"; "a" for a fog-wide one).
    for (FogRun& f : fogs) {
      std::vector<Sample> mine;
      f.In([&] { f.sampler->Take(t, Processes(f.spec, *f.up), &mine); });
      for (Sample& m : mine) {
        if (several)
          m.label = f.spec.name + (m.label.empty() ? "" : "/" + m.label);
        samples.push_back(std::move(m));
      }
    }
    sample_links(t);
    const int64_t published = rec.published(), complete = rec.complete();
    samples.push_back(
        {t, "published_per_s", "", double(published - last_published)});
    samples.push_back(
        {t, "complete_per_s", "", double(complete - last_complete)});
    last_published = published;
    last_complete = complete;
    if (Clock::now() >= publish_end && !publishers_joined) {
      for (std::thread& th : threads) th.join();
      publishers_joined = true;
    }
    if (publishers_joined && rec.complete() >= rec.acked()) break;
    if (Clock::now() >= end && publishers_joined) break;
  }
  // Links: whether each is up again after the run, waiting at most 30 s
  // (a peer marked down is retried on its own schedule).
  json links_json = json::object();
  for (std::thread& th : viewers) th.join();
  for (std::thread& th : store_faults.fills) th.join();
  if (store_faults.client) store_faults.client->Disconnect();
  for (auto& c : clients) c->Disconnect();
  Events events = rec.Take();
  if (!several)
    for (ViewEvent& v : events.views) v.fog.clear();  // one fog: as before
  for (const Link& l : links) {
    double last_change = -1;
    for (const FaultEvent& f : events.faults)
      if ((f.action == "cut-link" || f.action == "restore-link") &&
          (f.target == l.Name() || f.target == l.b + "-" + l.a))
        last_change = std::max(last_change, f.at_ms);
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    bool up_now = false;
    for (;;) {
      up_now = PeerConnected(*by_name[l.a], l.b) == 1 &&
               PeerConnected(*by_name[l.b], l.a) == 1;
      if (up_now || Clock::now() > deadline) break;
      for (FogRun& f : fogs) f.In([&] { f.up->Poll(); });
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const double now_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    // When the link was first seen up again after its last cut or restore:
    // the first one-second sample after it, or now.
    json back = nullptr;
    if (last_change >= 0 && up_now) {
      double seen = now_ms;
      for (const Sample& smp : samples)
        if (smp.metric == "link_up" && smp.label == l.Name() &&
            smp.value == 1 && smp.t_s * 1000 > last_change) {
          seen = std::min(seen, smp.t_s * 1000);
        }
      back = seen - last_change;
    }
    int seconds_down = 0;
    for (const Sample& smp : samples)
      if (smp.metric == "link_up" && smp.label == l.Name() && smp.value == 0)
        ++seconds_down;
    links_json[l.Name()] = {{"up_at_end", up_now ? 1 : 0},
                            {"seconds_down", seconds_down},
                            {"up_after_last_change_ms", back}};
  }
  for (FogRun& f : fogs)
    for (pid_t pid : f.stopped) ::kill(pid, SIGCONT);  // or they linger
  if (hog > 0) {
    ::kill(hog, SIGKILL);
    ::waitpid(hog, nullptr, 0);
  }
  StopAll(fogs);

  json summary = Summarize(events, spec.fog.replicas, spec.duration_s);
  summary["balancer"] = BalancerJson(spec.fog, samples);
  json stores = nullptr;
  json per_fog = json::object();
  for (FogRun& f : fogs) {
    // Each fog's stores hold its own streams only: count them alone.
    const Events mine =
        several ? FogEvents(events, f.spec.name, video_fog) : Events{};
    const Events& counted = several ? mine : events;
    json st = StoreCopies(o.self_exe, f.dir, f.spec.workers, f.spec.replicas,
                          counted.packets, counted.faults);
    if (several) {
      json fs_summary = Summarize(mine, f.spec.replicas, spec.duration_s);
      fs_summary["stores"] = st;
      per_fog[f.spec.name] = fs_summary;
    }
    if (stores.is_null()) {
      stores = st;
    } else {
      stores["checked"] =
          stores["checked"].get<bool>() && st["checked"].get<bool>();
      for (const char* k : {"packets_under_replicated", "packets_lost",
                            "corrupted_packets", "corrupted_repaired"})
        stores[k] = stores[k].get<int64_t>() + st[k].get<int64_t>();
    }
  }
  summary["stores"] = stores;
  if (several) {
    summary["fogs"] = per_fog;
    summary["links"] = links_json;
  }
  RunResult result;
  json checked = json::array();
  for (const AssertionSpec& a : spec.assertions) {
    double value = 0;
    const bool found = LookupNumber(summary, a.metric, &value);
    const bool ok = found && (!a.has_min || value >= a.min) &&
                    (!a.has_max || value <= a.max);
    checked.push_back({{"name", a.Name()},
                       {"value", found ? json(value) : json(nullptr)},
                       {"held", ok}});
    if (!ok) result.violated.push_back(a.Name());
  }
  summary["assertions"] = checked;

  json emulation = {
      {"network", "none: every process on the loopback interface"},
      {"bandwidth_limit", nullptr},
      {"delay_ms", nullptr},
      {"loss_pct", nullptr}};
  if (first.host) emulation = first.host->Describe();
  if (!component_hosts.empty()) {
    emulation = ComponentHostsJson(net, component_hosts);
  }
  json fogs_json = json::object();
  for (FogRun& f : fogs) {
    fogs_json[f.spec.name] = {
        {"mqtt", f.desc.mqtt_uri}, {"http", f.desc.http_url}, {"dir", f.dir}};
    if (several && f.host) emulation["hosts"][f.spec.name] = f.host->Describe();
  }
  if (several) {
    if (net.enabled)
      emulation["network"] =
          "each fog in a network namespace of its own, joined through one "
          "bridge; the experiment's publishers and viewers outside";
    emulation["links"] = json::array();
    for (const Link& l : links) emulation["links"].push_back(l.Name());
    emulation["cut_link"] = net.enabled
                                ? json(
                                      "blackhole routes between the two fogs' "
                                      "addresses, one in each namespace")
                                : json(nullptr);
  }
  json resolved = {{"experiment", SpecJson(spec)},
                   {"seed", spec.seed},
                   {"machine", MachineJson(o.source_dir)},
                   {"emulation", emulation}};
  if (several)
    resolved["fogs"] = fogs_json;
  else
    resolved["fog"] = fogs_json.begin().value();
  s = WriteJson(o.out_dir + "/resolved.json", resolved);
  if (s.ok())
    s = WriteEvents(o.out_dir + "/events.csv", events, spec.fog.replicas);
  if (s.ok()) s = WriteSamples(o.out_dir + "/samples.csv", samples);
  if (s.ok()) s = WriteJson(o.out_dir + "/summary.json", summary);
  if (!s.ok()) return s;
  return result;
}

}  // namespace fog::experiment
