#include "experiment/store_faults.h"

#include <gtest/gtest.h>

#include "worker/store/packet_store.h"
#include "worker/store/store_test_util.h"

namespace fog::experiment {
namespace {

using worker::PacketStore;

Bytes Payload(uint8_t seed, size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

// The damage is found by the store's own check, on read and on reopen, and
// touches only the packet named.
TEST(CorruptStoredPacket, TheStoreFindsTheDamage) {
  worker::testing::TempDir dir;
  {
    auto store = PacketStore::Open(dir.path(), {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int64_t n = 1; n <= 3; ++n) {
      ASSERT_TRUE((*store)
                      ->Put({.video_id = "v", .packet_number = n},
                            Payload(static_cast<uint8_t>(n), 5000))
                      .ok());
    }
    // While the store is open, as a worker's is during a run: the next
    // read sees the flipped byte.
    EXPECT_EQ(CorruptStoredPacket(dir.path(), "v", 2), "ok");
    Result<Bytes> damaged = (*store)->Get("v", 2);
    ASSERT_FALSE(damaged.ok());
    EXPECT_EQ(damaged.status().code(), Status::Code::kCorruption);
    EXPECT_TRUE((*store)->Get("v", 1).ok());
    EXPECT_TRUE((*store)->Get("v", 3).ok());
  }
  auto reopened = PacketStore::Open(dir.path(), {});
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->PacketNumbers("v"), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ((*reopened)->stats().corrupt_keys.size(), 1u);
}

TEST(CorruptStoredPacket, NamesWhatItCannotFind) {
  worker::testing::TempDir dir;
  {
    auto store = PacketStore::Open(dir.path(), {});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(
        (*store)
            ->Put({.video_id = "v", .packet_number = 1}, Payload(1, 100))
            .ok());
  }
  EXPECT_EQ(CorruptStoredPacket(dir.path(), "v", 9),
            "no record of v/9 in " + dir.path());
  EXPECT_NE(
      CorruptStoredPacket(dir.path() + "/missing", "v", 1).find("cannot list"),
      std::string::npos);
}

mqtt::Message AckMessage(const std::string& dispatch_id,
                         const std::string& result, const std::string& reason) {
  const wire::WorkerAck ack{.worker = "worker-1",
                            .dispatch_id = dispatch_id,
                            .video_id = "f",
                            .packet_number = 1,
                            .result = result,
                            .reason = reason};
  return {.topic = "fog/ack/worker-1",
          .payload = wire::EncodeAcks(std::span(&ack, 1))};
}

TEST(AckMailbox, KeepsOnlyFillerAcks) {
  AckMailbox box;
  box.Offer(AckMessage("exp-fill-worker-1-1", "error", "store-full"));
  box.Offer(AckMessage("master-7", "stored", ""));             // not a filler's
  box.Offer({.topic = "fog/ack/worker-1", .payload = {'x'}});  // garbage
  wire::WorkerAck ack;
  ASSERT_TRUE(
      box.Wait("exp-fill-worker-1-1", std::chrono::milliseconds(0), &ack));
  EXPECT_EQ(ack.reason, "store-full");
  EXPECT_FALSE(box.Wait("master-7", std::chrono::milliseconds(0), &ack));
  // Taken once.
  EXPECT_FALSE(
      box.Wait("exp-fill-worker-1-1", std::chrono::milliseconds(0), &ack));
}

}  // namespace
}  // namespace fog::experiment
