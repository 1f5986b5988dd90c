#include "balancer/solver_json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fog::balancer {
namespace {

constexpr double kPacket = 2'000'000;

// A worker with room for exactly `cap` packets of kPacket bytes.
WorkerLoad W(std::string name, double cpu, int64_t cap) {
  return {std::move(name), cpu, (static_cast<double>(cap) + 0.5) * kPacket};
}

Instance Make(int64_t n, double lambda, std::vector<WorkerLoad> workers) {
  Instance in;
  in.packets = n;
  in.packet_size = kPacket;
  in.lambda = lambda;
  in.workers = std::move(workers);
  return in;
}

TEST(SolverJsonTest, ParsesInstanceWithDefaults) {
  Result<Instance> in = ParseInstance(R"({"packets": 12, "workers": [
      {"name": "w1", "cpu": 12.5, "free_storage": 4e7, "mem": 3},
      {"name": "w2", "cpu": 0, "free_storage": 0}], "note": "x"})");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->packets, 12);
  EXPECT_EQ(in->packet_size, kDefaultPacketSize);
  EXPECT_EQ(in->lambda, kDefaultLambda);
  EXPECT_EQ(in->cpu_threshold, kDefaultCpuThreshold);
  ASSERT_EQ(in->workers.size(), 2u);
  EXPECT_EQ(in->workers[0].name, "w1");
  EXPECT_EQ(in->workers[0].cpu, 12.5);
  EXPECT_EQ(in->workers[0].free_storage, 4e7);
  Result<Instance> full = ParseInstance(
      R"({"packets": 3, "packet_size": 10, "lambda": 0.25,
          "cpu_threshold": 50, "workers": []})");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->packet_size, 10);
  EXPECT_EQ(full->lambda, 0.25);
  EXPECT_EQ(full->cpu_threshold, 50);
}

TEST(SolverJsonTest, RejectsBadInstances) {
  const char* bad[] = {
      "",
      "not json",
      "[1, 2]",
      R"({"workers": []})",
      R"({"packets": -1, "workers": []})",
      R"({"packets": 2.5, "workers": []})",
      R"({"packets": "3", "workers": []})",
      R"({"packets": 18446744073709551615, "workers": []})",
      R"({"packets": 3})",
      R"({"packets": 3, "workers": {}})",
      R"({"packets": 3, "packet_size": 0, "workers": []})",
      R"({"packets": 3, "lambda": -1, "workers": []})",
      R"({"packets": 3, "lambda": "1", "workers": []})",
      R"({"packets": 3, "workers": [7]})",
      R"({"packets": 3, "workers": [{"cpu": 1, "free_storage": 1}]})",
      R"({"packets": 3, "workers": [{"name": "a", "free_storage": 1}]})",
      R"({"packets": 3, "workers": [{"name": "a", "cpu": 1}]})",
      R"({"packets": 3, "workers": [{"name": "a", "cpu": -1, "free_storage": 1}]})",
      R"({"packets": 3, "workers": [{"name": "a", "cpu": 1, "free_storage": 1},
                                    {"name": "a", "cpu": 2, "free_storage": 1}]})",
  };
  for (const char* json : bad) {
    Result<Instance> in = ParseInstance(json);
    EXPECT_FALSE(in.ok()) << json;
    if (!in.ok()) {
      EXPECT_EQ(in.status().code(), Status::Code::kInvalidArgument);
      EXPECT_EQ(in.status().message().rfind("instance: ", 0), 0u)
          << in.status().message();
    }
  }
}

TEST(SolverJsonTest, AllocationAndPolicyJson) {
  const Instance in =
      Make(10, 1, {W("a", 10, 100), W("b", 30, 100), W("hot", 90, 100)});
  Result<Allocation> a = SolveExact(in);
  ASSERT_TRUE(a.ok());
  const auto out = nlohmann::json::parse(AllocationJson(in, *a));
  EXPECT_EQ(out.at("allocation").at("a").get<int64_t>(), a->packets[0]);
  EXPECT_EQ(out.at("allocation").at("b").get<int64_t>(), a->packets[1]);
  EXPECT_EQ(out.at("allocation").at("hot").get<int64_t>(), 0);
  EXPECT_DOUBLE_EQ(out.at("objective").get<double>(), a->objective);
  EXPECT_FALSE(out.contains("feasible"));

  const auto policy = nlohmann::json::parse(PolicyJson(in, *a));
  double sum = 0;
  for (size_t j = 0; j < in.workers.size(); ++j) {
    const std::string& name = in.workers[j].name;
    const double w = policy.at("weights").at(name).get<double>();
    EXPECT_DOUBLE_EQ(w, static_cast<double>(a->packets[j]) / 10);
    EXPECT_EQ(policy.at("capacities").at(name).get<int64_t>(), 100);
    sum += w;
  }
  EXPECT_DOUBLE_EQ(sum, 1.0);
  EXPECT_EQ(policy.at("model"), "exact");

  const Instance tight = Make(10, 1, {W("a", 10, 3)});
  Result<Allocation> partial = SolveExact(tight);
  ASSERT_TRUE(partial.ok());
  const auto inf = nlohmann::json::parse(AllocationJson(tight, *partial));
  EXPECT_EQ(inf.at("feasible"), false);
  EXPECT_EQ(inf.at("error"), partial->error);
  EXPECT_EQ(inf.at("unassigned"), 7);
}

}  // namespace
}  // namespace fog::balancer
