// Recovery after torn writes and on-disk damage.

#include <gtest/gtest.h>

#include "worker/store/packet_store.h"
#include "worker/store/record_format.h"
#include "worker/store/store_test_util.h"

namespace fog::worker {
namespace {

using testing::FileSize;
using testing::Payload;
using testing::TempDir;

StoreOptions Options() {
  StoreOptions o;
  o.segment_bytes = 1 << 20;
  return o;
}

std::unique_ptr<PacketStore> MustOpen(const std::string& dir,
                                      StoreOptions o = Options()) {
  auto r = PacketStore::Open(dir, std::move(o));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

PacketMeta Meta(int64_t n) { return {"v", n, 3, "native", true}; }
Bytes PayloadOf(int64_t n) { return Payload(n, 40 + n); }

// Stores packets 1..count of video "v" in a fresh store at `dir` and returns
// the record boundaries: record n spans [b[n-1], b[n]).
std::vector<uint64_t> Build(const std::string& dir, int count) {
  auto store = MustOpen(dir);
  std::vector<uint64_t> bounds = {0};
  for (int n = 1; n <= count; ++n) {
    EXPECT_TRUE(store->Put(Meta(n), PayloadOf(n)).ok());
    bounds.push_back(FileSize(dir + "/000001.log"));
  }
  return bounds;
}

void ExpectIntact(PacketStore& store, int64_t n) {
  auto got = store.Get("v", n);
  ASSERT_TRUE(got.ok()) << "packet " << n << ": " << got.status().ToString();
  EXPECT_EQ(*got, PayloadOf(n)) << "packet " << n;
}

void CopyFile(const std::string& from, const std::string& to) {
  ::mkdir(to.substr(0, to.rfind('/')).c_str(), 0755);
  std::filesystem::copy_file(from, to,
                             std::filesystem::copy_options::overwrite_existing);
}

// kill -9 in the middle of an append leaves any prefix of the last record:
// reopening drops exactly that record, and the store keeps working.
TEST(RecoveryTest, TornTailAtEveryCutPoint) {
  TempDir tmp;
  const std::vector<uint64_t> b = Build(tmp.Sub("orig"), 3);
  const std::string seg = tmp.Sub("orig/000001.log");
  for (uint64_t cut = b[2]; cut < b[3]; ++cut) {
    const std::string dir = tmp.Sub("cut" + std::to_string(cut));
    CopyFile(seg, dir + "/000001.log");
    testing::TruncateFile(dir + "/000001.log", cut);
    {
      auto store = MustOpen(dir);
      ExpectIntact(*store, 1);
      ExpectIntact(*store, 2);
      ASSERT_EQ(store->Get("v", 3).status().code(), Status::Code::kNotFound)
          << cut;
      StoreStats st = store->stats();
      EXPECT_EQ(st.torn_tail_bytes_truncated, cut - b[2]);
      EXPECT_EQ(st.corrupt_records, 0u);
      ASSERT_EQ(store->Put(Meta(4), PayloadOf(4)).value(), PutOutcome::kStored);
    }
    auto store = MustOpen(dir);
    ExpectIntact(*store, 1);
    ExpectIntact(*store, 2);
    ExpectIntact(*store, 4);
    EXPECT_EQ(store->stats().torn_tail_bytes_truncated, 0u) << cut;
    EXPECT_EQ(store->stats().corrupt_records, 0u) << cut;
    store.reset();
    std::filesystem::remove_all(dir);
  }
}

TEST(RecoveryTest, ZeroFilledTailIsTruncated) {
  TempDir tmp;
  const std::vector<uint64_t> b = Build(tmp.Sub("s"), 2);
  testing::AppendBytes(tmp.Sub("s/000001.log"), Bytes(5000, 0));
  auto store = MustOpen(tmp.Sub("s"));
  EXPECT_EQ(store->stats().torn_tail_bytes_truncated, 5000u);
  EXPECT_EQ(FileSize(tmp.Sub("s/000001.log")), b[2]);
  ExpectIntact(*store, 2);
}

// Damage at `offset` of the middle record, found first by Get on the open
// store, then by the scan on reopen.
void CheckDamage(uint64_t offset_in_record, bool key_recoverable) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  const std::vector<uint64_t> b = Build(dir, 3);
  auto store = MustOpen(dir);
  testing::FlipByte(dir + "/000001.log", b[1] + offset_in_record);
  auto got = store->Get("v", 2);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(store->stats().corrupt_keys, (std::vector<PacketKey>{{"v", 2}}));
  ExpectIntact(*store, 1);
  ExpectIntact(*store, 3);
  store.reset();

  store = MustOpen(dir);
  StoreStats st = store->stats();
  ASSERT_EQ(st.corrupt_records, 1u);
  ASSERT_EQ(st.corrupt.size(), 1u);
  EXPECT_EQ(st.corrupt[0].segment, 1u);
  EXPECT_EQ(st.corrupt[0].offset, b[1]);
  EXPECT_EQ(st.corrupt[0].length, b[2] - b[1]);
  EXPECT_EQ(st.corrupt[0].key_known, key_recoverable);
  EXPECT_EQ(st.torn_tail_bytes_truncated, 0u);
  if (key_recoverable) {
    EXPECT_EQ(st.corrupt_keys, (std::vector<PacketKey>{{"v", 2}}));
    EXPECT_EQ(store->Get("v", 2).status().code(), Status::Code::kCorruption);
  }
  EXPECT_FALSE(store->Get("v", 2).ok());
  ExpectIntact(*store, 1);
  ExpectIntact(*store, 3);
  // The re-fetched copy is accepted and clears the key.
  EXPECT_EQ(store->Put(Meta(2), PayloadOf(2)).value(), PutOutcome::kStored);
  ExpectIntact(*store, 2);
  EXPECT_TRUE(store->stats().corrupt_keys.empty());
  store.reset();
  store = MustOpen(dir);
  ExpectIntact(*store, 2);
  EXPECT_TRUE(store->stats().corrupt_keys.empty());
}

// A redelivered copy meets a stored copy that went bad on disk since it
// was written: the bad one is dropped and the redelivery takes its place,
// rather than being taken for a duplicate of bytes that are gone.
TEST(RecoveryTest, ARepeatReplacesAStoredCopyFoundDamaged) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  const std::vector<uint64_t> b = Build(dir, 3);
  auto store = MustOpen(dir);
  const uint64_t payload_byte = b[2] - format::kTrailerSize - 1;
  testing::FlipByte(dir + "/000001.log", payload_byte);
  EXPECT_EQ(store->Put(Meta(2), PayloadOf(2)).value(),
            PutOutcome::kReplacedDamaged);
  EXPECT_EQ(store->stats().corrupt_records, 1u);
  ExpectIntact(*store, 2);
  EXPECT_EQ(store->Put(Meta(2), PayloadOf(2)).value(), PutOutcome::kDuplicate);
  store.reset();
  store = MustOpen(dir);
  ExpectIntact(*store, 2);
  EXPECT_TRUE(store->stats().corrupt_keys.empty());
}

TEST(RecoveryTest, PayloadByteFlip) {
  CheckDamage(format::kHeaderSize + format::kMetaFixedSize + 1 + 6 + 5, true);
}

TEST(RecoveryTest, HeaderByteFlip) { CheckDamage(12, true); }  // payload length

TEST(RecoveryTest, MetaByteFlip) {
  CheckDamage(format::kHeaderSize + format::kMetaFixedSize, false);  // video id
}

TEST(RecoveryTest, TrailerByteFlip) {
  const uint64_t record = format::kHeaderSize + format::kMetaFixedSize + 1 + 6 +
                          42 + format::kTrailerSize;
  CheckDamage(record - 1, true);
}

// Any single damaged byte of a middle record: the neighbours survive and the
// damaged packet is never served.
TEST(RecoveryTest, EveryByteOfMiddleRecord) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  const std::vector<uint64_t> b = Build(dir, 3);
  for (uint64_t at = b[1]; at < b[2]; ++at) {
    testing::FlipByte(dir + "/000001.log", at);
    {
      auto store = MustOpen(dir);
      ExpectIntact(*store, 1);
      ExpectIntact(*store, 3);
      ASSERT_FALSE(store->Get("v", 2).ok()) << at;
      ASSERT_EQ(store->stats().corrupt_records, 1u) << at;
      ASSERT_EQ(store->stats().torn_tail_bytes_truncated, 0u) << at;
    }
    testing::FlipByte(dir + "/000001.log", at);  // undo
  }
}

// Damage to the newest record's header is not mistaken for a torn tail: the
// record is reported (with its key), not silently truncated.
TEST(RecoveryTest, DamagedLastHeaderIsReportedNotTruncated) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  const std::vector<uint64_t> b = Build(dir, 3);
  testing::FlipByte(dir + "/000001.log", b[2] + 1);  // magic
  auto store = MustOpen(dir);
  StoreStats st = store->stats();
  EXPECT_EQ(st.torn_tail_bytes_truncated, 0u);
  EXPECT_EQ(st.corrupt_keys, (std::vector<PacketKey>{{"v", 3}}));
  EXPECT_EQ(FileSize(dir + "/000001.log"), b[3]);
  ASSERT_EQ(store->Put(Meta(4), PayloadOf(4)).value(), PutOutcome::kStored);
  store.reset();
  store = MustOpen(dir);
  ExpectIntact(*store, 2);
  ExpectIntact(*store, 4);
  EXPECT_EQ(store->stats().corrupt_records, 1u);
}

TEST(RecoveryTest, DamageInOlderSegment) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  StoreOptions o = Options();
  o.segment_bytes = 300;  // about two records per segment
  {
    auto store = MustOpen(dir, o);
    for (int n = 1; n <= 8; ++n)
      ASSERT_TRUE(store->Put(Meta(n), PayloadOf(n)).ok());
  }
  testing::FlipByte(dir + "/000001.log", FileSize(dir + "/000001.log") - 10);
  auto store = MustOpen(dir, o);
  StoreStats st = store->stats();
  EXPECT_GT(st.segments, 3u);
  ASSERT_EQ(st.corrupt_keys.size(), 1u);
  for (int n = 1; n <= 8; ++n) {
    if (PacketKey{"v", n} != st.corrupt_keys[0]) ExpectIntact(*store, n);
  }
}

// A tombstone whose only damage is its trailer still deletes.
TEST(RecoveryTest, DamagedTombstoneTrailerStillDeletes) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  Build(dir, 2);
  {
    auto store = MustOpen(dir);
    ASSERT_TRUE(store->DeleteVideo("v").ok());
  }
  testing::FlipByte(dir + "/000001.log", FileSize(dir + "/000001.log") - 1);
  auto store = MustOpen(dir);
  EXPECT_TRUE(store->PacketNumbers("v").empty());
  EXPECT_EQ(store->stats().corrupt_records, 1u);
  EXPECT_TRUE(store->stats().corrupt_keys.empty());
}

}  // namespace
}  // namespace fog::worker
