// An HTTP client for a base URL of the API: over https:// it verifies the
// server against the given CA (the fog CA; empty: the system's) and host
// name, and presents a client certificate when one is given (mutual TLS).
// Header-only so that every user of cpp-httplib gets it without another
// library; they all link cpp-httplib already.
//
// Thread-safety: the returned client is httplib's (one user at a time).

#ifndef FOG_TLS_HTTP_CLIENT_H_
#define FOG_TLS_HTTP_CLIENT_H_

#include <httplib.h>

#include <memory>
#include <string>

namespace fog::tls {

struct HttpTls {
  std::string ca_file;    // PEM; checked only for https:// URLs
  std::string cert_file;  // PEM; with key_file, for mutual TLS
  std::string key_file;
};

inline std::unique_ptr<httplib::Client> MakeHttpClient(const std::string& url,
                                                       const HttpTls& tls) {
  std::unique_ptr<httplib::Client> client =
      tls.cert_file.empty()
          ? std::make_unique<httplib::Client>(url)
          : std::make_unique<httplib::Client>(url, tls.cert_file, tls.key_file);
  if (url.rfind("https://", 0) == 0) {
    if (!tls.ca_file.empty()) client->set_ca_cert_path(tls.ca_file);
    client->enable_server_certificate_verification(true);
  }
  return client;
}

}  // namespace fog::tls

#endif  // FOG_TLS_HTTP_CLIENT_H_
