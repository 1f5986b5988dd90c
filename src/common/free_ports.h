// Free TCP ports for listeners a caller starts a moment later (fog up's
// metrics listeners, experiments' fogs, test brokers).
//
// Picked below the kernel's ephemeral range (net.ipv4.ip_local_port_range):
// the kernel hands ports of that range to outgoing connections, and one
// made between the pick and the bind could take a picked port there. Below
// it, only another picker or a fixed listener can.
//
// Thread-safety: reentrant.

#ifndef FOG_COMMON_FREE_PORTS_H_
#define FOG_COMMON_FREE_PORTS_H_

#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace fog {

// The lowest and highest port of the ephemeral range, from
// /proc/sys/net/ipv4/ip_local_port_range (32768..60999 when unreadable).
std::pair<int, int> EphemeralPortRange();

// `count` distinct TCP ports on the IPv4 `host` that were free a moment
// ago, chosen at random in [10000, the ephemeral range's lowest) and each
// held bound until all are chosen (the kernel's own picks for port 0 when
// that span is too small). Another process may still take one before the
// caller binds it. InvalidArgument for a host that is not IPv4; IoError
// when no port can be bound there.
Result<std::vector<int>> FreeTcpPorts(const std::string& host, int count);

}  // namespace fog

#endif  // FOG_COMMON_FREE_PORTS_H_
