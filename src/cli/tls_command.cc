// fog tls: the fog CA and its certificates for a fog spread over hosts
// (docs/deploy.md). `fog up --tls` makes the same files by itself.
//
//   fog tls ca --dir D                       D/tls/ca.crt, ca.key
//   fog tls server NAME --san HOST... --dir D  D/tls/NAME.crt, .key
//   fog tls client NAME --dir D              D/tls/clients/NAME.crt, .key
//
// Each prints the certificate's path; existing files that still fit are
// kept (tls/fog_ca.h).

#include <cstdio>

#include "cli/commands.h"
#include "tls/fog_ca.h"

namespace fog::cli {

namespace {

struct TlsArgs {
  std::string dir = "./fog-data";
  std::string name;
  std::vector<std::string> sans;
};

int Report(const Result<tls::CertKey>& r) {
  if (!r.ok()) {
    ReportError(r.status().ToString());
    return kExitUsage;
  }
  std::printf("%s\n", r->cert.c_str());
  return kExitOk;
}

Result<tls::CertKey> Ca(const TlsArgs& a) {
  return tls::EnsureCa(a.dir + "/tls", "fog CA");
}

}  // namespace

void AddTlsCommands(CLI::App& app, int* exit_code) {
  auto* group = app.add_subcommand(
      "tls", "The fog CA and certificates for TLS (docs/deploy.md)");
  group->require_subcommand(1);
  auto a = std::make_shared<TlsArgs>();

  auto* ca = group->add_subcommand("ca", "Make (or keep) the fog CA");
  ca->add_option("--dir", a->dir, "The fog directory (files in DIR/tls)")
      ->capture_default_str();
  ca->callback([a, exit_code] { *exit_code = Report(Ca(*a)); });

  auto* server = group->add_subcommand(
      "server", "Issue a listener's certificate (broker, API)");
  server->add_option("name", a->name, "File name, e.g. mqtt or https")
      ->required();
  server
      ->add_option("--san", a->sans,
                   "A host name or address clients dial (repeatable)")
      ->required();
  server->add_option("--dir", a->dir, "The fog directory (files in DIR/tls)")
      ->capture_default_str();
  server->callback([a, exit_code] {
    Result<tls::CertKey> c = Ca(*a);
    *exit_code = Report(
        c.ok() ? tls::EnsureServerCert(*c, a->dir + "/tls", a->name, a->sans)
               : c);
  });

  auto* client = group->add_subcommand(
      "client", "Issue a client certificate (mutual TLS)");
  client->add_option("name", a->name, "The client's name, e.g. worker-1")
      ->required();
  client->add_option("--dir", a->dir, "The fog directory (files in DIR/tls)")
      ->capture_default_str();
  client->callback([a, exit_code] {
    Result<tls::CertKey> c = Ca(*a);
    *exit_code = Report(
        c.ok() ? tls::EnsureClientCert(*c, a->dir + "/tls/clients", a->name)
               : c);
  });
}

}  // namespace fog::cli
