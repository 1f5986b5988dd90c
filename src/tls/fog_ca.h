// The fog's own certificate authority: one ECDSA P-256 key and self-signed
// certificate per fog (ca.crt, ca.key), and certificates it issues for the
// TLS listeners (with the host names and addresses clients dial as
// subjectAltName) and for clients that present one (mutual TLS).
//
// Everything is kept on disk and reused across restarts: a certificate is
// issued again only when it is missing, no longer signed by this CA, within
// kRenewBefore of expiry, or does not cover every name asked for. Private
// keys are written 0600.
//
// Thread-safety: reentrant; two processes issuing into one directory at
// once may each write a certificate (the last one wins, both valid).

#ifndef FOG_TLS_FOG_CA_H_
#define FOG_TLS_FOG_CA_H_

#include <chrono>
#include <string>
#include <vector>

#include "common/status.h"

namespace fog::tls {

// Validity of what the CA issues, and when it is issued again.
inline constexpr int kCaValidDays = 3650;
inline constexpr int kLeafValidDays = 825;
inline constexpr std::chrono::hours kRenewBefore{24 * 30};

struct CertKey {
  std::string cert;  // PEM certificate path
  std::string key;   // PEM private key path (0600)
};

// The CA in `dir` (dir/ca.crt, dir/ca.key), made on first use. `name` goes
// into its common name. Corruption when the files exist but do not parse or
// do not match each other.
Result<CertKey> EnsureCa(const std::string& dir, const std::string& name);

// A server certificate dir/<name>.crt + .key signed by `ca`, whose
// subjectAltName holds every entry of `sans` (an IPv4/IPv6 literal becomes
// an IP entry, anything else a DNS entry). InvalidArgument when `sans` is
// empty or an entry is empty.
Result<CertKey> EnsureServerCert(const CertKey& ca, const std::string& dir,
                                 const std::string& name,
                                 const std::vector<std::string>& sans);

// A client certificate dir/<name>.crt + .key signed by `ca`, with `name` as
// its common name (what Mosquitto's use_identity_as_username would read).
Result<CertKey> EnsureClientCert(const CertKey& ca, const std::string& dir,
                                 const std::string& name);

// The subjectAltName entries of the certificate at `path` (DNS names and
// IP addresses as text), for `fog tls` and tests.
Result<std::vector<std::string>> SubjectAltNames(const std::string& path);

// OK when the certificate at `cert` chains to the CA certificate at
// `ca_cert` and is in its validity period; Unauthenticated otherwise.
Status VerifyIssuedBy(const std::string& cert, const std::string& ca_cert);

// The SAN list a listener bound to `bind` needs: `extra` first, then the
// bind address itself unless it is the wildcard 0.0.0.0/::, for which the
// loopback address and this host's name stand in; "localhost" and
// 127.0.0.1 are added for a loopback bind. Duplicates are dropped.
std::vector<std::string> SansForBind(const std::string& bind,
                                     const std::vector<std::string>& extra);

}  // namespace fog::tls

#endif  // FOG_TLS_FOG_CA_H_
