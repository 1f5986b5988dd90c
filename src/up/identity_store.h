// The fog's identity store: one broker login per component, kept in
// <fog dir>/mosquitto/roles.json, and the broker files made from it (the
// password file and the ACL, docs/security.md has the table per role).
//
// roles.json maps an identity's name to {"username", "password", "role"},
// and for a publisher "prefix" (its certificate's video-id prefix, absent
// for any) and "revoked" (true once `fog publisher revoke` took its login).
// A fog made before per-component identities holds one entry per role
// (publisher, master, worker, balancer, api, viewer, no "role" field): those
// load as identities of the role named by the key, except the shared
// "worker" login, which is retired (every worker has its own). For readers
// of the one-login-per-role layout, the key "worker" is written as a copy of
// the first worker's login, with "alias_of" naming it; it is no login of its
// own.
//
// Thread-safety: reentrant. Two processes that change one store at the same
// time (two `fog worker add` at once) may lose one's change: run them one
// after the other.

#ifndef FOG_UP_IDENTITY_STORE_H_
#define FOG_UP_IDENTITY_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "config/fog_descriptor.h"

namespace fog::up {

enum class Role {
  kPublisher,
  kMaster,
  kWorker,
  kBalancer,
  kApi,
  kViewer,
  kFederation,  // this fog's federation component (docs/federation.md)
  kPeer,        // other fogs' federation components dialing in
};

// "publisher", "master", "worker", "balancer", "api", "viewer",
// "federation", "peer".
std::string_view RoleName(Role role);
// The role named `name`; InvalidArgument for any other name.
Result<Role> ParseRole(std::string_view name);

struct Identity {
  std::string name;  // its key in the store; for a worker, its worker name
  Role role = Role::kWorker;
  config::Credentials credentials;  // the broker login
  // A publisher's: every video id it streams must start with this ("" for
  // any). The broker plugin enforces it (<broker dir>/prefixes.json).
  std::string prefix;
  // A revoked login is kept in the store (so that its name stays taken) but
  // left out of the password file and the ACL, and may write no stream.
  bool revoked = false;
};

using Identities = std::map<std::string, Identity>;  // by name

// An identity's name becomes a username and, through the ACL's %u, a topic
// level: 1 to 64 of [A-Za-z0-9_.-], not starting with '.' or '-'.
// InvalidArgument otherwise.
Status ValidateIdentityName(std::string_view name);

// A new identity whose username is its name and whose password is 24
// random bytes in hex. Unavailable when the system's random source fails.
Result<Identity> MakeIdentity(Role role, const std::string& name);

// The store at `path` (roles.json); empty when the file does not exist.
// Corruption when it is not the JSON described above.
Result<Identities> LoadIdentities(const std::string& path);
// Writes the store atomically, 0600.
Status SaveIdentities(const std::string& path, const Identities& identities);

// The ACL for these identities: a `user` block per login from its role's
// rules, and the `pattern` rules that scope a worker's topics to its own
// username (%u) and the seed's reply channels to the client id (%c).
std::string AclText(const Identities& identities);

// <broker dir>/prefixes.json, read by the broker plugin
// (broker_plugin/prefix_rules.h): every publisher login's username mapped to
// its prefix, or to null when revoked. Other roles are not listed.
std::string PrefixFileText(const Identities& identities);

// The viewer login chosen for this run (fog up --viewer-username), kept in
// <broker dir>/viewer-login.json beside the store so that a later rewrite of
// the broker files (a worker added) keeps it; nullopt clears it.
Status SaveViewerOverride(const std::string& broker_dir,
                          const std::optional<config::Credentials>& viewer);

// The store of <broker dir>/roles.json with the viewer override applied:
// the logins the broker must know.
Result<Identities> EffectiveIdentities(const std::string& broker_dir);

// Writes <broker dir>/prefixes.json first (the plugin rereads it at once, so
// a new publisher's prefix holds before its login does), then
// <broker dir>/passwd (hashed with mosquitto_passwd; the file is replaced
// only once hashed) and <broker dir>/acl from `identities`, leaving revoked
// logins out of both.
// Unavailable when mosquitto_passwd cannot run.
Status WriteSecurityFiles(const std::string& broker_dir,
                          const Identities& identities);

}  // namespace fog::up

#endif  // FOG_UP_IDENTITY_STORE_H_
