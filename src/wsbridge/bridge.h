// fog ws-bridge: MQTT over WebSockets in front of the broker. Each WebSocket
// connection gets one TCP connection to the broker, and the bridge relays
// bytes both ways: WebSocket binary (or text) frames to TCP, TCP bytes to
// WebSocket binary messages. It parses nothing of MQTT: the broker still
// authenticates every client (CONNECT and its credentials go through).
//
// Bounds: one read in flight per direction; the next read starts only when
// the write of the last one completed, so a connection holds at most
// kRelayChunkBytes per direction in our buffers (plus Beast's frame header
// buffer). A WebSocket message larger than max_message_bytes is refused
// with close code 1009 (message too big), a log line and a counter; the
// broker's max_packet_size bounds MQTT packets split across messages.
// An upgrade request offering only foreign subprotocols gets HTTP 400;
// GET /health answers 200 "ok".
//
// TLS (docs/security.md#tls): with tls_cert the listener speaks only TLS
// (wss://, and GET /health over HTTPS); with tls_client_ca a client must
// also present a certificate of that CA. With broker_ca_file the bridge
// reaches the broker over TLS, verifying its certificate against that CA
// and the broker host's name, and presents broker_cert_file when given
// (a broker that requires client certificates). A failed TLS handshake on
// either side is logged and counted (tls_errors) and ends that connection.
//
// Thread-safety: Start and Stop from one owner thread; stats() from any.

#ifndef FOG_WSBRIDGE_BRIDGE_H_
#define FOG_WSBRIDGE_BRIDGE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace fog::wsbridge {

// Per direction and connection: the read buffer of the relay.
inline constexpr size_t kRelayChunkBytes = 256u << 10;
// The fog's largest packet (16 MiB) plus room for its envelope and MQTT.
inline constexpr size_t kDefaultMaxMessageBytes = 17u << 20;

struct BridgeOptions {
  std::string listen_host = "127.0.0.1";
  int listen_port = 9001;  // 0: pick a free one (see Bridge::port())
  std::string broker_host = "127.0.0.1";
  int broker_port = 1883;
  size_t max_message_bytes = kDefaultMaxMessageBytes;
  // The listener's certificate and key (PEM): wss:// when set.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Clients must present a certificate of this CA (PEM); needs tls_cert.
  std::string tls_client_ca_file;
  // The broker over TLS, verified against this CA (PEM), when set.
  std::string broker_ca_file;
  // The bridge's own certificate and key for the broker (mutual TLS).
  std::string broker_cert_file;
  std::string broker_key_file;
};

struct BridgeStats {
  std::atomic<uint64_t> connections{0};       // WebSocket handshakes done
  std::atomic<uint64_t> active{0};            // open right now
  std::atomic<uint64_t> handshake_errors{0};  // bad upgrade or subprotocol
  // The broker's connect (and TLS handshake) failed or took over 5 s.
  std::atomic<uint64_t> broker_unreachable{0};
  std::atomic<uint64_t> tls_errors{0};  // a TLS handshake failed
  std::atomic<uint64_t> too_big{0};     // closed with 1009
  std::atomic<uint64_t> bytes_to_broker{0};
  std::atomic<uint64_t> bytes_to_client{0};
};

class Bridge {
 public:
  explicit Bridge(BridgeOptions options);
  ~Bridge();  // Stop()s
  Bridge(const Bridge&) = delete;
  Bridge& operator=(const Bridge&) = delete;

  // Resolves the broker, loads the TLS files, binds the listener and starts
  // serving on a thread of its own. InvalidArgument for a bad address or an
  // inconsistent TLS option set, IoError when a TLS file cannot be loaded
  // or the port cannot be bound.
  Status Start();
  // Closes the listener and every connection (close code 1001, going away),
  // waits up to two seconds for the goodbyes, then ends the thread.
  void Stop();

  int port() const { return port_; }  // the bound port, after Start
  bool tls() const { return !options_.tls_cert_file.empty(); }  // wss://
  const BridgeStats& stats() const { return stats_; }

  // The io_context, listener and sessions (bridge.cc).
  struct Impl;

 private:
  const BridgeOptions options_;
  int port_ = 0;
  BridgeStats stats_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fog::wsbridge

#endif  // FOG_WSBRIDGE_BRIDGE_H_
