// Issuing a broker login to a component of a fog that may be running:
// `fog worker add` uses it, and so may any command that adds a component
// with its own login (a publisher); and taking one back (a revoked
// publisher's).
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
//
// A publisher's `prefix` (its certificate's video-id prefix, "" for any) is
// stored with its login and set anew when the login exists already (which
// also makes a revoked login usable again); the broker plugin holds the
// login to it. InvalidArgument when a prefix is given for another role.
Result<IssuedIdentity> IssueIdentity(const std::string& fog_dir, Role role,
                                     const std::string& name,
                                     const std::string& prefix = "");

struct RevokedIdentity {
  bool reloaded = false;  // the running broker was told to reload (SIGHUP)
};

// Takes the login of the identity `name` (a publisher's, when its
// certificate is revoked) from the fog in `fog_dir`: it stays in the store,
// marked revoked, and leaves the password file and the ACL; the broker
// plugin's prefix file maps it to null, so a session still open may write no
// stream from the moment the file is written, and the reloaded broker
// refuses the login's next connection. Idempotent. NotFound when the fog or
// the identity does not exist; the errors of IssueIdentity otherwise.
Result<RevokedIdentity> RevokeIdentity(const std::string& fog_dir,
                                       const std::string& name);

// Sends SIGHUP to the fog's broker (its pid file in `broker_dir`) after
// checking that the pid is a mosquitto process. NotFound when no broker of
// this fog runs.
Status ReloadBroker(const std::string& broker_dir);

}  // namespace fog::up

#endif  // FOG_UP_ISSUE_IDENTITY_H_
