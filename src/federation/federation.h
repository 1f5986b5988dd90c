// The federation component of one fog (`fog federation`, which `fog up`
// runs): links to peer fogs over MQTT, catalogs, loop-free forwarding and
// verified pull-through (docs/federation.md).
//
// On this fog's broker it logs in as the `federation` role: it reads
// requests the local workers cannot answer (fog/get/+ and the seed's
// packet-request for videos this fog does not hold), asks its peers for
// them, verifies every packet a peer sends and answers the local viewer with
// the valid ones only. It answers its peers' requests from this fog's
// workers (with the fog/get protocol) or forwards them once more within
// their hop limit.
//
// Bounds: requests in flight (`max_pending`; beyond, a request is answered
// busy at once), bytes buffered for them (`max_pending_bytes`; beyond,
// replies are dropped and counted), jobs waiting for a local fetch
// (`max_jobs`; beyond, busy), remembered request ids (`dedup_capacity`).
//
// Partitions: a peer not heard from for `peer_down_after` (or whose dialed
// link is lost) is down. No request goes to it; a request whose known
// holders are all down ends at once as `unreachable`, naming them, and one
// already sent to a peer that goes down stops waiting for it. Nothing is
// queued for a down peer (catalogs are held back, hellos too on a lost
// dialed link); the first message heard from it again brings it back and
// sends it this fog's catalog at once.
//
// Thread-safety: Start() and Stop() from one thread; the rest from any.
// No MQTT call is made under the node's lock (the MQTT library delivers
// holding its own lock): what is decided under it is published after it.

#ifndef FOG_FEDERATION_FEDERATION_H_
#define FOG_FEDERATION_FEDERATION_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/counters.h"
#include "common/status.h"
#include "federation/packet_cache.h"
#include "federation/peer_uri.h"
#include "mqtt/client.h"
#include "trust/trust_store.h"

namespace fog::federation {

struct FederationOptions {
  std::string name;                 // this fog's name (ValidateFogName)
  mqtt::ConnectOptions local;       // this fog's broker, the federation login
  std::vector<PeerEndpoint> peers;  // brokers this fog dials
  std::string api_url;  // this fog's registry API, read for the catalog
  int max_hops = 3;     // hops a request this fog starts may take
  std::chrono::milliseconds request_timeout{8000};
  std::chrono::milliseconds hello_period{1000};
  // A peer not heard from for this long is down: no request goes to it.
  std::chrono::milliseconds peer_down_after{5000};
  std::chrono::milliseconds catalog_poll{1000};
  std::chrono::milliseconds catalog_resend{5000};
  // How long local workers' answers may pause before a local fetch ends.
  std::chrono::milliseconds local_quiet{400};
  size_t max_pending = 256;
  size_t max_pending_bytes = size_t{256} << 20;
  size_t max_jobs = 64;
  size_t dedup_capacity = 8192;
  // Verified packets pulled from peers kept for later local requests
  // (PulledPacketCache); 0 disables it. Never a durable copy.
  size_t cache_bytes = size_t{64} << 20;
  // Pins this fog holds for its peers (docs/federation.md, "Pinning"):
  // kept in this file (empty: not kept across restarts), at most this many
  // incomplete at once.
  std::string pins_file;
  size_t max_pins = 16;
  // Fault injection for tests only: this fog alters the data of every packet
  // it sends to a peer (its signature then fails), as a hostile peer would.
  bool tamper_for_test = false;
};

struct PeerState {
  std::string name;     // empty until the peer said hello
  std::string address;  // HOST:PORT dialed; empty for a peer that dialed us
  bool connected = false;
  double rtt_ms = -1;             // last hello round trip, -1: none yet
  double last_heard_ms_ago = -1;  // -1: never
  int64_t videos = 0;             // in its latest catalog
  // Publishes waiting on the connection that carries the link (this fog's
  // own broker connection for a peer that dialed in, shared with the
  // fog's local answers); bounded by the MQTT client.
  int64_t send_queue = 0;
};

// What waits inside the component now, each under its bound
// (FederationOptions and docs/federation.md, "Bounds").
struct FederationLoad {
  size_t outbox = 0;            // messages decided, not yet published
  size_t pending_requests = 0;  // forwarded requests in flight
  size_t pending_bytes = 0;     // peers' replies buffered for them
  size_t jobs_waiting = 0;      // local fetches queued for peers
};

class Federation {
 public:
  Federation(FederationOptions options, trust::TrustStore trust);
  ~Federation();
  Federation(const Federation&) = delete;
  Federation& operator=(const Federation&) = delete;

  // Connects to this fog's broker (an error if it cannot, within 10 s) and
  // starts dialing the peers (a peer down now is dialed again every
  // hello period).
  Status Start();
  void Stop();

  std::vector<PeerState> Peers() const;
  FederationLoad Load() const;
  const Counters& counters() const;
  // The connection to this fog's broker (its reconnections and publish
  // queue are metrics like every component's).
  const mqtt::Client& local_client() const;
  // The cache of verified pulled packets (its size and counters).
  const PulledPacketCache& cache() const;
  // The status document published retained on fog/status/federation.
  std::string StatusJson() const;
  // Pins this fog follows and has not completed (pins.h).
  size_t PinsActive() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fog::federation

#endif  // FOG_FEDERATION_FEDERATION_H_
