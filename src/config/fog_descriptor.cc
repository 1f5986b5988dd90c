#include "config/fog_descriptor.h"

#include <nlohmann/json.hpp>

#include "common/bytes.h"

namespace fog::config {

namespace {

std::string PathOf(const std::string& dir) {
  return dir + "/" + kDescriptorFile;
}

}  // namespace

Result<FogDescriptor> LoadFogDescriptor(const std::string& dir) {
  Result<Bytes> bytes = ReadFile(PathOf(dir));
  if (!bytes.ok()) {
    return Status::NotFound("no fog descriptor at " + PathOf(dir) +
                            ": start a fog with `fog up --dir " + dir +
                            "` or pass the endpoints explicitly");
  }
  try {
    nlohmann::json j = nlohmann::json::parse(bytes->begin(), bytes->end());
    FogDescriptor fog;
    fog.mqtt_uri = j.at("mqtt").get<std::string>();
    fog.ws_uri = j.value("websocket", "");
    fog.http_url = j.at("http").get<std::string>();
    const nlohmann::json creds =
        j.value("credentials", nlohmann::json::object());
    for (const auto& [role, c] : creds.items()) {
      fog.credentials[role] = {c.at("username").get<std::string>(),
                               c.at("password").get<std::string>()};
    }
    fog.publisher_key = j.value("publisher_key", "");
    fog.trust_dir = j.value("trust_dir", "");
    fog.max_packet_bytes = j.value("max_packet_bytes", size_t{0});
    const nlohmann::json metrics = j.value("metrics", nlohmann::json::object());
    for (const auto& [component, url] : metrics.items()) {
      fog.metrics[component] = url.get<std::string>();
    }
    fog.ca_file = j.value("ca_file", "");
    fog.client_cert = j.value("client_cert", "");
    fog.client_key = j.value("client_key", "");
    fog.name = j.value("name", "");
    fog.peer_uri = j.value("peer_uri", "");
    return fog;
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(PathOf(dir) + ": " + e.what());
  }
}

Status WriteFogDescriptor(const std::string& dir, const FogDescriptor& fog) {
  nlohmann::json creds = nlohmann::json::object();
  for (const auto& [role, c] : fog.credentials) {
    creds[role] = {{"username", c.username}, {"password", c.password}};
  }
  nlohmann::json j = {
      {"mqtt", fog.mqtt_uri},
      {"websocket", fog.ws_uri},
      {"http", fog.http_url},
      {"credentials", creds},
      {"publisher_key", fog.publisher_key},
      {"trust_dir", fog.trust_dir},
      {"max_packet_bytes", fog.max_packet_bytes},
      {"metrics", fog.metrics},
      {"name", fog.name},
      {"peer_uri", fog.peer_uri},
  };
  // Only a TLS fog names a CA: a plaintext fog's file stays as it was.
  if (!fog.ca_file.empty()) j["ca_file"] = fog.ca_file;
  if (!fog.client_cert.empty()) {
    j["client_cert"] = fog.client_cert;
    j["client_key"] = fog.client_key;
  }
  std::string text = j.dump(2) + "\n";
  return WriteFileAtomic(PathOf(dir), AsBytes(text), 0600);
}

}  // namespace fog::config
