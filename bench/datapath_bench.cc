// `fog bench datapath`: the fog's publish -> stored path against the bare
// broker it runs on, measured the same way in the same run: a bounded window
// of messages in flight, each released by its end-to-end receipt (the
// subscriber's copy on the raw path, the worker's "stored" ack on the fog
// path), so the two differ only in what happens between broker and receipt.

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench.h"
#include "bench/fog_roles.h"
#include "bench/mosquitto_client.h"
#include "bench/process_cpu.h"
#include "common/bytes.h"
#include "common/free_ports.h"
#include "config/fog_descriptor.h"
#include "mqtt/client.h"
#include "tls/http_client.h"
#include "trust/keys.h"
#include "trust/packet_signer.h"
#include "up/fog_up.h"
#include "wire/ack.h"
#include "wire/envelope.h"
#include "wire/topics.h"

namespace fog::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr double kTargetRatio = 0.5;
constexpr auto kConnectTimeout = std::chrono::seconds(10);

// ---------------------------------------------------------------------------
// The machine.

json MachineJson() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown";
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos) model = line.substr(colon + 2);
    break;
  }
  return {{"cpu", model}, {"cores", std::thread::hardware_concurrency()}};
}

// ---------------------------------------------------------------------------
// The fog: an existing one, or one we start and stop.

bool Healthy(const config::FogDescriptor& fog) {
  std::unique_ptr<httplib::Client> client = tls::MakeHttpClient(
      fog.http_url, {fog.ca_file, fog.client_cert, fog.client_key});
  httplib::Client& http = *client;
  http.set_connection_timeout(1);
  http.set_read_timeout(2);
  auto res = http.Get("/health");
  return res && res->status == 200;
}

// The fog under test; stops and removes the one it started.
class FogLease {
 public:
  FogLease() = default;
  FogLease(const FogLease&) = delete;
  FogLease& operator=(const FogLease&) = delete;
  ~FogLease() {
    if (up_) up_->Stop();
    std::error_code ec;
    if (!temp_dir_.empty()) fs::remove_all(temp_dir_, ec);
  }

  // Uses the fog in `dir` if it answers, otherwise starts one that keeps
  // `replicas` copies of each packet.
  Status Acquire(const std::string& dir, int replicas, bool tls);

  const config::FogDescriptor& descriptor() const { return descriptor_; }
  const std::string& dir() const { return dir_; }
  bool started() const { return up_ != nullptr; }

 private:
  Status Start(int replicas, bool tls);

  config::FogDescriptor descriptor_;
  std::string dir_;
  std::string temp_dir_;
  std::unique_ptr<up::FogUp> up_;
};

Status FogLease::Acquire(const std::string& dir, int replicas, bool tls) {
  Result<config::FogDescriptor> fog = config::LoadFogDescriptor(dir);
  if (fog.ok() && Healthy(*fog)) {
    descriptor_ = *fog;
    dir_ = dir;
    return Status::OK();
  }
  return Start(replicas, tls);
}

Status FogLease::Start(int replicas, bool tls) {
  char tmpl[] = "/tmp/fog-bench-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr)
    return Status::IoError("cannot create a temporary directory");
  temp_dir_ = dir_ = tmpl;
  // (Another process may take a port before the broker binds it; the fog
  // then fails to start and says so.)
  Result<std::vector<int>> ports = FreeTcpPorts("127.0.0.1", 3);
  if (!ports.ok()) return ports.status();
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return Status::IoError("cannot find the fog binary: " + ec.message());
  up_ = std::make_unique<up::FogUp>(up::UpOptions{.dir = dir_,
                                                  .mqtt_port = (*ports)[0],
                                                  .ws_port = (*ports)[1],
                                                  .http_port = (*ports)[2],
                                                  .replicas = replicas,
                                                  .self_exe = self.string(),
                                                  .tls = tls});
  Status s = up_->Start();
  if (!s.ok()) {
    up_.reset();  // Start() already stopped what it started
    return s;
  }
  descriptor_ = up_->descriptor();
  return Status::OK();
}

// ---------------------------------------------------------------------------
// One measured run: a window of messages in flight, released by receipts.

class Tracker {
 public:
  Tracker(int count, int window)
      : window_(window), sent_(count), done_(count, false) {}

  // Waits for a free slot in the window; false at the deadline.
  bool Acquire(Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_until(lock, deadline, [&] { return outstanding_ < window_; }))
      return false;
    ++outstanding_;
    return true;
  }

  // Call just before publishing message `index` (0-based).
  void MarkSent(size_t index) {
    std::lock_guard<std::mutex> lock(mu_);
    sent_[index] = Clock::now();
    if (index == 0) first_sent_ = sent_[index];
  }

  // A receipt (stored: ok) or a failure for `index`; repeats are ignored,
  // so a QoS 1 redelivery neither frees a slot twice nor counts twice.
  void Receive(size_t index, bool ok) {
    const Clock::time_point now = Clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    if (index >= done_.size() || done_[index]) return;
    done_[index] = true;
    --outstanding_;
    if (ok) {
      latencies_ms_.push_back(
          std::chrono::duration<double, std::milli>(now - sent_[index])
              .count());
      last_received_ = now;
    } else {
      ++failed_;
    }
    cv_.notify_all();
  }

  // Waits until nothing is in flight; false at the deadline.
  bool WaitAll(Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return outstanding_ == 0; });
  }

  json Summary(const std::string& unit, size_t payload_bytes) const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  const int window_;
  int outstanding_ = 0;
  int failed_ = 0;
  std::vector<Clock::time_point> sent_;
  std::vector<bool> done_;
  std::vector<double> latencies_ms_;
  Clock::time_point first_sent_, last_received_;
};

// Nearest-rank percentile of sorted `v`.
double Percentile(const std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(p / 100 * v.size()));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

double Round(double x, int digits) {
  const double scale = std::pow(10, digits);
  return std::round(x * scale) / scale;
}

json Tracker::Summary(const std::string& unit, size_t payload_bytes) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<double> sorted = latencies_ms_;
  std::sort(sorted.begin(), sorted.end());
  const double seconds =
      sorted.empty()
          ? 0
          : std::chrono::duration<double>(last_received_ - first_sent_).count();
  const double rate = seconds > 0 ? sorted.size() / seconds : 0;
  return {{unit, done_.size()},
          {"completed", sorted.size()},
          {"failed", failed_},
          {"seconds", Round(seconds, 3)},
          {unit + "_per_s", Round(rate, 1)},
          {"mb_per_s", Round(rate * payload_bytes / 1e6, 1)},
          {"latency_ms",
           {{"p50", Round(Percentile(sorted, 50), 2)},
            {"p99", Round(Percentile(sorted, 99), 2)},
            {"max", Round(sorted.empty() ? 0 : sorted.back(), 2)}}},
          // Paho C can leave a partially written publish until its 1 s read
          // poll times out (AimRT's PR 431 patches Paho for this), so a
          // full socket buffer shows up as receipts ~1 s late: counted so
          // a run can be judged.
          {"over_900ms", sorted.end() - std::lower_bound(sorted.begin(),
                                                         sorted.end(), 900.0)}};
}

// Publishes `count` messages through `publish` (which must not wait for the
// PUBACK: the window, not the PUBACK, paces the publisher) within the window;
// true when every one got its receipt before the deadline.
bool Drive(size_t count, const std::function<Status(size_t)>& publish,
           Tracker& tracker, Clock::time_point deadline) {
  for (size_t i = 0; i < count; ++i) {
    if (!tracker.Acquire(deadline)) return false;
    tracker.MarkSent(i);
    if (!publish(i).ok()) tracker.Receive(i, false);
  }
  return tracker.WaitAll(deadline);
}

// ---------------------------------------------------------------------------
// The two paths.

struct Case {
  std::string label;  // "64KiB", "1MiB"
  size_t bytes;
  int count;
  int window;
};

struct Endpoint {
  std::string uri;
  config::Credentials publisher;     // may write the topic
  config::Credentials subscriber;    // may read the receipts
  std::string subscriber_client_id;  // empty: the broker assigns one
  // TLS (a fog started with --tls): the fog CA and, for mutual TLS, a
  // client certificate.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// The raw path's receiver: a viewer, which may read only reply/<its client
// id>/# (docs/security.md, "Viewers"); no fog component listens there.
constexpr char kRawClientId[] = "bench-raw";

Bytes RandomBytes(std::mt19937_64& rng, size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t r = rng();
    std::memcpy(b.data() + i, &r, std::min<size_t>(8, n - i));
  }
  return b;
}

std::string RandomHex(std::mt19937_64& rng) {
  Bytes b = RandomBytes(rng, 8);
  return ToHex(b);
}

// The time left for the measured runs. Only publishing and waiting for
// receipts is charged: building and signing the messages happens before,
// connecting and disconnecting around it (a connection took 2-3 s here on a
// loaded machine, which would otherwise eat the budget).
class Budget {
 public:
  explicit Budget(double seconds)
      : left_(std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(seconds))) {}
  bool exhausted() const { return left_ <= Clock::duration::zero(); }
  static json Skipped() {
    return {{"skipped", "time budget spent"}, {"incomplete", true}};
  }
  // Runs `run(deadline)` and charges its wall time; false when the budget
  // is spent already.
  bool Spend(const std::function<bool(Clock::time_point)>& run) {
    if (exhausted()) return false;
    const auto start = Clock::now();
    const bool done = run(start + left_);
    left_ -= Clock::now() - start;
    return done;
  }

 private:
  Clock::duration left_;
};

// The CPU a run cost, in seconds by role and in total per completed message.
json CpuJson(const std::map<std::string, double>& spent, int completed) {
  json by_role = json::object();
  double total = 0;
  for (const auto& [role, s] : spent) {
    by_role[role] = Round(s, 2);
    total += s;
  }
  return {{"seconds", by_role},
          {"ms_per_message",
           completed > 0 ? json(Round(1e3 * total / completed, 3)) : json()}};
}

// Connects a subscriber (handler installed first) and a publisher, runs the
// window over `messages`, and returns the run's JSON, with the CPU that the
// processes of the fog in `fog_dir` and this one spent meanwhile.
json Measure(const Endpoint& ep, const std::string& fog_dir,
             const std::string& filter,
             const std::vector<mqtt::Message>& messages,
             const std::string& unit, size_t payload_bytes, int window,
             Budget& budget,
             const std::function<void(const mqtt::Message&, Tracker&)>& parse) {
  Tracker tracker(static_cast<int>(messages.size()), window);
  // Declared after the tracker so they disconnect before it goes away.
  // Paho's in-flight limit gets headroom over the window so that only the
  // window paces the publisher: a receipt can overtake the publisher's
  // PUBACK, and Paho's own queueing past its limit is not what we measure.
  mqtt::Client sub({.uri = ep.uri,
                    .client_id = ep.subscriber_client_id,
                    .username = ep.subscriber.username,
                    .password = ep.subscriber.password,
                    .ca_file = ep.ca_file,
                    .cert_file = ep.cert_file,
                    .key_file = ep.key_file});
  mqtt::Client pub({.uri = ep.uri,
                    .username = ep.publisher.username,
                    .password = ep.publisher.password,
                    .max_inflight = std::max(4 * window, 256),
                    .ca_file = ep.ca_file,
                    .cert_file = ep.cert_file,
                    .key_file = ep.key_file});
  sub.OnMessage([&](const mqtt::Message& m) { parse(m, tracker); });
  Status s = sub.Connect(kConnectTimeout);
  if (s.ok()) s = sub.Subscribe(filter, 1);
  if (s.ok()) s = pub.Connect(kConnectTimeout);
  if (!s.ok()) return {{"error", s.ToString()}, {"incomplete", true}};
  const auto cpu_before = CpuSecondsByRole(fog_dir);
  const bool complete = budget.Spend([&](Clock::time_point deadline) {
    return Drive(
        messages.size(),
        [&](size_t i) { return pub.Publish(messages[i], /*wait=*/false); },
        tracker, deadline);
  });
  const auto cpu = CpuSpent(cpu_before, CpuSecondsByRole(fog_dir));
  json j = tracker.Summary(unit, payload_bytes);
  j["incomplete"] = !complete;
  j["cpu"] = CpuJson(cpu, j.value("completed", 0));
  pub.Disconnect();
  sub.Disconnect();
  return j;
}

// Raw: each payload carries its index in its first 4 bytes; the subscriber's
// copy is the receipt.
std::vector<mqtt::Message> RawMessages(const std::string& topic, const Case& c,
                                       std::mt19937_64& rng) {
  std::vector<mqtt::Message> messages(c.count);
  for (int i = 0; i < c.count; ++i) {
    messages[i] = {.topic = topic, .payload = RandomBytes(rng, c.bytes)};
    for (int b = 0; b < 4; ++b)
      messages[i].payload[b] = static_cast<uint8_t>(i >> (8 * b));
  }
  return messages;
}

void ParseRaw(std::string_view topic, std::string_view received_topic,
              ByteView payload, Tracker& t) {
  if (received_topic != topic || payload.size() < 4) return;
  uint32_t index = 0;
  for (int b = 0; b < 4; ++b) index |= uint32_t{payload[b]} << (8 * b);
  t.Receive(index, true);
}

// The raw path again, with Debian's libmosquitto for both clients instead of
// Paho (src/mqtt/): the same broker, topic scheme, QoS 1, window and
// receipts, so the two differ only in the client library and in
// `max_inflight`, the publishes the publisher leaves unacknowledged.
json MeasureMosquitto(const Endpoint& ep, const std::string& fog_dir,
                      const std::string& topic,
                      const std::vector<mqtt::Message>& messages,
                      size_t payload_bytes, int window, int max_inflight,
                      Budget& budget) {
  Tracker tracker(static_cast<int>(messages.size()), window);
  MosquittoClient sub({.uri = ep.uri,
                       .client_id = ep.subscriber_client_id,
                       .username = ep.subscriber.username,
                       .password = ep.subscriber.password,
                       .ca_file = ep.ca_file,
                       .cert_file = ep.cert_file,
                       .key_file = ep.key_file},
                      [&](std::string_view t, ByteView payload) {
                        ParseRaw(topic, t, payload, tracker);
                      });
  MosquittoClient pub({.uri = ep.uri,
                       .username = ep.publisher.username,
                       .password = ep.publisher.password,
                       .max_inflight = max_inflight,
                       .ca_file = ep.ca_file,
                       .cert_file = ep.cert_file,
                       .key_file = ep.key_file},
                      nullptr);
  Status s = sub.Connect(kConnectTimeout);
  if (s.ok()) s = sub.Subscribe(topic, 1, kConnectTimeout);
  if (s.ok()) s = pub.Connect(kConnectTimeout);
  if (!s.ok()) return {{"error", s.ToString()}, {"incomplete", true}};
  const auto cpu_before = CpuSecondsByRole(fog_dir);
  const bool complete = budget.Spend([&](Clock::time_point deadline) {
    return Drive(
        messages.size(),
        [&](size_t i) {
          return pub.Publish(messages[i].topic, messages[i].payload, 1);
        },
        tracker, deadline);
  });
  const auto cpu = CpuSpent(cpu_before, CpuSecondsByRole(fog_dir));
  json j = tracker.Summary("messages", payload_bytes);
  j["incomplete"] = !complete;
  j["cpu"] = CpuJson(cpu, j.value("completed", 0));
  j["refused_by_broker"] = pub.refused();
  j["max_inflight"] = max_inflight;
  pub.Disconnect();
  sub.Disconnect();
  return j;
}

// Signs `count` packets of random data for a new video, per-packet mode.
Result<std::vector<mqtt::Message>> SignPackets(const trust::SecretKey& key,
                                               const std::string& video_id,
                                               const Case& c,
                                               std::mt19937_64& rng) {
  trust::PacketSigner signer(key.Clone(), {});
  std::vector<mqtt::Message> messages;
  for (int n = 1; n <= c.count; ++n) {
    const bool last = n == c.count;
    Result<wire::Envelope> e = signer.Next({.video_id = video_id,
                                            .packet_number = n,
                                            .total_packets = last ? c.count : 0,
                                            .data = RandomBytes(rng, c.bytes)},
                                           last);
    if (!e.ok()) return e.status();
    messages.push_back({.topic = wire::topics::Stream(video_id),
                        .payload = wire::EncodeEnvelope(*e)});
  }
  return messages;
}

// A worker's acks for our packets: "stored" releases one as a receipt, any
// other result as a failure. Acks we cannot read are not ours to count.
void ParseAcks(const std::string& video_id, const mqtt::Message& m,
               Tracker& t) {
  Result<std::vector<wire::WorkerAck>> acks = wire::DecodeAcks(m.payload);
  if (!acks.ok()) return;
  for (const wire::WorkerAck& ack : *acks) {
    if (ack.video_id != video_id || ack.packet_number < 1) continue;
    t.Receive(static_cast<size_t>(ack.packet_number - 1),
              ack.result == "stored");
  }
}

// ---------------------------------------------------------------------------
// The whole run.

struct Paths {
  std::string fog_dir;
  Endpoint raw;
  Endpoint fog;
  trust::SecretKey key;
};

json RunRaw(const Paths& p, const Case& c, Budget& budget,
            std::mt19937_64& rng) {
  if (budget.exhausted()) return Budget::Skipped();
  const std::string topic =
      std::string("reply/") + kRawClientId + "/" + RandomHex(rng);
  const std::vector<mqtt::Message> messages = RawMessages(topic, c, rng);
  return Measure(p.raw, p.fog_dir, topic, messages, "messages", c.bytes,
                 c.window, budget,
                 [&topic](const mqtt::Message& m, Tracker& t) {
                   ParseRaw(topic, m.topic, m.payload, t);
                 });
}

// libmosquitto's raw path. With `wrapper_budget`, the publisher leaves as
// many publishes unacknowledged as the Paho wrapper's byte budget lets
// through (ConnectOptions::max_inflight_bytes: 16 of 64 KiB, 1 of 1 MiB),
// so that the two paths share their flow control too; without, only the
// window paces it (up to max(4 x window, 256) unacknowledged, as Paho's own
// limit on the Paho path).
json RunRawMosquitto(const Paths& p, const Case& c, Budget& budget,
                     std::mt19937_64& rng, bool wrapper_budget) {
  if (budget.exhausted()) return Budget::Skipped();
  const std::string topic =
      std::string("reply/") + kRawClientId + "/" + RandomHex(rng);
  const std::vector<mqtt::Message> messages = RawMessages(topic, c, rng);
  const size_t budget_bytes = mqtt::ConnectOptions{}.max_inflight_bytes;
  const int max_inflight =
      wrapper_budget
          ? static_cast<int>(std::max<size_t>(1, budget_bytes / c.bytes))
          : std::max(4 * c.window, 256);
  return MeasureMosquitto(p.raw, p.fog_dir, topic, messages, c.bytes, c.window,
                          max_inflight, budget);
}

json RunRawMosquittoBudget(const Paths& p, const Case& c, Budget& budget,
                           std::mt19937_64& rng) {
  return RunRawMosquitto(p, c, budget, rng, /*wrapper_budget=*/true);
}

json RunRawMosquittoWindow(const Paths& p, const Case& c, Budget& budget,
                           std::mt19937_64& rng) {
  return RunRawMosquitto(p, c, budget, rng, /*wrapper_budget=*/false);
}

// libmosquitto's raw run against Paho's, as ratios (libmosquitto / Paho):
// throughput, and CPU per message in all and by role.
json ClientRatios(const json& paho, const json& mosq) {
  auto ratio = [](const json& a, const json& b) {
    return a.is_number() && b.is_number() && b.get<double>() > 0
               ? json(Round(a.get<double>() / b.get<double>(), 3))
               : json();
  };
  auto at = [](const json& j, const char* pointer) {
    return j.value(json::json_pointer(pointer), json());
  };
  json cpu_by_role = json::object();
  const double paho_n = paho.value("completed", 0);
  const double mosq_n = mosq.value("completed", 0);
  for (const char* role : {"bench", "broker"}) {
    const json p = at(paho, (std::string("/cpu/seconds/") + role).c_str());
    const json m = at(mosq, (std::string("/cpu/seconds/") + role).c_str());
    cpu_by_role[role] =
        p.is_number() && m.is_number() && paho_n > 0 && mosq_n > 0
            ? ratio(json(m.get<double>() / mosq_n),
                    json(p.get<double>() / paho_n))
            : json();
  }
  return {{"mb_per_s", ratio(at(mosq, "/mb_per_s"), at(paho, "/mb_per_s"))},
          {"cpu_ms_per_message", ratio(at(mosq, "/cpu/ms_per_message"),
                                       at(paho, "/cpu/ms_per_message"))},
          {"cpu_per_message_by_role", cpu_by_role}};
}

json RunFog(const Paths& p, const Case& c, Budget& budget,
            std::mt19937_64& rng) {
  if (budget.exhausted()) return Budget::Skipped();  // don't sign for nothing
  const std::string video_id = "bench-" + RandomHex(rng) + "-" + c.label;
  // Signed before the clock starts: this measures the fog, not the
  // publisher's signing.
  Result<std::vector<mqtt::Message>> messages =
      SignPackets(p.key, video_id, c, rng);
  if (!messages.ok())
    return {{"error", messages.status().ToString()}, {"incomplete", true}};
  json j = Measure(p.fog, p.fog_dir, wire::topics::kAckFilter, *messages,
                   "packets", c.bytes, c.window, budget,
                   [&video_id](const mqtt::Message& m, Tracker& t) {
                     ParseAcks(video_id, m, t);
                   });
  j["video_id"] = video_id;
  return j;
}

// Fills out["raw"], out["fog"] and out["ratio_fog_to_raw"]; returns whether
// any run was incomplete.
bool RunCases(const Paths& paths, const DatapathBenchOptions& options,
              json& out) {
  const std::vector<Case> cases = {
      {"64KiB", size_t{64} << 10, options.packets_64k, options.window_64k},
      {"1MiB", size_t{1} << 20, options.packets_1m, options.window_1m}};
  std::mt19937_64 rng(std::random_device{}());
  if (options.warmup_64k > 0) {
    // Its own budget: the measured runs keep theirs whole.
    const Case warmup{"warmup", size_t{64} << 10, options.warmup_64k,
                      options.window_64k};
    Budget budget(options.timeout_seconds);
    for (const auto& [path, run] :
         {std::pair{"raw", &RunRaw},
          std::pair{"raw_mosquitto", &RunRawMosquittoBudget},
          std::pair{"raw_mosquitto_window", &RunRawMosquittoWindow},
          std::pair{"fog", &RunFog}}) {
      if (!options.mosquitto_raw &&
          std::string_view(path).starts_with("raw_mosquitto"))
        continue;
      const json j = run(paths, warmup, budget, rng);
      out["warmup_64KiB"][path] = {{"completed", j.value("completed", 0)},
                                   {"incomplete", j.value("incomplete", true)}};
    }
  }
  Budget budget(options.timeout_seconds);
  bool incomplete = false;
  // Interleaved (raw, fog) per size, so drift in the machine's load hits
  // both sides of a ratio alike.
  for (const Case& c : cases) {
    const json r = RunRaw(paths, c, budget, rng);
    if (options.mosquitto_raw) {
      const json m = RunRawMosquittoBudget(paths, c, budget, rng);
      const json w = RunRawMosquittoWindow(paths, c, budget, rng);
      incomplete |= m.value("incomplete", true) || w.value("incomplete", true);
      out["raw_mosquitto"][c.label] = m;
      out["raw_mosquitto_window"][c.label] = w;
      out["ratio_mosquitto_to_paho"][c.label] = ClientRatios(r, m);
      out["ratio_mosquitto_window_to_paho"][c.label] = ClientRatios(r, w);
    }
    const json f = RunFog(paths, c, budget, rng);
    incomplete |= r.value("incomplete", true) || f.value("incomplete", true);
    out["raw"][c.label] = r;
    out["fog"][c.label] = f;
    const double raw_mb = r.value("mb_per_s", 0.0);
    out["ratio_fog_to_raw"][c.label] =
        raw_mb > 0 ? json(Round(f.value("mb_per_s", 0.0) / raw_mb, 3)) : json();
    // Where CPU is what runs out (every process on the same few cores), the
    // fog can reach at most this share of the raw rate.
    const json raw_cpu = r.value("/cpu/ms_per_message"_json_pointer, json());
    const json fog_cpu = f.value("/cpu/ms_per_message"_json_pointer, json());
    out["cpu_bound_ratio"][c.label] =
        raw_cpu.is_number() && fog_cpu.is_number() && fog_cpu > 0
            ? json(Round(raw_cpu.get<double>() / fog_cpu.get<double>(), 3))
            : json();
  }
  return incomplete;
}

}  // namespace

std::string DatapathBenchJson(const DatapathBenchOptions& options, bool* ok) {
  json out = {
      {"benchmark", "datapath"},
      {"machine", MachineJson()},
      {"window", {{"64KiB", options.window_64k}, {"1MiB", options.window_1m}}},
      {"timeout_s", options.timeout_seconds}};
  auto fail = [&](const Status& s) {
    out["error"] = s.ToString();
    if (ok) *ok = false;
    return out.dump(2);
  };
  FogLease lease;
  if (Status s = lease.Acquire(options.dir, options.replicas, options.tls);
      !s.ok())
    return fail(s);
  const config::FogDescriptor& d = lease.descriptor();
  out["fog_instance"] = {{"started_by_bench", lease.started()},
                         {"replicas", lease.started() ? options.replicas : -1},
                         {"dir", lease.dir()},
                         {"mqtt", d.mqtt_uri},
                         {"tls", !d.ca_file.empty()}};
  auto roles =
      LoadRoles(lease.dir(), {"publisher", "master", "worker", "viewer"});
  if (!roles.ok()) return fail(roles.status());
  Result<trust::SecretKey> key = trust::LoadSecretKey(d.publisher_key);
  if (!key.ok()) return fail(key.status());
  // Raw: the worker role may write reply/#, the viewer role read its own
  // reply/<client id>/#, and no fog component listens there.
  const Paths paths{
      .fog_dir = lease.dir(),
      .raw = {d.mqtt_uri, (*roles)["worker"], (*roles)["viewer"], kRawClientId,
              d.ca_file, d.client_cert, d.client_key},
      .fog = {d.mqtt_uri, (*roles)["publisher"], (*roles)["master"], "",
              d.ca_file, d.client_cert, d.client_key},
      .key = std::move(*key)};
  const bool incomplete = RunCases(paths, options, out);
  out["target_ratio"] = kTargetRatio;
  out["incomplete"] = incomplete;
  if (ok) *ok = true;
  return out.dump(2);
}

}  // namespace fog::bench
