#include "wsbridge/bridge.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "wsbridge/subprotocol.h"

namespace fog::wsbridge {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// The upgrade request (or GET /health) must fit in this, and arrive in time.
constexpr size_t kMaxRequestBytes = 8u << 10;
constexpr auto kRequestTimeout = std::chrono::seconds(10);
// The WebSocket opening handshake and the closing one must finish in this.
constexpr auto kHandshakeTimeout = std::chrono::seconds(5);
constexpr auto kStopGrace = std::chrono::seconds(2);

// What Stop needs of a session of any stream type.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void Close(websocket::close_code code) = 0;
};

}  // namespace

struct Bridge::Impl {
  // The TLS contexts (wss:// towards clients, TLS towards the broker), set
  // by Start when asked for; declared before `ioc` so they outlive every
  // session's stream.
  std::optional<ssl::context> server_tls;
  std::optional<ssl::context> broker_tls;
  // Sessions alive now, so that Stop can close them. Only the io thread
  // touches it; declared before `ioc` so it outlives the handlers (and the
  // sessions they hold) that the io_context destroys.
  std::unordered_map<Closable*, std::weak_ptr<Closable>> sessions;
  std::atomic<size_t> live{0};
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  tcp::resolver::results_type broker;
  std::thread thread;
  bool stopping = false;

  void Accept(const BridgeOptions& options, BridgeStats& stats);
  template <bool kWss, bool kMqtts>
  void Spawn(tcp::socket socket, const BridgeOptions& options,
             BridgeStats& stats);
};

namespace {

// One client's WebSocket and its broker connection; kWss: the client speaks
// TLS; kMqtts: so does the broker.
template <bool kWss, bool kMqtts>
class Session : public Closable,
                public std::enable_shared_from_this<Session<kWss, kMqtts>> {
  using ClientLayer =
      std::conditional_t<kWss, beast::ssl_stream<beast::tcp_stream>,
                         beast::tcp_stream>;
  using BrokerStream =
      std::conditional_t<kMqtts, ssl::stream<tcp::socket>, tcp::socket>;
  using std::enable_shared_from_this<Session>::shared_from_this;
  using std::enable_shared_from_this<Session>::weak_from_this;

  static ClientLayer MakeClient(tcp::socket socket, Bridge::Impl& impl) {
    if constexpr (kWss) {
      return ClientLayer(std::move(socket), *impl.server_tls);
    } else {
      return ClientLayer(std::move(socket));
    }
  }
  static BrokerStream MakeBroker(Bridge::Impl& impl) {
    if constexpr (kMqtts) {
      return BrokerStream(impl.ioc, *impl.broker_tls);
    } else {
      return BrokerStream(impl.ioc);
    }
  }

 public:
  Session(tcp::socket socket, Bridge::Impl& impl, const BridgeOptions& options,
          BridgeStats& stats)
      : impl_(impl),
        options_(options),
        stats_(stats),
        ws_(MakeClient(std::move(socket), impl)),
        broker_(MakeBroker(impl)),
        broker_timer_(impl.ioc) {
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
    if constexpr (kWss) {
      // The request timeout covers the TLS handshake too.
      ws_.next_layer().async_handshake(
          ssl::stream_base::server, [self = shared_from_this()](error_code ec) {
            self->OnClientTls(ec);
          });
    } else {
      ReadRequest();
    }
  }

  // Ends both sides; the WebSocket gets `code` if it is still open.
  void Close(websocket::close_code code) override {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    broker_timer_.cancel();
    broker_.lowest_layer().close(ignored);
    if (upgraded_ && ws_.is_open()) {
      ws_.async_close(code, [self = shared_from_this()](error_code) {});
    } else if (!upgraded_) {
      if constexpr (kWss) {
        if (tls_up_) {
          // A TLS goodbye (close_notify) before the TCP one: without it a
          // client that read our answer, or said goodbye itself, sees a
          // truncated stream.
          beast::get_lowest_layer(ws_).expires_after(kHandshakeTimeout);
          ws_.next_layer().async_shutdown(
              [self = shared_from_this()](error_code) {
                beast::get_lowest_layer(self->ws_).close();
              });
          return;
        }
      }
      beast::get_lowest_layer(ws_).close();
    }
  }

 private:
  void OnClientTls(error_code ec) {
    if (ec) {
      // A plaintext client, one that distrusts our certificate, or one
      // without the certificate mutual TLS asks for.
      stats_.tls_errors.fetch_add(1);
      spdlog::warn("ws-bridge: TLS handshake with a client failed: {}",
                   ec.message());
      closed_ = true;
      beast::get_lowest_layer(ws_).close();
      return;
    }
    tls_up_ = true;
    ReadRequest();
  }

  void ReadRequest() {
    parser_.header_limit(kMaxRequestBytes);
    parser_.body_limit(kMaxRequestBytes);
    http::async_read(ws_.next_layer(), request_buffer_, parser_,
                     [self = shared_from_this()](error_code ec, size_t) {
                       self->OnRequest(ec);
                     });
  }

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
    // The broker's TCP connect and its TLS handshake must finish in time.
    broker_timer_.expires_after(kHandshakeTimeout);
    broker_timer_.async_wait([self = shared_from_this()](error_code e) {
      if (e || self->relaying_ || self->closed_) return;
      self->stats_.broker_unreachable.fetch_add(1);
      spdlog::error("ws-bridge: the broker at {}:{} did not answer in time",
                    self->options_.broker_host, self->options_.broker_port);
      self->Close(websocket::close_code::try_again_later);
    });
    asio::async_connect(
        broker_.lowest_layer(), impl_.broker,
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
    broker_.lowest_layer().set_option(tcp::no_delay(true), ec);
    if constexpr (kMqtts) {
      // The broker's certificate must chain to broker_ca_file and name the
      // host we dialled (an IP address against its IP entries).
      const std::string& host = options_.broker_host;
      error_code not_ip;
      asio::ip::make_address(host, not_ip);
      if (not_ip)
        SSL_set_tlsext_host_name(broker_.native_handle(), host.c_str());
      broker_.set_verify_callback(ssl::host_name_verification(host));
      broker_.async_handshake(
          ssl::stream_base::client,
          [self = shared_from_this()](error_code e) { self->OnBrokerTls(e); });
    } else {
      Relay();
    }
  }

  void OnBrokerTls(error_code ec) {
    if (closed_) return;
    if (ec) {
      stats_.tls_errors.fetch_add(1);
      spdlog::error(
          "ws-bridge: TLS handshake with the broker at {}:{} failed: {}",
          options_.broker_host, options_.broker_port, ec.message());
      Close(websocket::close_code::try_again_later);
      return;
    }
    Relay();
  }

  void Relay() {
    relaying_ = true;
    broker_timer_.cancel();
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
  websocket::stream<ClientLayer> ws_;
  BrokerStream broker_;
  asio::steady_timer broker_timer_;  // bounds the connect and handshake
  std::vector<char> to_broker_ = std::vector<char>(kRelayChunkBytes);
  std::vector<char> to_client_ = std::vector<char>(kRelayChunkBytes);
  size_t message_bytes_ = 0;  // of the client's message being read
  bool tls_up_ = false;       // the client's TLS handshake is done
  bool relaying_ = false;     // connected to the broker (and its TLS is up)
  bool upgraded_ = false;
  bool closed_ = false;
  bool counted_ = false;
};

// The contexts of BridgeOptions' TLS files: IoError naming the file that
// does not load.
Status LoadTls(const BridgeOptions& o, Bridge::Impl& impl) {
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return Status::InvalidArgument("the TLS certificate and key go together");
  }
  if (o.tls_cert_file.empty() && !o.tls_client_ca_file.empty()) {
    return Status::InvalidArgument(
        "a client CA (mutual TLS) needs the listener's certificate");
  }
  if (o.broker_cert_file.empty() != o.broker_key_file.empty()) {
    return Status::InvalidArgument(
        "the broker client certificate and key go together");
  }
  if (o.broker_ca_file.empty() && !o.broker_cert_file.empty()) {
    return Status::InvalidArgument(
        "a broker client certificate needs the broker CA (TLS to the broker)");
  }
  error_code ec;
  auto fail = [&ec](const char* what, const std::string& file) {
    return Status::IoError(std::string("ws-bridge: cannot load the ") + what +
                           " " + file + ": " + ec.message());
  };
  const auto no_old = ssl::context::default_workarounds |
                      ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1;
  if (!o.tls_cert_file.empty()) {
    ssl::context& c = impl.server_tls.emplace(ssl::context::tls_server);
    c.set_options(no_old);
    if (c.use_certificate_chain_file(o.tls_cert_file, ec); ec)
      return fail("certificate", o.tls_cert_file);
    if (c.use_private_key_file(o.tls_key_file, ssl::context::pem, ec); ec)
      return fail("key", o.tls_key_file);
    if (!o.tls_client_ca_file.empty()) {
      if (c.load_verify_file(o.tls_client_ca_file, ec); ec)
        return fail("client CA", o.tls_client_ca_file);
      c.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert,
                        ec);
    }
  }
  if (!o.broker_ca_file.empty()) {
    ssl::context& c = impl.broker_tls.emplace(ssl::context::tls_client);
    c.set_options(no_old);
    if (c.load_verify_file(o.broker_ca_file, ec); ec)
      return fail("broker CA", o.broker_ca_file);
    c.set_verify_mode(ssl::verify_peer, ec);
    if (!o.broker_cert_file.empty()) {
      if (c.use_certificate_chain_file(o.broker_cert_file, ec); ec)
        return fail("broker client certificate", o.broker_cert_file);
      if (c.use_private_key_file(o.broker_key_file, ssl::context::pem, ec); ec)
        return fail("broker client key", o.broker_key_file);
    }
  }
  return Status::OK();
}

}  // namespace

template <bool kWss, bool kMqtts>
void Bridge::Impl::Spawn(tcp::socket socket, const BridgeOptions& options,
                         BridgeStats& stats) {
  std::make_shared<Session<kWss, kMqtts>>(std::move(socket), *this, options,
                                          stats)
      ->Run();
}

void Bridge::Impl::Accept(const BridgeOptions& options, BridgeStats& stats) {
  acceptor.async_accept(
      [this, &options, &stats](error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || stopping) return;
        if (ec) {
          // Out of descriptors, say: log it and keep accepting.
          spdlog::warn("ws-bridge: accept failed: {}", ec.message());
        } else if (server_tls && broker_tls) {
          Spawn<true, true>(std::move(socket), options, stats);
        } else if (server_tls) {
          Spawn<true, false>(std::move(socket), options, stats);
        } else if (broker_tls) {
          Spawn<false, true>(std::move(socket), options, stats);
        } else {
          Spawn<false, false>(std::move(socket), options, stats);
        }
        Accept(options, stats);
      });
}

Bridge::Bridge(BridgeOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

Bridge::~Bridge() { Stop(); }

Status Bridge::Start() {
  if (Status t = LoadTls(options_, *impl_); !t.ok()) return t;
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
