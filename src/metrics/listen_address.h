// The --metrics-listen flag: "HOST:PORT", checked before anything binds.
//
// Thread-safety: reentrant.

#ifndef FOG_METRICS_LISTEN_ADDRESS_H_
#define FOG_METRICS_LISTEN_ADDRESS_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace fog::metrics {

struct ListenAddress {
  std::string host;  // an IPv4 address or a name; "[::1]" loses its brackets
  int port = 0;      // 0 = any free port
};

// Parses "HOST:PORT" (IPv6 as "[ADDR]:PORT"). InvalidArgument, naming the
// problem, for a missing host or port, a port outside [0, 65535] or text
// that is not a number.
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace fog::metrics

#endif  // FOG_METRICS_LISTEN_ADDRESS_H_
