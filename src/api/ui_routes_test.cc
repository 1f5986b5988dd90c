// The web UI's routes on a real SQLite registry: static files and the
// single-page-app fallback, the API-prefix rule, the 503 page of an unbuilt
// UI, GET /keys and GET /ui-config.

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "api/api_server.h"
#include "registry/registry.h"

namespace fog::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class UiRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("fog_ui_routes_" + std::to_string(getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "ui" / "assets");
    Write("ui/index.html", "<!doctype html><title>fog</title>");
    Write("ui/assets/app-1234.js", "console.log(1)");
    Write("ui/assets/fog_verify-99.wasm", "\0asm");
    Write("ui/favicon.svg", "<svg/>");
    Write("secret.txt", "outside the UI");
    auto opened =
        registry::Registry::Open("sqlite3://" + (base_ / "r.sqlite").string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    registry_ = std::move(opened).value();
  }

  void Start(ApiOptions options) {
    options.port = 0;
    server_ = std::make_unique<ApiServer>(options, *registry_);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_url_encode(false);
  }

  void TearDown() override {
    server_.reset();
    registry_.reset();
    fs::remove_all(base_);
  }

  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(base_ / rel, std::ios::binary) << text;
  }

  ApiOptions WithUi() const {
    ApiOptions o;
    o.ui_dir = (base_ / "ui").string();
    return o;
  }

  fs::path base_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(UiRoutesTest, ServesFilesAndFallsBackToIndex) {
  Start(WithUi());
  for (const char* path : {"/", "/watch/abc", "/dashboard", "/no/such/file.js",
                           "/assets/../../secret.txt", "/fogs"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body, "<!doctype html><title>fog</title>") << path;
    EXPECT_EQ(res->get_header_value("Content-Type"),
              "text/html; charset=utf-8");
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-cache") << path;
  }
  auto js = client_->Get("/assets/app-1234.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->get_header_value("Content-Type"),
            "text/javascript; charset=utf-8");
  EXPECT_EQ(js->get_header_value("Cache-Control"),
            "public, max-age=31536000, immutable");
  auto wasm = client_->Get("/assets/fog_verify-99.wasm");
  ASSERT_TRUE(wasm);
  EXPECT_EQ(wasm->get_header_value("Content-Type"), "application/wasm");
  auto svg = client_->Get("/favicon.svg");
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->body, "<svg/>");
  EXPECT_EQ(svg->get_header_value("Cache-Control"), "no-cache");
}

TEST_F(UiRoutesTest, PrecompressedTwinsServedToBrowsersThatTakeThem) {
  Write("ui/assets/big-1.js", "plain");
  Write("ui/assets/big-1.js.br", "brotli bytes");
  Write("ui/assets/big-1.js.gz", "gzip bytes");
  Start(WithUi());
  client_->set_decompress(false);  // the twins' bytes, as sent
  auto br = client_->Get("/assets/big-1.js", {{"Accept-Encoding", "gzip, br"}});
  ASSERT_TRUE(br);
  EXPECT_EQ(br->get_header_value("Content-Encoding"), "br");
  EXPECT_EQ(br->body, "brotli bytes");
  EXPECT_EQ(br->get_header_value("Vary"), "Accept-Encoding");
  EXPECT_EQ(br->get_header_value("Content-Type"),
            "text/javascript; charset=utf-8");
  auto gz = client_->Get("/assets/big-1.js", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->body, "gzip bytes");
  client_->set_decompress(true);
  auto plain = client_->Get("/assets/big-1.js",
                            {{"Accept-Encoding", "br;q=0, identity"}});
  ASSERT_TRUE(plain);
  // Not the twin (httplib may still compress the plain file on its own, and
  // its client then undoes that).
  EXPECT_EQ(plain->body, "plain");
}

TEST_F(UiRoutesTest, ApiPathsAreNeverTheApp) {
  Start(WithUi());
  auto videos = client_->Get("/videos");
  ASSERT_TRUE(videos);
  EXPECT_EQ(videos->status, 200);
  EXPECT_EQ(videos->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(videos->body, "[]");
  for (const char* path : {"/videos/nope", "/fog/x", "/health/x", "/keys/x",
                           "/metrics/", "/ui-config/x", "/create/x"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json")
        << path;
  }
  // Only GET and HEAD reach the app.
  auto post = client_->Post("/watch/abc", "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 404);
}

TEST_F(UiRoutesTest, UnbuiltUiAnswers503AndTheApiStillWorks) {
  Start(ApiOptions{.ui_dir = (base_ / "missing").string()});
  const uint64_t before = server_->rejections(Rejection::kUnavailable);
  auto res = client_->Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(res->body, "web UI not built: run npm run build in web/\n");
  EXPECT_EQ(server_->rejections(Rejection::kUnavailable), before + 1);
  auto videos = client_->Get("/videos");
  ASSERT_TRUE(videos);
  EXPECT_EQ(videos->status, 200);
}

TEST_F(UiRoutesTest, KeysAndUiConfig) {
  ApiOptions o = WithUi();
  o.mqtt_ws_port = 9555;
  o.viewer_username = "viewer";
  o.viewer_password = "pw\"1";
  Start(o);
  server_->SetKeys({{.key_id_hex = "00112233445566778899aabbccddeeff",
                     .algorithm = "mldsa44",
                     .public_key = {'f', 'o', 'g', 'x'}}});
  auto keys = client_->Get("/keys");
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->status, 200);
  json k = json::parse(keys->body);
  ASSERT_EQ(k["keys"].size(), 1u);
  EXPECT_EQ(k["keys"][0]["key_id"], "00112233445566778899aabbccddeeff");
  EXPECT_EQ(k["keys"][0]["algorithm"], "mldsa44");
  EXPECT_EQ(k["keys"][0]["public_key"], "Zm9neA==");
  // No trust provider: no fog keys, no revocation lists.
  EXPECT_EQ(k["authorities"], json::array());
  EXPECT_EQ(k["revocations"], json::array());

  // The provider is asked at every request: a new list shows at once.
  int asked = 0;
  server_->SetTrustProvider([&asked] {
    ++asked;
    return PublishedTrust{
        .authorities = {{.key_id_hex = "ffeeddccbbaa99887766554433221100",
                         .algorithm = "mldsa65",
                         .public_key = {'c', 'a'}}},
        .revocations = {Bytes(asked, 'r')}};
  });
  for (const char* want : {"cg==", "cnI="}) {
    auto trust = client_->Get("/keys");
    ASSERT_TRUE(trust);
    EXPECT_EQ(trust->status, 200);
    EXPECT_EQ(trust->get_header_value("Cache-Control"), "no-cache");
    json t = json::parse(trust->body);
    ASSERT_EQ(t["authorities"].size(), 1u);
    EXPECT_EQ(t["authorities"][0]["key_id"],
              "ffeeddccbbaa99887766554433221100");
    EXPECT_EQ(t["authorities"][0]["algorithm"], "mldsa65");
    EXPECT_EQ(t["authorities"][0]["public_key"], "Y2E=");
    EXPECT_EQ(t["revocations"], json::array({want}));
    EXPECT_EQ(t["keys"].size(), 1u);
  }

  auto config = client_->Get("/ui-config");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->get_header_value("Cache-Control"), "no-store");
  json c = json::parse(config->body);
  EXPECT_EQ(c["mqtt_ws_url"], "ws://127.0.0.1:9555/");
  EXPECT_EQ(c["username"], "viewer");
  EXPECT_EQ(c["password"], "pw\"1");
  EXPECT_EQ(c["chat_topic_prefix"], "chat/");
}

}  // namespace
}  // namespace fog::api
