#include "metrics/listen_address.h"

#include <charconv>

namespace fog::metrics {

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  std::string quoted = "\"";
  quoted.append(text.substr(0, 100));
  quoted += '"';
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("metrics address " + quoted +
                                   " is not HOST:PORT");
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Status::InvalidArgument("metrics address " + quoted +
                                   ": write an IPv6 host as [ADDR]:PORT");
  }
  if (host.empty()) {
    return Status::InvalidArgument("metrics address " + quoted +
                                   " has no host (use 0.0.0.0 for all)");
  }
  int value = -1;
  auto [end, ec] =
      std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() ||
      value < 0 || value > 65535) {
    return Status::InvalidArgument("metrics address " + quoted +
                                   ": port must be a number in [0, 65535]");
  }
  return ListenAddress{std::string(host), value};
}

}  // namespace fog::metrics
