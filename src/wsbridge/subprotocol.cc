#include "wsbridge/subprotocol.h"

namespace fog::wsbridge {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

SubprotocolChoice ChooseSubprotocol(std::string_view offered) {
  if (Trim(offered).empty()) return {.accept = true};
  bool mqtt = false;
  bool mqtt31 = false;
  while (!offered.empty()) {
    const size_t comma = offered.find(',');
    const std::string_view token = Trim(offered.substr(0, comma));
    if (token == "mqtt") mqtt = true;
    if (token == "mqttv3.1") mqtt31 = true;
    if (comma == std::string_view::npos) break;
    offered.remove_prefix(comma + 1);
  }
  if (mqtt) return {.accept = true, .protocol = "mqtt"};
  if (mqtt31) return {.accept = true, .protocol = "mqttv3.1"};
  return {.accept = false};
}

}  // namespace fog::wsbridge
