#include "viewer/packet_cache.h"

#include <gtest/gtest.h>

namespace fog::viewer {
namespace {

PacketCache::Entry Packet(const std::string& id, int64_t n, size_t bytes) {
  auto e = std::make_shared<wire::Envelope>();
  e->packet.video_id = id;
  e->packet.packet_number = n;
  e->packet.data.assign(bytes, static_cast<uint8_t>(n));
  return e;
}

TEST(PacketCacheTest, HitReturnsTheStoredPacket) {
  PacketCache cache(1 << 20);
  cache.Put(Packet("v", 2, 100));
  PacketCache::Entry e = cache.Get("v", 2);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->packet.data, Bytes(100, 2));
  EXPECT_EQ(cache.Get("v", 3), nullptr);
  EXPECT_EQ(cache.Get("w", 2), nullptr);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 2u);
}

TEST(PacketCacheTest, EvictsLeastRecentlyUsedWithinTheByteBound) {
  const size_t one = PacketCache::Cost(*Packet("v", 1, 1000));
  PacketCache cache(3 * one);
  for (int n = 1; n <= 3; ++n) cache.Put(Packet("v", n, 1000));
  EXPECT_EQ(cache.bytes(), 3 * one);
  ASSERT_NE(cache.Get("v", 1), nullptr);  // 1 is now the most recent
  cache.Put(Packet("v", 4, 1000));        // evicts 2, the least recent
  EXPECT_EQ(cache.Get("v", 2), nullptr);
  EXPECT_NE(cache.Get("v", 1), nullptr);
  EXPECT_NE(cache.Get("v", 3), nullptr);
  EXPECT_NE(cache.Get("v", 4), nullptr);
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_LE(cache.bytes(), 3 * one);
}

TEST(PacketCacheTest, ABigPacketEvictsSeveral) {
  const size_t small = PacketCache::Cost(*Packet("v", 1, 100));
  PacketCache cache(4 * small);
  for (int n = 1; n <= 4; ++n) cache.Put(Packet("v", n, 100));
  cache.Put(Packet("v", 9, 250));  // about 2.5 small ones
  EXPECT_EQ(cache.Get("v", 1), nullptr);
  EXPECT_EQ(cache.Get("v", 2), nullptr);
  EXPECT_NE(cache.Get("v", 9), nullptr);
  EXPECT_LE(cache.bytes(), 4 * small);
}

TEST(PacketCacheTest, APacketLargerThanTheCapacityIsNotKept) {
  PacketCache cache(500);
  cache.Put(Packet("v", 1, 100));
  cache.Put(Packet("v", 2, 10000));
  EXPECT_EQ(cache.Get("v", 2), nullptr);
  EXPECT_NE(cache.Get("v", 1), nullptr);
}

TEST(PacketCacheTest, ReplacingAPacketKeepsTheAccountingExact) {
  PacketCache cache(1 << 20);
  cache.Put(Packet("v", 1, 100));
  cache.Put(Packet("v", 1, 300));
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.bytes(), PacketCache::Cost(*Packet("v", 1, 300)));
}

TEST(PacketCacheTest, EraseDropsOneVideoOnly) {
  PacketCache cache(1 << 20);
  cache.Put(Packet("a", 1, 10));
  cache.Put(Packet("a", 2, 10));
  cache.Put(Packet("b", 1, 10));
  cache.Erase("a");
  EXPECT_EQ(cache.Get("a", 1), nullptr);
  EXPECT_EQ(cache.Get("a", 2), nullptr);
  EXPECT_NE(cache.Get("b", 1), nullptr);
  EXPECT_EQ(cache.bytes(), PacketCache::Cost(*Packet("b", 1, 10)));
}

}  // namespace
}  // namespace fog::viewer
