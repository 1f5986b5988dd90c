// GET /videos/{id}/packets/{n} and GET /videos/{id}/poster.jpg on a real
// SQLite registry: paths, holders, caching headers, the error mapping and
// counters; the poster once with real ffmpeg. The providers here are
// injected functions; tests/e2e/web_api_test.sh runs the real ones.

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "api/api_server.h"
#include "api/poster.h"
#include "registry/registry.h"

namespace fog::api {
namespace {

using nlohmann::json;

class PacketRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("fog_packet_routes_" + std::to_string(getpid()) + ".sqlite");
    std::filesystem::remove(path_);
    auto opened = registry::Registry::Open("sqlite3://" + path_.string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    registry_ = std::move(opened).value();
    registry::HoldingsReport held;
    held.video_id = "cam";
    held.worker = "worker-1";
    held.packets = 2;
    held.ranges = {{1, 2}};
    held.bytes = 300;
    held.total_packets = 3;
    ASSERT_TRUE(registry_->ReportHoldings(held).ok());
    held.worker = "worker-2";
    held.ranges = {{2, 3}};
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

  void ServePackets() {
    server_->SetPacketProvider(
        [this](const std::string& id, int64_t n, int holders) -> Result<Bytes> {
          last_holders_ = holders;
          if (n == 3) return Status::Unavailable("no worker answered");
          if (n > 3) return Status::NotFound("no packet " + std::to_string(n));
          const std::string body = "envelope " + id + " " + std::to_string(n);
          return Bytes(body.begin(), body.end());
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
  std::atomic<int> last_holders_{-1};
};

TEST_F(PacketRoutesTest, ServesThePayloadWithItsHoldersUncached) {
  ServePackets();
  auto one = client_->Get("/videos/cam/packets/1");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(one->body, "envelope cam 1");
  EXPECT_EQ(one->get_header_value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(one->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(one->get_header_value("X-Fog-Holders"), "worker-1");
  EXPECT_EQ(last_holders_, 1);
  auto two = client_->Get("/videos/cam/packets/2");
  ASSERT_TRUE(two);
  EXPECT_EQ(two->get_header_value("X-Fog-Holders"), "worker-1,worker-2");
  EXPECT_EQ(last_holders_, 2);
}

TEST_F(PacketRoutesTest, RefusalsAreClearAndCounted) {
  ExpectError(client_->Get("/videos/cam/packets/1"), 404, "no provider");
  ServePackets();
  const uint64_t bad_before = server_->rejections(Rejection::kBadRequest);
  for (const char* n :
       {"0", "01", "-1", "1.5", "x", "", "1/2", "99999999999999999999"}) {
    ExpectError(client_->Get(std::string("/videos/cam/packets/") + n), 400, n);
  }
  EXPECT_EQ(server_->rejections(Rejection::kBadRequest), bad_before + 8);
  ExpectError(client_->Get("/videos/nope/packets/1"), 404, "unknown video");
  ExpectError(client_->Get("/videos/a+b/packets/1"), 400, "bad id");
  ExpectError(client_->Get("/videos/cam/packets/4"), 404, "no such packet");
  auto away = client_->Get("/videos/cam/packets/3");
  ExpectError(away, 503, "unavailable");
  EXPECT_EQ(away->get_header_value("Retry-After"), "1");
  EXPECT_NE(away->body.find("no worker answered"), std::string::npos);
  EXPECT_GE(server_->rejections(Rejection::kUnavailable), 1u);
  ExpectError(client_->Post("/videos/cam/packets/1", "", "text/plain"), 405,
              "POST");
}

// A video the registry does not know but the federation status lists at
// another fog is fetched with the federation as its one holder; one listed
// only at this fog, or nowhere, is 404 without a fetch, and a status of the
// wrong shape never throws.
TEST_F(PacketRoutesTest, PullsThroughVideosHeldElsewhereInTheFederation) {
  ServePackets();
  std::atomic<int> which{0};
  server_->SetFogProvider([&which] {
    switch (which.load()) {
      case 0:
        return json{{"federation",
                     {{"name", "b"},
                      {"videos",
                       {{{"video_id", "far"},
                         {"status", "complete"},
                         {"total_packets", 3},
                         {"fogs", {"a"}}},
                        {{"video_id", "mine"}, {"fogs", {"b"}}}}}}}}
            .dump();
      case 1:
        return json{{"federation", {{"name", 7}, {"videos", "x"}}}}.dump();
      default:
        return std::string("not json");
    }
  });
  last_holders_ = -1;
  auto far = client_->Get("/videos/far/packets/2");
  ASSERT_TRUE(far);
  EXPECT_EQ(far->status, 200);
  EXPECT_EQ(far->body, "envelope far 2");
  EXPECT_EQ(far->get_header_value("X-Fog-Holders"), "federation/b");
  EXPECT_EQ(last_holders_, 1);
  last_holders_ = -1;
  ExpectError(client_->Get("/videos/mine/packets/1"), 404, "only here");
  ExpectError(client_->Get("/videos/nope/packets/1"), 404, "nowhere");
  EXPECT_EQ(last_holders_, -1);
  // A registry video still comes from the registry's holders.
  ASSERT_TRUE(client_->Get("/videos/cam/packets/2"));
  EXPECT_EQ(last_holders_, 2);
  for (int shape : {1, 2}) {
    which = shape;
    ExpectError(client_->Get("/videos/far/packets/2"), 404, "odd status");
  }
}

TEST_F(PacketRoutesTest, PosterIsMadeOnceThenCached) {
  ExpectError(client_->Get("/videos/cam/poster.jpg"), 404, "no maker");
  std::atomic<bool> published{false};
  std::atomic<int> made{0};
  server_->SetMediaProvider([&](const MediaRequest& r) -> Result<MediaReply> {
    if (r.path.packet == 2 && !published) {
      return Status::NotFound("packet 2 not yet");
    }
    auto text = std::make_shared<std::string>(
        r.path.kind == MediaKind::kInit ? "INIT" : "FRAG");
    return MediaReply{text, *text, false, ""};
  });
  server_->SetPosterMaker([&](ByteView init, ByteView frag) -> Result<Bytes> {
    ++made;
    Bytes jpeg = {0xff, 0xd8};
    jpeg.insert(jpeg.end(), init.begin(), init.end());
    jpeg.insert(jpeg.end(), frag.begin(), frag.end());
    return jpeg;
  });
  auto early = client_->Get("/videos/cam/poster.jpg");
  ExpectError(early, 503, "not yet");
  EXPECT_NE(early->body.find("not available yet"), std::string::npos);
  EXPECT_EQ(made, 0);
  published = true;
  for (int i = 0; i < 3; ++i) {
    auto res = client_->Get("/videos/cam/poster.jpg");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Type"), "image/jpeg");
    EXPECT_EQ(res->body, "\xff\xd8INITFRAG");
  }
  EXPECT_EQ(made, 1);
  ExpectError(client_->Get("/videos/nope/poster.jpg"), 404, "unknown video");
}

// Real ffmpeg: a fragmented MP4 it makes itself gives a JPEG; garbage gives
// InvalidArgument with ffmpeg's reason.
TEST(PosterTest, FfmpegMakesAJpegFromFragmentedMp4) {
  const std::string dir = std::filesystem::temp_directory_path() /
                          ("fog_poster_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string mp4 = dir + "/v.mp4";
  const std::string cmd =
      "ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=size=320x240:rate=10"
      " -t 1 -c:v libx264 -g 10 -movflags "
      "frag_keyframe+empty_moov+default_base_moof"
      " -y " +
      mp4;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  Result<Bytes> file = ReadFile(mp4);
  ASSERT_TRUE(file.ok());
  Result<Bytes> jpeg = MakePosterWithFfmpeg(*file, {});
  ASSERT_TRUE(jpeg.ok()) << jpeg.status().ToString();
  ASSERT_GT(jpeg->size(), 100u);
  EXPECT_EQ((*jpeg)[0], 0xff);
  EXPECT_EQ((*jpeg)[1], 0xd8);
  const Bytes garbage(1000, 0x42);
  Result<Bytes> bad = MakePosterWithFfmpeg(garbage, garbage);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("no poster frame"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fog::api
