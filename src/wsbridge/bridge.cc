#include "wsbridge/bridge.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <thread>
#include <unordered_map>
#include <vector>

#include "wsbridge/subprotocol.h"

namespace fog::wsbridge {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// The upgrade request (or GET /health) must fit in this, and arrive in time.
constexpr size_t kMaxRequestBytes = 8u << 10;
constexpr auto kRequestTimeout = std::chrono::seconds(10);
// The WebSocket opening handshake and the closing one must finish in this.
constexpr auto kHandshakeTimeout = std::chrono::seconds(5);
constexpr auto kStopGrace = std::chrono::seconds(2);

class Session;

}  // namespace

struct Bridge::Impl {
  // Sessions alive now, so that Stop can close them. Only the io thread
  // touches it; declared before `ioc` so it outlives the handlers (and the
  // sessions they hold) that the io_context destroys.
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::atomic<size_t> live{0};
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  tcp::resolver::results_type broker;
  std::thread thread;
  bool stopping = false;

  void Accept(const BridgeOptions& options, BridgeStats& stats);
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Bridge::Impl& impl, const BridgeOptions& options,
          BridgeStats& stats)
      : impl_(impl),
        options_(options),
        stats_(stats),
        ws_(std::move(socket)),
        broker_(impl.ioc) {
    impl_.live.fetch_add(1);
  }
  ~Session() {
    impl_.sessions.erase(this);
    impl_.live.fetch_sub(1);
    if (counted_) stats_.active.fetch_sub(1);
  }

  void Run() {
    impl_.sessions[this] = weak_from_this();
    beast::get_lowest_layer(ws_).expires_after(kRequestTimeout);
    parser_.header_limit(kMaxRequestBytes);
    parser_.body_limit(kMaxRequestBytes);
    http::async_read(ws_.next_layer(), request_buffer_, parser_,
                     [self = shared_from_this()](error_code ec, size_t) {
                       self->OnRequest(ec);
                     });
  }

  // Ends both sides; the WebSocket gets `code` if it is still open.
  void Close(websocket::close_code code) {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    broker_.close(ignored);
    if (upgraded_ && ws_.is_open()) {
      ws_.async_close(code, [self = shared_from_this()](error_code) {});
    } else if (!upgraded_) {
      beast::get_lowest_layer(ws_).close();
    }
  }

 private:
  void OnRequest(error_code ec) {
    if (ec) {
      // A client that connected and left, or sent no valid request.
      if (ec != http::error::end_of_stream) {
        stats_.handshake_errors.fetch_add(1);
        spdlog::warn("ws-bridge: bad request from a client: {}", ec.message());
      }
      Close(websocket::close_code::normal);
      return;
    }
    const auto& req = parser_.get();
    if (!websocket::is_upgrade(req)) {
      const bool health =
          req.method() == http::verb::get && req.target() == "/health";
      Reply(
          health ? http::status::ok : http::status::not_found,
          health ? "ok\n" : "not found: WebSocket upgrades and GET /health\n");
      return;
    }
    const auto offered = req[http::field::sec_websocket_protocol];
    const SubprotocolChoice choice =
        ChooseSubprotocol(std::string_view(offered.data(), offered.size()));
    if (!choice.accept) {
      stats_.handshake_errors.fetch_add(1);
      spdlog::warn(
          "ws-bridge: refused an upgrade offering subprotocols '{}' "
          "(need mqtt)",
          std::string(offered.data(), offered.size()));
      Reply(http::status::bad_request,
            "no supported WebSocket subprotocol: offer mqtt\n");
      return;
    }
    beast::get_lowest_layer(ws_).expires_never();
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = kHandshakeTimeout;
    timeouts.idle_timeout = websocket::stream_base::none();  // MQTT keepalive
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [proto = choice.protocol](websocket::response_type& res) {
          res.set(http::field::server, "fog-ws-bridge");
          if (!proto.empty())
            res.set(http::field::sec_websocket_protocol, proto);
        }));
    // The message size is checked in OnClientRead, not by Beast's
    // read_message_max: Beast closes the socket right after its close
    // frame, and the unread rest of the message turns that into a reset
    // that hides the 1009 from the client.
    ws_.read_message_max(0);
    // One MQTT chunk per message: no 4 KiB fragments for the client to join.
    ws_.auto_fragment(false);
    ws_.binary(true);
    upgraded_ = true;
    ws_.async_accept(req, [self = shared_from_this()](error_code e) {
      self->OnAccepted(e);
    });
  }

  void Reply(http::status status, const char* body) {
    auto res = std::make_shared<http::response<http::string_body>>(
        status, parser_.get().version());
    res->set(http::field::server, "fog-ws-bridge");
    res->set(http::field::content_type, "text/plain");
    res->keep_alive(false);
    res->body() = body;
    res->prepare_payload();
    http::async_write(ws_.next_layer(), *res,
                      [self = shared_from_this(), res](error_code, size_t) {
                        self->Close(websocket::close_code::normal);
                      });
  }

  void OnAccepted(error_code ec) {
    if (ec) {
      stats_.handshake_errors.fetch_add(1);
      spdlog::warn("ws-bridge: WebSocket handshake failed: {}", ec.message());
      closed_ = true;
      return;
    }
    stats_.connections.fetch_add(1);
    stats_.active.fetch_add(1);
    counted_ = true;
    if (impl_.stopping) {
      Close(websocket::close_code::going_away);
      return;
    }
    asio::async_connect(
        broker_, impl_.broker,
        [self = shared_from_this()](error_code e, const tcp::endpoint&) {
          self->OnBrokerConnected(e);
        });
  }

  void OnBrokerConnected(error_code ec) {
    if (closed_) return;
    if (ec) {
      stats_.broker_unreachable.fetch_add(1);
      spdlog::error("ws-bridge: cannot reach the broker at {}:{}: {}",
                    options_.broker_host, options_.broker_port, ec.message());
      Close(websocket::close_code::try_again_later);
      return;
    }
    broker_.set_option(tcp::no_delay(true), ec);
    ReadClient();
    ReadBroker();
  }

  // Client -> broker: a read, then its write, then the next read.
  void ReadClient() {
    ws_.async_read_some(asio::buffer(to_broker_),
                        [self = shared_from_this()](error_code ec, size_t n) {
                          self->OnClientRead(ec, n);
                        });
  }
  void OnClientRead(error_code ec, size_t n) {
    if (ec) {
      Close(websocket::close_code::normal);
      return;
    }
    if (closed_) return;
    message_bytes_ += n;
    if (message_bytes_ > options_.max_message_bytes) {
      stats_.too_big.fetch_add(1);
      spdlog::warn(
          "ws-bridge: closed a client (1009): a WebSocket message over {} "
          "bytes",
          options_.max_message_bytes);
      Close(websocket::close_code::too_big);
      Drain();
      return;
    }
    if (ws_.is_message_done()) message_bytes_ = 0;
    stats_.bytes_to_broker.fetch_add(n);
    asio::async_write(broker_, asio::buffer(to_broker_.data(), n),
                      [self = shared_from_this()](error_code e, size_t) {
                        if (e)
                          return self->Close(websocket::close_code::normal);
                        self->ReadClient();
                      });
  }

  // After a close of ours: reads and drops what the client still sends
  // until its close reply (or the close timeout), so that it sees our code.
  void Drain() {
    ws_.async_read_some(asio::buffer(to_broker_),
                        [self = shared_from_this()](error_code ec, size_t) {
                          if (!ec) self->Drain();
                        });
  }

  // Broker -> client: each TCP read becomes one binary message. MQTT over
  // WebSockets lets a packet span messages (MQTT 5 spec section 6).
  void ReadBroker() {
    broker_.async_read_some(
        asio::buffer(to_client_),
        [self = shared_from_this()](error_code ec, size_t n) {
          self->OnBrokerRead(ec, n);
        });
  }
  void OnBrokerRead(error_code ec, size_t n) {
    if (ec) {
      // The broker closed (after a refused CONNACK, a DISCONNECT, or when
      // it stops): so does the client's WebSocket.
      Close(websocket::close_code::normal);
      return;
    }
    if (closed_) return;
    stats_.bytes_to_client.fetch_add(n);
    ws_.async_write(asio::buffer(to_client_.data(), n),
                    [self = shared_from_this()](error_code e, size_t) {
                      if (e) return self->Close(websocket::close_code::normal);
                      self->ReadBroker();
                    });
  }

  Bridge::Impl& impl_;
  const BridgeOptions& options_;
  BridgeStats& stats_;
  beast::flat_buffer request_buffer_{kMaxRequestBytes};
  http::request_parser<http::string_body> parser_;
  websocket::stream<beast::tcp_stream> ws_;
  tcp::socket broker_;
  std::vector<char> to_broker_ = std::vector<char>(kRelayChunkBytes);
  std::vector<char> to_client_ = std::vector<char>(kRelayChunkBytes);
  size_t message_bytes_ = 0;  // of the client's message being read
  bool upgraded_ = false;
  bool closed_ = false;
  bool counted_ = false;
};

}  // namespace

void Bridge::Impl::Accept(const BridgeOptions& options, BridgeStats& stats) {
  acceptor.async_accept(
      [this, &options, &stats](error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || stopping) return;
        if (ec) {
          // Out of descriptors, say: log it and keep accepting.
          spdlog::warn("ws-bridge: accept failed: {}", ec.message());
        } else {
          std::make_shared<Session>(std::move(socket), *this, options, stats)
              ->Run();
        }
        Accept(options, stats);
      });
}

Bridge::Bridge(BridgeOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

Bridge::~Bridge() { Stop(); }

Status Bridge::Start() {
  error_code ec;
  tcp::resolver resolver(impl_->ioc);
  impl_->broker = resolver.resolve(options_.broker_host,
                                   std::to_string(options_.broker_port), ec);
  if (ec || impl_->broker.empty()) {
    return Status::InvalidArgument("cannot resolve the broker " +
                                   options_.broker_host + ": " + ec.message());
  }
  const asio::ip::address address =
      asio::ip::make_address(options_.listen_host, ec);
  if (ec) {
    return Status::InvalidArgument("bad listen address " +
                                   options_.listen_host + ": " + ec.message());
  }
  const tcp::endpoint endpoint(
      address, static_cast<unsigned short>(options_.listen_port));
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IoError("cannot listen on " + options_.listen_host + ":" +
                           std::to_string(options_.listen_port) + ": " +
                           ec.message());
  }
  port_ = acceptor.local_endpoint().port();
  impl_->Accept(options_, stats_);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
  return Status::OK();
}

void Bridge::Stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->ioc, [impl = impl_.get()] {
    impl->stopping = true;
    error_code ignored;
    impl->acceptor.close(ignored);
    for (auto& [raw, weak] : impl->sessions) {
      if (auto s = weak.lock()) s->Close(websocket::close_code::going_away);
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  while (impl_->live.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  impl_->ioc.stop();
  impl_->thread.join();
}

}  // namespace fog::wsbridge
