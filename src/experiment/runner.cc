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
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "bench/fog_roles.h"
#include "common/bytes.h"
#include "common/packet_ranges.h"
#include "experiment/media_source.h"
#include "experiment/network.h"
#include "experiment/outputs.h"
#include "experiment/sampler.h"
#include "experiment/store_faults.h"
#include "experiment/summary.h"
#include "mqtt/client.h"
#include "trust/keys.h"
#include "trust/packet_signer.h"
#include "up/fog_up.h"
#include "up/role_config.h"
#include "wire/ack.h"
#include "wire/envelope.h"
#include "wire/topics.h"

namespace fog::experiment {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

// Pre-signed streams live in memory for the run: more than this is refused
// rather than swapped.
constexpr uint64_t kMaxPresignedBytes = uint64_t{1} << 30;

struct Stream {
  std::string video;
  double gop_ms = 1000;
  double offset_ms = 0;  // streams start staggered over one GOP
  std::vector<Bytes> payloads;
};

// Everything observed, shared by the publisher, viewer and ack threads.
class Recorder {
 public:
  explicit Recorder(int replicas) : replicas_(replicas) {}

  // REQUIRES: before any other thread uses the recorder.
  void set_start(Clock::time_point start) { start_ = start; }

  double Now() const {
    return std::chrono::duration<double, std::milli>(Clock::now() - start_)
        .count();
  }
  void Expect(const std::string& video) { videos_.insert(video); }

  size_t AddPacket(PacketEvent e) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.packets.push_back(std::move(e));
    return events_.packets.size() - 1;
  }
  void Acked(size_t index, double at_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.packets[index].broker_acked_ms = at_ms;
    ++acked_;
  }
  void OnAck(const mqtt::Message& m) {
    Result<std::vector<wire::WorkerAck>> acks = wire::DecodeAcks(m.payload);
    if (!acks.ok()) return;
    const double now = Now();
    std::lock_guard<std::mutex> lock(mu_);
    for (const wire::WorkerAck& a : *acks) {
      if (!videos_.count(a.video_id)) continue;  // not ours
      events_.copies.push_back(
          {a.video_id, a.packet_number, a.worker, now, a.result, a.reason});
      if (a.result != "stored" && a.result != "duplicate") continue;
      auto& holders = holders_[{a.video_id, a.packet_number}];
      if (holders.insert(a.worker).second &&
          holders.size() == static_cast<size_t>(replicas_)) {
        ++complete_;
        complete_list_.push_back({a.video_id, a.packet_number});
      }
    }
  }
  void AddView(ViewEvent v) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.views.push_back(std::move(v));
  }
  void AddFault(FaultEvent f) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.faults.push_back(std::move(f));
  }
  // A packet that has its R copies, chosen by `rng`; false when none has.
  bool PickComplete(std::mt19937_64& rng, std::string* video, int64_t* n) {
    std::lock_guard<std::mutex> lock(mu_);
    if (complete_list_.empty()) return false;
    const auto& p = complete_list_[rng() % complete_list_.size()];
    *video = p.first;
    *n = p.second;
    return true;
  }
  // The earliest packet that has its R copies, one of them on `worker`;
  // false when none has yet.
  bool PickHeldBy(const std::string& worker, std::string* video,
                  int64_t* n) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& key : complete_list_) {
      auto it = holders_.find(key);
      if (it == holders_.end() || !it->second.count(worker)) continue;
      *video = key.first;
      *n = key.second;
      return true;
    }
    return false;
  }
  int64_t acked() const {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_;
  }
  int64_t complete() const {
    std::lock_guard<std::mutex> lock(mu_);
    return complete_;
  }
  int64_t published() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int64_t>(events_.packets.size());
  }
  Events Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(events_);
  }

 private:
  Clock::time_point start_;
  const int replicas_;
  std::set<std::string> videos_;  // filled before any thread starts
  mutable std::mutex mu_;
  Events events_;
  std::map<std::pair<std::string, int64_t>, std::set<std::string>> holders_;
  std::vector<std::pair<std::string, int64_t>> complete_list_;
  int64_t acked_ = 0, complete_ = 0;
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
    Result<std::vector<Bytes>> cut =
        CutVideo("ffmpeg", path, kMaxPresignedBytes);
    if (p.source == "pattern") fs::remove(path);
    if (!cut.ok())
      return Status::InvalidArgument("publishers[" + std::to_string(g) +
                                     "]: " + cut.status().message());
    for (const Bytes& b : *cut) total += b.size() * p.count;
    media[g] = std::move(*cut);
  }
  std::error_code ec;
  fs::remove(tmp_dir, ec);  // only when empty: every pattern is removed
  if (total > kMaxPresignedBytes) {
    return Status::InvalidArgument(
        "publishers: " + std::to_string(total >> 20) +
        " MiB of video packets exceed the 1024 MiB the run holds in memory");
  }
  return media;
}

Result<std::vector<Stream>> SignStreams(
    const Spec& spec, const trust::SecretKey& key,
    const std::vector<std::vector<Bytes>>& media) {
  std::mt19937_64 rng(spec.seed);
  uint64_t total = 0;
  for (const PublisherSpec& p : spec.publishers) {
    if (p.source != "synthetic") continue;  // counted by PrepareMedia
    const double bytes = p.bitrate_kbps * 125 * p.gop_s;
    for (int i = 0; i < p.count; ++i) {
      const double offset_s = p.start_every_s > 0 ? p.start_every_s * i : 0;
      const double packets =
          std::max(1.0, std::floor((spec.duration_s - offset_s) / p.gop_s));
      total += static_cast<uint64_t>(bytes * packets);
    }
  }
  if (total > kMaxPresignedBytes) {
    return Status::InvalidArgument(
        "publishers: " + std::to_string(total >> 20) +
        " MiB of pre-signed packets exceed the 1024 MiB the run holds in "
        "memory; shorten duration_s or lower the bitrate");
  }
  std::vector<Stream> streams;
  for (size_t g = 0; g < spec.publishers.size(); ++g) {
    const PublisherSpec& p = spec.publishers[g];
    const size_t bytes = std::max<size_t>(
        64, static_cast<size_t>(p.bitrate_kbps * 125 * p.gop_s));
    for (int i = 0; i < p.count; ++i) {
      Stream s;
      s.video = "exp-" + std::to_string(spec.seed) + "-s" +
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
      trust::PacketSigner signer(key.Clone(), {});
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
        s.payloads.push_back(wire::EncodeEnvelope(*e));
      }
      streams.push_back(std::move(s));
    }
  }
  return streams;
}

// Publishes one stream's packets in their real-time slots; a packet whose
// slot has passed (the publish before it waited) goes at once, and the lag
// is in its event.
void Publish(mqtt::Client* client, const Stream& stream,
             Clock::time_point start, Recorder* rec) {
  const std::string topic = wire::topics::Stream(stream.video);
  for (size_t i = 0; i < stream.payloads.size(); ++i) {
    const double slot = stream.offset_ms + stream.gop_ms * i;
    std::this_thread::sleep_until(
        start + std::chrono::microseconds(static_cast<int64_t>(slot * 1000)));
    const size_t index = rec->AddPacket({.video = stream.video,
                                         .packet = static_cast<int64_t>(i + 1),
                                         .published_ms = rec->Now(),
                                         .scheduled_ms = slot});
    mqtt::Message m{.topic = topic, .qos = 1};
    m.payload = stream.payloads[i];
    if (client->Publish(m, /*wait=*/true).ok()) rec->Acked(index, rec->Now());
  }
}

// One viewer: a request every `interval` for a packet that has its copies.
void View(const std::string& http_url, const ViewerSpec& spec,
          std::chrono::milliseconds interval, uint64_t seed,
          Clock::time_point start, Clock::time_point stop, Recorder* rec) {
  std::mt19937_64 rng(seed);
  httplib::Client http(http_url);
  http.set_connection_timeout(2);
  http.set_read_timeout(5);
  for (auto next = start + interval; next < stop; next += interval) {
    std::this_thread::sleep_until(next);
    std::string video;
    int64_t n = 0;
    if (!rec->PickComplete(rng, &video, &n)) continue;
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
                  .status = res ? res->status : 0});
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
    sf->fills.emplace_back([f, at, sf, rec, seed = spec.seed] {
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
      rec->AddFault({at, f.action, f.target, r.status, r.video, 0});
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
  rec->AddFault({at, f.action, f.target, result, video, n});
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

std::map<std::string, pid_t> Processes(const Spec& spec, up::FogUp& fog) {
  std::map<std::string, pid_t> out;
  std::vector<std::string> names = {"mosquitto", "ws-bridge", "api", "master"};
  if (spec.fog.balancer != "none") names.push_back("balancer");
  for (int i = 1; i <= spec.fog.workers; ++i)
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

json BalancerJson(const Spec& spec, const std::vector<Sample>& samples) {
  json weights = json::object(), dispatched = json::object();
  for (const Sample& s : samples) {
    if (s.metric == "policy_weight") weights[s.label] = s.value;
    if (s.metric == "dispatched_per_s") {
      const double prev = dispatched.value(s.label, 0.0);
      dispatched[s.label] = prev + s.value;  // per-second rates over 1 s
    }
  }
  return {{"model", spec.fog.balancer},
          {"policy_weight_last", weights},
          {"dispatched_by_worker", dispatched}};
}

}  // namespace

Result<RunResult> RunExperiment(const Spec& spec, const RunOptions& o) {
  std::error_code ec;
  fs::create_directories(o.out_dir, ec);
  if (ec) return Status::IoError("cannot create " + o.out_dir);
  const std::string fog_dir = o.out_dir + "/fog";
  fs::remove_all(fog_dir, ec);  // a fresh fog: no packets of an earlier run
  Result<std::vector<std::vector<Bytes>>> media =
      PrepareMedia(spec, o.out_dir + "/media");
  if (!media.ok()) return media.status();
  std::unique_ptr<FogHost> host;
  const NetworkSpec& net = spec.network;
  if (net.enabled) {
    if ((net.delay_ms > 0 || net.loss_pct > 0) && !NetemAvailable()) {
      return Status::InvalidArgument(
          "network (line " + std::to_string(net.line) +
          "): delay_ms and loss_pct need the kernel's netem qdisc, which "
          "this kernel does not have (tc qdisc add ... netem: unknown qdisc "
          "kind); remove them to emulate bandwidth alone");
    }
    Result<std::unique_ptr<FogHost>> made =
        FogHost::Create(net.bandwidth_mbit, net.delay_ms, net.loss_pct);
    if (!made.ok()) return made.status();
    host = std::move(*made);
  }
  // Every call that may start one of the fog's processes runs with this
  // thread in the fog's namespace, so the process is placed there.
  auto in_fog = [&](auto&& call) {
    if (host) (void)host->Enter();
    call();
    if (host) (void)host->Leave();
  };

  Result<std::vector<int>> ports = up::FreeTcpPorts("127.0.0.1", 3);
  if (!ports.ok()) return ports.status();
  up::UpOptions up{.dir = fog_dir,
                   .workers = spec.fog.workers,
                   .mqtt_port = (*ports)[0],
                   .ws_port = (*ports)[1],
                   .http_port = (*ports)[2],
                   .replicas = spec.fog.replicas,
                   .balancer = spec.fog.balancer != "none",
                   .balancer_model = spec.fog.balancer == "none"
                                         ? "exact"
                                         : spec.fog.balancer,
                   .balancer_period_ms = spec.fog.balancer_period_ms,
                   .self_exe = o.self_exe,
                   .worker_store_quota = spec.fog.store_quota_bytes};
  if (host) up.bind = host->address();
  up::FogUp fog(up);
  std::fprintf(stderr, "experiment %s: starting a fog in %s\n",
               spec.name.c_str(), fog_dir.c_str());
  Status s;
  in_fog([&] { s = fog.Start(); });
  if (!s.ok()) return s;
  const config::FogDescriptor& desc = fog.descriptor();
  auto roles = bench::LoadRoles(fog_dir, {"master"});
  Result<trust::SecretKey> key = trust::LoadSecretKey(desc.publisher_key);
  if (!roles.ok() || !key.ok()) {
    fog.Stop();
    return !roles.ok() ? roles.status() : key.status();
  }
  Result<std::vector<Stream>> streams = SignStreams(spec, *key, *media);
  if (!streams.ok()) {
    fog.Stop();
    return streams.status();
  }

  // Every publisher connects before the clock starts, so the first slots
  // are not late by a connection's set-up.
  std::vector<std::unique_ptr<mqtt::Client>> clients;
  const config::Credentials& creds = desc.credentials.at("publisher");
  for (const Stream& st : *streams) {
    clients.push_back(std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = desc.mqtt_uri,
                             .client_id = "fog-exp-" + st.video,
                             .username = creds.username,
                             .password = creds.password}));
    if (s = clients.back()->Connect(std::chrono::seconds(10)); !s.ok()) {
      fog.Stop();
      return s;
    }
  }
  Recorder rec(spec.fog.replicas);
  for (const Stream& st : *streams) rec.Expect(st.video);
  // A persistent session: acks the workers publish while the broker
  // restarts, or while this client reconnects, are kept for it.
  mqtt::Client watch({.uri = desc.mqtt_uri,
                      .client_id = "fog-exp-watch",
                      .username = (*roles)["master"].username,
                      .password = (*roles)["master"].password,
                      .clean_start = false,
                      .session_expiry_seconds = 600});
  StoreFaults store_faults{.key = &*key,
                           .fog_dir = fog_dir,
                           .quota_bytes = spec.fog.store_quota_bytes,
                           .filler_bytes = FillerBytes(spec)};
  watch.OnMessage([&](const mqtt::Message& m) {
    rec.OnAck(m);
    store_faults.acks.Offer(m);
  });
  s = watch.Connect(std::chrono::seconds(10));
  if (s.ok()) s = watch.Subscribe(wire::topics::kAckFilter, 1);
  if (!s.ok()) {
    fog.Stop();
    return s;
  }
  if (std::any_of(spec.faults.begin(), spec.faults.end(), IsStoreFault)) {
    store_faults.client = std::make_unique<mqtt::Client>(
        mqtt::ConnectOptions{.uri = desc.mqtt_uri,
                             .client_id = "fog-exp-faults",
                             .username = (*roles)["master"].username,
                             .password = (*roles)["master"].password});
    if (s = store_faults.client->Connect(std::chrono::seconds(10)); !s.ok()) {
      fog.Stop();
      return s;
    }
  }
  // The clock starts once every connection is up.
  const auto start = Clock::now() + std::chrono::milliseconds(200);
  rec.set_start(start);

  std::vector<std::thread> threads;
  for (size_t i = 0; i < streams->size(); ++i) {
    threads.emplace_back(
        [&, i] { Publish(clients[i].get(), (*streams)[i], start, &rec); });
  }
  const auto publish_end =
      start +
      std::chrono::milliseconds(static_cast<int64_t>(spec.duration_s * 1000));
  std::vector<std::thread> viewers;
  uint64_t viewer_seed = spec.seed * 1000003;
  for (const ViewerSpec& v : spec.viewers) {
    const auto interval = std::chrono::milliseconds(
        static_cast<int64_t>(1000.0 * v.count / v.rate_per_s));
    for (int i = 0; i < v.count; ++i) {
      viewers.emplace_back([&, v, interval, seed = ++viewer_seed] {
        View(desc.http_url, v, interval, seed, start, publish_end, &rec);
      });
    }
  }

  Sampler sampler(desc.metrics.count("master") ? desc.metrics.at("master") : "",
                  desc.ca_file);
  std::vector<Sample> samples;
  std::set<pid_t> stopped;
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
        const std::string result =
            ApplyFault(f, fog, Processes(spec, fog), &stopped, &hog);
        std::fprintf(stderr, "experiment: t=%.1f s %s %s: %s\n", now_s,
                     f.action.c_str(), f.target.c_str(), result.c_str());
        rec.AddFault({rec.Now(), f.action, f.target, result});
      }
      in_fog([&] { fog.Poll(); });
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const double t = second;
    // The master's /metrics listens on the fog's loopback.
    in_fog([&] { sampler.Take(t, Processes(spec, fog), &samples); });
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
  for (std::thread& th : viewers) th.join();
  for (std::thread& th : store_faults.fills) th.join();
  if (store_faults.client) store_faults.client->Disconnect();
  for (auto& c : clients) c->Disconnect();
  for (pid_t pid : stopped) ::kill(pid, SIGCONT);  // or they linger stopped
  if (hog > 0) {
    ::kill(hog, SIGKILL);
    ::waitpid(hog, nullptr, 0);
  }
  watch.Disconnect();
  fog.Stop();

  Events events = rec.Take();
  json summary = Summarize(events, spec.fog.replicas, spec.duration_s);
  summary["balancer"] = BalancerJson(spec, samples);
  summary["stores"] =
      StoreCopies(o.self_exe, fog_dir, spec.fog.workers, spec.fog.replicas,
                  events.packets, events.faults);
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

  json resolved = {
      {"experiment", SpecJson(spec)},
      {"seed", spec.seed},
      {"machine", MachineJson(o.source_dir)},
      {"emulation",
       host ? host->Describe()
            : json{{"network", "none: every process on the loopback interface"},
                   {"bandwidth_limit", nullptr},
                   {"delay_ms", nullptr},
                   {"loss_pct", nullptr}}},
      {"fog",
       {{"mqtt", desc.mqtt_uri}, {"http", desc.http_url}, {"dir", fog_dir}}}};
  s = WriteJson(o.out_dir + "/resolved.json", resolved);
  if (s.ok())
    s = WriteEvents(o.out_dir + "/events.csv", events, spec.fog.replicas);
  if (s.ok()) s = WriteSamples(o.out_dir + "/samples.csv", samples);
  if (s.ok()) s = WriteJson(o.out_dir + "/summary.json", summary);
  if (!s.ok()) return s;
  return result;
}

}  // namespace fog::experiment
