// TLS for `fog up --tls`: the fog CA and the certificates of its listeners
// (the broker's MQTT listener, the API's HTTPS, the WebSockets bridge's
// wss://, the components' metrics HTTPS) under <dir>/tls, client
// certificates per component for mutual TLS, and the lines each generated
// file needs (mosquitto.conf, role configs). docs/security.md#tls.
//
// Thread-safety: reentrant.

#ifndef FOG_UP_TLS_SETUP_H_
#define FOG_UP_TLS_SETUP_H_

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "tls/fog_ca.h"
#include "up/role_config.h"

namespace fog::up {

struct TlsSetup {
  std::string dir;                 // the fog directory; files go to dir/tls
  std::string bind = "127.0.0.1";  // the listeners' address
  std::vector<std::string> sans;   // more names clients dial (--tls-san)
  bool mutual = false;             // clients must present a certificate
  // Components that get a client certificate when `mutual` (file names
  // under dir/tls/clients).
  std::vector<std::string> clients;
};

struct TlsFiles {
  tls::CertKey ca;
  tls::CertKey mqtt;   // the broker's MQTT listener
  tls::CertKey https;  // the API
  tls::CertKey wss;    // the WebSockets bridge
  // The metrics listeners of master, workers and balancer (on 127.0.0.1).
  tls::CertKey metrics;
  bool mutual = false;
  std::map<std::string, tls::CertKey> clients;  // by component
};

// Makes (or reuses) the CA and every certificate.
Result<TlsFiles> PrepareTls(const TlsSetup& setup);

// The mosquitto.conf lines that turn the listener above them into a TLS
// one (cafile, certfile, keyfile, and require_certificate for mutual TLS).
std::string BrokerTlsLines(const TlsFiles& files);

// Role config entries for a component's MQTT and API clients: --ca-file,
// and with mutual TLS --cert-file/--key-file of `client`.
void AddClientTls(const TlsFiles& files, const std::string& client,
                  RoleConfig* config);

}  // namespace fog::up

#endif  // FOG_UP_TLS_SETUP_H_
