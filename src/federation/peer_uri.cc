#include "federation/peer_uri.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace fog::federation {

Result<PeerEndpoint> ParsePeerUri(std::string_view uri) {
  std::string_view rest;
  for (std::string_view scheme : {"mqtt://", "tcp://"}) {
    if (uri.starts_with(scheme)) rest = uri.substr(scheme.size());
  }
  if (rest.empty()) {
    return Status::InvalidArgument(
        "peer URI must be mqtt://USER:PASSWORD@HOST:PORT");
  }
  const size_t at = rest.rfind('@');
  if (at == std::string_view::npos) {
    return Status::InvalidArgument("peer URI lacks USER:PASSWORD@");
  }
  const std::string_view login = rest.substr(0, at);
  const std::string_view hostport = rest.substr(at + 1);
  const size_t colon = login.find(':');
  if (colon == std::string_view::npos || colon == 0 ||
      colon + 1 == login.size()) {
    return Status::InvalidArgument("peer URI needs both a user and a password");
  }
  const size_t pc = hostport.rfind(':');
  if (pc == std::string_view::npos || pc == 0) {
    return Status::InvalidArgument("peer URI needs HOST:PORT after '@'");
  }
  const std::string_view host = hostport.substr(0, pc);
  const std::string_view port_text = hostport.substr(pc + 1);
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(),
                                   port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 1 || port > 65535) {
    return Status::InvalidArgument("peer URI port must be 1..65535");
  }
  if (host.find_first_of("/@ ") != std::string_view::npos) {
    return Status::InvalidArgument("peer URI host is malformed");
  }
  PeerEndpoint p;
  p.address = std::string(hostport);
  p.uri = "tcp://" + p.address;
  p.username = std::string(login.substr(0, colon));
  p.password = std::string(login.substr(colon + 1));
  return p;
}

Result<std::vector<PeerEndpoint>> ParseOtherEdges(std::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_array()) {
    return Status::InvalidArgument("OTHER_EDGES must be a JSON list of URIs");
  }
  std::vector<PeerEndpoint> out;
  for (const auto& item : j) {
    if (!item.is_string()) {
      return Status::InvalidArgument("OTHER_EDGES holds a non-string item");
    }
    Result<PeerEndpoint> p = ParsePeerUri(item.get<std::string>());
    if (!p.ok()) return p.status();
    out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace fog::federation
