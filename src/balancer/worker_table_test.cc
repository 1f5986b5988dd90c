#include "balancer/worker_table.h"

#include <gtest/gtest.h>

#include "common/bytes.h"

namespace fog::balancer {
namespace {

Bytes Json(const std::string& text) { return Bytes(text.begin(), text.end()); }

Bytes Stats(uint64_t seq, double cpu, double free_storage) {
  return Json(nlohmann::json{
      {"seq", seq},
      {"cpu", cpu},
      {"free_storage", free_storage},
      {"mem_used",
       1}}.dump());
}

std::vector<std::string> Names(const std::vector<WorkerTable::Entry>& e) {
  std::vector<std::string> names;
  for (const auto& x : e) names.push_back(x.load.name);
  return names;
}

TEST(WorkerTableTest, DiscoversWorkersByTheirAnswers) {
  WorkerTable t(3);
  EXPECT_TRUE(t.Current(2).empty());
  ASSERT_TRUE(t.OnStats("w2", Stats(1, 10, 1e9), 1).ok());
  ASSERT_TRUE(t.OnStats("w1", Stats(1, 50.5, 2e9), 1).ok());
  std::vector<WorkerTable::Entry> now = t.Current(2);
  ASSERT_EQ(Names(now), (std::vector<std::string>{"w1", "w2"}));
  EXPECT_EQ(now[0].load.cpu, 50.5);
  EXPECT_EQ(now[0].load.free_storage, 2e9);
  EXPECT_EQ(now[0].stats["mem_used"], 1);  // kept whole for the dashboard
}

TEST(WorkerTableTest, SilentForThreePeriodsLeavesAndComesBack) {
  WorkerTable t(3);
  ASSERT_TRUE(t.OnStats("w1", Stats(1, 10, 1e9), 1).ok());
  ASSERT_TRUE(t.OnStats("w2", Stats(1, 10, 1e9), 1).ok());
  for (uint64_t round = 2; round <= 6; ++round) {
    ASSERT_TRUE(t.OnStats("w1", Stats(round, 10, 1e9), round).ok());
    // w2 answered ping 1 only: silent for pings 2, 3, 4 -> gone before 5.
    EXPECT_EQ(t.Current(round + 1).size(), round + 1 <= 4 ? 2u : 1u)
        << "round " << round + 1;
  }
  ASSERT_TRUE(t.OnStats("w2", Stats(6, 10, 1e9), 6).ok());
  EXPECT_EQ(Names(t.Current(7)), (std::vector<std::string>{"w1", "w2"}));
}

TEST(WorkerTableTest, OfflineLeavesAtOnce) {
  WorkerTable t(3);
  ASSERT_TRUE(t.OnStats("w1", Stats(1, 10, 1e9), 1).ok());
  t.OnOffline("w1");
  EXPECT_TRUE(t.Current(2).empty());
  t.OnOffline("never-seen");  // harmless
}

TEST(WorkerTableTest, LateAnswersDoNotOverrideNewerOnes) {
  WorkerTable t(3);
  ASSERT_TRUE(t.OnStats("w1", Stats(5, 90, 1e9), 5).ok());
  ASSERT_TRUE(t.OnStats("w1", Stats(4, 10, 1e9), 5).ok());
  EXPECT_EQ(t.Current(6)[0].load.cpu, 90);
}

TEST(WorkerTableTest, RefusesBadAnswersAndKeepsTheOldOnes) {
  WorkerTable t(3);
  ASSERT_TRUE(t.OnStats("w1", Stats(1, 10, 1e9), 1).ok());
  const std::vector<Bytes> bad = {
      Json("not json"),
      Json("[1,2]"),
      Json(R"({"cpu": 10, "free_storage": 1})"),             // no seq
      Json(R"({"seq": 0, "cpu": 10, "free_storage": 1})"),   // never sent
      Json(R"({"seq": 99, "cpu": 10, "free_storage": 1})"),  // future
      Json(R"({"seq": -1, "cpu": 10, "free_storage": 1})"),
      Json(R"({"seq": 1, "cpu": "10", "free_storage": 1})"),
      Json(R"({"seq": 1, "cpu": 101, "free_storage": 1})"),
      Json(R"({"seq": 1, "cpu": -1, "free_storage": 1})"),
      Json(R"({"seq": 1, "cpu": 10, "free_storage": -5})"),
      Json(R"({"seq": 1, "cpu": 10})"),
      Json(R"({"seq": 1, "cpu": 1e999, "free_storage": 1})"),
  };
  for (const Bytes& b : bad) {
    EXPECT_FALSE(t.OnStats("w1", b, 2).ok()) << std::string(b.begin(), b.end());
  }
  EXPECT_FALSE(t.OnStats("../etc", Stats(1, 10, 1), 2).ok());
  EXPECT_FALSE(t.OnStats("", Stats(1, 10, 1), 2).ok());
  ASSERT_EQ(t.Current(2).size(), 1u);  // the bad names added no one
  EXPECT_EQ(t.Current(2)[0].load.cpu, 10);
}

}  // namespace
}  // namespace fog::balancer
