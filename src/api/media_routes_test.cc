// The HLS routes' HTTP side: paths, methods, content types, caching headers
// and the mapping of the media provider's errors. The provider here is an
// injected function; tests/e2e/hls_test.sh runs the real one.

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "api/api_server.h"
#include "registry/registry.h"

namespace fog::api {
namespace {

using nlohmann::json;

class MediaRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("fog_media_routes_" + std::to_string(getpid()) + ".sqlite");
    std::filesystem::remove(path_);
    auto opened = registry::Registry::Open("sqlite3://" + path_.string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    registry_ = std::move(opened).value();
    registry::HoldingsReport held;
    held.video_id = "cam";
    held.worker = "w1";
    held.packets = 3;
    held.bytes = 300;
    held.total_packets = 3;
    ASSERT_TRUE(registry_->ReportHoldings(held).ok());
    held.worker = "w2";
    ASSERT_TRUE(registry_->ReportHoldings(held).ok());
    server_ = std::make_unique<ApiServer>(ApiOptions{.port = 0}, *registry_);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_url_encode(false);
  }

  void TearDown() override {
    server_.reset();
    registry_.reset();
    std::filesystem::remove(path_);
  }

  // A provider answering from fixed texts, failing on chosen packets.
  void ServeFixed(bool complete) {
    server_->SetMediaProvider(
        [this, complete](const MediaRequest& r) -> Result<MediaReply> {
          ++calls_;
          last_holders_ = r.holders;
          if (r.path.packet == 3) return Status::Corruption("packet 3: bad");
          if (r.path.packet == 4) return Status::Unavailable("packet 4 gone");
          if (r.path.packet > 4) return Status::NotFound("no packet");
          auto text = std::make_shared<std::string>(
              r.path.kind == MediaKind::kPlaylist
                  ? "#EXTM3U\n"
                  : "packet " + std::to_string(r.path.packet));
          return MediaReply{text, *text, complete,
                            "etag-" + std::to_string(r.path.packet)};
        });
  }

  static void ExpectError(const httplib::Result& res, int code,
                          const std::string& what) {
    ASSERT_TRUE(res) << what;
    EXPECT_EQ(res->status, code) << what << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json")
        << what;
    json body = json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << what;
    EXPECT_EQ(body["status"], code) << what;
    EXPECT_FALSE(body.value("error", "").empty()) << what;
  }

  std::filesystem::path path_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
  std::atomic<int> calls_{0};
  std::atomic<int> last_holders_{0};
};

TEST_F(MediaRoutesTest, WithoutProviderTheRoutesAre404) {
  ExpectError(client_->Get("/videos/cam/index.m3u8"), 404, "playlist");
  ExpectError(client_->Get("/videos/cam/2.m4s"), 404, "segment");
}

TEST_F(MediaRoutesTest, ContentTypesAndCachingOfACompleteVideo) {
  ServeFixed(/*complete=*/true);
  auto playlist = client_->Get("/videos/cam/index.m3u8");
  ASSERT_TRUE(playlist);
  EXPECT_EQ(playlist->status, 200);
  EXPECT_EQ(playlist->body, "#EXTM3U\n");
  EXPECT_EQ(playlist->get_header_value("Content-Type"),
            "application/vnd.apple.mpegurl");
  EXPECT_EQ(playlist->get_header_value("Cache-Control"), "public, max-age=300");
  EXPECT_EQ(playlist->get_header_value("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(last_holders_, 2);

  auto init = client_->Get("/videos/cam/init.mp4");
  ASSERT_TRUE(init);
  EXPECT_EQ(init->status, 200);
  EXPECT_EQ(init->body, "packet 1");
  EXPECT_EQ(init->get_header_value("Content-Type"), "video/mp4");
  EXPECT_EQ(init->get_header_value("Cache-Control"),
            "public, max-age=31536000, immutable");

  auto segment = client_->Get("/videos/cam/2.m4s");
  ASSERT_TRUE(segment);
  EXPECT_EQ(segment->status, 200);
  EXPECT_EQ(segment->body, "packet 2");
  EXPECT_EQ(segment->get_header_value("Content-Type"), "video/iso.segment");
}

TEST_F(MediaRoutesTest, AMatchingIfNoneMatchIs304) {
  ServeFixed(/*complete=*/true);
  auto first = client_->Get("/videos/cam/2.m4s");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->get_header_value("ETag"), "\"etag-2\"");
  auto again =
      client_->Get("/videos/cam/2.m4s", {{"If-None-Match", "\"etag-2\""}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  auto other =
      client_->Get("/videos/cam/2.m4s", {{"If-None-Match", "\"etag-3\""}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_EQ(other->body, "packet 2");
}

TEST_F(MediaRoutesTest, ALivePlaylistIsNotCached) {
  ServeFixed(/*complete=*/false);
  auto playlist = client_->Get("/videos/cam/index.m3u8");
  ASSERT_TRUE(playlist);
  EXPECT_EQ(playlist->get_header_value("Cache-Control"), "no-cache");
  auto segment = client_->Get("/videos/cam/2.m4s");
  ASSERT_TRUE(segment);
  EXPECT_EQ(segment->get_header_value("Cache-Control"), "public, max-age=60");
}

TEST_F(MediaRoutesTest, ProviderErrorsMapToStatusesAndCounters) {
  ServeFixed(/*complete=*/true);
  ExpectError(client_->Get("/videos/cam/3.m4s"), 502, "unverified");
  auto gone = client_->Get("/videos/cam/4.m4s");
  ExpectError(gone, 503, "missing");
  EXPECT_EQ(gone->get_header_value("Retry-After"), "1");
  ExpectError(client_->Get("/videos/cam/5.m4s"), 404, "beyond the end");
  EXPECT_EQ(server_->rejections(Rejection::kUnverified), 1u);
  EXPECT_EQ(server_->rejections(Rejection::kUnavailable), 1u);
  EXPECT_EQ(server_->RejectionCounts().at("unverified"), 1u);
}

TEST_F(MediaRoutesTest, BadInputNeverReachesTheProvider) {
  ServeFixed(/*complete=*/true);
  for (const char* path :
       {"/videos/../index.m3u8", "/videos/..%2Findex.m3u8",
        "/videos/cam/../../etc/passwd", "/videos/cam/..%2F..%2Fetc%2Fpasswd",
        "/videos/cam/1.m4s", "/videos/cam/0.m4s", "/videos/cam/-2.m4s",
        "/videos/cam/02.m4s", "/videos/cam/x.m4s",
        "/videos/cam/99999999999999999999999.m4s", "/videos/cam/index.m3u",
        "/videos/cam/a/2.m4s", "/videos/a%20b/index.m3u8"}) {
    ExpectError(client_->Get(path), 400, path);
  }
  ExpectError(client_->Get("/videos/nope/index.m3u8"), 404, "unknown id");
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    httplib::Request req;
    req.method = method;
    req.path = "/videos/cam/2.m4s";
    auto res = client_->send(req);
    ExpectError(res, 405, method);
    EXPECT_EQ(res->get_header_value("Allow"), "GET, HEAD, OPTIONS");
  }
  EXPECT_EQ(calls_, 0);
  // Nothing was altered.
  Result<registry::VideoRecord> cam = registry_->GetVideo("cam");
  ASSERT_TRUE(cam.ok());
  EXPECT_EQ(cam->packets, 6);
}

}  // namespace
}  // namespace fog::api
