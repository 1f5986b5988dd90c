#include "cli/mqtt_flags.h"

#include <spdlog/spdlog.h>

#include "cli/config_file.h"

namespace fog::cli {

void AddMqttFlags(CLI::App* cmd, MqttFlags* flags,
                  const std::string& seed_uri_env) {
  // No CLI11 envname here: the URI has two variables, resolved after
  // parsing (ResolveMqttUri), and count() must mean "given in the
  // arguments".
  std::string help =
      "Broker URI, tcp://host:port or mqtts://host:port for TLS (else "
      "FOG_MQTT_URI";
  if (!seed_uri_env.empty()) help += ", " + seed_uri_env;
  help += std::string(", then ") + kDefaultMqttUri + ")";
  flags->uri_option = cmd->add_option("--mqtt", flags->uri, help);
  flags->seed_uri_env = seed_uri_env;
  cmd->add_option("--username", flags->username, "Broker user name")
      ->envname("MQTT_USERNAME");
  cmd->add_option("--password", flags->password,
                  "Broker password (prefer MQTT_PASSWORD or --config)")
      ->envname("MQTT_PASSWORD");
  cmd->add_option("--client-id", flags->client_id, "MQTT client id")
      ->envname("MQTT_CLIENT_ID");
  cmd->add_option("--ca-file", flags->ca_file,
                  "TLS: the CA (PEM) the broker's certificate must chain to "
                  "(fog up writes it as tls/ca.crt)")
      ->envname("MQTT_CA_FILE");
  cmd->add_option("--cert-file", flags->cert_file,
                  "TLS: this client's certificate (PEM), for a broker that "
                  "asks for one")
      ->envname("MQTT_CERT_FILE");
  cmd->add_option("--key-file", flags->key_file,
                  "TLS: the private key (PEM) of --cert-file")
      ->envname("MQTT_KEY_FILE");
}

config::Candidate OptionCandidate(const CLI::Option* option,
                                  const std::string& value) {
  const std::string key =
      option->get_lnames().empty() ? "" : option->get_lnames().front();
  const config::Source source = KeysFromConfigFile().count(key) > 0
                                    ? config::Source::kConfigFile
                                    : config::Source::kCommandLine;
  if (option->count() == 0) return {source, "--" + key, std::nullopt};
  return {source, "--" + key, value};
}

std::vector<config::Candidate> MqttUriCandidates(
    const MqttFlags& flags, const config::Environment& env) {
  std::vector<config::Candidate> out;
  if (flags.uri_option != nullptr) {
    out.push_back(OptionCandidate(flags.uri_option, flags.uri));
  }
  out.push_back(config::FromEnvironment(env, "FOG_MQTT_URI"));
  if (!flags.seed_uri_env.empty()) {
    out.push_back(config::FromEnvironment(env, flags.seed_uri_env));
  }
  out.push_back({config::Source::kDefault, "default", kDefaultMqttUri});
  return out;
}

void SetMqttUri(MqttFlags* flags,
                const std::vector<config::Candidate>& candidates,
                const std::string& component) {
  std::optional<config::Resolved> uri = config::Resolve(candidates);
  if (!uri) return;  // a default is always among the candidates
  flags->uri = uri->value;
  spdlog::info("{}: broker {} ({}, {})", component, uri->value, uri->origin,
               config::SourceName(uri->source));
}

void ResolveMqttUri(MqttFlags* flags, const std::string& component) {
  SetMqttUri(flags, MqttUriCandidates(*flags, config::ProcessEnvironment()),
             component);
}

mqtt::ConnectOptions ToConnectOptions(const MqttFlags& flags) {
  mqtt::ConnectOptions o;
  o.uri = flags.uri;
  o.username = flags.username;
  o.password = flags.password;
  o.client_id = flags.client_id;
  o.ca_file = flags.ca_file;
  o.cert_file = flags.cert_file;
  o.key_file = flags.key_file;
  return o;
}

}  // namespace fog::cli
