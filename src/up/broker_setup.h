// Generates everything Mosquitto needs to run one fog: a config with a TCP
// listener (MQTT over WebSockets is `fog ws-bridge` in front of it, since
// Mosquitto 2.0's own WebSockets listener is slow for large messages), a
// password file with one user per role, and an
// ACL that lets each role publish and subscribe only where it must
// (docs/topics.md has the table), and the broker plugin that narrows a
// publisher's writes to its video-id prefix (broker_plugin/prefix_rules.h).
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

// The components that get one login each at every start (besides the
// workers, worker-1..worker-N). The publisher is fog up's default one.
inline const std::vector<std::string> kRoles = {
    "publisher", "master", "balancer", "api", "viewer", "federation", "peer"};

struct BrokerSetup {
  std::string dir;  // where the files go (created)
  std::string bind = "127.0.0.1";
  int mqtt_port = 1883;
  size_t max_packet_bytes = 16u << 20;  // largest stream payload
  int workers = 0;  // identities worker-1..worker-N are issued
  // Chosen viewer credentials (a front end with fixed ones); empty: the
  // generated pair. Not stored in roles.json: a later start without them
  // goes back to the generated pair.
  config::Credentials viewer;
  // Lines appended to the MQTT listener (BrokerTlsLines): empty for a
  // plaintext listener, the only one either way.
  std::string listener_tls;
  // fog_acl_plugin.so, which holds each publisher's login to its video-id
  // prefix; empty: FindAclPlugin().
  std::string acl_plugin;
};

struct BrokerFiles {
  std::string config;  // path of mosquitto.conf
  // By identity name: the roles of kRoles and worker-1..worker-N (and any
  // identity issued since, e.g. by `fog worker add`).
  std::map<std::string, config::Credentials> credentials;
};

// The broker plugin fog_acl_plugin.so: beside the running fog binary (an
// installed fog), else where the build tree made it. NotFound, naming both
// places, when it is in neither.
Result<std::string> FindAclPlugin();

// Writes mosquitto.conf (with a pid_file, mosquitto.pid, so that
// `fog worker add` can make the running broker reload its logins), acl and
// passwd (hashed with mosquitto_passwd) in setup.dir, issuing the missing
// identities and reusing those in roles.json from an earlier run, so
// restarted components keep working.
// mosquitto.conf loads the ACL plugin (setup.acl_plugin or FindAclPlugin();
// NotFound when there is none) with prefixes.json, written with the acl.
// InvalidArgument when the chosen viewer credentials are half given or hold
// ':' (username) or a line break, which the password file cannot carry.
Result<BrokerFiles> WriteBrokerFiles(const BrokerSetup& setup);

}  // namespace fog::up

#endif  // FOG_UP_BROKER_SETUP_H_
