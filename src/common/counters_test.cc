#include "common/counters.h"

#include <gtest/gtest.h>

#include <string>

namespace fog {
namespace {

TEST(CountersTest, AddsAndSnapshots) {
  Counters c;
  c.Add("a");
  c.Add("a", 4);
  EXPECT_EQ(c.Get("a"), 5u);
  EXPECT_EQ(c.Get("b"), 0u);
  EXPECT_EQ(c.Snapshot().size(), 1u);
}

TEST(RejectLogTest, CountsEveryRejection) {
  Counters c;
  RejectLog log;
  for (int i = 0; i < 3; ++i) log.Reject(c, "bad-request", "k", "detail");
  EXPECT_EQ(c.Get("rejected.bad-request"), 3u);
  EXPECT_EQ(log.keys(), 1u);
  EXPECT_EQ(log.folded(), 0u);
}

TEST(RejectLogTest, HoldsAFixedNumberOfKeysUnderAFlood) {
  Counters c;
  RejectLog log(/*max_keys=*/8);
  for (int i = 0; i < 100000; ++i) {
    log.Reject(c, "not-found", "GET /made-up/" + std::to_string(i), "x");
  }
  // 8 remembered keys plus the one "other" bucket of this reason.
  EXPECT_EQ(log.keys(), 9u);
  EXPECT_EQ(log.folded(), 100000u - 8u);
  // Every rejection is still counted.
  EXPECT_EQ(c.Get("rejected.not-found"), 100000u);
  // A key remembered before the log filled is still told apart.
  log.Reject(c, "not-found", "GET /made-up/3", "x");
  EXPECT_EQ(log.folded(), 100000u - 8u);
  // A new reason past the limit gets its own "other" bucket.
  log.Reject(c, "too-large", "k", "x");
  EXPECT_EQ(log.keys(), 10u);
}

TEST(RejectLogTest, DefaultLimitIsFixed) {
  Counters c;
  RejectLog log;
  for (size_t i = 0; i < RejectLog::kDefaultMaxKeys + 500; ++i) {
    log.Reject(c, "r", std::to_string(i), "x");
  }
  EXPECT_EQ(log.keys(), RejectLog::kDefaultMaxKeys + 1);
  EXPECT_EQ(log.folded(), 500u);
}

}  // namespace
}  // namespace fog
