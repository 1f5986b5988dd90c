// The MQTT connection flags every component takes, with the environment
// variables of the seed's components as fallbacks.

#ifndef FOG_CLI_MQTT_FLAGS_H_
#define FOG_CLI_MQTT_FLAGS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "mqtt/client.h"

namespace fog::cli {

struct MqttFlags {
  std::string uri = "tcp://127.0.0.1:1883";
  std::string username;
  std::string password;
  std::string client_id;
};

// Adds --mqtt, --username, --password, --client-id. `uri_env` names the
// seed's variable for the broker address (MQTT_BROKER_URI for the master,
// BROKER_URI for workers); MQTT_USERNAME, MQTT_PASSWORD and MQTT_CLIENT_ID
// are read by all.
void AddMqttFlags(CLI::App* cmd, MqttFlags* flags, const std::string& uri_env);

mqtt::ConnectOptions ToConnectOptions(const MqttFlags& flags);

}  // namespace fog::cli

#endif  // FOG_CLI_MQTT_FLAGS_H_
