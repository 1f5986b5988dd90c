#include "tls/fog_ca.h"

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "common/bytes.h"

namespace fog::tls {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;
using Bio = std::unique_ptr<BIO, Free>;

Status OpensslError(const std::string& what) {
  char buf[256] = "unknown error";
  if (unsigned long e = ERR_get_error(); e != 0)
    ERR_error_string_n(e, buf, sizeof(buf));
  ERR_clear_error();
  return Status::Internal(what + ": " + buf);
}

bool IsIpLiteral(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 ||
         inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// PEM text of a key or a certificate, written through a memory BIO so the
// file itself goes through WriteFileAtomic (mode and atomic rename).
template <typename WriteFn>
Status WritePem(const std::string& path, int mode, WriteFn write) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return OpensslError("PEM " + path);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return WriteFileAtomic(
      path, ByteView(reinterpret_cast<const uint8_t*>(data), n), mode);
}

Result<Key> ReadKey(const std::string& path) {
  Result<Bytes> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Bio bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Status::Corruption(path + ": not a PEM private key");
  return key;
}

Result<Cert> ReadCert(const std::string& path) {
  Result<Bytes> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Bio bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) return Status::Corruption(path + ": not a PEM certificate");
  return cert;
}

Result<Key> NewKey() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) return OpensslError("EC key generation");
  return key;
}

Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
    return OpensslError(std::string("extension ") + OBJ_nid2sn(nid));
  return Status::OK();
}

// A certificate for `key` named `cn`, signed by issuer_key (self-signed
// when issuer is null), with the extensions given as (nid, value) pairs.
Result<Cert> MakeCert(EVP_PKEY* key, const std::string& cn, int days,
                      X509* issuer, EVP_PKEY* issuer_key,
                      const std::vector<std::pair<int, std::string>>& exts) {
  Cert cert(X509_new());
  if (!cert) return OpensslError("X509_new");
  X509_set_version(cert.get(), 2);  // v3
  // A random 127-bit serial, as RFC 5280 asks of CAs (positive, unique).
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof(serial)) != 1) return OpensslError("serial");
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof(serial), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  // Valid from an hour ago: hosts whose clocks differ a little accept it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), long{days} * 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("fog"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()),
                             -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  for (const auto& [nid, value] : exts) {
    if (Status s = AddExtension(cert.get(), signer, nid, value.c_str());
        !s.ok())
      return s;
  }
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key,
                EVP_sha256()) == 0)
    return OpensslError("signing " + cn);
  return cert;
}

Status WriteCertKey(const CertKey& out, X509* cert, EVP_PKEY* key) {
  Status s = WritePem(out.key, 0600, [&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr,
                                    nullptr);
  });
  if (!s.ok()) return s;
  return WritePem(out.cert, 0644,
                  [&](BIO* b) { return PEM_write_bio_X509(b, cert); });
}

// True when the certificate at `path` may be kept: it parses, its key file
// matches it, it chains to the CA, does not expire within kRenewBefore, and
// covers every SAN asked for.
bool Reusable(const CertKey& ca, const CertKey& leaf,
              const std::vector<std::string>& sans) {
  if (!std::filesystem::exists(leaf.cert) || !std::filesystem::exists(leaf.key))
    return false;
  Result<Cert> cert = ReadCert(leaf.cert);
  Result<Key> key = ReadKey(leaf.key);
  if (!cert.ok() || !key.ok() ||
      X509_check_private_key(cert->get(), key->get()) != 1) {
    ERR_clear_error();
    return false;
  }
  if (!VerifyIssuedBy(leaf.cert, ca.cert).ok()) return false;
  time_t renew_at =
      time(nullptr) +
      std::chrono::duration_cast<std::chrono::seconds>(kRenewBefore).count();
  if (X509_cmp_time(X509_get0_notAfter(cert->get()), &renew_at) <= 0)
    return false;
  for (const std::string& san : sans) {
    const int ok =
        IsIpLiteral(san)
            ? X509_check_ip_asc(cert->get(), san.c_str(), 0)
            : X509_check_host(cert->get(), san.c_str(), san.size(),
                              X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, nullptr);
    if (ok != 1) return false;
  }
  return true;
}

Result<CertKey> IssueLeaf(const CertKey& ca, const std::string& dir,
                          const std::string& name,
                          const std::vector<std::pair<int, std::string>>& exts,
                          const std::vector<std::string>& sans) {
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.')
    return Status::InvalidArgument("bad certificate name '" + name + "'");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  const CertKey out{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  if (Reusable(ca, out, sans)) return out;
  Result<Cert> ca_cert = ReadCert(ca.cert);
  if (!ca_cert.ok()) return ca_cert.status();
  Result<Key> ca_key = ReadKey(ca.key);
  if (!ca_key.ok()) return ca_key.status();
  Result<Key> key = NewKey();
  if (!key.ok()) return key.status();
  Result<Cert> cert = MakeCert(key->get(), name, kLeafValidDays, ca_cert->get(),
                               ca_key->get(), exts);
  if (!cert.ok()) return cert.status();
  if (Status s = WriteCertKey(out, cert->get(), key->get()); !s.ok()) return s;
  return out;
}

}  // namespace

Result<CertKey> EnsureCa(const std::string& dir, const std::string& name) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  const CertKey ca{dir + "/ca.crt", dir + "/ca.key"};
  const bool have_cert = std::filesystem::exists(ca.cert);
  const bool have_key = std::filesystem::exists(ca.key);
  if (have_cert || have_key) {
    // Never replaced silently: every certificate and every client's trust
    // hangs on it.
    Result<Cert> cert = ReadCert(ca.cert);
    if (!cert.ok()) return cert.status();
    Result<Key> key = ReadKey(ca.key);
    if (!key.ok()) return key.status();
    if (X509_check_private_key(cert->get(), key->get()) != 1) {
      ERR_clear_error();
      return Status::Corruption(ca.key + " is not the key of " + ca.cert);
    }
    return ca;
  }
  Result<Key> key = NewKey();
  if (!key.ok()) return key.status();
  Result<Cert> cert =
      MakeCert(key->get(), name, kCaValidDays, nullptr, nullptr,
               {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                {NID_key_usage, "critical,keyCertSign,cRLSign"},
                {NID_subject_key_identifier, "hash"}});
  if (!cert.ok()) return cert.status();
  if (Status s = WriteCertKey(ca, cert->get(), key->get()); !s.ok()) return s;
  return ca;
}

Result<CertKey> EnsureServerCert(const CertKey& ca, const std::string& dir,
                                 const std::string& name,
                                 const std::vector<std::string>& sans) {
  if (sans.empty())
    return Status::InvalidArgument("a server certificate needs a host name");
  std::string san_text;
  for (const std::string& san : sans) {
    if (san.empty() || san.find_first_of(", \t\r\n") != std::string::npos)
      return Status::InvalidArgument("bad subjectAltName '" + san + "'");
    if (!san_text.empty()) san_text += ",";
    san_text += (IsIpLiteral(san) ? "IP:" : "DNS:") + san;
  }
  return IssueLeaf(ca, dir, name,
                   {{NID_basic_constraints, "critical,CA:FALSE"},
                    {NID_key_usage, "critical,digitalSignature"},
                    {NID_ext_key_usage, "serverAuth"},
                    {NID_authority_key_identifier, "keyid"},
                    {NID_subject_alt_name, san_text}},
                   sans);
}

Result<CertKey> EnsureClientCert(const CertKey& ca, const std::string& dir,
                                 const std::string& name) {
  return IssueLeaf(ca, dir, name,
                   {{NID_basic_constraints, "critical,CA:FALSE"},
                    {NID_key_usage, "critical,digitalSignature"},
                    {NID_ext_key_usage, "clientAuth"},
                    {NID_authority_key_identifier, "keyid"}},
                   {});
}

Result<std::vector<std::string>> SubjectAltNames(const std::string& path) {
  Result<Cert> cert = ReadCert(path);
  if (!cert.ok()) return cert.status();
  std::unique_ptr<GENERAL_NAMES, Free> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert->get(), NID_subject_alt_name, nullptr, nullptr)));
  std::vector<std::string> out;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
    if (n->type == GEN_DNS) {
      const ASN1_STRING* s = n->d.dNSName;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       ASN1_STRING_length(s));
    } else if (n->type == GEN_IPADD) {
      const ASN1_STRING* s = n->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = "";
      const int family = ASN1_STRING_length(s) == 4 ? AF_INET : AF_INET6;
      inet_ntop(family, ASN1_STRING_get0_data(s), text, sizeof(text));
      out.emplace_back(text);
    }
  }
  return out;
}

Status VerifyIssuedBy(const std::string& cert_path,
                      const std::string& ca_cert) {
  Result<Cert> cert = ReadCert(cert_path);
  if (!cert.ok()) return cert.status();
  Result<Cert> ca = ReadCert(ca_cert);
  if (!ca.ok()) return ca.status();
  std::unique_ptr<X509_STORE, Free> store(X509_STORE_new());
  std::unique_ptr<X509_STORE_CTX, Free> ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca->get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), cert->get(), nullptr) != 1)
    return OpensslError("verify context");
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return Status::Unauthenticated(cert_path + " is not valid under " +
                                   ca_cert + ": " +
                                   X509_verify_cert_error_string(err));
  }
  return Status::OK();
}

std::vector<std::string> SansForBind(const std::string& bind,
                                     const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  auto add = [&](const std::string& s) {
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end())
      out.push_back(s);
  };
  for (const std::string& s : extra) add(s);
  if (bind == "0.0.0.0" || bind == "::" || bind.empty()) {
    char host[256] = "";
    if (gethostname(host, sizeof(host) - 1) == 0) add(host);
    add("127.0.0.1");
    add("localhost");
  } else {
    add(bind);
    if (bind.rfind("127.", 0) == 0 || bind == "::1") add("localhost");
  }
  return out;
}

}  // namespace fog::tls
