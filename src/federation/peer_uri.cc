#include "federation/peer_uri.h"

#include <unistd.h>

#include <charconv>
#include <nlohmann/json.hpp>

namespace fog::federation {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) {
      return Status::InvalidArgument("peer URI has a truncated %-escape");
    }
    const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument("peer URI has a bad %-escape");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                       (c >= '0' && c <= '9') || c == '/' || c == '.' ||
                       c == '_' || c == '-' || c == '~' || c == ':';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The query's ca, cert and key into `p`.
Status ParseQuery(std::string_view query, PeerEndpoint* p) {
  bool seen_ca = false, seen_cert = false, seen_key = false;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    const size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    if (eq == std::string_view::npos || eq + 1 == item.size()) {
      return Status::InvalidArgument("peer URI query item '" +
                                     std::string(key) + "' has no value");
    }
    Result<std::string> value = PercentDecode(item.substr(eq + 1));
    if (!value.ok()) return value.status();
    bool* seen = nullptr;
    std::string* field = nullptr;
    if (key == "ca") {
      seen = &seen_ca, field = &p->ca_file;
    } else if (key == "cert") {
      seen = &seen_cert, field = &p->cert_file;
    } else if (key == "key") {
      seen = &seen_key, field = &p->key_file;
    } else {
      return Status::InvalidArgument("peer URI query key '" + std::string(key) +
                                     "' is unknown (ca, cert, key)");
    }
    if (*seen) {
      return Status::InvalidArgument("peer URI query key '" + std::string(key) +
                                     "' is repeated");
    }
    *seen = true;
    *field = std::move(*value);
  }
  if (seen_cert != seen_key) {
    return Status::InvalidArgument(
        "peer URI needs both cert= and key= (or neither)");
  }
  return Status::OK();
}

}  // namespace

Result<PeerEndpoint> ParsePeerUri(std::string_view uri) {
  std::string_view rest;
  bool tls = false;
  for (std::string_view scheme : {"mqtt://", "tcp://"}) {
    if (uri.starts_with(scheme)) rest = uri.substr(scheme.size());
  }
  for (std::string_view scheme : {"mqtts://", "ssl://"}) {
    if (uri.starts_with(scheme)) rest = uri.substr(scheme.size()), tls = true;
  }
  if (rest.empty()) {
    return Status::InvalidArgument(
        "peer URI must be mqtt://USER:PASSWORD@HOST:PORT or "
        "mqtts://USER:PASSWORD@HOST:PORT?ca=FILE");
  }
  const size_t at = rest.rfind('@');
  if (at == std::string_view::npos) {
    return Status::InvalidArgument("peer URI lacks USER:PASSWORD@");
  }
  const std::string_view login = rest.substr(0, at);
  std::string_view hostport = rest.substr(at + 1);
  PeerEndpoint p;
  p.tls = tls;
  if (const size_t q = hostport.find('?'); q != std::string_view::npos) {
    if (!tls) {
      return Status::InvalidArgument(
          "peer URI query (ca, cert, key) needs mqtts://");
    }
    if (Status s = ParseQuery(hostport.substr(q + 1), &p); !s.ok()) return s;
    hostport = hostport.substr(0, q);
  }
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
  if (host.find_first_of("/@ ?&#") != std::string_view::npos) {
    return Status::InvalidArgument("peer URI host is malformed");
  }
  p.address = std::string(hostport);
  p.uri = (tls ? "mqtts://" : "tcp://") + p.address;
  p.username = std::string(login.substr(0, colon));
  p.password = std::string(login.substr(colon + 1));
  return p;
}

std::string FormatPeerUri(const PeerEndpoint& p) {
  std::string out = p.tls ? "mqtts://" : "mqtt://";
  out.append(p.username).append(":").append(p.password);
  out.append("@").append(p.address);
  char separator = '?';
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    out.push_back(separator);
    out.append(key).append("=").append(PercentEncode(value));
    separator = '&';
  };
  add("ca", p.ca_file);
  add("cert", p.cert_file);
  add("key", p.key_file);
  return out;
}

Status CheckPeerFiles(const PeerEndpoint& p) {
  for (const std::string* f : {&p.ca_file, &p.cert_file, &p.key_file}) {
    if (!f->empty() && ::access(f->c_str(), R_OK) != 0) {
      return Status::NotFound("peer " + p.address + ": cannot read " + *f);
    }
  }
  return Status::OK();
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
