#include "worker/store/packet_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "worker/store/store_test_util.h"

namespace fog::worker {
namespace {

using testing::ListDir;
using testing::Payload;
using testing::TempDir;

PacketMeta Meta(std::string id, int64_t n, int64_t total = 0) {
  return {std::move(id), n, total, "native", true};
}

StoreOptions SmallOptions() {
  StoreOptions o;
  o.segment_bytes = 64 << 10;
  o.max_payload_bytes = 1 << 20;
  o.now_unix_micros = [] { return int64_t{1700000000000000}; };
  return o;
}

std::unique_ptr<PacketStore> MustOpen(const std::string& dir,
                                      StoreOptions o = SmallOptions()) {
  auto r = PacketStore::Open(dir, std::move(o));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

PutOutcome MustPut(PacketStore& s, const PacketMeta& m, const Bytes& payload) {
  auto r = s.Put(m, payload);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : PutOutcome::kConflict;
}

TEST(PacketStoreTest, PutGetRoundTrip) {
  TempDir tmp;
  auto store = MustOpen(tmp.Sub("s"));
  Bytes payload = Payload(1, 1000);
  EXPECT_EQ(MustPut(*store, Meta("cam", 1, 3), payload), PutOutcome::kStored);
  auto got = store->Get("cam", 1);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, payload);
  EXPECT_EQ(store->Get("cam", 2).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store->Get("other", 1).status().code(), Status::Code::kNotFound);
  auto info = store->Info("cam", 1);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->meta.total_packets, 3);
  EXPECT_EQ(info->meta.format, "native");
  EXPECT_TRUE(info->meta.authenticated);
  EXPECT_EQ(info->payload_size, 1000u);
  EXPECT_EQ(info->received_unix_micros, 1700000000000000);
  Bytes empty;
  EXPECT_EQ(MustPut(*store, Meta("cam", 2), empty), PutOutcome::kStored);
  EXPECT_EQ(store->Get("cam", 2).value(), empty);
}

TEST(PacketStoreTest, ReopenRebuildsIndex) {
  TempDir tmp;
  {
    auto store = MustOpen(tmp.Sub("s"));
    MustPut(*store, Meta("a", 1, 2), Payload(1, 100));
    MustPut(*store, Meta("a", 2, 2), Payload(2, 200));
    MustPut(*store, {"b", 5, 0, "legacy-sis", false}, Payload(3, 300));
  }
  auto store = MustOpen(tmp.Sub("s"));
  EXPECT_EQ(store->Get("a", 2).value(), Payload(2, 200));
  EXPECT_EQ(store->Get("b", 5).value(), Payload(3, 300));
  EXPECT_EQ(store->PacketNumbers("a"), (std::vector<int64_t>{1, 2}));
  auto videos = store->Videos();
  ASSERT_EQ(videos.size(), 2u);
  EXPECT_EQ(videos[0].video_id, "a");
  EXPECT_EQ(videos[0].packet_count, 2u);
  EXPECT_EQ(videos[0].payload_bytes, 300u);
  EXPECT_EQ(videos[0].max_total_packets, 2);
  EXPECT_TRUE(videos[0].all_authenticated);
  EXPECT_FALSE(videos[1].all_authenticated);
  // One video's summary alone is the same.
  std::optional<VideoSummary> a = store->Video("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->video_id, "a");
  EXPECT_EQ(a->packet_count, 2u);
  EXPECT_EQ(a->payload_bytes, 300u);
  EXPECT_EQ(a->max_total_packets, 2);
  EXPECT_TRUE(a->all_authenticated);
  EXPECT_FALSE(store->Video("b")->all_authenticated);
  EXPECT_FALSE(store->Video("c").has_value());
  EXPECT_EQ(store->Info("b", 5)->meta.format, "legacy-sis");
  StoreStats st = store->stats();
  EXPECT_EQ(st.live_packets, 3u);
  EXPECT_EQ(st.live_payload_bytes, 600u);
  EXPECT_EQ(st.file_bytes, st.live_record_bytes);
  EXPECT_EQ(st.corrupt_records, 0u);
  EXPECT_EQ(st.torn_tail_bytes_truncated, 0u);
}

TEST(PacketStoreTest, ManyVideosAndSegmentRollover) {
  TempDir tmp;
  StoreOptions o = SmallOptions();
  o.segment_bytes = 16 << 10;
  {
    auto store = MustOpen(tmp.Sub("s"), o);
    for (int v = 0; v < 10; ++v) {
      for (int n = 1; n <= 20; ++n) {
        MustPut(*store, Meta("video-" + std::to_string(v), n, 20),
                Payload(v * 100 + n, 500 + 37 * n));
      }
    }
    EXPECT_GT(store->stats().segments, 10u);
  }
  std::vector<std::string> files = ListDir(tmp.Sub("s"));
  EXPECT_EQ(files.front(), "000001.log");
  EXPECT_EQ(files.back(), "LOCK");
  for (const std::string& f : files) {
    if (f != "LOCK") {
      EXPECT_LE(testing::FileSize(tmp.Sub("s/" + f)), 16u << 10);
    }
  }
  auto store = MustOpen(tmp.Sub("s"), o);
  EXPECT_EQ(store->stats().segments, files.size() - 1);
  EXPECT_EQ(store->Videos().size(), 10u);
  for (int v = 0; v < 10; ++v) {
    for (int n = 1; n <= 20; ++n) {
      auto got = store->Get("video-" + std::to_string(v), n);
      ASSERT_TRUE(got.ok()) << v << "/" << n;
      ASSERT_EQ(*got, Payload(v * 100 + n, 500 + 37 * n));
    }
  }
}

TEST(PacketStoreTest, RecordLargerThanSegmentGetsItsOwn) {
  TempDir tmp;
  StoreOptions o = SmallOptions();
  o.segment_bytes = 4096;
  auto store = MustOpen(tmp.Sub("s"), o);
  MustPut(*store, Meta("v", 1), Payload(1, 100));
  MustPut(*store, Meta("v", 2), Payload(2, 10000));
  MustPut(*store, Meta("v", 3), Payload(3, 100));
  EXPECT_EQ(store->stats().segments, 3u);
  EXPECT_EQ(store->Get("v", 2).value(), Payload(2, 10000));
}

TEST(PacketStoreTest, DuplicateIsIdempotent) {
  TempDir tmp;
  {
    auto store = MustOpen(tmp.Sub("s"));
    EXPECT_EQ(MustPut(*store, Meta("v", 1), Payload(1, 500)),
              PutOutcome::kStored);
    const uint64_t bytes = store->stats().file_bytes;
    EXPECT_EQ(MustPut(*store, Meta("v", 1), Payload(1, 500)),
              PutOutcome::kDuplicate);
    EXPECT_EQ(store->stats().file_bytes, bytes);
  }
  auto store = MustOpen(tmp.Sub("s"));
  EXPECT_EQ(MustPut(*store, Meta("v", 1), Payload(1, 500)),
            PutOutcome::kDuplicate);
  StoreStats st = store->stats();
  EXPECT_EQ(st.live_packets, 1u);
  EXPECT_EQ(st.file_bytes, st.live_record_bytes);  // one copy on disk
}

TEST(PacketStoreTest, ConflictKeepsOriginal) {
  TempDir tmp;
  auto store = MustOpen(tmp.Sub("s"));
  MustPut(*store, Meta("v", 1), Payload(1, 500));
  EXPECT_EQ(MustPut(*store, Meta("v", 1), Payload(2, 500)),
            PutOutcome::kConflict);
  EXPECT_EQ(MustPut(*store, Meta("v", 1), Payload(1, 501)),
            PutOutcome::kConflict);
  EXPECT_EQ(store->Get("v", 1).value(), Payload(1, 500));
  store.reset();
  store = MustOpen(tmp.Sub("s"));
  EXPECT_EQ(store->Get("v", 1).value(), Payload(1, 500));
  EXPECT_EQ(store->stats().live_packets, 1u);
}

TEST(PacketStoreTest, PutBatchGroupCommit) {
  TempDir tmp;
  auto store = MustOpen(tmp.Sub("s"));
  MustPut(*store, Meta("v", 1), Payload(1, 10));
  Bytes p1 = Payload(1, 10), p2 = Payload(2, 20), p3 = Payload(3, 30);
  std::vector<PacketStore::PutRequest> batch = {
      {Meta("v", 1), p1},  // duplicate of a stored packet
      {Meta("v", 2), p2},  // new
      {Meta("v", 2), p2},  // duplicate within the batch
      {Meta("v", 2), p3},  // conflict within the batch
      {Meta("w", 1), p3},  // new
  };
  auto r = store->PutBatch(batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<PutOutcome>{
                    PutOutcome::kDuplicate, PutOutcome::kStored,
                    PutOutcome::kDuplicate, PutOutcome::kConflict,
                    PutOutcome::kStored}));
  store.reset();
  store = MustOpen(tmp.Sub("s"));
  EXPECT_EQ(store->Get("v", 2).value(), p2);
  EXPECT_EQ(store->Get("w", 1).value(), p3);
  EXPECT_EQ(store->stats().live_packets, 3u);
}

TEST(PacketStoreTest, InvalidInputWritesNothing) {
  TempDir tmp;
  auto store = MustOpen(tmp.Sub("s"));
  Bytes small = Payload(1, 10);
  Bytes big((1 << 20) + 1, 0);
  std::vector<std::pair<PacketMeta, ByteView>> bad = {
      {Meta("", 1), small},
      {Meta("v", 0), small},
      {Meta("v", -5), small},
      {Meta("v", 1, -1), small},
      {Meta(std::string(1025, 'x'), 1), small},
      {{"v", 1, 0, std::string(256, 'f'), false}, small},
      {Meta("v", 1), big},
  };
  for (const auto& [meta, payload] : bad) {
    auto r = store->Put(meta, payload);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  }
  std::vector<PacketStore::PutRequest> batch = {{Meta("v", 1), small},
                                                {Meta("", 2), small}};
  EXPECT_EQ(store->PutBatch(batch).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(store->DeleteVideo("").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store->stats().file_bytes, 0u);
  EXPECT_EQ(testing::FileSize(tmp.Sub("s/000001.log")), 0u);
}

// Video ids are attacker-controlled: they must never reach a path.
TEST(PacketStoreTest, HostileIdsStayInsideTheStore) {
  TempDir tmp;
  const std::string dir = tmp.Sub("a/b");
  ASSERT_EQ(::mkdir(tmp.Sub("a").c_str(), 0755), 0);
  std::string binary;
  for (int c = 1; c < 256; ++c) binary.push_back(static_cast<char>(c));
  const std::vector<std::string> ids = {"../../etc/passwd",
                                        "../../../../../../tmp/x",
                                        "/etc/passwd",
                                        "a/b/c",
                                        "..",
                                        ".",
                                        "000002.log",
                                        "LOCK",
                                        std::string(255, 'z'),
                                        std::string(1024, '/'),
                                        binary,
                                        std::string("nul\0inside", 10)};
  {
    auto store = MustOpen(dir);
    for (size_t i = 0; i < ids.size(); ++i) {
      ASSERT_EQ(MustPut(*store, Meta(ids[i], 1), Payload(i, 64)),
                PutOutcome::kStored);
    }
    ASSERT_TRUE(store->DeleteVideo("../../etc/passwd").ok());
  }
  EXPECT_EQ(ListDir(tmp.path()), (std::vector<std::string>{"a"}));
  EXPECT_EQ(ListDir(tmp.Sub("a")), (std::vector<std::string>{"b"}));
  EXPECT_EQ(ListDir(dir), (std::vector<std::string>{"000001.log", "LOCK"}));
  auto store = MustOpen(dir);
  EXPECT_EQ(store->Videos().size(), ids.size() - 1);
  EXPECT_EQ(store->Get(ids[0], 1).status().code(), Status::Code::kNotFound);
  for (size_t i = 1; i < ids.size(); ++i) {
    auto got = store->Get(ids[i], 1);
    ASSERT_TRUE(got.ok()) << i;
    EXPECT_EQ(*got, Payload(i, 64));
  }
}

TEST(PacketStoreTest, DeleteVideoSurvivesReopen) {
  TempDir tmp;
  {
    auto store = MustOpen(tmp.Sub("s"));
    for (int n = 1; n <= 3; ++n)
      MustPut(*store, Meta("gone", n), Payload(n, 50));
    MustPut(*store, Meta("kept", 1), Payload(9, 50));
    ASSERT_TRUE(store->DeleteVideo("gone").ok());
    ASSERT_TRUE(store->DeleteVideo("never-stored").ok());
    EXPECT_TRUE(store->PacketNumbers("gone").empty());
    EXPECT_EQ(store->Get("gone", 1).status().code(), Status::Code::kNotFound);
  }
  {
    auto store = MustOpen(tmp.Sub("s"));
    EXPECT_TRUE(store->PacketNumbers("gone").empty());
    EXPECT_EQ(store->Videos().size(), 1u);
    // Re-created after the delete: kept, and a fresh payload is not a conflict.
    EXPECT_EQ(MustPut(*store, Meta("gone", 2), Payload(77, 5)),
              PutOutcome::kStored);
  }
  auto store = MustOpen(tmp.Sub("s"));
  EXPECT_EQ(store->PacketNumbers("gone"), (std::vector<int64_t>{2}));
  EXPECT_EQ(store->Get("gone", 2).value(), Payload(77, 5));
  EXPECT_EQ(store->Get("kept", 1).value(), Payload(9, 50));
}

TEST(PacketStoreTest, SecondOpenIsRefused) {
  TempDir tmp;
  auto store = MustOpen(tmp.Sub("s"));
  auto second = PacketStore::Open(tmp.Sub("s"), SmallOptions());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
}

TEST(PacketStoreTest, OpenValidatesOptionsAndDirectory) {
  TempDir tmp;
  StoreOptions o = SmallOptions();
  o.segment_bytes = 0;
  EXPECT_EQ(PacketStore::Open(tmp.Sub("s"), o).status().code(),
            Status::Code::kInvalidArgument);
  o = SmallOptions();
  o.max_payload_bytes = uint64_t{1} << 32;
  EXPECT_EQ(PacketStore::Open(tmp.Sub("s"), o).status().code(),
            Status::Code::kInvalidArgument);
  o = SmallOptions();
  o.create_if_missing = false;
  EXPECT_EQ(PacketStore::Open(tmp.Sub("missing"), o).status().code(),
            Status::Code::kNotFound);
}

// Built with += rather than "w" + to_string(w), which trips a GCC 12
// -Wrestrict false positive.
std::string WriterId(int w) {
  std::string id = "w";
  id += std::to_string(w);
  return id;
}

// Writers and readers at once: every Put lands, readers never see a torn or
// wrong payload.
TEST(PacketStoreTest, ConcurrentWritersAndReaders) {
  TempDir tmp;
  auto store = MustOpen(tmp.Sub("s"));
  constexpr int kWriters = 3, kPerWriter = 40;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int n = 1; n <= kPerWriter; ++n) {
        auto r = store->Put(Meta(WriterId(w), n), Payload(w * 1000 + n, 700));
        if (!r.ok() || *r != PutOutcome::kStored) ++bad;
      }
    });
  }
  threads.emplace_back([&] {
    while (!done) {
      for (int w = 0; w < kWriters; ++w) {
        const std::string id = WriterId(w);
        for (int64_t n : store->PacketNumbers(id)) {
          auto got = store->Get(id, n);
          if (!got.ok() || *got != Payload(w * 1000 + n, 700)) ++bad;
        }
      }
      (void)store->stats();
    }
  });
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  done = true;
  threads.back().join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(store->stats().live_packets, uint64_t{kWriters * kPerWriter});
}

}  // namespace
}  // namespace fog::worker
