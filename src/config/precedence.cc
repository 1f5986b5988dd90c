#include "config/precedence.h"

#include <cstdlib>

namespace fog::config {

std::string_view SourceName(Source source) {
  switch (source) {
    case Source::kCommandLine:
      return "command line";
    case Source::kConfigFile:
      return "config file";
    case Source::kEnvironment:
      return "environment";
    case Source::kDefault:
      break;
  }
  return "default";
}

std::optional<Resolved> Resolve(const std::vector<Candidate>& candidates) {
  const Candidate* best = nullptr;
  for (const Candidate& c : candidates) {
    if (!c.value) continue;
    // Strictly stronger only: an equal source keeps the earlier spelling.
    if (best == nullptr || c.source < best->source) best = &c;
  }
  if (best == nullptr) return std::nullopt;
  return Resolved{*best->value, best->source, best->origin};
}

Environment ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

Candidate FromEnvironment(const Environment& env, const std::string& name) {
  return {Source::kEnvironment, name, env(name)};
}

const std::vector<std::string>& ComponentEnvironmentVariables() {
  // Keep in step with the CLI's env fallbacks (src/cli/*_command.cc,
  // mqtt_flags.cc) and the seed's names (README.md).
  static const std::vector<std::string> kNames = {
      // Ours.
      "FOG_MQTT_URI", "FOG_API_TOKEN", "FOG_API_ADMIN_TOKEN", "FOG_DB",
      "FOG_VIEWER_PASSWORD", "FOG_FEDERATION_USERNAME",
      "FOG_FEDERATION_PASSWORD",
      // The seed's master, workers and API.
      "MQTT_BROKER_URI", "BROKER_URI", "MQTT_USERNAME", "MQTT_PASSWORD",
      "MQTT_CLIENT_ID", "API_HOST", "MASTERNODE_URI", "OTHER_EDGES",
      // The seed's balancer.
      "BROKER_ADDRESS", "BROKER_PORT", "SOCKET_ADDR", "SOCKET_PORT",
      // The seed's API database.
      "DB_HOST", "DB_DATABASE", "DB_USER", "DB_PASS"};
  return kNames;
}

}  // namespace fog::config
