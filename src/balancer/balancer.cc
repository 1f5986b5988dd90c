#include "balancer/balancer.h"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <cassert>
#include <nlohmann/json.hpp>

#include "balancer/solver_json.h"
#include "wire/topics.h"

namespace fog::balancer {

namespace topics = wire::topics;

namespace {

Bytes JsonBytes(const nlohmann::json& j) {
  std::string text = j.dump();
  return Bytes(text.begin(), text.end());
}

int64_t UnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Balancer::Balancer(BalancerOptions options, mqtt::Client& client)
    : options_(std::move(options)),
      client_(client),
      table_(options_.missed_periods) {
  assert(options_.period.count() > 0 && options_.missed_periods >= 1);
}

Balancer::~Balancer() { Stop(); }

mqtt::Message Balancer::StatusMessage(bool online) {
  return {.topic = topics::kBalancerStatus,
          .payload = JsonBytes(
              {{"role", "balancer"}, {"state", online ? "online" : "offline"}}),
          .qos = 1,
          .retained = true};
}

Status Balancer::Start() {
  client_.OnMessage([this](const mqtt::Message& m) { OnMessage(m); });
  // A broker that restarted may have published our will meanwhile.
  client_.OnReconnect(
      [this] { (void)client_.Publish(StatusMessage(true), /*wait=*/false); });
  for (const char* filter :
       {topics::kStatsFilter, topics::kWorkerStatusFilter}) {
    Status s = client_.Subscribe(filter, 1);
    if (!s.ok()) return s;
  }
  running_ = true;
  loop_ = std::thread([this] { Run(); });
  return client_.Publish(StatusMessage(true));
}

void Balancer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!running_.exchange(false)) return;
  }
  answered_.notify_all();
  loop_.join();
  // Bounded: with the broker gone a publish would wait for its return
  // (the broker's copy of our will says the same when it notices).
  (void)client_.Publish(StatusMessage(false), /*wait=*/false);
  (void)client_.Flush(std::chrono::seconds(2));
}

std::string Balancer::policy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return policy_;
}

void Balancer::OnMessage(const mqtt::Message& m) {
  const std::string worker(topics::LastLevel(m.topic));
  std::lock_guard<std::mutex> lock(mu_);
  if (m.topic.starts_with("fog/stats/")) {
    Status s = table_.OnStats(worker, m.payload, round_);
    if (!s.ok()) {
      reject_log_.Reject(counters_, "bad-stats", worker,
                         "worker " + worker + ": " + s.message());
      return;
    }
    counters_.Add("stats_received");
    answered_.notify_all();
  } else if (m.topic.starts_with("fog/status/worker/") &&
             !topics::IsOnlineStatus(m.payload)) {
    table_.OnOffline(worker);
  }
}

void Balancer::Run() {
  auto next = std::chrono::steady_clock::now();
  while (running_) {
    uint64_t round;
    {
      std::lock_guard<std::mutex> lock(mu_);
      round = ++round_;
    }
    Status s = client_.Publish({.topic = topics::kPing,
                                .payload = JsonBytes({{"seq", round}}),
                                .qos = 0},
                               /*wait=*/false);
    if (!s.ok()) spdlog::warn("balancer: ping: {}", s.ToString());
    counters_.Add("pings_sent");
    // The policy follows the answers to this ping: wait for every worker we
    // know to answer, or half a period for the slow and the gone.
    {
      std::unique_lock<std::mutex> lock(mu_);
      answered_.wait_until(lock, next + options_.period / 2,
                           [&] { return !running_ || AllAnswered(round); });
    }
    if (running_) PublishPolicy(round);
    next += options_.period;
    std::unique_lock<std::mutex> lock(mu_);
    answered_.wait_until(lock, next, [&] { return !running_.load(); });
  }
}

bool Balancer::AllAnswered(uint64_t round) const {
  for (const WorkerTable::Entry& e : table_.Current(round)) {
    if (e.last_round != round) return false;
  }
  return true;
}

void Balancer::PublishPolicy(uint64_t round) {
  Instance instance = options_.round;
  nlohmann::json workers = nlohmann::json::object();
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (WorkerTable::Entry& e : table_.Current(round + 1)) {
      names.push_back(e.load.name);
      e.stats["age_periods"] = round - e.last_round;
      workers[e.load.name] = std::move(e.stats);
      instance.workers.push_back(std::move(e.load));
    }
  }
  Result<Allocation> allocation = Solve(instance, options_.model);
  if (!allocation.ok()) {  // the options were validated: only stats can do it
    reject_log_.Reject(counters_, "unsolvable", "",
                       "policy: " + allocation.status().message());
    return;
  }
  nlohmann::json policy =
      nlohmann::json::parse(PolicyJson(instance, *allocation));
  policy["round"] = round;
  policy["period_ms"] = options_.period.count();
  policy["time_ms"] = UnixMillis();
  policy["packets"] = instance.packets;
  policy["workers"] = std::move(workers);
  if (allocation->overload_fallback) policy["overload_fallback"] = true;
  // No worker answered: an empty policy (the master goes round-robin), not
  // an infeasible round.
  if (!allocation->feasible && !instance.workers.empty()) {
    policy["feasible"] = false;
    policy["error"] = allocation->error;
    reject_log_.Reject(counters_, "infeasible", "", allocation->error);
  }
  std::string text = policy.dump();
  Status s = client_.Publish({.topic = topics::kPolicy,
                              .payload = Bytes(text.begin(), text.end()),
                              .qos = 1,
                              .retained = true},
                             /*wait=*/false);
  if (!s.ok()) {
    spdlog::warn("balancer: policy: {}", s.ToString());
    return;
  }
  counters_.Add("policies_published");
  std::lock_guard<std::mutex> lock(mu_);
  if (names != last_workers_) {
    spdlog::info("balancer: round {}: policy over {} worker(s): {}", round,
                 names.size(), fmt::join(names, ", "));
    last_workers_ = std::move(names);
  }
  policy_ = std::move(text);
}

}  // namespace fog::balancer
