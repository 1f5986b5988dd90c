#include "up/tls_setup.h"

namespace fog::up {

Result<TlsFiles> PrepareTls(const TlsSetup& setup) {
  const std::string dir = setup.dir + "/tls";
  TlsFiles files;
  files.mutual = setup.mutual;
  Result<tls::CertKey> ca = tls::EnsureCa(dir, "fog CA");
  if (!ca.ok()) return ca.status();
  files.ca = *ca;
  const std::vector<std::string> sans =
      tls::SansForBind(setup.bind, setup.sans);
  Result<tls::CertKey> mqtt = tls::EnsureServerCert(*ca, dir, "mqtt", sans);
  if (!mqtt.ok()) return mqtt.status();
  files.mqtt = *mqtt;
  Result<tls::CertKey> https = tls::EnsureServerCert(*ca, dir, "https", sans);
  if (!https.ok()) return https.status();
  files.https = *https;
  Result<tls::CertKey> wss = tls::EnsureServerCert(*ca, dir, "wss", sans);
  if (!wss.ok()) return wss.status();
  files.wss = *wss;
  // The metrics listeners bind the loopback address under TLS.
  Result<tls::CertKey> metrics = tls::EnsureServerCert(
      *ca, dir, "metrics", tls::SansForBind("127.0.0.1", {}));
  if (!metrics.ok()) return metrics.status();
  files.metrics = *metrics;
  if (setup.mutual) {
    for (const std::string& name : setup.clients) {
      Result<tls::CertKey> c =
          tls::EnsureClientCert(*ca, dir + "/clients", name);
      if (!c.ok()) return c.status();
      files.clients[name] = *c;
    }
  }
  return files;
}

std::string BrokerTlsLines(const TlsFiles& files) {
  std::string c;
  c += "cafile " + files.ca.cert + "\n";
  c += "certfile " + files.mqtt.cert + "\n";
  c += "keyfile " + files.mqtt.key + "\n";
  c += "tls_version tlsv1.2\n";  // the oldest accepted
  if (files.mutual) c += "require_certificate true\n";
  return c;
}

void AddClientTls(const TlsFiles& files, const std::string& client,
                  RoleConfig* config) {
  config->push_back({"ca-file", files.ca.cert});
  auto it = files.clients.find(client);
  if (files.mutual && it != files.clients.end()) {
    config->push_back({"cert-file", it->second.cert});
    config->push_back({"key-file", it->second.key});
  }
}

}  // namespace fog::up
