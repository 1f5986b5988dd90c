// Publishing the fog key's revocation list on the running fog's broker.
//
// Thread-safety: reentrant.

#ifndef FOG_CLI_REVOCATION_PUBLISHER_H_
#define FOG_CLI_REVOCATION_PUBLISHER_H_

#include <string>

#include "common/status.h"

namespace fog::cli {

// The signed list `fog publisher revoke` keeps, and the copy in the trust
// directory that workers and viewers load at start.
std::string RevocationListPath(const std::string& fog_dir);
std::string TrustedRevocationListPath(const std::string& fog_dir);

// Publishes RevocationListPath(fog_dir) retained (QoS 1) on fog/revocations
// of the fog described by fog_dir/fog.json, with the master's broker login
// (fog_dir/mosquitto/roles.json): the ACL lets the master write that topic.
// OK without publishing when there is no list yet. Unavailable when the
// broker cannot be reached (the fog is not running); NotFound without
// fog.json or roles.json.
Status PublishRevocations(const std::string& fog_dir);

}  // namespace fog::cli

#endif  // FOG_CLI_REVOCATION_PUBLISHER_H_
