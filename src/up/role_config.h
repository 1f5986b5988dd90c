// Files that hand each child process its settings: CLI11 config files
// ("key = value" lines, the long option names), written 0600 because they
// hold broker passwords; and small secrets kept across restarts.
//
// Thread-safety: reentrant.

#ifndef FOG_UP_ROLE_CONFIG_H_
#define FOG_UP_ROLE_CONFIG_H_

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace fog::up {

using RoleConfig = std::vector<std::pair<std::string, std::string>>;

Status WriteRoleConfig(const std::string& path, const RoleConfig& config);

// The secret stored at `path`, or a new random one written there (0600).
Result<std::string> LoadOrMakeSecret(const std::string& path);

// True once host:port accepts TCP connections.
bool WaitForTcp(const std::string& host, int port,
                std::chrono::seconds timeout);

}  // namespace fog::up

#endif  // FOG_UP_ROLE_CONFIG_H_
