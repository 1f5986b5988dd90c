#include "worker/store/packet_index.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace fog::worker {
namespace {

IndexedPacket Packet(uint64_t offset, int64_t total, uint32_t size,
                     bool authenticated) {
  IndexedPacket p;
  p.location = {.segment = 1, .offset = offset, .size = size + 64};
  p.total_packets = total;
  p.payload_size = size;
  p.authenticated = authenticated;
  return p;
}

// What a walk over the video's packets gives, as the summary did before it
// was kept up to date.
VideoSummary Walk(const PacketIndex& index, const std::string& id) {
  VideoSummary s;
  s.video_id = id;
  const std::vector<int64_t> numbers = index.PacketNumbers(id);
  s.packet_count = numbers.size();
  for (int64_t n : numbers) {
    const IndexedPacket* p = index.Find(id, n);
    s.payload_bytes += p->payload_size;
    s.max_total_packets = std::max(s.max_total_packets, p->total_packets);
    s.all_authenticated = s.all_authenticated && p->authenticated;
  }
  s.ranges = RangesOf(numbers);
  return s;
}

void ExpectSummary(const PacketIndex& index, const std::string& id) {
  const VideoSummary want = Walk(index, id);
  std::optional<VideoSummary> got = index.Video(id);
  if (want.packet_count == 0) {
    EXPECT_FALSE(got.has_value());
    return;
  }
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->packet_count, want.packet_count);
  EXPECT_EQ(got->payload_bytes, want.payload_bytes);
  EXPECT_EQ(got->max_total_packets, want.max_total_packets);
  EXPECT_EQ(got->all_authenticated, want.all_authenticated);
  EXPECT_EQ(FormatRanges(got->ranges), FormatRanges(want.ranges));
}

TEST(PacketIndexTest, SummariesFollowEveryInsertReplaceAndErase) {
  std::mt19937_64 rng(20261206);
  PacketIndex index;
  uint64_t offset = 0;
  for (int step = 0; step < 20000; ++step) {
    const int64_t n = static_cast<int64_t>(rng() % 120) + 1;
    const int op = static_cast<int>(rng() % 10);
    if (op < 6) {  // insert or replace
      index.Insert("v", n,
                   Packet(++offset, static_cast<int64_t>(rng() % 5) - 1,
                          static_cast<uint32_t>(rng() % 5000), rng() % 7 != 0));
    } else if (const IndexedPacket* p = index.Find("v", n)) {
      // Erased where it is, or not erased when the location is stale.
      RecordLocation where = p->location;
      if (op == 9) ++where.offset;
      index.EraseIfAt("v", n, where);
    }
    ExpectSummary(index, "v");
    if (::testing::Test::HasFailure()) {
      FAIL() << "at step " << step << ", packet " << n << ", op " << op;
    }
  }
  EXPECT_EQ(index.Videos().size(), index.Video("v") ? 1u : 0u);
  index.EraseVideo("v");
  EXPECT_FALSE(index.Video("v").has_value());
}

TEST(PacketIndexTest, RangesAtTheEndsOfTheNumbers) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  PacketIndex index;
  for (int64_t n : {kMax, kMax - 1, kMin, kMin + 1, int64_t{0}}) {
    index.Insert("v", n,
                 Packet(static_cast<uint64_t>(n & 0xffff), 1, 10, true));
  }
  ExpectSummary(index, "v");
  ASSERT_EQ(index.Video("v")->ranges.size(), 3u);
  for (int64_t n : {kMax - 1, kMin}) {
    index.EraseIfAt("v", n, index.Find("v", n)->location);
    ExpectSummary(index, "v");
  }
}

}  // namespace
}  // namespace fog::worker
