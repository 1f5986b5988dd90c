// The load balancer's allocation model and its solvers (docs/balancer.md).
//
// One round sends N packets of s_p bytes to the workers. The model chooses
// integer counts n_j that
//
//   minimise  Σ_j c_j·n_j + λ·Σ_j n_j²
//   subject to Σ_j n_j = N,  n_j·s_p ≤ s_j,  n_j ≥ 0 integer
//
// where c_j is worker j's CPU load in percent and s_j its free storage in
// bytes. Workers whose CPU load is at or above `cpu_threshold` take no
// packets, as in the seed's heuristic; when every worker is at or above it,
// all workers are used (the round still has to go somewhere) and the
// allocation says so (`overload_fallback`).
//
// Two solvers: SolveExact (the integer optimum) and SolveHeuristic (the
// seed's without-cplex weighting, kept for comparison). SolveExactHeap is
// the textbook greedy that SolveExact must agree with, used by the tests
// and as the benchmark's baseline.
//
// The JSON forms of an instance, an allocation and the policy are in
// solver_json.h.
//
// Thread-safety: every function is reentrant; nothing is shared.

#ifndef FOG_BALANCER_SOLVER_H_
#define FOG_BALANCER_SOLVER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace fog::balancer {

// The largest round accepted: counts and marginal costs stay exact in a
// double far beyond it.
inline constexpr int64_t kMaxPackets = 1'000'000'000;
// A worker's capacity in packets saturates here (a huge free storage with a
// tiny packet size must not overflow).
inline constexpr int64_t kMaxCapacity = int64_t{1} << 53;

inline constexpr int64_t kDefaultPackets = 1024;
inline constexpr double kDefaultPacketSize = 2'000'000;  // bytes
inline constexpr double kDefaultLambda = 1;
inline constexpr double kDefaultCpuThreshold = 80;  // percent

struct WorkerLoad {
  std::string name;         // unique, non-empty
  double cpu = 0;           // CPU load in percent, finite, >= 0
  double free_storage = 0;  // bytes, finite, >= 0
};

struct Instance {
  int64_t packets = kDefaultPackets;            // N, 0..kMaxPackets
  double packet_size = kDefaultPacketSize;      // s_p in bytes, finite, > 0
  double lambda = kDefaultLambda;               // λ, finite, >= 0
  double cpu_threshold = kDefaultCpuThreshold;  // percent, finite, >= 0
  std::vector<WorkerLoad> workers;
};

enum class Model { kExact, kHeuristic };

// "exact" or "heuristic".
std::string_view ModelName(Model model);

// Parses "exact" or "heuristic"; InvalidArgument otherwise.
Result<Model> ParseModel(std::string_view name);

struct Allocation {
  Model model = Model::kExact;
  // Parallel to Instance::workers.
  std::vector<int64_t> packets;     // n_j
  std::vector<int64_t> capacities;  // floor(s_j / s_p), at most kMaxCapacity
  int64_t unassigned = 0;           // N - Σ n_j
  double objective = 0;             // Σ c_j·n_j + λ·Σ n_j² of `packets`
  // False when the eligible workers' capacities add up to less than N (a
  // property of the instance, the same for both models). `packets` then
  // fills every eligible worker to capacity and `error` says why.
  bool feasible = true;
  std::string error;
  // True when every worker was at or above cpu_threshold, so all were used.
  bool overload_fallback = false;
};

// OK, or InvalidArgument naming the first bad field: N outside
// 0..kMaxPackets, a packet size that is not finite and > 0, a negative or
// non-finite λ, threshold, CPU load or free storage, an empty or duplicate
// worker name.
Status Validate(const Instance& instance);

// The exact integer optimum, in O(W·log N + W·log W) for W workers (a
// threshold search on the marginal cost). Among optimal allocations it
// returns the one the greedy of SolveExactHeap builds: equal marginal costs
// go to the worker whose name sorts first. An infeasible instance gives a
// feasible == false allocation, not an error; errors are Validate()'s.
Result<Allocation> SolveExact(const Instance& instance);

// The same allocation as SolveExact, built one packet at a time from a heap
// of marginal costs: O(N·log W). A reference for tests and benchmarks.
Result<Allocation> SolveExactHeap(const Instance& instance);

// The seed's without-cplex heuristic. Among eligible workers with room for
// at least one packet, weight_j = 1/√((c_j/100)³ + (s_j/MAX)²), MAX the
// largest such s_j, and n_j = min(⌊N·weight_j/Σweight⌋, capacity_j). The
// floors can leave packets unassigned (`unassigned` > 0) even when the
// instance is feasible.
Result<Allocation> SolveHeuristic(const Instance& instance);

// SolveExact or SolveHeuristic.
Result<Allocation> Solve(const Instance& instance, Model model);

// Σ_j c_j·n_j + λ·Σ_j n_j². REQUIRES: packets.size() ==
// instance.workers.size().
double Objective(const Instance& instance, const std::vector<int64_t>& packets);

}  // namespace fog::balancer

#endif  // FOG_BALANCER_SOLVER_H_
