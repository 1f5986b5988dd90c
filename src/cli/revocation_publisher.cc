#include "cli/revocation_publisher.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "config/fog_descriptor.h"
#include "mqtt/client.h"
#include "wire/topics.h"

namespace fog::cli {

std::string RevocationListPath(const std::string& fog_dir) {
  return fog_dir + "/publishers/fog.revocations";
}

std::string TrustedRevocationListPath(const std::string& fog_dir) {
  return fog_dir + "/trust/fog.revocations";
}

Status PublishRevocations(const std::string& fog_dir) {
  std::error_code ec;
  if (!std::filesystem::exists(RevocationListPath(fog_dir), ec)) {
    return Status::OK();
  }
  Result<Bytes> list = ReadFile(RevocationListPath(fog_dir));
  if (!list.ok()) return list.status();
  Result<config::FogDescriptor> fog = config::LoadFogDescriptor(fog_dir);
  if (!fog.ok()) return Status::NotFound(fog.status().message());
  const std::string roles_path = fog_dir + "/mosquitto/roles.json";
  Result<Bytes> roles = ReadFile(roles_path);
  if (!roles.ok()) return Status::NotFound(roles.status().message());
  mqtt::ConnectOptions connect;
  connect.uri = fog->mqtt_uri;
  try {
    auto j = nlohmann::json::parse(roles->begin(), roles->end());
    connect.username = j.at("master").at("username").get<std::string>();
    connect.password = j.at("master").at("password").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(roles_path + ": " + e.what());
  }
  mqtt::Client client(connect);
  if (Status s = client.Connect(std::chrono::seconds(3)); !s.ok()) {
    return Status::Unavailable("the fog's broker at " + connect.uri +
                               " is not reachable: " + s.message());
  }
  Status s = client.Publish({.topic = wire::topics::kRevocations,
                             .payload = std::move(*list),
                             .qos = 1,
                             .retained = true});
  client.Disconnect();
  return s;
}

}  // namespace fog::cli
