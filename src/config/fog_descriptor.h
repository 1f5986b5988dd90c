// The fog descriptor: what `fog up` writes to <dir>/fog.json so that the
// other commands (`fog stream`, `fog get`, `fog videos`, ...) find the broker,
// the API, their credentials and the default keys with no other step.
//
// The file holds the publisher's and viewer's passwords: it is written with
// mode 0600.
//
// Thread-safety: value types; functions are reentrant.

#ifndef FOG_CONFIG_FOG_DESCRIPTOR_H_
#define FOG_CONFIG_FOG_DESCRIPTOR_H_

#include <map>
#include <string>

#include "common/status.h"

namespace fog::config {

inline constexpr char kDefaultFogDir[] = "./fog-data";
inline constexpr char kDescriptorFile[] = "fog.json";

struct Credentials {
  std::string username;
  std::string password;
};

struct FogDescriptor {
  std::string mqtt_uri;                            // e.g. tcp://127.0.0.1:1883
  std::string ws_uri;                              // e.g. ws://127.0.0.1:9001
  std::string http_url;                            // e.g. http://127.0.0.1:8080
  std::map<std::string, Credentials> credentials;  // by role: publisher, viewer
  std::string publisher_key;    // path of the default publisher's secret key
  std::string trust_dir;        // directory of trusted publishers' .pub files
  size_t max_packet_bytes = 0;  // the broker's message size limit
  // Prometheus scrape URLs by component: "api", "master", "worker-1", ...,
  // "balancer" (docs/metrics.md).
  std::map<std::string, std::string> metrics;
  // TLS (`fog up --tls`): the fog CA (PEM) that every listener's
  // certificate chains to; empty for a plaintext fog. With mutual TLS, the
  // client certificate and key the commands present.
  std::string ca_file;
  std::string client_cert;
  std::string client_key;
  // This fog's name among its peers, and the URI a peer fog dials to link
  // to it (mqtt://peer:PASSWORD@HOST:PORT; docs/federation.md). Empty in a
  // descriptor written before federation.
  std::string name;
  std::string peer_uri;
};

// Reads <dir>/fog.json. NotFound with a hint to run `fog up` if absent.
Result<FogDescriptor> LoadFogDescriptor(const std::string& dir);
Status WriteFogDescriptor(const std::string& dir, const FogDescriptor& fog);

}  // namespace fog::config

#endif  // FOG_CONFIG_FOG_DESCRIPTOR_H_
