// A minimal MQTT v5 client over Debian's libmosquitto, for measuring that
// library against Paho (the one wrapper the fog uses, src/mqtt/) on the
// datapath benchmark's raw path. It does only what that path needs: connect,
// subscribe, publish without waiting, and hand each message to a handler.
// No properties, no request/response, no re-subscription or re-publishing
// of ours after a dropped connection: the run that needed it fails by its
// deadline.
//
// Behaviour:
//  - Connect() blocks until the broker's CONNACK (success or refusal) or the
//    timeout; the client then runs its own network thread
//    (mosquitto_loop_start).
//  - Messages are handed to the handler on that thread, one at a time, in
//    arrival order; the payload view is valid only during the call.
//  - Publish() copies the payload into the library's queue and returns at
//    once; publishes past `max_inflight` unacknowledged ones wait in the
//    library's queue, unbounded (the caller's window is the bound).
//
// Thread-safety: Subscribe(), Publish() and the accessors may be called from
// any thread; Connect() and Disconnect() from the owner only.

#ifndef FOG_BENCH_MOSQUITTO_CLIENT_H_
#define FOG_BENCH_MOSQUITTO_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::bench {

struct MosquittoOptions {
  // tcp://host:port, mqtt://host:port, or ssl:// / mqtts:// for TLS.
  std::string uri = "tcp://127.0.0.1:1883";
  std::string client_id;  // empty: the library makes one up
  std::string username;
  std::string password;
  int max_inflight = 256;  // unacknowledged QoS 1 publishes
  int keep_alive_seconds = 10;
  // TLS (ssl:// or mqtts://): the broker's certificate must chain to
  // `ca_file`; `cert_file` and `key_file` are our own, for mutual TLS.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

class MosquittoClient {
 public:
  using Handler = std::function<void(std::string_view topic, ByteView payload)>;

  // Does not connect; `handler` receives every message (may be empty).
  MosquittoClient(MosquittoOptions options, Handler handler);
  ~MosquittoClient();  // disconnects
  MosquittoClient(const MosquittoClient&) = delete;
  MosquittoClient& operator=(const MosquittoClient&) = delete;

  // Unavailable when the broker cannot be reached or refuses us (the
  // message carries its MQTT v5 reason code), InvalidArgument for a URI
  // this client cannot dial.
  Status Connect(std::chrono::milliseconds timeout);
  // Returns once the broker's SUBACK granted `qos` (or less): an error when
  // it refused the filter (reason code >= 0x80) or the timeout passed.
  Status Subscribe(const std::string& filter, int qos,
                   std::chrono::milliseconds timeout);
  // Queues a publish; fails only if the library refuses it (not connected,
  // payload too large).
  Status Publish(const std::string& topic, ByteView payload, int qos);
  // Sends DISCONNECT and stops the network thread; safe to call twice.
  void Disconnect();

  // Publishes the broker acknowledged, and those it refused (reason code
  // >= 0x80 in its PUBACK).
  uint64_t acknowledged() const;
  uint64_t refused() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fog::bench

#endif  // FOG_BENCH_MOSQUITTO_CLIENT_H_
