#include "federation/packet_cache.h"

#include <gtest/gtest.h>

#include <limits>

#include "wire/envelope.h"

namespace fog::federation {
namespace {

Bytes Payload(size_t size, uint8_t fill = 7) { return Bytes(size, fill); }

TEST(PulledPacketCache, HitWhenEveryPacketOfTheRangeIsHeld) {
  PulledPacketCache cache(1000);
  for (int64_t n = 1; n <= 3; ++n) {
    ASSERT_TRUE(cache.Insert("v", n, Payload(10, static_cast<uint8_t>(n))));
  }
  std::optional<CachedPage> page = cache.Lookup("v", 1, 3, 1 << 20);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->packets.size(), 3u);
  EXPECT_EQ(page->packets[2].first, 3);
  EXPECT_EQ(page->packets[2].second, Payload(10, 3));
  EXPECT_EQ(page->next, 0);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.bytes(), 30u);
}

TEST(PulledPacketCache, MissWhenOnePacketIsAbsent) {
  PulledPacketCache cache(1000);
  ASSERT_TRUE(cache.Insert("v", 1, Payload(10)));
  ASSERT_TRUE(cache.Insert("v", 3, Payload(10)));
  EXPECT_FALSE(cache.Lookup("v", 1, 3, 1 << 20).has_value());
  EXPECT_FALSE(cache.Lookup("other", 1, 1, 1 << 20).has_value());
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_EQ(cache.hits(), 0u);
}

TEST(PulledPacketCache, PagesLikeAWorker) {
  PulledPacketCache cache(1000);
  for (int64_t n = 1; n <= 5; ++n)
    ASSERT_TRUE(cache.Insert("v", n, Payload(100)));
  // The first two always go, then packets while the page stays in budget.
  std::optional<CachedPage> page = cache.Lookup("v", 1, 5, 50);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->packets.size(), 2u);
  EXPECT_EQ(page->next, 3);
  page = cache.Lookup("v", 1, 5, 300);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->packets.size(), 3u);
  EXPECT_EQ(page->next, 4);
}

TEST(PulledPacketCache, StaysWithinItsBoundEvictingTheLeastRecent) {
  PulledPacketCache cache(300);
  ASSERT_TRUE(cache.Insert("v", 1, Payload(100)));
  ASSERT_TRUE(cache.Insert("v", 2, Payload(100)));
  ASSERT_TRUE(cache.Insert("v", 3, Payload(100)));
  // Packet 1 used last: packet 2 is now the least recent.
  ASSERT_TRUE(cache.Lookup("v", 1, 1, 1 << 20).has_value());
  ASSERT_TRUE(cache.Insert("v", 4, Payload(100)));
  EXPECT_LE(cache.bytes(), 300u);
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_FALSE(cache.Lookup("v", 2, 2, 1 << 20).has_value());
  EXPECT_TRUE(cache.Lookup("v", 1, 1, 1 << 20).has_value());
  EXPECT_TRUE(cache.Lookup("v", 3, 4, 1 << 20).has_value());
  // A large one evicts as many as it needs, oldest first (now 1, then 3).
  ASSERT_TRUE(cache.Insert("w", 1, Payload(250)));
  EXPECT_EQ(cache.bytes(), 250u);
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.evictions(), 4u);
}

TEST(PulledPacketCache, ReplacingAPacketKeepsTheCountRight) {
  PulledPacketCache cache(300);
  ASSERT_TRUE(cache.Insert("v", 1, Payload(100)));
  ASSERT_TRUE(cache.Insert("v", 1, Payload(150)));
  EXPECT_EQ(cache.bytes(), 150u);
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.evictions(), 0u);
}

TEST(PulledPacketCache, RefusesAPacketLargerThanTheBound) {
  PulledPacketCache cache(100);
  ASSERT_TRUE(cache.Insert("v", 1, Payload(60)));
  EXPECT_FALSE(cache.Insert("v", 2, Payload(101)));
  EXPECT_EQ(cache.oversize(), 1u);
  // Refused without evicting what was there.
  EXPECT_EQ(cache.bytes(), 60u);
  EXPECT_TRUE(cache.Lookup("v", 1, 1, 1 << 20).has_value());
}

TEST(PulledPacketCache, ZeroDisablesIt) {
  PulledPacketCache cache(0);
  EXPECT_FALSE(cache.Insert("v", 1, Payload(1)));
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_FALSE(cache.Lookup("v", 1, 1, 1 << 20).has_value());
  EXPECT_EQ(cache.oversize(), 0u);
}

// Packet n of video "v" as a publisher wraps it; `total` announced (0: the
// video goes on).
Bytes Packet(int64_t n, int64_t total) {
  wire::Envelope e;
  e.packet = {"v", n, total, Bytes(10, static_cast<uint8_t>(n))};
  return wire::EncodeEnvelope(e);
}

TEST(PulledPacketCache, AnOpenRangeNeedsAKnownTotal) {
  PulledPacketCache cache(1000);
  cache.InsertPage("v", {{1, Packet(1, 0)}, {2, Packet(2, 2)}});
  constexpr int64_t kOpen = std::numeric_limits<int64_t>::max();
  EXPECT_FALSE(cache.LookupRange("v", 1, kOpen, 0, 1 << 20).has_value());
  std::optional<CachedPage> page = cache.LookupRange("v", 1, kOpen, 2, 1 << 20);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->packets.size(), 2u);
  // A total larger than what is held: packet 3 is missing.
  EXPECT_FALSE(cache.LookupRange("v", 1, kOpen, 3, 1 << 20).has_value());
  EXPECT_FALSE(cache.LookupRange("v", 3, kOpen, 2, 1 << 20).has_value());
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 3u);
}

TEST(PulledPacketCache, ACatalogsTotalEndsAnOpenRangeOnlyIfThePacketSaysSo) {
  // A stale or lying catalog says 2 packets; packet 2 itself says the video
  // goes on: the cache must not end the stream there.
  PulledPacketCache cache(1000);
  cache.InsertPage("v", {{1, Packet(1, 0)}, {2, Packet(2, 0)}});
  constexpr int64_t kOpen = std::numeric_limits<int64_t>::max();
  EXPECT_FALSE(cache.LookupRange("v", 1, kOpen, 2, 1 << 20).has_value());
  // A bounded range asked as such is the viewer's own bound.
  EXPECT_TRUE(cache.LookupRange("v", 1, 2, 0, 1 << 20).has_value());
}

TEST(KnownTotal, TheLargestAnyCatalogAnnounces) {
  PeerCatalogs catalogs;
  catalogs.Update({.fog = "a",
                   .seq = 1,
                   .videos = {{.video_id = "v", .total_packets = 5}}});
  catalogs.Update({.fog = "b",
                   .seq = 1,
                   .videos = {{.video_id = "v", .total_packets = 7}}});
  EXPECT_EQ(KnownTotal(catalogs, "v"), 7);
  EXPECT_EQ(KnownTotal(catalogs, "w"), 0);
}

}  // namespace
}  // namespace fog::federation
