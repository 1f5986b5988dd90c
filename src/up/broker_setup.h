// Generates everything Mosquitto needs to run one fog: a config with a TCP
// listener (MQTT over WebSockets is `fog ws-bridge` in front of it, since
// Mosquitto 2.0's own WebSockets listener is slow for large messages), a
// password file with one user per role, and an
// ACL that lets each role publish and subscribe only where it must
// (docs/topics.md has the table).
//
// Thread-safety: reentrant.

#ifndef FOG_UP_BROKER_SETUP_H_
#define FOG_UP_BROKER_SETUP_H_

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/fog_descriptor.h"

namespace fog::up {

// The roles that get broker credentials.
inline const std::vector<std::string> kRoles = {
    "publisher", "master", "worker",     "balancer",
    "api",       "viewer", "federation", "peer"};

struct BrokerSetup {
  std::string dir;  // where the files go (created)
  std::string bind = "127.0.0.1";
  int mqtt_port = 1883;
  size_t max_packet_bytes = 16u << 20;  // largest stream payload
  // Chosen viewer credentials (a front end with fixed ones); empty: the
  // generated pair. Not stored in roles.json: a later start without them
  // goes back to the generated pair.
  config::Credentials viewer;
};

struct BrokerFiles {
  std::string config;  // path of mosquitto.conf
  std::map<std::string, config::Credentials> credentials;  // by role
};

// The ACL text (exposed for tests and docs). The viewer's rules name
// `viewer_username`, the name the viewer role connects with (chosen with
// --viewer-username, or the generated one).
std::string AclText(const std::string& viewer_username = "viewer");

// Writes mosquitto.conf, acl and passwd (hashed with mosquitto_passwd) in
// setup.dir, reusing the passwords of an earlier run when the passwd
// source file exists, so restarted components keep working.
// InvalidArgument when the chosen viewer credentials are half given or hold
// ':' (username) or a line break, which the password file cannot carry.
Result<BrokerFiles> WriteBrokerFiles(const BrokerSetup& setup);

}  // namespace fog::up

#endif  // FOG_UP_BROKER_SETUP_H_
