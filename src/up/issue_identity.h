// Issuing a broker login to a component of a fog that may be running:
// `fog worker add` uses it, and so may any command that adds a component
// with its own login (a publisher).
//
// Thread-safety: reentrant; see up/identity_store.h for two processes
// changing one fog's store at once.

#ifndef FOG_UP_ISSUE_IDENTITY_H_
#define FOG_UP_ISSUE_IDENTITY_H_

#include <string>

#include "common/status.h"
#include "up/identity_store.h"

namespace fog::up {

struct IssuedIdentity {
  Identity identity;
  bool created = false;   // false: the store already held it (returned as is)
  bool reloaded = false;  // the running broker was told to reload (SIGHUP)
};

// Issues the identity `name` of `role` into the store of the fog in
// `fog_dir` (<fog_dir>/mosquitto/roles.json, made by `fog up`), rewrites
// the broker's passwd and acl from the store, and makes the fog's running
// broker reload them without a restart (SIGHUP to the pid in
// <fog_dir>/mosquitto/mosquitto.pid; Mosquitto 2.0 rereads password_file
// and acl_file then, and applies the new ACL to connected clients too). A
// broker that is not running reads the files at its next start.
//
// Idempotent: an identity already in the store of the same role is
// returned unchanged (created = false), and the files are rewritten all the
// same. Errors: InvalidArgument for a bad name (ValidateIdentityName);
// InvalidArgument too when `name` is an identity of another role or the
// username of another login; NotFound when
// `fog_dir` holds no fog made by `fog up`; Corruption for an unreadable
// store; IoError, Unavailable when the files cannot be written or hashed.
//
// @par Example
//   Result<IssuedIdentity> w = IssueIdentity("fog", Role::kWorker, "edge-7");
//   // w->identity.credentials: the worker's --username and --password.
Result<IssuedIdentity> IssueIdentity(const std::string& fog_dir, Role role,
                                     const std::string& name);

// Sends SIGHUP to the fog's broker (its pid file in `broker_dir`) after
// checking that the pid is a mosquitto process. NotFound when no broker of
// this fog runs.
Status ReloadBroker(const std::string& broker_dir);

}  // namespace fog::up

#endif  // FOG_UP_ISSUE_IDENTITY_H_
