// A peer's broker as `fog up --peer`, `fog federation --peer` and
// `fog master --peer` take it, and the seed's OTHER_EDGES variable (a JSON
// list of such URIs):
//
//   mqtt://USER:PASSWORD@HOST:PORT                      (tcp:// likewise)
//   mqtts://USER:PASSWORD@HOST:PORT?ca=FILE[&cert=FILE&key=FILE]
//                                                       (ssl:// likewise)
//
// Over TLS the peer's broker certificate must chain to `ca` (the peer fog's
// CA; without it, the system's CAs) and name HOST; `cert` and `key` are the
// client certificate presented to a broker that asks for one (mutual TLS:
// the peer fog issues it, `fog up --tls-mutual` as tls/clients/peer.crt).
// The query belongs to the part after the last '@'; its values are
// percent-decoded (write '@' as %40, '&' as %26, ',' as %2C, '%' as %25).
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
  // What the MQTT client dials: tcp://HOST:PORT, or mqtts://HOST:PORT.
  std::string uri;
  std::string username;
  std::string password;
  // HOST:PORT, for logs and status (never the password).
  std::string address;
  bool tls = false;
  std::string ca_file;    // TLS: the CA the peer's broker chains to
  std::string cert_file;  // TLS: this fog's certificate for that broker
  std::string key_file;   // and its key (both or neither)
};

// Errors: InvalidArgument naming what is wrong (scheme, missing user or
// password, host, port outside 1..65535, an unknown or repeated query key,
// a query on a plaintext URI, cert without key); the message never holds
// the password.
Result<PeerEndpoint> ParsePeerUri(std::string_view uri);

// The URI ParsePeerUri reads back to `p` (with the password; query values
// percent-encoded).
std::string FormatPeerUri(const PeerEndpoint& p);

// Whether the TLS files `p` names can be read: NotFound naming the file
// (and the peer's address) otherwise. A check at start, so a typo is an
// error rather than a link that never comes up.
Status CheckPeerFiles(const PeerEndpoint& p);

// The seed's OTHER_EDGES: a JSON array of peer URIs. InvalidArgument for
// anything else, or for a bad URI in it.
Result<std::vector<PeerEndpoint>> ParseOtherEdges(std::string_view json);

}  // namespace fog::federation

#endif  // FOG_FEDERATION_PEER_URI_H_
