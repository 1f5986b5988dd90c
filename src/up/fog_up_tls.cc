// The TLS parts of `fog up` (fog_up.h): kept apart from the plaintext
// start-up so that the two read separately.

#include <string>
#include <vector>

#include "federation/peer_uri.h"
#include "up/fog_up.h"

namespace fog::up {

namespace {

// The host clients dial: a fog bound to every address is reached on the
// loopback one, which its certificates name.
std::string DialHost(const std::string& bind) {
  return bind == "0.0.0.0" ? "127.0.0.1" : bind;
}

}  // namespace

Status FogUp::PrepareTls() {
  // "peer": the certificate a peer fog presents when it dials this one
  // (PeerTls).
  std::vector<std::string> clients = {
      "master", "api", "balancer", "fog", "ws-bridge", "federation", "peer"};
  for (int i = 1; i <= options_.workers; ++i)
    clients.push_back("worker-" + std::to_string(i));
  Result<TlsFiles> files = up::PrepareTls({.dir = dir_,
                                           .bind = options_.bind,
                                           .sans = options_.tls_sans,
                                           .mutual = options_.tls_mutual,
                                           .clients = clients});
  if (!files.ok()) return files.status();
  tls_ = std::move(*files);
  return Status::OK();
}

void FogUp::TlsDescriptor() {
  const std::string host = DialHost(options_.bind);
  descriptor_.mqtt_uri =
      "mqtts://" + host + ":" + std::to_string(options_.mqtt_port);
  descriptor_.http_url =
      "https://" + host + ":" + std::to_string(options_.http_port);
  descriptor_.ws_uri = "wss://" + host + ":" + std::to_string(options_.ws_port);
  descriptor_.ca_file = tls_->ca.cert;
  if (tls_->mutual) {
    // The commands run from this fog's directory (fog stream, fog get).
    descriptor_.client_cert = tls_->clients.at("fog").cert;
    descriptor_.client_key = tls_->clients.at("fog").key;
  }
}

void FogUp::PeerTls(federation::PeerEndpoint* self) const {
  self->tls = true;
  self->ca_file = tls_->ca.cert;
  // Under mutual TLS the broker asks every client for a certificate of
  // this fog's CA; a peer fog presents the one issued for the peer role
  // (its login still decides what it may do).
  if (tls_->mutual) {
    self->cert_file = tls_->clients.at("peer").cert;
    self->key_file = tls_->clients.at("peer").key;
  }
}

void FogUp::AddTls(const std::string& name, const std::string& command,
                   RoleConfig* config) const {
  AddClientTls(*tls_, name, config);
  if (command == "master" || command == "worker" || command == "balancer" ||
      command == "federation") {
    config->push_back({"metrics-tls-cert", tls_->metrics.cert});
    config->push_back({"metrics-tls-key", tls_->metrics.key});
  }
  if (command != "api") return;
  config->push_back({"tls-cert", tls_->https.cert});
  config->push_back({"tls-key", tls_->https.key});
  if (tls_->mutual) config->push_back({"tls-client-ca", tls_->ca.cert});
  // The relay of GET /metrics/<role> verifies the listeners against the CA.
  config->push_back({"metrics-peer-ca", tls_->ca.cert});
  // ui-ws-port stays: an API serving HTTPS hands browsers a wss:// URL.
}

std::vector<std::string> FogUp::WsBridgeTlsArgs() const {
  std::vector<std::string> args = {"--tls-cert", tls_->wss.cert,
                                   "--tls-key",  tls_->wss.key,
                                   "--ca-file",  tls_->ca.cert};
  if (tls_->mutual) {
    args.insert(args.end(), {"--tls-client-ca", tls_->ca.cert, "--cert-file",
                             tls_->clients.at("ws-bridge").cert, "--key-file",
                             tls_->clients.at("ws-bridge").key});
  }
  return args;
}

std::string FogUp::MetricsHost(const std::string& role) const {
  return tls_ ? "127.0.0.1" : Address(role);
}

}  // namespace fog::up
