#include "registry/registry.h"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "registry/db_url.h"
#include "registry/testing_db.h"

namespace fog::registry {
namespace {

// Every test runs once per database in FOG_TEST_DB_URLS (testing_db.h),
// each on a wiped database.
class RegistryTest : public ::testing::TestWithParam<test_db::TestDatabase> {
 protected:
  void SetUp() override {
    url_ = GetParam().url;
    Status wiped = test_db::Wipe(url_);
    ASSERT_TRUE(wiped.ok()) << wiped.ToString();
    Reopen();
  }
  void TearDown() override { registry_.reset(); }

  void Reopen() {
    registry_.reset();
    RegistryOptions options;
    options.clock_ms = [this] { return now_ms_.load(); };
    auto opened = Registry::Open(url_, options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    registry_ = std::move(opened).value();
  }

  bool IsSqlite() const { return test_db::IsSqlite(url_); }

  // Runs a query on a connection of its own, bypassing the registry, and
  // returns the first column of the first row as text.
  std::string Query(const std::string& sql) {
    Result<std::string> value = test_db::QueryScalar(url_, sql);
    EXPECT_TRUE(value.ok()) << sql << ": " << value.status().ToString();
    return value.ok() ? *value : "";
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

  std::string url_;
  std::atomic<int64_t> now_ms_{1700000000000};
  std::unique_ptr<Registry> registry_;
};

INSTANTIATE_TEST_SUITE_P(
    Databases, RegistryTest, ::testing::ValuesIn(test_db::TestDatabases()),
    [](const ::testing::TestParamInfo<test_db::TestDatabase>& param) {
      return test_db::ParamName(param.param, param.index);
    });

TEST_P(RegistryTest, MigrationsAreAppliedOnceAndReopenIsIdempotent) {
  Result<int> version = registry_->SchemaVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 4);
  ASSERT_TRUE(registry_->CreateVideo("cam-1").ok());
  Reopen();
  Reopen();
  EXPECT_EQ(*registry_->SchemaVersion(), 4);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM schema_migrations"), "4");
  if (IsSqlite()) {
    EXPECT_EQ(Query("PRAGMA journal_mode"), "wal");
  }
  Result<VideoRecord> v = registry_->GetVideo("cam-1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->video_id, "cam-1");
}

TEST(RegistryOpenTest, RejectsBadAndUnsupportedUrls) {
  for (const char* url :
       {"", "sqlite3://", "sqlite:///tmp/x.db", "/tmp/x.db",
        "sqlite3:///tmp/a=b.db", "mysql://u:p@h", "mysql://u:p@h:0/db",
        "mysql://u:p@/db", "postgresql://h/db?sslmode=disable",
        "oracle://u:p@h/db", "MYSQL://h/db", "postgres://u:p%zz@h/db"}) {
    auto opened = Registry::Open(url);
    EXPECT_FALSE(opened.ok()) << url;
    EXPECT_EQ(opened.status().code(), Status::Code::kInvalidArgument) << url;
  }
  std::string tmpl = ::testing::TempDir() + "/registry_open_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  EXPECT_EQ(
      Registry::Open("sqlite3://" + tmpl + "/missing/dir/x.db").status().code(),
      Status::Code::kIoError);
  std::filesystem::remove_all(tmpl);
}

// Nothing listens on port 1: the servers' backends fail fast, with IoError,
// and the message names the server but not the password.
TEST(RegistryOpenTest, UnreachableServersAreIoErrorsWithoutThePassword) {
  for (const char* url : {"mysql://fog:hunter2%21@127.0.0.1:1/fog",
                          "mariadb://fog:hunter2%21@127.0.0.1:1/fog",
                          "postgresql://fog:hunter2%21@127.0.0.1:1/fog",
                          "postgres://fog:hunter2%21@127.0.0.1:1/fog"}) {
    RegistryOptions options;
    options.connect_timeout_s = 2;
    auto opened = Registry::Open(url, options);
    ASSERT_FALSE(opened.ok()) << url;
    EXPECT_EQ(opened.status().code(), Status::Code::kIoError) << url;
    const std::string message = opened.status().ToString();
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_NE(message.find("fog:***@127.0.0.1:1/fog"), std::string::npos)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

// tests/db/with_databases.sh also lists the unix socket forms of its
// servers' URLs in FOG_TEST_SOCKET_URLS; without it there are no instances.
std::vector<std::string> SocketUrls() {
  std::vector<std::string> urls;
  const char* env = getenv("FOG_TEST_SOCKET_URLS");
  std::istringstream in(env == nullptr ? "" : env);
  for (std::string url; in >> url;) urls.push_back(url);
  return urls;
}

class SocketUrlTest : public ::testing::TestWithParam<std::string> {};
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SocketUrlTest);
INSTANTIATE_TEST_SUITE_P(Sockets, SocketUrlTest,
                         ::testing::ValuesIn(SocketUrls()));

TEST_P(SocketUrlTest, Works) {
  const std::string& url = GetParam();
  ASSERT_TRUE(test_db::Wipe(url).ok()) << url;
  auto opened = Registry::Open(url);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*(*opened)->SchemaVersion(), 4);
  EXPECT_TRUE((*opened)->CreateVideo("over-the-socket").ok());
}

TEST(RegistryOpenTest, RedactsUrlsForLogs) {
  EXPECT_EQ(RedactDatabaseUrl("mysql://fog:s3cret@db:3306/fog"),
            "mysql://fog:***@db:3306/fog");
  EXPECT_EQ(RedactDatabaseUrl("sqlite3:///var/lib/fog/r.db"),
            "sqlite3:///var/lib/fog/r.db");
  EXPECT_EQ(RedactDatabaseUrl("mysql://fog:s3cret@db:99999/fog"),
            "(invalid registry URL)");
}

TEST(RegistryOpenTest, InMemoryDatabaseWorks) {
  auto opened = Registry::Open("sqlite3://:memory:");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_TRUE((*opened)->CreateVideo("m").ok());
}

TEST_P(RegistryTest, CreateVideoIsIdempotent) {
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

TEST_P(RegistryTest, HoldingsAcrossTwoWorkersCompleteTheVideo) {
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

TEST_P(RegistryTest, ReplicasCountOncePerPacket) {
  HoldingsReport a = Report("cam", "w1", 8, 10);
  a.ranges = {{1, 8}};
  HoldingsReport b = Report("cam", "w2", 6, 10);
  b.ranges = {{1, 2}, {6, 9}};
  ASSERT_TRUE(registry_->ReportHoldings(a).ok());
  Result<VideoRecord> v = registry_->ReportHoldings(b);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->packets, 9);  // 1..9, packet 10 nowhere yet
  EXPECT_EQ(v->copies, 14);
  EXPECT_EQ(v->status, VideoStatus::kLive);
  HoldingsReport c = Report("cam", "w3", 2, 10);
  c.ranges = {{3, 3}, {10, 10}};
  v = registry_->ReportHoldings(c);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->packets, 10);
  EXPECT_EQ(v->status, VideoStatus::kComplete);
  Result<VideoRecord> got = registry_->GetVideo("cam");
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->workers.size(), 3u);
  EXPECT_EQ(got->workers[1].ranges, (PacketRanges{{1, 2}, {6, 9}}));
  EXPECT_EQ(got->packets, 10);
  EXPECT_EQ(got->copies, 16);
  // A worker that says no ranges still counts its packets (older workers).
  ASSERT_TRUE(registry_->ReportHoldings(Report("old", "w1", 4)).ok());
  EXPECT_EQ(registry_->GetVideo("old")->packets, 4);
}

TEST_P(RegistryTest, RangesMustMatchTheReport) {
  HoldingsReport r = Report("cam", "w1", 3, 10);
  r.ranges = {{1, 2}};  // counts 2, not 3
  EXPECT_FALSE(registry_->ReportHoldings(r).ok());
  r.ranges = {{8, 11}, {20, 20}};
  r.packets = 5;
  EXPECT_FALSE(registry_->ReportHoldings(r).ok());  // beyond total_packets
  r.ranges = {{3, 4}, {1, 1}};
  r.packets = 3;
  EXPECT_FALSE(registry_->ReportHoldings(r).ok());  // not ascending
  EXPECT_EQ(Query("SELECT COUNT(*) FROM video_holdings"), "0");
}

TEST_P(RegistryTest, ZeroPacketsRemovesTheWorkersRow) {
  ASSERT_TRUE(registry_->ReportHoldings(Report("cam", "w1", 5)).ok());
  Result<VideoRecord> v = registry_->ReportHoldings(Report("cam", "w1", 0));
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->workers.empty());
  EXPECT_EQ(v->packets, 0);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM video_holdings"), "0");
}

TEST_P(RegistryTest, AuthenticatedOnlyWhenEveryHolderVerified) {
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

TEST_P(RegistryTest, PublisherKeyMismatchIsRejectedAndNothingStored) {
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

TEST_P(RegistryTest, InvalidReportsAreRejected) {
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

TEST_P(RegistryTest, SoftDeleteHidesTheVideoAndKeepsATombstone) {
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

TEST_P(RegistryTest, ListPaginatesAndFilters) {
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

TEST_P(RegistryTest, InjectionStringsAreStoredLiterallyOrRejected) {
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
  // Backslashes matter on MySQL, whose escaping SOCI's backend relies on.
  const std::vector<std::string> workers = {
      "w'--", "w\\'--", "w\\", "w';DELETE_FROM_videos;--", "w\"),(1,2);--"};
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string& id = ids[i];
    Result<VideoRecord> v = registry_->CreateVideo(id);
    ASSERT_TRUE(v.ok()) << id << ": " << v.status().ToString();
    EXPECT_EQ(v->video_id, id);
    const std::string& worker = workers[i % workers.size()];
    HoldingsReport r = Report(id, worker, 1);
    r.publisher_key = "k\\');DROP_TABLE_schema_migrations;--";
    Result<VideoRecord> reported = registry_->ReportHoldings(r);
    ASSERT_TRUE(reported.ok()) << reported.status().ToString();
    EXPECT_EQ(reported->workers.at(0).worker, worker);
    EXPECT_EQ(*reported->publisher_key, r.publisher_key);
    Result<VideoRecord> got = registry_->GetVideo(id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(got->video_id, id);
    EXPECT_EQ(got->workers.at(0).worker, worker);
    EXPECT_EQ(*got->publisher_key, r.publisher_key);
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
  EXPECT_EQ(Query("SELECT COUNT(*) FROM schema_migrations"), "4");
  ListOptions live;
  live.status = VideoStatus::kLive;
  Result<std::vector<VideoRecord>> listed = registry_->ListVideos(live);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), ids.size() - 1);  // one was deleted
}

TEST_P(RegistryTest, ConcurrentReportsAreSerialised) {
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

TEST_P(RegistryTest, IdsAndWorkerNamesAreCaseSensitiveAndOrderedByBytes) {
  for (const char* worker : {"w1", "W1", "w_1", "w-1"}) {
    ASSERT_TRUE(registry_->ReportHoldings(Report("cam", worker, 1)).ok());
  }
  ASSERT_TRUE(registry_->ReportHoldings(Report("Cam", "w1", 2)).ok());
  Result<VideoRecord> v = registry_->GetVideo("cam");
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->workers.size(), 4u);
  EXPECT_EQ(v->workers[0].worker, "W1");
  EXPECT_EQ(v->workers[1].worker, "w-1");
  EXPECT_EQ(v->workers[2].worker, "w1");
  EXPECT_EQ(v->workers[3].worker, "w_1");
  Result<VideoRecord> other = registry_->GetVideo("Cam");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->packets, 2);
  EXPECT_NE(other->id, v->id);
  EXPECT_EQ(registry_->GetVideo("CAM").status().code(),
            Status::Code::kNotFound);
}

// A 90 kHz video track and a 48 kHz audio track.
constexpr uint32_t kVideo = 1;
constexpr uint32_t kAudio = 2;

TEST_P(RegistryTest, DurationIsTheLatestTrackEndOverAllWorkers) {
  HoldingsReport first = Report("cam", "w1", 4, 10);  // holds packet 1
  first.timescales = {{kVideo, 90000}, {kAudio, 48000}};
  first.track_end_ticks = {{kVideo, 4 * 90000}, {kAudio, 4 * 48000}};
  Result<VideoRecord> v = registry_->ReportHoldings(first);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_TRUE(v->duration_seconds.has_value());
  EXPECT_DOUBLE_EQ(*v->duration_seconds, 4.0);

  HoldingsReport later = Report("cam", "w2", 6);
  later.track_end_ticks = {{kVideo, 9 * 90000}, {kAudio, 10 * 48000 + 480}};
  v = registry_->ReportHoldings(later);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->duration_seconds.has_value());
  EXPECT_DOUBLE_EQ(*v->duration_seconds, 10.01);  // the audio track ends last

  // Stored, and the same through every read path.
  Result<VideoRecord> got = registry_->GetVideo("cam");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->duration_seconds, v->duration_seconds);
  Result<std::vector<VideoRecord>> list = registry_->ListVideos({});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].duration_seconds, v->duration_seconds);
  EXPECT_EQ(Query("SELECT timescale FROM video_tracks WHERE track_id = 2"),
            "48000");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM holding_tracks"), "4");
}

TEST_P(RegistryTest, ReplicasDoNotInflateTheDuration) {
  HoldingsReport a = Report("cam", "w1", 10, 10);
  a.timescales = {{kVideo, 90000}};
  a.track_end_ticks = {{kVideo, 20 * 90000}};
  ASSERT_TRUE(registry_->ReportHoldings(a).ok());
  for (const char* replica : {"w2", "w3"}) {
    HoldingsReport b = Report("cam", replica, 10);
    b.track_end_ticks = {{kVideo, 20 * 90000}};  // the same fragments
    ASSERT_TRUE(registry_->ReportHoldings(b).ok());
  }
  Result<VideoRecord> v = registry_->GetVideo("cam");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->packets, 30);  // packets do count replicas ...
  ASSERT_TRUE(v->duration_seconds.has_value());
  EXPECT_DOUBLE_EQ(*v->duration_seconds, 20.0);  // ... the duration does not
}

TEST_P(RegistryTest, UnknownTimescaleMeansNoDuration) {
  HoldingsReport ends = Report("cam", "w2", 3);
  ends.track_end_ticks = {{kVideo, 900000}, {kAudio, 480000}};
  Result<VideoRecord> v = registry_->ReportHoldings(ends);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->duration_seconds.has_value());  // no timescale yet

  // A timescale for a track no worker has reported an end for: still none.
  HoldingsReport init = Report("cam", "w1", 1);
  init.timescales = {{3, 1000}};
  v = registry_->ReportHoldings(init);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->duration_seconds.has_value());

  // Only the track with a known timescale counts.
  init.timescales = {{kAudio, 48000}};
  v = registry_->ReportHoldings(init);
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(v->duration_seconds.has_value());
  EXPECT_DOUBLE_EQ(*v->duration_seconds, 10.0);

  // A video without any track data has none either.
  Result<VideoRecord> plain = registry_->CreateVideo("plain");
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->duration_seconds.has_value());
}

TEST_P(RegistryTest, AReportReplacesTheWorkersTrackEndsAndZeroRemovesThem) {
  HoldingsReport a = Report("cam", "w1", 5);
  a.timescales = {{kVideo, 1000}, {kAudio, 1000}};
  a.track_end_ticks = {{kVideo, 5000}, {kAudio, 5000}};
  ASSERT_TRUE(registry_->ReportHoldings(a).ok());
  HoldingsReport b = Report("cam", "w2", 8);
  b.track_end_ticks = {{kVideo, 12000}};
  ASSERT_TRUE(registry_->ReportHoldings(b).ok());
  EXPECT_DOUBLE_EQ(*registry_->GetVideo("cam")->duration_seconds, 12.0);

  // w2 now holds less: its new ends replace the old ones, not add to them.
  b.packets = 2;
  b.track_end_ticks = {{kAudio, 3000}};
  Result<VideoRecord> v = registry_->ReportHoldings(b);
  ASSERT_TRUE(v.ok());
  EXPECT_DOUBLE_EQ(*v->duration_seconds, 5.0);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM holding_tracks WHERE worker = 'w2'"),
            "1");

  // packets == 0 removes the worker's ends with its row.
  v = registry_->ReportHoldings(Report("cam", "w1", 0));
  ASSERT_TRUE(v.ok());
  EXPECT_DOUBLE_EQ(*v->duration_seconds, 3.0);
  v = registry_->ReportHoldings(Report("cam", "w2", 0));
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->duration_seconds.has_value());
  EXPECT_EQ(Query("SELECT COUNT(*) FROM holding_tracks"), "0");
  // The timescales describe the video, not a holding: they stay.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM video_tracks"), "2");

  // A report without track ends clears the worker's previous ones.
  ASSERT_TRUE(registry_->ReportHoldings(a).ok());
  v = registry_->ReportHoldings(Report("cam", "w1", 5));
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->duration_seconds.has_value());

  // A later timescale for a track replaces the stored one.
  a.timescales = {{kVideo, 500}};
  v = registry_->ReportHoldings(a);
  ASSERT_TRUE(v.ok());
  EXPECT_DOUBLE_EQ(*v->duration_seconds, 10.0);
}

TEST_P(RegistryTest, TrackLimitsAreEnforcedAndTheExtremesStored) {
  HoldingsReport edge = Report("cam", "w1", 1);
  edge.timescales = {{UINT32_MAX, UINT32_MAX}, {1, 1}};
  edge.track_end_ticks = {{UINT32_MAX, uint64_t{1} << 53}, {1, 0}};
  for (uint32_t t = 2; edge.track_end_ticks.size() < kMaxTracksPerReport; ++t) {
    edge.track_end_ticks[t] = t;
  }
  Result<VideoRecord> v = registry_->ReportHoldings(edge);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_TRUE(v->duration_seconds.has_value());
  // Tracks 2..63 have no timescale; track 1 ends at 0.
  EXPECT_DOUBLE_EQ(*v->duration_seconds, 9007199254740992.0 / 4294967295.0);
  EXPECT_EQ(Query("SELECT end_ticks FROM holding_tracks"
                  " WHERE track_id = 4294967295"),
            "9007199254740992");
  EXPECT_EQ(Query("SELECT timescale FROM video_tracks"
                  " WHERE track_id = 4294967295"),
            "4294967295");

  std::vector<HoldingsReport> bad;
  HoldingsReport r = Report("cam", "w2", 1);
  r.track_end_ticks = edge.track_end_ticks;
  r.track_end_ticks[1000] = 1;  // 65 tracks
  bad.push_back(r);
  r = Report("cam", "w2", 1);
  for (uint32_t t = 1; t <= kMaxTracksPerReport + 1; ++t) {
    r.timescales[t] = 1000;
  }
  bad.push_back(r);
  r = Report("cam", "w2", 1);
  r.timescales = {{1, 0}};
  bad.push_back(r);
  r = Report("cam", "w2", 1);
  r.timescales = {{0, 1000}};
  bad.push_back(r);
  r = Report("cam", "w2", 1);
  r.track_end_ticks = {{0, 1}};
  bad.push_back(r);
  r = Report("cam", "w2", 1);
  r.track_end_ticks = {{1, (uint64_t{1} << 53) + 1}};
  bad.push_back(r);
  r = Report("cam", "w2", 0);
  r.track_end_ticks = {{1, 1}};  // ends without packets
  bad.push_back(r);
  const std::string tracks_before = Query("SELECT COUNT(*) FROM video_tracks");
  for (const HoldingsReport& b : bad) {
    EXPECT_EQ(registry_->ReportHoldings(b).status().code(),
              Status::Code::kInvalidArgument);
  }
  EXPECT_EQ(Query("SELECT COUNT(*) FROM holding_tracks WHERE worker = 'w2'"),
            "0");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM video_tracks"), tracks_before);
  EXPECT_EQ(registry_->GetVideo("cam")->workers.size(), 1u);
}

// Databases behind a server connection (not SQLite), and PostgreSQL alone
// (only it lets its user refuse new connections): suites of their own, with
// no instances when no such server is listed.
std::vector<test_db::TestDatabase> DatabasesWhere(
    const std::function<bool(const DatabaseUrl&)>& keep) {
  std::vector<test_db::TestDatabase> out;
  for (const test_db::TestDatabase& db : test_db::TestDatabases()) {
    Result<DatabaseUrl> parsed = ParseDatabaseUrl(db.url);
    if (parsed.ok() && keep(*parsed)) out.push_back(db);
  }
  return out;
}

class ServerRegistryTest : public RegistryTest {};
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ServerRegistryTest);
INSTANTIATE_TEST_SUITE_P(
    Servers, ServerRegistryTest,
    ::testing::ValuesIn(DatabasesWhere([](const DatabaseUrl& u) {
      return u.backend != Backend::kSqlite3;
    })),
    [](const ::testing::TestParamInfo<test_db::TestDatabase>& param) {
      return test_db::ParamName(param.param, param.index);
    });

class PostgresRegistryTest : public RegistryTest {};
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PostgresRegistryTest);
INSTANTIATE_TEST_SUITE_P(
    Postgres, PostgresRegistryTest,
    ::testing::ValuesIn(DatabasesWhere([](const DatabaseUrl& u) {
      return u.backend == Backend::kPostgresql;
    })),
    [](const ::testing::TestParamInfo<test_db::TestDatabase>& param) {
      return test_db::ParamName(param.param, param.index);
    });

TEST_P(ServerRegistryTest, ReconnectsWhenTheServerDropsTheConnection) {
  ASSERT_TRUE(registry_->ReportHoldings(Report("cam", "w1", 2, 4)).ok());
  Status killed = test_db::KillOtherConnections(url_);
  ASSERT_TRUE(killed.ok()) << killed.ToString();
  // The first statement finds the connection gone; the call reconnects
  // and runs again.
  Result<VideoRecord> v = registry_->ReportHoldings(Report("cam", "w2", 2));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->status, VideoStatus::kComplete);
  ASSERT_TRUE(test_db::KillOtherConnections(url_).ok());
  Result<std::vector<VideoRecord>> list = registry_->ListVideos({});
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->size(), 1u);

  // A delete is not run twice: it fails once, and the next call works.
  ASSERT_TRUE(test_db::KillOtherConnections(url_).ok());
  Status deleted = registry_->DeleteVideo("cam");
  EXPECT_EQ(deleted.code(), Status::Code::kIoError) << deleted.ToString();
  EXPECT_TRUE(registry_->DeleteVideo("cam").ok());
}

TEST_P(PostgresRegistryTest, AServerThatStaysAwayIsAnIoErrorUntilItIsBack) {
  Result<DatabaseUrl> parsed = ParseDatabaseUrl(url_);
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(registry_->CreateVideo("cam").ok());
  ASSERT_TRUE(test_db::KillOtherConnections(url_).ok());
  ASSERT_TRUE(test_db::RefuseConnections(url_, true).ok());
  for (int i = 0; i < 3; ++i) {  // each call tries to reconnect, and fails
    Result<VideoRecord> v = registry_->GetVideo("cam");
    EXPECT_EQ(v.status().code(), Status::Code::kIoError);
    if (!parsed->password.empty()) {
      EXPECT_EQ(v.status().ToString().find(parsed->password),
                std::string::npos);
    }
  }
  ASSERT_TRUE(test_db::RefuseConnections(url_, false).ok());
  Result<VideoRecord> v = registry_->GetVideo("cam");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
}

TEST(VideoStatusTest, NamesRoundTrip) {
  EXPECT_EQ(VideoStatusName(VideoStatus::kLive), "live");
  EXPECT_EQ(*ParseVideoStatus("complete"), VideoStatus::kComplete);
  EXPECT_FALSE(ParseVideoStatus("LIVE").ok());
  EXPECT_FALSE(ParseVideoStatus("").ok());
}

}  // namespace
}  // namespace fog::registry
