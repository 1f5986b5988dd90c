#include "balancer/solver.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <utility>

namespace fog::balancer {
namespace {

// CPU loads and λ are bounded so every marginal cost c + λ·(2k+1) and the
// objective stay finite and far from overflow (k < kMaxPackets).
constexpr double kMaxCost = 1e15;

// Solvers stop the threshold search after this many halvings; the heap then
// finishes whatever is left (always correct, only slower).
constexpr int kMaxBisections = 200;

// Eligible workers, in name order, with what the solvers need.
struct Prepared {
  std::vector<int64_t> capacity;  // per instance worker, floor(s_j / s_p)
  std::vector<size_t> eligible;   // instance indices, sorted by name
  std::vector<double> cost;       // c_j of eligible[i]
  std::vector<int64_t> cap;       // min(capacity, N) of eligible[i]
  int64_t total_cap = 0;          // Σ cap
  bool overload_fallback = false;
};

bool InRange(double v, double lo, double hi) {
  return std::isfinite(v) && v >= lo && v <= hi;
}

// floor(storage / packet_size), saturated at kMaxCapacity. The fix-up keeps
// it exact when the quotient rounds up to the next integer.
int64_t CapacityOf(double storage, double packet_size) {
  const double q = std::floor(storage / packet_size);
  if (!(q < static_cast<double>(kMaxCapacity))) return kMaxCapacity;
  int64_t c = static_cast<int64_t>(q);
  if (c > 0 && static_cast<double>(c) * packet_size > storage) --c;
  return c;
}

// Validates and returns the worker indices sorted by name (the tie-break
// order of every solver).
Result<std::vector<size_t>> CheckAndOrder(const Instance& in) {
  if (in.packets < 0 || in.packets > kMaxPackets) {
    return Status::InvalidArgument("packets must be between 0 and " +
                                   std::to_string(kMaxPackets) + ", got " +
                                   std::to_string(in.packets));
  }
  if (!std::isfinite(in.packet_size) || !(in.packet_size > 0)) {
    return Status::InvalidArgument("packet_size must be a finite number > 0");
  }
  if (!InRange(in.lambda, 0, kMaxCost)) {
    return Status::InvalidArgument("lambda must be a number in [0, 1e15]");
  }
  if (!InRange(in.cpu_threshold, 0, std::numeric_limits<double>::max())) {
    return Status::InvalidArgument(
        "cpu_threshold must be a finite number >= 0");
  }
  for (size_t i = 0; i < in.workers.size(); ++i) {
    const WorkerLoad& w = in.workers[i];
    const std::string where = "workers[" + std::to_string(i) + "]";
    if (w.name.empty()) {
      return Status::InvalidArgument(where + ": name must not be empty");
    }
    if (!InRange(w.cpu, 0, kMaxCost)) {
      return Status::InvalidArgument(where + " (" + w.name +
                                     "): cpu must be a number in [0, 1e15]");
    }
    if (!InRange(w.free_storage, 0, std::numeric_limits<double>::max())) {
      return Status::InvalidArgument(
          where + " (" + w.name +
          "): free_storage must be a finite number >= 0");
    }
  }
  std::vector<size_t> order(in.workers.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return in.workers[a].name < in.workers[b].name;
  });
  for (size_t i = 1; i < order.size(); ++i) {
    if (in.workers[order[i]].name == in.workers[order[i - 1]].name) {
      return Status::InvalidArgument("duplicate worker name \"" +
                                     in.workers[order[i]].name + "\"");
    }
  }
  return order;
}

Result<Prepared> Prepare(const Instance& in) {
  Result<std::vector<size_t>> order = CheckAndOrder(in);
  if (!order.ok()) return order.status();
  Prepared p;
  p.capacity.reserve(in.workers.size());
  for (const WorkerLoad& w : in.workers) {
    p.capacity.push_back(CapacityOf(w.free_storage, in.packet_size));
  }
  for (size_t i : *order) {
    if (in.workers[i].cpu < in.cpu_threshold) p.eligible.push_back(i);
  }
  if (p.eligible.empty() && !order->empty()) {
    p.eligible = *order;  // every worker is overloaded: use them all
    p.overload_fallback = true;
  }
  for (size_t i : p.eligible) {
    p.cost.push_back(in.workers[i].cpu);
    p.cap.push_back(std::min(p.capacity[i], in.packets));
    p.total_cap += p.cap.back();
  }
  return p;
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.15g", v);
  return buf;
}

// Describes the instance only: what each model did with it is its own.
std::string InfeasibleMessage(const Instance& in, const Prepared& p) {
  const std::string who =
      p.overload_fallback
          ? "workers (all at or above the cpu threshold)"
          : "eligible workers (cpu below " + Number(in.cpu_threshold) + "%)";
  return "infeasible: the " + std::to_string(p.eligible.size()) + " " + who +
         " have room for " + std::to_string(p.total_cap) + " of the " +
         std::to_string(in.packets) + " packets of " + Number(in.packet_size) +
         " bytes";
}

// The allocation in instance order from `counts` (parallel to p.eligible).
Allocation Finish(const Instance& in, Model model, Prepared& p,
                  const std::vector<int64_t>& counts) {
  Allocation a;
  a.model = model;
  a.packets.assign(in.workers.size(), 0);
  int64_t assigned = 0;
  for (size_t i = 0; i < p.eligible.size(); ++i) {
    a.packets[p.eligible[i]] = counts[i];
    assigned += counts[i];
  }
  a.capacities = std::move(p.capacity);
  a.unassigned = in.packets - assigned;
  a.objective = Objective(in, a.packets);
  a.feasible = p.total_cap >= in.packets;
  if (!a.feasible) a.error = InfeasibleMessage(in, p);
  a.overload_fallback = p.overload_fallback;
  return a;
}

// The cost of the (k+1)-th packet on a worker: f(k+1) - f(k) for
// f(n) = c·n + λ·n². Computed the same way everywhere, so the solvers agree
// bit for bit; it is non-decreasing in k because rounding is monotone.
double Marginal(double c, double lambda, int64_t k) {
  return c + lambda * static_cast<double>(2 * k + 1);
}

// How many of a worker's marginal costs M(0..cap-1) are <= t, that is the
// first k in [0, cap] with k == cap or M(k) > t. `guess` comes from solving
// c + λ(2k+1) = t in real numbers and is usually right; galloping from it
// and a binary search make the count exact under rounding.
int64_t CountAtMost(double c, double lambda, int64_t cap, double t,
                    int64_t guess) {
  auto above = [&](int64_t k) {
    return k == cap || Marginal(c, lambda, k) > t;
  };
  int64_t g = std::clamp<int64_t>(guess, 0, cap);
  int64_t lo = 0;  // the answer lies in [lo, hi]
  int64_t hi = cap;
  if (above(g)) {
    hi = g;
    for (int64_t step = 1;; step *= 2) {
      if (hi - step < 0) break;
      if (!above(hi - step)) {
        lo = hi - step + 1;
        break;
      }
      hi -= step;
    }
  } else {
    lo = g + 1;
    for (int64_t step = 1;; step *= 2) {
      if (lo + step - 1 >= cap) break;
      if (above(lo + step - 1)) {
        hi = lo + step - 1;
        break;
      }
      lo += step;
    }
  }
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (above(mid)) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

// Counts per eligible worker of marginal costs <= t; returns their sum.
// REQUIRES: λ > 0.
int64_t CountsAt(const Instance& in, const Prepared& p, double t,
                 std::vector<int64_t>* counts) {
  int64_t sum = 0;
  for (size_t i = 0; i < p.cost.size(); ++i) {
    const double q = (t - p.cost[i] - in.lambda) / (2 * in.lambda);
    int64_t guess = 0;
    if (q >= static_cast<double>(p.cap[i])) {
      guess = p.cap[i];
    } else if (q >= 0) {
      guess = static_cast<int64_t>(q) + 1;
    }
    (*counts)[i] = CountAtMost(p.cost[i], in.lambda, p.cap[i], t, guess);
    sum += (*counts)[i];
  }
  return sum;
}

// Adds `remaining` packets one at a time, each to the worker whose next
// marginal cost is lowest (the lower index, that is the name sorting first,
// on a tie). O((W + remaining)·log W).
void FillByHeap(const Instance& in, const Prepared& p, int64_t remaining,
                std::vector<int64_t>* counts) {
  using Entry = std::pair<double, size_t>;  // (next marginal cost, index)
  std::vector<Entry> heap;
  for (size_t i = 0; i < p.cost.size(); ++i) {
    if ((*counts)[i] < p.cap[i]) {
      heap.emplace_back(Marginal(p.cost[i], in.lambda, (*counts)[i]), i);
    }
  }
  auto later = std::greater<Entry>();  // min-heap on (cost, index)
  std::make_heap(heap.begin(), heap.end(), later);
  for (; remaining > 0; --remaining) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const size_t i = heap.back().second;
    heap.pop_back();
    if (++(*counts)[i] < p.cap[i]) {
      heap.emplace_back(Marginal(p.cost[i], in.lambda, (*counts)[i]), i);
      std::push_heap(heap.begin(), heap.end(), later);
    }
  }
}

// λ = 0: every packet on worker j costs c_j, so the cheapest workers are
// filled to capacity in (cost, name) order: the greedy's own order.
std::vector<int64_t> FillLinear(const Instance& in, const Prepared& p) {
  std::vector<size_t> by_cost(p.cost.size());
  for (size_t i = 0; i < by_cost.size(); ++i) by_cost[i] = i;
  std::stable_sort(by_cost.begin(), by_cost.end(),
                   [&](size_t a, size_t b) { return p.cost[a] < p.cost[b]; });
  std::vector<int64_t> counts(p.cost.size(), 0);
  int64_t remaining = in.packets;
  for (size_t i : by_cost) {
    counts[i] = std::min(p.cap[i], remaining);
    remaining -= counts[i];
  }
  return counts;
}

// λ > 0: the largest threshold t (bisected) with at most N marginal costs
// <= t; the workers take all of those, and the heap adds the few left.
std::vector<int64_t> FillByThreshold(const Instance& in, const Prepared& p) {
  const int64_t n = in.packets;
  double lo = std::numeric_limits<double>::infinity();  // S(lo) == 0 <= N
  double hi = -lo;                                      // S(hi) == Σcap > N
  for (size_t i = 0; i < p.cost.size(); ++i) {
    if (p.cap[i] == 0) continue;
    lo = std::min(lo, Marginal(p.cost[i], in.lambda, 0));
    hi = std::max(hi, Marginal(p.cost[i], in.lambda, p.cap[i] - 1));
  }
  lo = std::nextafter(lo, -std::numeric_limits<double>::infinity());
  std::vector<int64_t> counts(p.cost.size(), 0);
  std::vector<int64_t> trial(p.cost.size(), 0);
  int64_t s_lo = 0;
  int64_t s_hi = p.total_cap;
  const auto workers = static_cast<int64_t>(p.cost.size());
  // Once hi - lo < 2λ each worker has at most one cost in (lo, hi], so the
  // heap has fewer than W packets left to place.
  for (int it = 0; it < kMaxBisections && s_lo < n && s_hi - s_lo > workers;
       ++it) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;  // adjacent doubles
    const int64_t s = CountsAt(in, p, mid, &trial);
    if (s <= n) {
      lo = mid;
      s_lo = s;
      counts.swap(trial);
    } else {
      hi = mid;
      s_hi = s;
    }
  }
  FillByHeap(in, p, n - s_lo, &counts);
  return counts;
}

}  // namespace

std::string_view ModelName(Model model) {
  return model == Model::kExact ? "exact" : "heuristic";
}

Result<Model> ParseModel(std::string_view name) {
  if (name == "exact") return Model::kExact;
  if (name == "heuristic") return Model::kHeuristic;
  return Status::InvalidArgument("unknown model \"" + std::string(name) +
                                 "\" (exact or heuristic)");
}

Status Validate(const Instance& instance) {
  Result<std::vector<size_t>> order = CheckAndOrder(instance);
  return order.ok() ? Status::OK() : order.status();
}

// Why the greedy is exact. Worker j's cost f_j(n) = c_j·n + λ·n² is the sum
// of its marginal costs M_j(k) = c_j + λ(2k+1), k = 0..n-1, which do not
// decrease with k (λ >= 0). So every feasible allocation costs the sum of N
// entries of the multiset {M_j(k) : k < cap_j}, taken as a prefix of each
// worker's list, and no allocation can cost less than the N smallest
// entries. Taking the N smallest, ties by name, is itself a prefix of each
// list (the lists are sorted), so it is an allocation and it is optimal.
// The heap takes them one at a time; the threshold search takes every
// entry <= t at once for the largest t with at most N of them, then the
// heap adds the rest; both pick the same entries.
Result<Allocation> SolveExact(const Instance& instance) {
  Result<Prepared> p = Prepare(instance);
  if (!p.ok()) return p.status();
  std::vector<int64_t> counts;
  if (p->total_cap <= instance.packets) {
    counts = p->cap;  // all of it, or the best partial answer
  } else if (instance.lambda == 0) {
    counts = FillLinear(instance, *p);
  } else {
    counts = FillByThreshold(instance, *p);
  }
  return Finish(instance, Model::kExact, *p, counts);
}

Result<Allocation> SolveExactHeap(const Instance& instance) {
  Result<Prepared> p = Prepare(instance);
  if (!p.ok()) return p.status();
  std::vector<int64_t> counts(p->cost.size(), 0);
  if (p->total_cap <= instance.packets) {
    counts = p->cap;
  } else {
    FillByHeap(instance, *p, instance.packets, &counts);
  }
  return Finish(instance, Model::kExact, *p, counts);
}

// The seed's formula, with two guards it lacked: workers without room for
// one packet are dropped before MAX is taken (so s_j/MAX > 0), and the
// denominator is floored at the smallest normal double, so cpu 0 with a
// vanishing storage ratio gives a large finite weight, not a division by 0.
Result<Allocation> SolveHeuristic(const Instance& instance) {
  Result<Prepared> p = Prepare(instance);
  if (!p.ok()) return p.status();
  double max_storage = 0;  // MAX, over the workers kept
  for (size_t i : p->eligible) {
    if (p->capacity[i] > 0) {
      max_storage = std::max(max_storage, instance.workers[i].free_storage);
    }
  }
  std::vector<double> weight(p->eligible.size(), 0.0);
  double total = 0;
  for (size_t i = 0; i < p->eligible.size(); ++i) {
    const WorkerLoad& w = instance.workers[p->eligible[i]];
    if (p->capacity[p->eligible[i]] == 0) continue;
    const double denominator = std::max(
        std::pow(w.cpu / 100, 3) + std::pow(w.free_storage / max_storage, 2),
        std::numeric_limits<double>::min());
    weight[i] = 1 / std::sqrt(denominator);
    total += weight[i];
  }
  std::vector<int64_t> counts(p->eligible.size(), 0);
  int64_t assigned = 0;
  for (size_t i = 0; i < counts.size() && total > 0; ++i) {
    const double share =
        std::floor(static_cast<double>(instance.packets) * weight[i] / total);
    counts[i] = std::min(p->cap[i], static_cast<int64_t>(share));
    assigned += counts[i];
  }
  // Rounding in the shares could, in principle, push the floors past N.
  for (size_t i = counts.size(); assigned > instance.packets && i-- > 0;) {
    const int64_t cut = std::min(counts[i], assigned - instance.packets);
    counts[i] -= cut;
    assigned -= cut;
  }
  return Finish(instance, Model::kHeuristic, *p, counts);
}

Result<Allocation> Solve(const Instance& instance, Model model) {
  return model == Model::kExact ? SolveExact(instance)
                                : SolveHeuristic(instance);
}

double Objective(const Instance& instance,
                 const std::vector<int64_t>& packets) {
  assert(packets.size() == instance.workers.size());
  double linear = 0;
  double square = 0;
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto n = static_cast<double>(packets[i]);
    linear += instance.workers[i].cpu * n;
    square += n * n;
  }
  return linear + instance.lambda * square;
}

}  // namespace fog::balancer
