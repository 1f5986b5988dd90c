#include "master/journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

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

  std::string dir_;
};

TEST_F(JournalTest, ReplaysWhatWasNotSettled) {
  {
    JournalReplay replay;
    auto j = Open(&replay);
    EXPECT_TRUE(replay.unsettled.empty());
    for (int64_t n = 1; n <= 5; ++n) {
      ASSERT_TRUE(j->Received({"v", n}, Payload(n)).ok());
    }
    ASSERT_TRUE(j->Received({"v", 2}, Payload(99)).ok());  // already here
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
  EXPECT_EQ(replay.unsettled[2].payload, Payload(5));
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
    ASSERT_TRUE(j->Received({"v", 1}, Payload(1)).ok());
    ASSERT_TRUE(j->Received({"v", 2}, Payload(2)).ok());
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
  ASSERT_TRUE(j->Received({"v", 3}, Payload(3)).ok());
  j.reset();
  Open(&replay);
  ASSERT_EQ(replay.unsettled.size(), 2u);
  EXPECT_EQ(replay.unsettled[1].key, (PacketKey{"v", 3}));
}

TEST_F(JournalTest, AFlippedByteEndsTheReplayOfItsFile) {
  {
    JournalReplay replay;
    auto j = Open(&replay);
    ASSERT_TRUE(j->Received({"v", 1}, Payload(1)).ok());
    ASSERT_TRUE(j->Received({"v", 2}, Payload(2)).ok());
  }
  fs::path file = Files().back();
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(fs::file_size(file) - 5));
  f.put('\x7f');
  f.close();
  JournalReplay replay;
  Open(&replay);
  ASSERT_EQ(replay.unsettled.size(), 1u);
  EXPECT_EQ(replay.unsettled[0].payload, Payload(1));
}

TEST_F(JournalTest, DeletesFilesOnceEverythingInThemIsSettled) {
  JournalReplay replay;
  auto j = Open(&replay, {.file_bytes = 1000});
  for (int64_t n = 1; n <= 20; ++n) {
    ASSERT_TRUE(j->Received({"v", n}, Payload(n, 300)).ok());
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

}  // namespace
}  // namespace fog::master
