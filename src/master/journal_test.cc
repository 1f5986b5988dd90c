#include "master/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace fog::master {
namespace {

namespace fs = std::filesystem;

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/journal_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Journal> Open(JournalReplay* replay,
                                JournalOptions options = {}) {
    auto j = Journal::Open(dir_, options, replay);
    EXPECT_TRUE(j.ok()) << j.status().ToString();
    return j.ok() ? std::move(*j) : nullptr;
  }

  std::vector<fs::path> Files() const {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir_))
      files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
  }

  static Bytes Payload(int64_t n, size_t size = 100) {
    return Bytes(size, static_cast<uint8_t>(n));
  }
  // A replayed packet's payload, read back from the journal.
  static Bytes Read(const Journal& j, const JournalReplay::Packet& p) {
    auto payload = j.Read(p.where);
    EXPECT_TRUE(payload.ok()) << payload.status().ToString();
    if (!payload.ok()) return {};
    return Bytes((*payload)->begin(), (*payload)->end());
  }
  static Status Received(Journal& j, const PacketKey& key,
                         const Bytes& payload) {
    auto appended = j.Received(key, payload);
    if (!appended.ok()) return appended.status();
    return j.WaitDurable(appended->ticket);
  }

  std::string dir_;
};

TEST_F(JournalTest, ReplaysWhatWasNotSettled) {
  {
    JournalReplay replay;
    auto j = Open(&replay);
    EXPECT_TRUE(replay.unsettled.empty());
    for (int64_t n = 1; n <= 5; ++n) {
      ASSERT_TRUE(Received(*j, {"v", n}, Payload(n)).ok());
    }
    ASSERT_TRUE(Received(*j, {"v", 2}, Payload(99)).ok());  // already here
    ASSERT_TRUE(j->Settled({"v", 2}, {"w1", "w2"}).ok());
    ASSERT_TRUE(j->Settled({"v", 4}, {"w3"}).ok());
    ASSERT_TRUE(j->Settled({"v", 9}, {"w3"}).ok());  // unknown: ignored
    EXPECT_EQ(j->unsettled(), 3u);
  }  // the process "dies": nothing is flushed or closed specially
  JournalReplay replay;
  auto j = Open(&replay);
  ASSERT_EQ(replay.unsettled.size(), 3u);
  EXPECT_EQ(replay.unsettled[0].key, (PacketKey{"v", 1}));
  EXPECT_EQ(replay.unsettled[1].key, (PacketKey{"v", 3}));
  EXPECT_EQ(replay.unsettled[2].key, (PacketKey{"v", 5}));
  EXPECT_EQ(Read(*j, replay.unsettled[2]), Payload(5));
  ASSERT_EQ(replay.settled.size(), 2u);
  EXPECT_EQ(replay.settled[0].key, (PacketKey{"v", 2}));
  EXPECT_EQ(replay.settled[0].holders, (std::vector<std::string>{"w1", "w2"}));
  EXPECT_EQ(replay.dropped_bytes, 0u);
  EXPECT_EQ(j->unsettled(), 3u);
  // Settling after a restart sticks across the next one.
  ASSERT_TRUE(j->Settled({"v", 1}, {"w1"}).ok());
  j.reset();
  Open(&replay);
  EXPECT_EQ(replay.unsettled.size(), 2u);
}

TEST_F(JournalTest, DropsATornTailAndKeepsWhatPrecedesIt) {
  {
    JournalReplay replay;
    auto j = Open(&replay);
    ASSERT_TRUE(Received(*j, {"v", 1}, Payload(1)).ok());
    ASSERT_TRUE(Received(*j, {"v", 2}, Payload(2)).ok());
  }
  // Cut the last record short, as a machine crash mid-write would.
  fs::path file = Files().back();
  fs::resize_file(file, fs::file_size(file) - 10);
  JournalReplay replay;
  auto j = Open(&replay);
  ASSERT_EQ(replay.unsettled.size(), 1u);
  EXPECT_EQ(replay.unsettled[0].key, (PacketKey{"v", 1}));
  EXPECT_GT(replay.dropped_bytes, 0u);
  // New records go to a new file and replay after the damaged one.
  ASSERT_TRUE(Received(*j, {"v", 3}, Payload(3)).ok());
  j.reset();
  Open(&replay);
  ASSERT_EQ(replay.unsettled.size(), 2u);
  EXPECT_EQ(replay.unsettled[1].key, (PacketKey{"v", 3}));
}

TEST_F(JournalTest, AFlippedByteEndsTheReplayOfItsFile) {
  {
    JournalReplay replay;
    auto j = Open(&replay);
    ASSERT_TRUE(Received(*j, {"v", 1}, Payload(1)).ok());
    ASSERT_TRUE(Received(*j, {"v", 2}, Payload(2)).ok());
  }
  fs::path file = Files().back();
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(fs::file_size(file) - 5));
  f.put('\x7f');
  f.close();
  JournalReplay replay;
  auto j = Open(&replay);
  ASSERT_EQ(replay.unsettled.size(), 1u);
  EXPECT_EQ(Read(*j, replay.unsettled[0]), Payload(1));
}

TEST_F(JournalTest, DeletesFilesOnceEverythingInThemIsSettled) {
  JournalReplay replay;
  auto j = Open(&replay, {.file_bytes = 1000});
  for (int64_t n = 1; n <= 20; ++n) {
    ASSERT_TRUE(Received(*j, {"v", n}, Payload(n, 300)).ok());
  }
  const size_t files = j->files();
  EXPECT_GE(files, 6u);
  EXPECT_EQ(Files().size(), files);
  // While the oldest packet is unsettled, no file goes (settled records
  // may add files).
  for (int64_t n = 20; n >= 2; --n)
    ASSERT_TRUE(j->Settled({"v", n}, {"w"}).ok());
  EXPECT_GE(j->files(), files);
  ASSERT_TRUE(j->Settled({"v", 1}, {"w"}).ok());
  EXPECT_EQ(j->files(), 1u);
  EXPECT_EQ(Files().size(), 1u);
  j.reset();
  Open(&replay);
  EXPECT_TRUE(replay.unsettled.empty());
}

TEST_F(JournalTest, IgnoresOtherFilesInItsDirectory) {
  std::ofstream(dir_ + "/notes.txt") << "hello";
  std::ofstream(dir_ + "/journal-x.log") << "hello";
  JournalReplay replay;
  auto j = Open(&replay);
  ASSERT_NE(j, nullptr);
  EXPECT_TRUE(replay.unsettled.empty());
  EXPECT_TRUE(fs::exists(dir_ + "/notes.txt"));
}

TEST_F(JournalTest, ARecordIsSyncedBeforeWaitDurableReturns) {
  JournalReplay replay;
  auto j = Open(&replay);
  auto appended = j->Received({"v", 1}, Payload(1));
  ASSERT_TRUE(appended.ok());
  EXPECT_EQ(appended->ticket, 1u);
  ASSERT_TRUE(j->WaitDurable(appended->ticket).ok());
  const JournalStats stats = j->stats();
  EXPECT_EQ(stats.records, 1u);
  EXPECT_EQ(stats.synced, 1u);
  EXPECT_GE(stats.fsyncs, 1u);
  // A repeat of an unsettled packet writes nothing and points at the first.
  auto again = j->Received({"v", 1}, Payload(7));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->where.offset, appended->where.offset);
  EXPECT_EQ(j->stats().records, 1u);
}

TEST_F(JournalTest, OneSyncCoversEveryRecordWrittenWhileAnotherRuns) {
  // The first sync is held until every thread has written its record, so
  // the test decides what the rounds are, not the machine's speed.
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  int rounds = 0;
  JournalOptions options;
  options.before_sync = [&] {
    std::unique_lock<std::mutex> lock(mu);
    if (rounds++ == 0) cv.wait(lock, [&] { return release; });
  };
  JournalReplay replay;
  auto j = Open(&replay, options);
  constexpr int kThreads = 8, kEach = 10;
  std::vector<std::thread> threads;
  std::atomic<int> written{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto a = j->Received({"v" + std::to_string(t), i}, Payload(i));
        ASSERT_TRUE(a.ok());
        ++written;
        if (i == kEach - 1) {
          ASSERT_TRUE(j->WaitDurable(a->ticket).ok());
        }
      }
    });
  }
  while (written < kThreads * kEach) std::this_thread::yield();
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
  const JournalStats stats = j->stats();
  EXPECT_EQ(stats.records, static_cast<uint64_t>(kThreads * kEach));
  EXPECT_EQ(stats.synced, stats.records);
  // The held round covered what was written before it began (at least one
  // thread's records); at most one more covered the rest.
  EXPECT_GE(stats.fsyncs, 1u);
  EXPECT_LE(stats.fsyncs, 2u);
}

TEST_F(JournalTest, ReadsAPayloadBackAndChecksItsRecord) {
  JournalReplay replay;
  auto j = Open(&replay);
  const Bytes payload = Payload(3, 5000);
  auto appended = j->Received({"v", 3}, payload);
  ASSERT_TRUE(appended.ok());
  auto back = j->Read(appended->where);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Bytes((*back)->begin(), (*back)->end()), payload);
  EXPECT_EQ(j->stats().readbacks, 1u);
  ASSERT_TRUE(j->Find({"v", 3}).has_value());
  // A byte flipped on disk is found on reading back.
  fs::path file = Files().back();
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(fs::file_size(file) - 100));
  f.put('\x7f');
  f.close();
  EXPECT_EQ(j->Read(appended->where).status().code(),
            Status::Code::kCorruption);
}

}  // namespace
}  // namespace fog::master
