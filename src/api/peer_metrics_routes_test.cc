// GET /metrics/{name} against real HTTP metrics endpoints (tiny httplib
// servers standing in for the master and the workers): the relay itself,
// 404 for names not configured, 502 for a peer that is down, fails, answers
// too much or too slowly, and Start() refusing bad peer settings.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/api_server.h"
#include "registry/registry.h"

namespace fog::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr char kMasterText[] =
    "# HELP fog_master_packets_total Packets dispatched\n"
    "# TYPE fog_master_packets_total counter\n"
    "fog_master_packets_total{result=\"stored\"} 42\n";
constexpr size_t kMaxBytes = 1000;

// Serves `server` (already bound) on `thread` and returns once its accept
// loop runs: stop() before that would be lost and leave join() waiting.
void Serve(httplib::Server& server, std::thread& thread) {
  thread = std::thread([&server] { server.listen_after_bind(); });
  while (!server.is_running()) std::this_thread::yield();
}

// A metrics endpoint on 127.0.0.1 answering GET /metrics.
class PeerServer {
 public:
  PeerServer() {
    server_.Get("/metrics", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(kMasterText, "text/plain; version=0.0.4");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    Serve(server_, thread_);
  }
  ~PeerServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

// A TCP port nothing listens on: bound a moment ago, closed without
// listening.
int ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (fd >= 0 &&
      ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  if (fd >= 0) ::close(fd);
  return port;
}

class ApiPeerMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("fog_peer_metrics_" + std::to_string(getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_);
    auto opened =
        registry::Registry::Open("sqlite3://" + (base_ / "r.sqlite").string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    registry_ = std::move(opened).value();
  }

  void TearDown() override {
    client_.reset();
    server_.reset();
    registry_.reset();
    fs::remove_all(base_);
  }

  ApiOptions Options() const {
    const std::string peer = "127.0.0.1:" + std::to_string(peer_.port());
    ApiOptions o;
    o.port = 0;
    o.metrics_peers = {{"master", peer},
                       {"worker-1", peer},
                       {"down", "127.0.0.1:" + std::to_string(ClosedPort())}};
    o.metrics_peer_timeout_ms = 300;
    o.metrics_peer_max_bytes = kMaxBytes;
    return o;
  }

  void Start(ApiOptions options) {
    server_ = std::make_unique<ApiServer>(std::move(options), *registry_);
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_url_encode(false);
  }

  static void ExpectError(const httplib::Result& res, int code,
                          const std::string& what) {
    ASSERT_TRUE(res) << what;
    EXPECT_EQ(res->status, code) << what << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    json body = json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << what << ": " << res->body;
    EXPECT_EQ(body["status"], code) << what;
    ASSERT_TRUE(body["error"].is_string()) << what;
    EXPECT_FALSE(body["error"].get<std::string>().empty()) << what;
  }

  PeerServer peer_;
  fs::path base_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ApiPeerMetricsTest, RelaysThePeersTextUnchanged) {
  Start(Options());
  for (const char* path : {"/metrics/master", "/metrics/worker-1"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
    EXPECT_EQ(res->body, kMasterText) << path;
    EXPECT_EQ(res->get_header_value("Content-Type"),
              "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
  }
  auto head = client_->Head("/metrics/master");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  auto post = client_->Post("/metrics/master", "", "text/plain");
  ExpectError(post, 405, "POST");
}

TEST_F(ApiPeerMetricsTest, UnknownNamesAre404AndReachNoHost) {
  Start(Options());
  const std::string peer = std::to_string(peer_.port());
  for (const std::string& path : std::vector<std::string>{
           "/metrics/balancer", "/metrics/", "/metrics/MASTER",
           "/metrics/master/x", "/metrics/..", "/metrics/127.0.0.1:" + peer,
           "/metrics/127.0.0.1%3A" + peer, "/metrics/master%00"}) {
    ExpectError(client_->Get(path), 404, path);
  }
  EXPECT_GE(server_->rejections(Rejection::kNotFound), 8u);
  EXPECT_EQ(server_->rejections(Rejection::kPeerFailed), 0u);
}

TEST_F(ApiPeerMetricsTest, PeerDownIs502WithAReason) {
  Start(Options());
  auto res = client_->Get("/metrics/down");
  ExpectError(res, 502, "down");
  EXPECT_NE(res->body.find("metrics of down: did not answer (Connection)"),
            std::string::npos)
      << res->body;
  EXPECT_EQ(server_->rejections(Rejection::kPeerFailed), 1u);
}

TEST_F(ApiPeerMetricsTest, PeerErrorsTooMuchAndTooSlowAre502) {
  // Each failure mode is its own endpoint answering GET /metrics.
  httplib::Server odd;
  odd.Get("/metrics", [](const httplib::Request&, httplib::Response& r) {
    r.status = 500;
    r.set_content("boom", "text/plain");
  });
  const int odd_port = odd.bind_to_any_port("127.0.0.1");
  std::thread odd_thread;
  Serve(odd, odd_thread);
  httplib::Server big;
  big.Get("/metrics", [](const httplib::Request&, httplib::Response& r) {
    r.set_content(std::string(kMaxBytes + 1, '#'), "text/plain");
  });
  const int big_port = big.bind_to_any_port("127.0.0.1");
  std::thread big_thread;
  Serve(big, big_thread);
  httplib::Server chunked;
  chunked.Get("/metrics", [](const httplib::Request&, httplib::Response& r) {
    r.set_chunked_content_provider(
        "text/plain", [](size_t offset, httplib::DataSink& sink) {
          if (offset > 10 * kMaxBytes) {
            sink.done();
            return true;
          }
          const std::string part(100, '#');
          return sink.write(part.data(), part.size());
        });
  });
  const int chunked_port = chunked.bind_to_any_port("127.0.0.1");
  std::thread chunked_thread;
  Serve(chunked, chunked_thread);
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  httplib::Server slow;
  slow.Get("/metrics", [&](const httplib::Request&, httplib::Response& r) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return released; });
    r.set_content(kMasterText, "text/plain");
  });
  const int slow_port = slow.bind_to_any_port("127.0.0.1");
  std::thread slow_thread;
  Serve(slow, slow_thread);

  ApiOptions o = Options();
  auto at = [](int port) { return "127.0.0.1:" + std::to_string(port); };
  o.metrics_peers["odd"] = at(odd_port);
  o.metrics_peers["big"] = at(big_port);
  o.metrics_peers["chunked"] = at(chunked_port);
  o.metrics_peers["slow"] = at(slow_port);
  Start(o);
  struct Case {
    const char* path;
    const char* reason;
  };
  for (const Case& c :
       {Case{"/metrics/odd", "HTTP 500"}, Case{"/metrics/big", "exceeds"},
        Case{"/metrics/chunked", "exceeds"},
        Case{"/metrics/slow", "did not answer"}}) {
    auto res = client_->Get(c.path);
    ExpectError(res, 502, c.path);
    if (res) {
      EXPECT_NE(res->body.find(c.reason), std::string::npos)
          << c.path << ": " << res->body;
    }
  }
  EXPECT_EQ(server_->rejections(Rejection::kPeerFailed), 4u);
  // The relay still answers after its peers failed.
  auto ok = client_->Get("/metrics/master");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);

  {
    std::lock_guard<std::mutex> lock(mu);
    released = true;
    cv.notify_all();
  }
  for (httplib::Server* s : {&odd, &big, &chunked, &slow}) s->stop();
  for (std::thread* t :
       {&odd_thread, &big_thread, &chunked_thread, &slow_thread}) {
    t->join();
  }
}

TEST_F(ApiPeerMetricsTest, StartRefusesBadPeers) {
  const char* kBad[][2] = {
      {"", "127.0.0.1:9000"},      {"a b", "127.0.0.1:9000"},
      {"x/y", "127.0.0.1:9000"},   {"master", "127.0.0.1"},
      {"master", "127.0.0.1:0"},   {"master", "127.0.0.1:65536"},
      {"master", "127.0.0.1:90x"}, {"master", ":9000"},
      {"master", "::1:9000"},      {"master", "host/path:9000"}};
  for (const auto& [name, address] : kBad) {
    ApiOptions o;
    o.port = 0;
    o.metrics_peers = {{name, address}};
    ApiServer server(o, *registry_);
    Status s = server.Start();
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument)
        << name << "=" << address << ": " << s.ToString();
  }
  ApiOptions o;
  o.port = 0;
  o.metrics_peers = {{"worker-1", "localhost:9000"}, {"v6", "[::1]:9000"}};
  ApiServer server(o, *registry_);
  Status s = server.Start();
  EXPECT_TRUE(s.ok()) << s.ToString();
}

}  // namespace
}  // namespace fog::api
