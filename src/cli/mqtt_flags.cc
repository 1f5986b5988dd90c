#include "cli/mqtt_flags.h"

namespace fog::cli {

void AddMqttFlags(CLI::App* cmd, MqttFlags* flags, const std::string& uri_env) {
  cmd->add_option("--mqtt", flags->uri, "Broker URI, tcp://host:port")
      ->envname(uri_env)
      ->capture_default_str();
  cmd->add_option("--username", flags->username, "Broker user name")
      ->envname("MQTT_USERNAME");
  cmd->add_option("--password", flags->password,
                  "Broker password (prefer MQTT_PASSWORD or --config)")
      ->envname("MQTT_PASSWORD");
  cmd->add_option("--client-id", flags->client_id, "MQTT client id")
      ->envname("MQTT_CLIENT_ID");
}

mqtt::ConnectOptions ToConnectOptions(const MqttFlags& flags) {
  mqtt::ConnectOptions o;
  o.uri = flags.uri;
  o.username = flags.username;
  o.password = flags.password;
  o.client_id = flags.client_id;
  return o;
}

}  // namespace fog::cli
