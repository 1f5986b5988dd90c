#include "balancer/solver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace fog::balancer {
namespace {

constexpr double kPacket = 2'000'000;

// A worker with room for exactly `cap` packets of kPacket bytes (plus some
// slack that does not make another packet).
WorkerLoad W(std::string name, double cpu, int64_t cap, double slack = 0.5) {
  return {std::move(name), cpu, (static_cast<double>(cap) + slack) * kPacket};
}

Instance Make(int64_t n, double lambda, std::vector<WorkerLoad> workers) {
  Instance in;
  in.packets = n;
  in.packet_size = kPacket;
  in.lambda = lambda;
  in.workers = std::move(workers);
  return in;
}

bool Eligible(const Instance& in, size_t j) {
  bool any = false;
  for (const WorkerLoad& w : in.workers) any |= w.cpu < in.cpu_threshold;
  return !any || in.workers[j].cpu < in.cpu_threshold;
}

int64_t Cap(const Instance& in, size_t j) {
  return static_cast<int64_t>(
      std::min(std::floor(in.workers[j].free_storage / in.packet_size),
               static_cast<double>(kMaxCapacity)));
}

// Checks the constraints: capacities, no packet on an excluded worker, the
// unassigned count, and Σ n = N for a feasible exact allocation.
void ExpectValid(const Instance& in, const Allocation& a) {
  ASSERT_EQ(a.packets.size(), in.workers.size());
  int64_t sum = 0;
  for (size_t j = 0; j < in.workers.size(); ++j) {
    EXPECT_GE(a.packets[j], 0);
    EXPECT_LE(a.packets[j], Cap(in, j)) << in.workers[j].name;
    if (!Eligible(in, j)) {
      EXPECT_EQ(a.packets[j], 0) << in.workers[j].name;
    }
    sum += a.packets[j];
  }
  EXPECT_EQ(sum + a.unassigned, in.packets);
  if (a.feasible && a.model == Model::kExact) {
    EXPECT_EQ(a.unassigned, 0);
  }
}

// The minimum objective over every allocation, by enumeration; nullopt when
// none is feasible.
std::optional<double> BruteForce(const Instance& in) {
  std::vector<int64_t> n(in.workers.size(), 0);
  std::optional<double> best;
  std::function<void(size_t, int64_t)> rec = [&](size_t j, int64_t left) {
    if (j == n.size()) {
      if (left != 0) return;
      const double f = Objective(in, n);
      if (!best || f < *best) best = f;
      return;
    }
    const int64_t top = Eligible(in, j) ? std::min(Cap(in, j), left) : 0;
    for (int64_t k = 0; k <= top; ++k) {
      n[j] = k;
      rec(j + 1, left - k);
    }
    n[j] = 0;
  };
  rec(0, in.packets);
  return best;
}

// "<prefix><a>-<b>": unique for distinct b, and sorting in a random order
// relative to b when `a` is random.
std::string Name(const char* prefix, uint64_t a, int b) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s%llu-%d", prefix,
                static_cast<unsigned long long>(a), b);
  return buf;
}

Instance RandomSmall(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> workers(1, 4);
  std::uniform_int_distribution<int> packets(0, 12);
  std::uniform_int_distribution<int> cap(0, 6);
  std::uniform_int_distribution<int> pick(0, 3);
  std::uniform_real_distribution<double> real(0, 100);
  const double lambdas[] = {0, 1, 0.5, 2.5, 0.01};
  Instance in = Make(packets(rng), 0, {});
  in.lambda = pick(rng) == 0 ? real(rng) / 37 : lambdas[rng() % 5];
  const int w = workers(rng);
  const bool equal_loads = pick(rng) == 0;
  for (int j = 0; j < w; ++j) {
    double cpu = equal_loads ? 30 : std::round(real(rng));
    if (pick(rng) == 0) cpu = real(rng);  // fractional
    int64_t c = cap(rng);
    if (pick(rng) == 0) c = in.packets;  // tight: one worker can take all
    in.workers.push_back(
        {Name("w", rng() % 1000, j), cpu,
         (static_cast<double>(c) + real(rng) / 100.01) * kPacket});
  }
  return in;
}

TEST(SolverExactTest, MatchesBruteForceOnSmallInstances) {
  std::mt19937_64 rng(20240611);
  int feasible = 0;
  int infeasible = 0;
  for (int trial = 0; trial < 5000; ++trial) {
    const Instance in = RandomSmall(rng);
    SCOPED_TRACE("trial " + std::to_string(trial));
    Result<Allocation> a = SolveExact(in);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ExpectValid(in, *a);
    const std::optional<double> best = BruteForce(in);
    ASSERT_EQ(best.has_value(), a->feasible);
    if (best) {
      ++feasible;
      EXPECT_NEAR(a->objective, *best, 1e-9 * std::max(1.0, *best));
      EXPECT_DOUBLE_EQ(a->objective, Objective(in, a->packets));
    } else {
      ++infeasible;
      for (size_t j = 0; j < in.workers.size(); ++j) {
        EXPECT_EQ(a->packets[j], Eligible(in, j) ? Cap(in, j) : 0);
      }
    }
    Result<Allocation> h = SolveExactHeap(in);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->packets, a->packets);
  }
  // Both kinds of instance were exercised.
  EXPECT_GT(feasible, 1000);
  EXPECT_GT(infeasible, 100);
}

// Optimality certificate for large N, independent of how the solver
// searched: no packet can move to another worker and lower the cost, that
// is the dearest last packet placed costs no more than the cheapest next
// one still possible.
void ExpectNoImprovingMove(const Instance& in, const Allocation& a) {
  double last_max = -std::numeric_limits<double>::infinity();
  double next_min = std::numeric_limits<double>::infinity();
  for (size_t j = 0; j < in.workers.size(); ++j) {
    const double c = in.workers[j].cpu;
    const auto n = static_cast<double>(a.packets[j]);
    if (a.packets[j] > 0)
      last_max = std::max(last_max, c + in.lambda * (2 * n - 1));
    if (Eligible(in, j) && a.packets[j] < Cap(in, j)) {
      next_min = std::min(next_min, c + in.lambda * (2 * n + 1));
    }
  }
  EXPECT_LE(last_max, next_min + 1e-9 * std::abs(next_min));
}

TEST(SolverExactTest, ThresholdSearchEqualsHeapGreedyForLargeN) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> packets(1, 100'000);
  std::uniform_int_distribution<int> workers(1, 1000);
  std::uniform_real_distribution<double> real(0, 1);
  for (int trial = 0; trial < 40; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const int w = trial < 4 ? 1000 : workers(rng);
    Instance in = Make(trial < 4 ? 100'000 : packets(rng), 0, {});
    const double lambdas[] = {1, 0.5, 3.25, 1e-4, 0};
    in.lambda = lambdas[trial % 5];
    // Enough room in total (mostly), some workers full or empty.
    const double mean_cap = 2.0 * static_cast<double>(in.packets) / w;
    for (int j = 0; j < w; ++j) {
      double cpu =
          trial % 3 == 0 ? std::round(100 * real(rng)) : 100 * real(rng);
      const double cap = real(rng) < 0.05 ? 0 : mean_cap * 2 * real(rng);
      in.workers.push_back(
          {Name("n", j, 0), cpu, std::floor(cap) * kPacket + kPacket / 2});
    }
    Result<Allocation> fast = SolveExact(in);
    Result<Allocation> heap = SolveExactHeap(in);
    ASSERT_TRUE(fast.ok() && heap.ok());
    ExpectValid(in, *fast);
    EXPECT_EQ(fast->packets, heap->packets);
    EXPECT_EQ(fast->objective, heap->objective);
    if (fast->feasible) ExpectNoImprovingMove(in, *fast);
  }
}

TEST(SolverExactTest, ExtremeValuesStayExact) {
  // The largest round on huge disks: capacities saturate, the threshold
  // search stays fast and the certificate holds.
  Instance big = Make(kMaxPackets, 1, {});
  big.packet_size = 1;
  big.workers = {{"a", 3, 1e300}, {"b", 70.5, 1e300}, {"c", 0, 5e8}};
  Result<Allocation> a = SolveExact(big);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->capacities[0], kMaxCapacity);
  ExpectValid(big, *a);
  ExpectNoImprovingMove(big, *a);
  // A λ so small that many marginal costs round to the same double.
  Instance flat = Make(1'000'000, 1e-20, {});
  flat.packet_size = 1;
  flat.workers = {{"x", 50, 6e5}, {"y", 50, 6e5}, {"z", 50 + 1e-13, 6e5}};
  Result<Allocation> f = SolveExact(flat);
  Result<Allocation> h = SolveExactHeap(flat);
  ASSERT_TRUE(f.ok() && h.ok());
  EXPECT_EQ(f->packets, h->packets);
  ExpectValid(flat, *f);
}

TEST(SolverExactTest, OneWorkerTakesEverything) {
  Result<Allocation> a = SolveExact(Make(1024, 1, {W("only", 42, 5000)}));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->packets, std::vector<int64_t>{1024});
  EXPECT_DOUBLE_EQ(a->objective, 42.0 * 1024 + 1024.0 * 1024);
  EXPECT_TRUE(a->feasible);
}

TEST(SolverExactTest, ZeroCapacityWorkerGetsNothing) {
  // The idle worker has no room; the other two split the round.
  const Instance in =
      Make(10, 1, {W("idle", 0, 0, 0.99), W("a", 10, 100), W("b", 10, 100)});
  Result<Allocation> a = SolveExact(in);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->packets, (std::vector<int64_t>{0, 5, 5}));
  EXPECT_EQ(a->capacities[0], 0);
}

TEST(SolverExactTest, EqualLoadsBreakTiesByNameWhateverTheInputOrder) {
  // Marginal costs are equal at every step; 7 = 3·2 + 1, so one worker gets
  // a third packet: the name that sorts first.
  Instance in = Make(7, 1, {W("c", 20, 10), W("a", 20, 10), W("b", 20, 10)});
  Result<Allocation> a = SolveExact(in);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->packets, (std::vector<int64_t>{2, 3, 2}));
  std::reverse(in.workers.begin(), in.workers.end());  // b, a, c
  Result<Allocation> r = SolveExact(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->packets, (std::vector<int64_t>{2, 3, 2}));
  Result<Allocation> h = SolveExactHeap(in);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->packets, r->packets);
}

TEST(SolverExactTest, LambdaZeroFillsCheapestFirst) {
  const Instance in = Make(
      9, 0,
      {W("mid", 20, 5), W("cheap", 5, 2), W("low", 10, 3), W("top", 60, 9)});
  Result<Allocation> a = SolveExact(in);
  ASSERT_TRUE(a.ok());
  // cheap (2) then low (3) are full, mid takes the remaining 4, top none.
  EXPECT_EQ(a->packets, (std::vector<int64_t>{4, 2, 3, 0}));
  EXPECT_DOUBLE_EQ(a->objective, 4 * 20 + 2 * 5 + 3 * 10);
  // Equal costs under λ = 0: the name sorting first is filled first.
  Result<Allocation> t = SolveExact(Make(4, 0, {W("y", 7, 3), W("x", 7, 3)}));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->packets, (std::vector<int64_t>{1, 3}));
}

TEST(SolverExactTest, InfeasibleReturnsErrorAndCapacities) {
  // Capacities 3 + 2 (+ 50 on a worker above the threshold) < 10.
  const Instance in =
      Make(10, 1, {W("a", 10, 3), W("b", 30, 2), W("hot", 95, 50)});
  for (auto solve : {SolveExact, SolveExactHeap}) {
    Result<Allocation> a = solve(in);
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE(a->feasible);
    EXPECT_NE(a->error.find("infeasible"), std::string::npos) << a->error;
    EXPECT_EQ(a->packets, (std::vector<int64_t>{3, 2, 0}));
    EXPECT_EQ(a->unassigned, 5);
    EXPECT_EQ(a->capacities, (std::vector<int64_t>{3, 2, 50}));
  }
  // No workers at all.
  Result<Allocation> none = SolveExact(Make(1, 1, {}));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->feasible);
  // Zero packets is always feasible.
  Result<Allocation> zero = SolveExact(Make(0, 1, {W("a", 10, 0)}));
  ASSERT_TRUE(zero.ok());
  EXPECT_TRUE(zero->feasible);
  EXPECT_EQ(zero->packets, std::vector<int64_t>{0});
}

TEST(SolverExactTest, ExactlyFullIsFeasible) {
  Result<Allocation> a = SolveExact(Make(5, 1, {W("a", 10, 3), W("b", 1, 2)}));
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->feasible);
  EXPECT_EQ(a->packets, (std::vector<int64_t>{3, 2}));
}

TEST(SolverExactTest, WorkersAboveThresholdAreExcluded) {
  Instance in = Make(20, 1, {W("hot", 85, 100), W("warm", 79, 100)});
  Result<Allocation> a = SolveExact(in);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->packets, (std::vector<int64_t>{0, 20}));
  EXPECT_FALSE(a->overload_fallback);
  // At the threshold counts as above it.
  in.workers[1].cpu = 80;
  // Now every worker is at or above it: all of them are used, as if there
  // were no threshold.
  Result<Allocation> all = SolveExact(in);
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->overload_fallback);
  in.cpu_threshold = 1000;
  Result<Allocation> free = SolveExact(in);
  ASSERT_TRUE(free.ok());
  EXPECT_FALSE(free->overload_fallback);
  EXPECT_EQ(all->packets, free->packets);
  EXPECT_GT(all->packets[0], 0);
}

TEST(SolverValidateTest, RejectsBadInstances) {
  const Instance good = Make(4, 1, {W("a", 10, 5), W("b", 20, 5)});
  ASSERT_TRUE(Validate(good).ok());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<std::function<void(Instance&)>> breakers = {
      [](Instance& i) { i.packets = -1; },
      [](Instance& i) { i.packets = kMaxPackets + 1; },
      [](Instance& i) { i.packet_size = 0; },
      [&](Instance& i) { i.packet_size = nan; },
      [](Instance& i) { i.lambda = -0.5; },
      [&](Instance& i) { i.lambda = inf; },
      [](Instance& i) { i.cpu_threshold = -1; },
      [](Instance& i) { i.workers[0].cpu = -3; },
      [&](Instance& i) { i.workers[1].cpu = nan; },
      [](Instance& i) { i.workers[0].free_storage = -1; },
      [&](Instance& i) { i.workers[0].free_storage = nan; },
      [](Instance& i) { i.workers[1].name = i.workers[0].name; },
      [](Instance& i) { i.workers[0].name = ""; },
  };
  for (size_t k = 0; k < breakers.size(); ++k) {
    Instance bad = good;
    breakers[k](bad);
    SCOPED_TRACE("breaker " + std::to_string(k));
    Status s = Validate(bad);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
    EXPECT_FALSE(s.message().empty());
    EXPECT_FALSE(SolveExact(bad).ok());
    EXPECT_FALSE(SolveExactHeap(bad).ok());
    EXPECT_FALSE(SolveHeuristic(bad).ok());
  }
  Status dup = Validate(Make(1, 1, {W("x", 1, 1), W("x", 2, 1)}));
  EXPECT_NE(dup.message().find("duplicate"), std::string::npos);
}

TEST(SolverHeuristicTest, FollowsTheSeedFormula) {
  // hot is above the threshold; tiny has no room for one packet. MAX is
  // b's storage (hot's larger one does not count).
  const Instance in =
      Make(100, 1,
           {W("a", 20, 10, 0), W("b", 50, 40, 0), W("c", 5, 25, 0),
            W("hot", 90, 80), W("tiny", 10, 0)});
  const double max = 40 * kPacket;
  auto weight = [&](double cpu, double cap) {
    return 1 /
           std::sqrt(std::pow(cpu / 100, 3) + std::pow(cap * kPacket / max, 2));
  };
  const double wa = weight(20, 10);
  const double wb = weight(50, 40);
  const double wc = weight(5, 25);
  const double sum = wa + wb + wc;
  const std::vector<int64_t> expected = {
      std::min<int64_t>(10, std::floor(100 * wa / sum)),
      std::min<int64_t>(40, std::floor(100 * wb / sum)),
      std::min<int64_t>(25, std::floor(100 * wc / sum)), 0, 0};
  // By hand: weights 3.766, 0.943, 1.600; shares 59.7 (capped to 10),
  // 14.9 and 25.4 (capped to 25).
  EXPECT_EQ(expected, (std::vector<int64_t>{10, 14, 25, 0, 0}));
  Result<Allocation> a = SolveHeuristic(in);
  ASSERT_TRUE(a.ok());
  ExpectValid(in, *a);
  EXPECT_EQ(a->packets, expected);
  EXPECT_EQ(a->unassigned, 100 - 10 - 14 - 25);
  EXPECT_FALSE(a->feasible);  // 75 packets of room for 100
  EXPECT_EQ(a->model, Model::kHeuristic);
  EXPECT_DOUBLE_EQ(a->objective, Objective(in, a->packets));
}

TEST(SolverHeuristicTest, FloorsLeavePacketsUnassigned) {
  // Three identical workers: each share is 10/3, floored to 3.
  Result<Allocation> a = SolveHeuristic(
      Make(10, 1, {W("a", 10, 100), W("b", 10, 100), W("c", 10, 100)}));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->packets, (std::vector<int64_t>{3, 3, 3}));
  EXPECT_EQ(a->unassigned, 1);
  EXPECT_TRUE(a->feasible);
}

TEST(SolverHeuristicTest, IdleWorkersAndOverloadAreGuarded) {
  // cpu 0 everywhere: the weights rest on storage alone, no division by 0.
  Result<Allocation> a = SolveHeuristic(
      Make(8, 1, {W("a", 0, 4, 0), W("b", 0, 4, 0), W("z", 0, 0, 0)}));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->packets, (std::vector<int64_t>{4, 4, 0}));
  // Every worker overloaded: the same fallback as the exact model.
  Result<Allocation> hot =
      SolveHeuristic(Make(8, 1, {W("a", 90, 4, 0), W("b", 99, 4, 0)}));
  ASSERT_TRUE(hot.ok());
  EXPECT_TRUE(hot->overload_fallback);
  EXPECT_GT(hot->packets[0] + hot->packets[1], 0);
  ExpectValid(Make(8, 1, {W("a", 90, 4, 0), W("b", 99, 4, 0)}), *hot);
}

TEST(SolverHeuristicTest, NeverExceedsCapacityOnRandomInstances) {
  std::mt19937_64 rng(99);
  for (int trial = 0; trial < 2000; ++trial) {
    const Instance in = RandomSmall(rng);
    Result<Allocation> a = SolveHeuristic(in);
    ASSERT_TRUE(a.ok());
    ExpectValid(in, *a);
  }
}

TEST(SolverTest, ModelNames) {
  for (Model m : {Model::kExact, Model::kHeuristic}) {
    Result<Model> back = ParseModel(ModelName(m));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, m);
  }
  EXPECT_FALSE(ParseModel("cplex").ok());
}

}  // namespace
}  // namespace fog::balancer
