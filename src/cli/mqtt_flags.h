// The MQTT connection flags every component takes, with environment
// variables as fallbacks: FOG_MQTT_URI, then the seed's name for the broker
// address. The precedence is the README's: the command line, then the
// config file, then the environment (config/precedence.h).

#ifndef FOG_CLI_MQTT_FLAGS_H_
#define FOG_CLI_MQTT_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "config/precedence.h"
#include "mqtt/client.h"

namespace fog::cli {

inline constexpr char kDefaultMqttUri[] = "tcp://127.0.0.1:1883";

struct MqttFlags {
  std::string uri = kDefaultMqttUri;
  std::string username;
  std::string password;
  std::string client_id;
  // TLS (mqtts:// or ssl:// URIs): the CA the broker must chain to, and
  // this client's certificate and key for mutual TLS.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // Set by AddMqttFlags, for ResolveMqttUri.
  const CLI::Option* uri_option = nullptr;
  std::string seed_uri_env;
};

// Adds --mqtt, --username, --password, --client-id, and the TLS files
// --ca-file, --cert-file, --key-file. `seed_uri_env` names
// the seed's variable for the broker address (MQTT_BROKER_URI for the
// master, BROKER_URI for workers; empty for none). MQTT_USERNAME,
// MQTT_PASSWORD and MQTT_CLIENT_ID are read by all (CLI11 reads a variable
// only when its option is on neither the command line nor in the config
// file, which ExpandConfigFile turned into arguments).
void AddMqttFlags(CLI::App* cmd, MqttFlags* flags,
                  const std::string& seed_uri_env);

// The candidate of a parsed option (config/precedence.h): from the command
// line or the config file (KeysFromConfigFile()) with `value` when the
// arguments gave it, without a value otherwise.
config::Candidate OptionCandidate(const CLI::Option* option,
                                  const std::string& value);

// The broker URI's candidates, strongest spelling first within each source:
// --mqtt, FOG_MQTT_URI, the seed's variable, the default.
std::vector<config::Candidate> MqttUriCandidates(
    const MqttFlags& flags, const config::Environment& env);

// Sets flags->uri from `candidates` and logs where it came from.
void SetMqttUri(MqttFlags* flags,
                const std::vector<config::Candidate>& candidates,
                const std::string& component);

// SetMqttUri over MqttUriCandidates and the process's environment. Call
// once the arguments are parsed.
void ResolveMqttUri(MqttFlags* flags, const std::string& component);

mqtt::ConnectOptions ToConnectOptions(const MqttFlags& flags);

}  // namespace fog::cli

#endif  // FOG_CLI_MQTT_FLAGS_H_
