// `fog bench burst`: several publishers replay pre-signed packets into a
// running fog as fast as the fog lets them (each follows fog/backlog, as
// `fog stream` does, unless told not to), while the benchmark reads the
// workers' acks, the master's backlog reports and the RSS of the master and
// the broker from /proc. It reports the publishers' throughput against the
// fog's store rate (packets stored R times), the time publishers were held
// back, the memory peaks, and whether every packet the broker acknowledged
// was stored R times (and none twice by one worker).

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench.h"
#include "bench/fog_roles.h"
#include "bench/process_cpu.h"
#include "common/bytes.h"
#include "config/fog_descriptor.h"
#include "mqtt/client.h"
#include "publisher/backlog_gate.h"
#include "trust/keys.h"
#include "trust/packet_signer.h"
#include "wire/ack.h"
#include "wire/backlog.h"
#include "wire/envelope.h"
#include "wire/topics.h"

namespace fog::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}
double Round(double x, int digits) {
  const double scale = std::pow(10, digits);
  return std::round(x * scale) / scale;
}
double MiB(double bytes) { return Round(bytes / (1 << 20), 1); }

// One publisher's pre-signed video: a file of [u32 length][payload] records.
struct Plan {
  std::string video_id;
  std::string path;
  int64_t packets = 0;
  uint64_t bytes = 0;
};

Status SignVideo(const trust::SecretKey& key, size_t packet_bytes,
                 int64_t packets, std::mt19937_64& rng, Plan* plan) {
  std::ofstream out(plan->path, std::ios::binary);
  if (!out) return Status::IoError("cannot write " + plan->path);
  trust::PacketSigner signer(key.Clone(), {});
  Bytes data(packet_bytes);
  for (int64_t n = 1; n <= packets; ++n) {
    for (size_t i = 0; i < data.size(); i += 8) {
      const uint64_t r = rng();
      std::memcpy(data.data() + i, &r, std::min<size_t>(8, data.size() - i));
    }
    const bool last = n == packets;
    Result<wire::Envelope> e = signer.Next({.video_id = plan->video_id,
                                            .packet_number = n,
                                            .total_packets = last ? packets : 0,
                                            .data = data},
                                           last);
    if (!e.ok()) return e.status();
    const Bytes payload = wire::EncodeEnvelope(*e);
    const uint32_t len = static_cast<uint32_t>(payload.size());
    out.write(reinterpret_cast<const char*>(&len), sizeof(len));
    out.write(reinterpret_cast<const char*>(payload.data()), payload.size());
    plan->bytes += payload.size();
  }
  plan->packets = packets;
  out.close();
  return out ? Status::OK() : Status::IoError("cannot write " + plan->path);
}

// What the fog did with the packets: the workers' acks and the backlog.
class Observer {
 public:
  explicit Observer(int replicas) : replicas_(replicas) {}

  void OnMessage(const mqtt::Message& m) {
    if (m.topic == wire::topics::kBacklog) {
      Result<wire::BacklogReport> r = wire::DecodeBacklog(m.payload);
      if (!r.ok()) return;
      std::lock_guard<std::mutex> lock(mu_);
      backlog_max_ = std::max(backlog_max_, r->bytes);
      backlog_now_ = r->bytes;
      over_ = r->over;
      return;
    }
    Result<std::vector<wire::WorkerAck>> acks = wire::DecodeAcks(m.payload);
    if (!acks.ok()) return;
    const auto now = Clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    for (const wire::WorkerAck& a : *acks) {
      auto sizes = sizes_.find(a.video_id);
      if (sizes == sizes_.end()) continue;  // not ours
      const PacketKey key{a.video_id, a.packet_number};
      // One worker storing one packet twice would be a duplicate record.
      if (a.result == "stored" && ++stored_acks_[{key, a.worker}] > 1) {
        ++stored_twice_;
      }
      if (a.result != "stored" && a.result != "duplicate") {
        ++other_results_[a.result];
        continue;
      }
      std::set<std::string>& holders = holders_[key];
      if (!holders.insert(a.worker).second) continue;
      if (holders.size() == static_cast<size_t>(replicas_)) {
        ++complete_;
        complete_bytes_ += sizes->second;
        last_complete_ = now;
        cv_.notify_all();
      }
    }
  }

  void Expect(const std::string& video_id, uint64_t packet_bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    sizes_[video_id] = packet_bytes;
  }

  // Waits until `packets` packets are stored R times, or the deadline.
  bool WaitComplete(int64_t packets, Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return complete_ >= packets; });
  }

  struct Snapshot {
    int64_t complete = 0;
    uint64_t complete_bytes = 0;
    uint64_t backlog_now = 0, backlog_max = 0;
    bool over = false;
    Clock::time_point last_complete;
  };
  Snapshot snapshot() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {complete_,    complete_bytes_, backlog_now_,
            backlog_max_, over_,           last_complete_};
  }

  // Packets of `plans` (numbers 1..published) with fewer than R holders,
  // the largest holder count, and the (packet, worker) "stored" repeats.
  json Verdict(const std::vector<Plan>& plans,
               const std::vector<int64_t>& published) const {
    std::lock_guard<std::mutex> lock(mu_);
    int64_t missing = 0;
    size_t max_copies = 0;
    json examples = json::array();
    for (size_t i = 0; i < plans.size(); ++i) {
      for (int64_t n = 1; n <= published[i]; ++n) {
        auto it = holders_.find({plans[i].video_id, n});
        const size_t copies = it == holders_.end() ? 0 : it->second.size();
        max_copies = std::max(max_copies, copies);
        if (copies < static_cast<size_t>(replicas_)) {
          ++missing;
          if (examples.size() < 5) {
            examples.push_back(plans[i].video_id + "/" + std::to_string(n));
          }
        }
      }
    }
    return {{"under_replicated", missing},
            {"under_replicated_examples", examples},
            {"max_copies", max_copies},
            {"stored_twice_by_one_worker", stored_twice_},
            {"other_results", other_results_}};
  }

 private:
  using PacketKey = std::pair<std::string, int64_t>;
  const int replicas_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, uint64_t> sizes_;  // payload bytes per packet, by id
  std::map<PacketKey, std::set<std::string>> holders_;
  std::map<std::pair<PacketKey, std::string>, int> stored_acks_;
  std::map<std::string, int64_t> other_results_;
  int64_t stored_twice_ = 0;
  int64_t complete_ = 0;
  uint64_t complete_bytes_ = 0;
  uint64_t backlog_now_ = 0, backlog_max_ = 0;
  bool over_ = false;
  Clock::time_point last_complete_;
};

// One publisher replaying its file.
struct PublisherRun {
  int64_t published = 0;  // acknowledged by the broker
  uint64_t bytes = 0;
  int64_t held_count = 0;
  double held_seconds = 0;
  Clock::time_point done;
  std::string error;
};

void Replay(const BurstBenchOptions& o, const config::FogDescriptor& fog,
            const config::Credentials& creds, const Plan& plan, int index,
            Clock::time_point stop_at, PublisherRun* run) {
  mqtt::Client client({.uri = fog.mqtt_uri,
                       .client_id = "fog-burst-" + plan.video_id,
                       .username = creds.username,
                       .password = creds.password});
  publisher::BacklogGate gate(client);
  Status s = client.Connect(std::chrono::seconds(10));
  if (s.ok() && !o.ignore_backlog) s = gate.Subscribe();
  std::ifstream in(plan.path, std::ios::binary);
  if (s.ok() && !in) s = Status::IoError("cannot read " + plan.path);
  const std::string topic = wire::topics::Stream(plan.video_id);
  int window = 0;
  size_t window_bytes = 0;
  int64_t sent = 0;
  for (int64_t n = 1; s.ok() && n <= plan.packets; ++n) {
    if (Clock::now() >= stop_at) break;
    uint32_t len = 0;
    mqtt::Message m{.topic = topic, .qos = 1};
    in.read(reinterpret_cast<char*>(&len), sizeof(len));
    m.payload.resize(len);
    in.read(reinterpret_cast<char*>(m.payload.data()), len);
    if (!in) {
      s = Status::IoError("short read of " + plan.path);
      break;
    }
    if (!o.ignore_backlog) {
      bool held = false;
      double seconds = 0;
      s = gate.WaitWhileOver(
          std::chrono::milliseconds(
              static_cast<int64_t>(o.backlog_wait_max_seconds * 1000)),
          [&](const wire::BacklogReport& b) {
            held = true;
            std::fprintf(stderr,
                         "burst: publisher %d held back before packet %lld "
                         "(backlog %.1f MiB, limit %.1f MiB)\n",
                         index, static_cast<long long>(n), MiB(b.bytes),
                         MiB(b.limit_bytes));
          },
          &seconds);
      if (held) {
        ++run->held_count;
        run->held_seconds += seconds;
        std::fprintf(stderr,
                     "burst: publisher %d resumed after %.2f s held back\n",
                     index, seconds);
      }
      if (!s.ok()) break;
    }
    s = client.Publish(m, /*wait=*/false);
    ++sent;
    run->bytes += len;
    ++window;
    window_bytes += len;
    // The window `fog stream` keeps: 16 packets or 32 MiB unacknowledged.
    if (s.ok() && (window >= 16 || window_bytes >= (size_t{32} << 20))) {
      s = client.Flush(std::chrono::seconds(120));
      window = 0;
      window_bytes = 0;
      if (s.ok()) run->published = sent;
    }
  }
  if (s.ok()) s = client.Flush(std::chrono::seconds(120));
  if (s.ok()) run->published = sent;
  run->done = Clock::now();
  if (!s.ok()) run->error = s.ToString();
  client.Disconnect();
}

}  // namespace

std::string BurstBenchJson(const BurstBenchOptions& o, bool* ok) {
  json out = {{"benchmark", "burst"},
              {"publishers", o.publishers},
              {"packet_bytes", o.packet_bytes},
              {"bytes_planned", o.bytes},
              {"replicas", o.replicas},
              {"follows_backlog", !o.ignore_backlog},
              {"cores", std::thread::hardware_concurrency()}};
  if (ok) *ok = false;
  auto fail = [&](const Status& s) {
    out["error"] = s.ToString();
    return out.dump(2);
  };
  Result<config::FogDescriptor> fog = config::LoadFogDescriptor(o.dir);
  if (!fog.ok()) return fail(fog.status());
  auto roles = LoadRoles(o.dir, {"publisher", "master"});
  if (!roles.ok()) return fail(roles.status());
  Result<trust::SecretKey> key = trust::LoadSecretKey(fog->publisher_key);
  if (!key.ok()) return fail(key.status());

  // Pre-signed before anything is measured: the burst measures the fog.
  char tmpl[] = "/tmp/fog-burst-XXXXXX";
  const std::string work =
      o.work_dir.empty() ? (::mkdtemp(tmpl) ? tmpl : "") : o.work_dir;
  if (work.empty()) return fail(Status::IoError("no temporary directory"));
  std::error_code ec;
  fs::create_directories(work, ec);
  std::mt19937_64 rng(std::random_device{}());
  const int64_t per_publisher = std::max<int64_t>(
      1, static_cast<int64_t>(o.bytes / o.packet_bytes / o.publishers));
  std::vector<Plan> plans(o.publishers);
  const auto sign_start = Clock::now();
  for (int i = 0; i < o.publishers; ++i) {
    plans[i].video_id =
        "burst-" +
        ToHex(Bytes{static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng()),
                    static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng())}) +
        "-p" + std::to_string(i);
    plans[i].path = work + "/" + plans[i].video_id + ".packets";
    if (Status s =
            SignVideo(*key, o.packet_bytes, per_publisher, rng, &plans[i]);
        !s.ok()) {
      return fail(s);
    }
  }
  std::fprintf(stderr, "burst: %d videos of %lld packets signed in %.1f s\n",
               o.publishers, static_cast<long long>(per_publisher),
               Seconds(Clock::now() - sign_start));

  Observer observer(o.replicas);
  for (const Plan& p : plans) {
    observer.Expect(p.video_id, p.bytes / std::max<int64_t>(p.packets, 1));
  }
  mqtt::Client watch({.uri = fog->mqtt_uri,
                      .username = (*roles)["master"].username,
                      .password = (*roles)["master"].password});
  watch.OnMessage([&](const mqtt::Message& m) { observer.OnMessage(m); });
  Status s = watch.Connect(std::chrono::seconds(10));
  if (s.ok()) s = watch.Subscribe(wire::topics::kAckFilter, 1);
  if (s.ok()) s = watch.Subscribe(wire::topics::kBacklog, 1);
  if (!s.ok()) return fail(s);

  // RSS of the master and the broker, sampled until the end.
  std::atomic<bool> sampling{true};
  std::map<std::string, std::vector<double>> rss;
  json timeline = json::array();
  std::mutex rss_mu;
  const auto start = Clock::now();
  std::thread sampler([&] {
    for (int tick = 0; sampling; ++tick) {
      const auto now = RssBytesByRole(o.dir);
      const auto fogs = observer.snapshot();
      {
        std::lock_guard<std::mutex> lock(rss_mu);
        for (const char* role : {"master", "broker"}) {
          auto it = now.find(role);
          if (it != now.end()) rss[role].push_back(it->second);
        }
        if (tick % 4 == 0) {
          auto get = [&](const char* role) {
            auto it = now.find(role);
            return it == now.end() ? 0.0 : MiB(it->second);
          };
          timeline.push_back({{"t", Round(Seconds(Clock::now() - start), 1)},
                              {"stored_mib", MiB(fogs.complete_bytes)},
                              {"backlog_mib", MiB(fogs.backlog_now)},
                              {"over", fogs.over},
                              {"master_rss_mib", get("master")},
                              {"broker_rss_mib", get("broker")}});
          std::fprintf(stderr,
                       "burst: t=%.0f s stored %.0f MiB, backlog %.0f MiB%s, "
                       "RSS master %.0f MiB broker %.0f MiB\n",
                       Seconds(Clock::now() - start), MiB(fogs.complete_bytes),
                       MiB(fogs.backlog_now), fogs.over ? " (over)" : "",
                       get("master"), get("broker"));
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  });

  const Clock::time_point stop_at =
      o.seconds > 0 ? start + std::chrono::milliseconds(
                                  static_cast<int64_t>(o.seconds * 1000))
                    : Clock::time_point::max();
  std::vector<PublisherRun> runs(o.publishers);
  {
    std::vector<std::thread> threads;
    for (int i = 0; i < o.publishers; ++i) {
      threads.emplace_back([&, i] {
        Replay(o, *fog, (*roles)["publisher"], plans[i], i, stop_at, &runs[i]);
      });
    }
    for (std::thread& t : threads) t.join();
  }
  const auto published_at = Clock::now();
  int64_t published = 0;
  uint64_t published_bytes = 0;
  double held_seconds = 0;
  int64_t held_count = 0;
  json errors = json::array();
  std::vector<int64_t> per_plan;
  for (const PublisherRun& r : runs) {
    published += r.published;
    published_bytes += r.bytes;
    held_seconds += r.held_seconds;
    held_count += r.held_count;
    per_plan.push_back(r.published);
    if (!r.error.empty()) errors.push_back(r.error);
  }
  std::fprintf(stderr,
               "burst: published %lld packets (%.0f MiB) in %.1f s; waiting "
               "for %d copies of each\n",
               static_cast<long long>(published), MiB(published_bytes),
               Seconds(published_at - start), o.replicas);
  const bool complete = observer.WaitComplete(
      published, published_at + std::chrono::milliseconds(static_cast<int64_t>(
                                    o.store_timeout_seconds * 1000)));
  sampling = false;
  sampler.join();
  watch.Disconnect();
  fs::remove_all(work, ec);

  const Observer::Snapshot fogs = observer.snapshot();
  const double pub_seconds = Seconds(published_at - start);
  const double store_seconds = Seconds(fogs.last_complete - start);
  json rss_json = json::object();
  const auto peaks = RssBytesByRole(o.dir, /*peak=*/true);
  for (auto& [role, v] : rss) {
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    auto peak = peaks.find(role);
    rss_json[role] = {
        {"samples", v.size()},
        {"max_mib", sorted.empty() ? 0 : MiB(sorted.back())},
        {"median_mib", sorted.empty() ? 0 : MiB(sorted[sorted.size() / 2])},
        {"vmhwm_mib", peak == peaks.end() ? 0 : MiB(peak->second)}};
  }
  out["video_ids"] = json::array();
  for (const Plan& p : plans) out["video_ids"].push_back(p.video_id);
  out["published"] = {
      {"packets", published},
      {"mib", MiB(published_bytes)},
      {"seconds", Round(pub_seconds, 2)},
      {"mb_per_s",
       pub_seconds > 0 ? Round(published_bytes / pub_seconds / 1e6, 1) : 0},
      {"per_publisher", per_plan}};
  out["held_back"] = {{"times", held_count},
                      {"seconds_total", Round(held_seconds, 2)}};
  out["stored"] = {
      {"packets_with_r_copies", fogs.complete},
      {"mib", MiB(fogs.complete_bytes)},
      {"seconds", Round(store_seconds, 2)},
      {"mb_per_s", store_seconds > 0
                       ? Round(fogs.complete_bytes / store_seconds / 1e6, 1)
                       : 0}};
  out["verdict"] = observer.Verdict(plans, per_plan);
  out["backlog_max_mib"] = MiB(fogs.backlog_max);
  out["rss"] = rss_json;
  out["timeline"] = timeline;
  out["errors"] = errors;
  out["complete"] = complete && errors.empty();
  if (ok) *ok = complete && errors.empty();
  return out.dump(2);
}

}  // namespace fog::bench
