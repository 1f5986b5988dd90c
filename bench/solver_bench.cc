// `fog bench solver`: the load balancer's solvers (balancer/solver.h) on
// random instances: the exact solver's threshold search, the heap greedy it
// must agree with (the in-run baseline), and the seed's heuristic, each timed
// per call (input validation included) on the same instances, and the
// validation alone (its name sort is part of every call).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "balancer/solver.h"
#include "bench/bench.h"

namespace fog::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The 1-minute load average: other processes on the machine skew the times.
double LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double load = -1;
  in >> load;
  return load;
}

// N packets of 2 MB over `workers` workers: CPU load uniform in [0, 100)
// (about a fifth above the 80 % threshold), free storage uniform in
// [0, 4·N/workers) packets, so the round fits with room to spare.
balancer::Instance RandomInstance(std::mt19937_64& rng, int64_t packets,
                                  int workers) {
  std::uniform_real_distribution<double> unit(0, 1);
  balancer::Instance in;
  in.packets = packets;
  const double mean_room = 2.0 * static_cast<double>(packets) / workers;
  for (int j = 0; j < workers; ++j) {
    in.workers.push_back(
        {"worker-node-" + std::to_string(j), 100 * unit(rng),
         std::floor(2 * mean_room * unit(rng)) * in.packet_size});
  }
  return in;
}

struct Timing {
  std::vector<double> us;  // one per instance
  nlohmann::json Summary() const {
    std::vector<double> s = us;
    std::sort(s.begin(), s.end());
    const auto at = [&](double q) {
      return s[std::min(s.size() - 1, static_cast<size_t>(q * s.size()))];
    };
    return {{"median_us", at(0.5)}, {"p99_us", at(0.99)}};
  }
};

template <typename Fn>
balancer::Allocation Timed(Fn solve, const balancer::Instance& in, Timing* t) {
  const auto start = Clock::now();
  Result<balancer::Allocation> a = solve(in);
  const auto stop = Clock::now();
  t->us.push_back(
      std::chrono::duration<double, std::micro>(stop - start).count());
  return a.ok() ? std::move(*a) : balancer::Allocation{};
}

// One case: `count` random instances, every solver on each.
nlohmann::json RunCase(int64_t packets, int workers, int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Timing exact, heap, heuristic, validate;
  double ratio_sum = 0;
  double unassigned_sum = 0;
  int mismatches = 0;
  for (int i = 0; i < count; ++i) {
    balancer::Instance in = RandomInstance(rng, packets, workers);
    const auto start = Clock::now();
    const bool valid = balancer::Validate(in).ok();
    validate.us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - start)
            .count());
    mismatches += !valid;
    const balancer::Allocation e = Timed(balancer::SolveExact, in, &exact);
    const balancer::Allocation h = Timed(balancer::SolveExactHeap, in, &heap);
    const balancer::Allocation g =
        Timed(balancer::SolveHeuristic, in, &heuristic);
    mismatches += e.packets != h.packets;
    // The heuristic may place fewer packets; compare its cost with the
    // optimum for the same number of packets.
    unassigned_sum += static_cast<double>(g.unassigned);
    in.packets -= g.unassigned;
    Result<balancer::Allocation> same = balancer::SolveExact(in);
    if (same.ok() && same->objective > 0) {
      ratio_sum += g.objective / same->objective;
    }
  }
  const double exact_median = exact.Summary()["median_us"];
  const double heuristic_median = heuristic.Summary()["median_us"];
  return {{"packets", packets},
          {"workers", workers},
          {"instances", count},
          {"exact", exact.Summary()},
          {"exact_heap", heap.Summary()},
          {"heuristic", heuristic.Summary()},
          {"validate_only", validate.Summary()},
          {"exact_over_heuristic_time", exact_median / heuristic_median},
          {"heuristic_cost_over_optimum", ratio_sum / count},
          {"heuristic_unassigned_mean", unassigned_sum / count},
          {"exact_heap_mismatches", mismatches}};
}

}  // namespace

std::string SolverBenchJson(int instances) {
  nlohmann::json doc;
  doc["unit"] =
      "microseconds per solve call, input validation included; median and "
      "p99 over the instances";
  doc["model"] =
      "N packets of 2 MB, lambda 1, cpu uniform [0,100), threshold 80 %, "
      "free storage uniform in [0, 4N/W) packets";
  doc["loadavg_before"] = LoadAverage();
  nlohmann::json small = RunCase(1024, 100, instances, 1);
  small["goal_exact_median_us"] = 1000;
  doc["cases"] = {small,
                  RunCase(100'000, 1000, std::max(5, instances / 20), 2)};
  doc["loadavg_after"] = LoadAverage();
  return doc.dump();
}

}  // namespace fog::bench
