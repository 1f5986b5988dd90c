// A peer's broker as `fog up --peer` and `fog federation --peer` take it:
// mqtt://USER:PASSWORD@HOST:PORT (tcp:// is accepted as a synonym), and the
// seed's OTHER_EDGES variable, a JSON list of such URIs.
//
// Thread-safety: reentrant.

#ifndef FOG_FEDERATION_PEER_URI_H_
#define FOG_FEDERATION_PEER_URI_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace fog::federation {

struct PeerEndpoint {
  std::string uri;  // tcp://HOST:PORT, what the MQTT client dials
  std::string username;
  std::string password;
  // HOST:PORT, for logs and status (never the password).
  std::string address;
};

// Errors: InvalidArgument naming what is wrong (scheme, missing user or
// password, host, port outside 1..65535); the message never holds the
// password.
Result<PeerEndpoint> ParsePeerUri(std::string_view uri);

// The seed's OTHER_EDGES: a JSON array of peer URIs. InvalidArgument for
// anything else, or for a bad URI in it.
Result<std::vector<PeerEndpoint>> ParseOtherEdges(std::string_view json);

}  // namespace fog::federation

#endif  // FOG_FEDERATION_PEER_URI_H_
