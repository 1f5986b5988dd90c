// The metrics peers of GET /metrics/{name} (internal to fog_api): how a
// configured "HOST:PORT" is read and which names may be configured.
//
// Thread-safety: pure functions.

#ifndef FOG_API_INTERNAL_PEER_METRICS_H_
#define FOG_API_INTERNAL_PEER_METRICS_H_

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace fog::api {

struct PeerAddress {
  std::string host;  // a name, an IPv4 address, or an IPv6 one without []
  int port = 0;      // 1..65535
};

// "HOST:PORT" or "[IPV6]:PORT". InvalidArgument for anything else.
Result<PeerAddress> ParsePeerAddress(std::string_view text);

// Every name is [A-Za-z0-9_.-]{1,64} and every address parses.
// InvalidArgument naming the first bad entry.
Status ValidateMetricsPeers(const std::map<std::string, std::string>& peers);

}  // namespace fog::api

#endif  // FOG_API_INTERNAL_PEER_METRICS_H_
