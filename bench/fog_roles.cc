#include "bench/fog_roles.h"

#include <nlohmann/json.hpp>

#include "common/bytes.h"

namespace fog::bench {

Result<std::map<std::string, config::Credentials>> LoadRoles(
    const std::string& fog_dir, std::initializer_list<const char*> required) {
  const std::string path = fog_dir + "/mosquitto/roles.json";
  Result<Bytes> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  std::map<std::string, config::Credentials> roles;
  try {
    const nlohmann::json j =
        nlohmann::json::parse(bytes->begin(), bytes->end());
    for (const auto& [role, c] : j.items()) {
      roles[role] = {c.at("username").get<std::string>(),
                     c.at("password").get<std::string>()};
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(path + ": " + e.what());
  }
  for (const char* role : required) {
    if (!roles.count(role)) {
      return Status::NotFound(path + " has no role " + role);
    }
  }
  return roles;
}

}  // namespace fog::bench
