#include "registry/registry.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace fog::registry {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "/registry_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/fog registry.db";  // a space in the path is fine
    Reopen();
  }
  void TearDown() override {
    registry_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Reopen() {
    registry_.reset();
    RegistryOptions options;
    options.clock_ms = [this] { return now_ms_.load(); };
    auto opened = Registry::Open("sqlite3://" + path_, options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    registry_ = std::move(opened).value();
  }

  // Runs a query with the SQLite C API, bypassing the registry, and returns
  // the first column of the first row as text.
  std::string Query(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(st, 0);
      if (text != nullptr) out = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }

  static HoldingsReport Report(std::string video, std::string worker,
                               int64_t packets, int64_t total = 0) {
    HoldingsReport r;
    r.video_id = std::move(video);
    r.worker = std::move(worker);
    r.packets = packets;
    r.bytes = packets * 1000;
    r.total_packets = total;
    return r;
  }

  std::string dir_;
  std::string path_;
  std::atomic<int64_t> now_ms_{1700000000000};
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, MigrationsAreAppliedOnceAndReopenIsIdempotent) {
  Result<int> version = registry_->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 2);
  ASSERT_TRUE(registry_->CreateVideo("cam-1").ok());
  Reopen();
  Reopen();
  EXPECT_EQ(*registry_->SchemaVersion(), 2);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM schema_migrations"), "2");
  EXPECT_EQ(Query("PRAGMA journal_mode"), "wal");
  Result<VideoRecord> v = registry_->GetVideo("cam-1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->video_id, "cam-1");
}

TEST_F(RegistryTest, RejectsUnsupportedUrls) {
  for (const char* url :
       {"", "sqlite3://", "sqlite:///tmp/x.db", "/tmp/x.db",
        "sqlite3:///tmp/a=b.db", "mysql://u:p@h/db", "postgresql://h/db"}) {
    auto opened = Registry::Open(url);
    EXPECT_FALSE(opened.ok()) << url;
    EXPECT_EQ(opened.status().code(), Status::Code::kInvalidArgument) << url;
  }
  EXPECT_EQ(
      Registry::Open("sqlite3://" + dir_ + "/missing/dir/x.db").status().code(),
      Status::Code::kIoError);
}

TEST_F(RegistryTest, InMemoryDatabaseWorks) {
  auto opened = Registry::Open("sqlite3://:memory:");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_TRUE((*opened)->CreateVideo("m").ok());
}

TEST_F(RegistryTest, CreateVideoIsIdempotent) {
  Result<VideoRecord> first = registry_->CreateVideo("cam-1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->created_at_ms, 1700000000000);
  EXPECT_EQ(first->status, VideoStatus::kLive);
  EXPECT_FALSE(first->deleted_at_ms.has_value());
  EXPECT_FALSE(first->publisher_key.has_value());
  now_ms_ += 5000;
  Result<VideoRecord> second = registry_->CreateVideo("cam-1");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->created_at_ms, first->created_at_ms);
  EXPECT_EQ(second->updated_at_ms, first->updated_at_ms);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM videos"), "1");
}

TEST_F(RegistryTest, HoldingsAcrossTwoWorkersCompleteTheVideo) {
  Result<VideoRecord> v = registry_->ReportHoldings(Report("cam", "w1", 6, 10));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->status, VideoStatus::kLive);
  EXPECT_EQ(v->packets, 6);
  EXPECT_EQ(v->total_packets, 10);

  now_ms_ += 1000;
  HoldingsReport second = Report("cam", "w2", 4);  // total unknown to w2
  v = registry_->ReportHoldings(second);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->status, VideoStatus::kComplete);
  EXPECT_EQ(v->total_packets, 10);  // kept
  EXPECT_EQ(v->packets, 10);
  EXPECT_EQ(v->bytes, 10000);
  EXPECT_EQ(v->updated_at_ms, 1700000001000);
  ASSERT_EQ(v->workers.size(), 2u);
  EXPECT_EQ(v->workers[0].worker, "w1");
  EXPECT_EQ(v->workers[0].packets, 6);
  EXPECT_EQ(v->workers[1].worker, "w2");
  EXPECT_EQ(v->workers[1].packets, 4);

  // Re-reporting replaces the worker's row rather than adding to it.
  v = registry_->ReportHoldings(Report("cam", "w2", 3));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->packets, 9);
  EXPECT_EQ(v->status, VideoStatus::kLive);

  // Stored, not just returned.
  Result<VideoRecord> got = registry_->GetVideo("cam");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->packets, 9);
  EXPECT_EQ(got->status, VideoStatus::kLive);
  EXPECT_EQ(Query("SELECT status FROM videos WHERE video_id = 'cam'"), "live");
}

TEST_F(RegistryTest, ZeroPacketsRemovesTheWorkersRow) {
  ASSERT_TRUE(registry_->ReportHoldings(Report("cam", "w1", 5)).ok());
  Result<VideoRecord> v = registry_->ReportHoldings(Report("cam", "w1", 0));
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->workers.empty());
  EXPECT_EQ(v->packets, 0);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM video_holdings"), "0");
}

TEST_F(RegistryTest, AuthenticatedOnlyWhenEveryHolderVerified) {
  HoldingsReport a = Report("cam", "w1", 2);
  a.authenticated = true;
  a.publisher_key = "mldsa44:abcd";
  Result<VideoRecord> v = registry_->ReportHoldings(a);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->authenticated);
  ASSERT_TRUE(v->publisher_key.has_value());
  EXPECT_EQ(*v->publisher_key, "mldsa44:abcd");
  v = registry_->ReportHoldings(Report("cam", "w2", 2));
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->authenticated);
  EXPECT_EQ(*v->publisher_key, "mldsa44:abcd");  // empty key keeps the stored
}

TEST_F(RegistryTest, PublisherKeyMismatchIsRejectedAndNothingStored) {
  HoldingsReport a = Report("cam", "w1", 2);
  a.publisher_key = "key-a";
  ASSERT_TRUE(registry_->ReportHoldings(a).ok());
  HoldingsReport b = Report("cam", "w2", 7);
  b.publisher_key = "key-b";
  Result<VideoRecord> v = registry_->ReportHoldings(b);
  EXPECT_EQ(v.status().code(), Status::Code::kInvalidArgument);
  Result<VideoRecord> got = registry_->GetVideo("cam");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->workers.size(), 1u);
  EXPECT_EQ(got->packets, 2);
}

TEST_F(RegistryTest, InvalidReportsAreRejected) {
  std::vector<HoldingsReport> bad = {
      Report("", "w1", 1),
      Report("a/b", "w1", 1),
      Report("..", "w1", 1),
      Report("cam", "", 1),
      Report("cam", "w 1", 1),
      Report("cam", "w1", -1),
      Report("cam", "w1", 11, 10),
      Report("cam", std::string(129, 'w'), 1),
      Report(std::string(256, 'v'), "w1", 1),
  };
  HoldingsReport big = Report("cam", "w1", 1);
  big.bytes = kMaxCount + 1;
  bad.push_back(big);
  HoldingsReport key = Report("cam", "w1", 1);
  key.publisher_key = "has\nnewline";
  bad.push_back(key);
  for (const HoldingsReport& r : bad) {
    EXPECT_EQ(registry_->ReportHoldings(r).status().code(),
              Status::Code::kInvalidArgument)
        << r.video_id << " " << r.worker;
  }
  EXPECT_EQ(Query("SELECT COUNT(*) FROM videos"), "0");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM video_holdings"), "0");
}

TEST_F(RegistryTest, SoftDeleteHidesTheVideoAndKeepsATombstone) {
  ASSERT_TRUE(registry_->ReportHoldings(Report("a", "w1", 1)).ok());
  ASSERT_TRUE(registry_->CreateVideo("b").ok());
  now_ms_ += 10;
  ASSERT_TRUE(registry_->DeleteVideo("a").ok());
  EXPECT_EQ(registry_->DeleteVideo("a").code(), Status::Code::kNotFound);
  EXPECT_EQ(registry_->DeleteVideo("nope").code(), Status::Code::kNotFound);
  EXPECT_EQ(registry_->GetVideo("a").status().code(), Status::Code::kNotFound);
  Result<std::vector<VideoRecord>> list = registry_->ListVideos({});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].video_id, "b");
  // The row is still there, marked deleted.
  EXPECT_EQ(Query("SELECT deleted_at FROM videos WHERE video_id = 'a'"),
            "1700000000010");
  EXPECT_EQ(registry_->ReportHoldings(Report("a", "w1", 2)).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(registry_->CreateVideo("a").status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(Query("SELECT packets FROM video_holdings WHERE video_id = 'a'"),
            "1");
}

TEST_F(RegistryTest, ListPaginatesAndFilters) {
  for (int i = 0; i < 5; ++i) {
    std::string id = fmt::format("v{}", i);
    ASSERT_TRUE(
        registry_->ReportHoldings(Report(id, "w", 1, i % 2 ? 1 : 2)).ok());
  }
  ListOptions options;
  options.limit = 2;
  options.offset = 1;
  auto page = registry_->ListVideos(options);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].video_id, "v1");
  EXPECT_EQ((*page)[1].video_id, "v2");
  EXPECT_EQ((*page)[0].workers.size(), 1u);

  ListOptions complete;
  complete.status = VideoStatus::kComplete;
  auto done = registry_->ListVideos(complete);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->size(), 2u);
  EXPECT_EQ((*done)[0].video_id, "v1");
  EXPECT_EQ((*done)[1].video_id, "v3");

  ListOptions bad;
  bad.limit = 0;
  EXPECT_EQ(registry_->ListVideos(bad).status().code(),
            Status::Code::kInvalidArgument);
  bad.limit = kMaxListLimit + 1;
  EXPECT_FALSE(registry_->ListVideos(bad).ok());
  bad.limit = 10;
  bad.offset = -1;
  EXPECT_FALSE(registry_->ListVideos(bad).ok());
}

TEST_F(RegistryTest, InjectionStringsAreStoredLiterallyOrRejected) {
  ASSERT_TRUE(registry_->ReportHoldings(Report("keep", "w1", 3, 3)).ok());
  // With spaces these fail ValidateVideoId before reaching SQL.
  EXPECT_EQ(registry_->CreateVideo("'; DROP TABLE videos; --").status().code(),
            Status::Code::kInvalidArgument);
  const std::vector<std::string> ids = {"';DROP_TABLE(videos);--",
                                        "x'OR'1'='1",
                                        "\");DELETE(FROM)video_holdings;--",
                                        "a%27b",
                                        "Robert');--",
                                        ":v",
                                        "?"};
  for (const std::string& id : ids) {
    Result<VideoRecord> v = registry_->CreateVideo(id);
    ASSERT_TRUE(v.ok()) << id << ": " << v.status().ToString();
    EXPECT_EQ(v->video_id, id);
    HoldingsReport r = Report(id, "w'--", 1);
    r.publisher_key = "k');DROP_TABLE_schema_migrations;--";
    Result<VideoRecord> reported = registry_->ReportHoldings(r);
    ASSERT_TRUE(reported.ok()) << reported.status().ToString();
    EXPECT_EQ(reported->workers.at(0).worker, "w'--");
    EXPECT_EQ(*reported->publisher_key, r.publisher_key);
    Result<VideoRecord> got = registry_->GetVideo(id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->video_id, id);
  }
  EXPECT_EQ(registry_->GetVideo("x").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(registry_->DeleteVideo("x'OR'1'='1").code(), Status::Code::kOk);
  // Nothing else was touched.
  Result<VideoRecord> keep = registry_->GetVideo("keep");
  ASSERT_TRUE(keep.ok());
  EXPECT_EQ(keep->packets, 3);
  EXPECT_EQ(keep->status, VideoStatus::kComplete);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM videos"),
            std::to_string(ids.size() + 1));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM videos WHERE deleted_at IS NOT NULL"),
            "1");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM video_holdings"),
            std::to_string(ids.size() + 1));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM schema_migrations"), "2");
}

TEST_F(RegistryTest, ConcurrentReportsAreSerialised) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 1; i <= kRounds; ++i) {
        HoldingsReport r = Report("shared", fmt::format("w{}", t), i, 100);
        if (!registry_->ReportHoldings(r).ok()) ++failures;
        if (!registry_->ListVideos({}).ok()) ++failures;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  Result<VideoRecord> v = registry_->GetVideo("shared");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->packets, kThreads * kRounds);
  EXPECT_EQ(v->status, VideoStatus::kComplete);
}

TEST(VideoStatusTest, NamesRoundTrip) {
  EXPECT_EQ(VideoStatusName(VideoStatus::kLive), "live");
  EXPECT_EQ(*ParseVideoStatus("complete"), VideoStatus::kComplete);
  EXPECT_FALSE(ParseVideoStatus("LIVE").ok());
  EXPECT_FALSE(ParseVideoStatus("").ok());
}

}  // namespace
}  // namespace fog::registry
