// fog publisher add|list|revoke: the fog as a certificate authority for its
// publishers (docs/security.md, "Publisher certificates").
//
// Files, all under the fog directory:
//   keys/fog-ca.key, keys/fog-ca.pub    the fog key (made on first use)
//   publishers/NAME.key, NAME.pub       the publisher's ML-DSA-44 key pair
//   publishers/NAME.cert                its certificate
//   publishers/fog.revocations          the signed revocation list
//   trust/fog-ca.authority, trust/fog.revocations  what receivers load

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/revocation_publisher.h"
#include "config/fog_descriptor.h"
#include "trust/certificate_authority.h"
#include "trust/keys.h"
#include "up/issue_identity.h"
#include "wire/certificate.h"
#include "wire/envelope.h"

namespace fog::cli {

namespace {

namespace fs = std::filesystem;

constexpr int64_t kDaySeconds = 86400;

struct PublisherArgs {
  std::string dir = config::kDefaultFogDir;
  std::string name;
  std::string prefix;
  int64_t valid_days = 365;
};

std::string PublishersDir(const std::string& dir) {
  return dir + "/publishers";
}

std::string CertPath(const std::string& dir, const std::string& name) {
  return PublishersDir(dir) + "/" + name + ".cert";
}

// Every certificate under publishers/, by file name; unreadable ones are
// reported in `bad`.
std::vector<wire::Certificate> LoadCertificates(const std::string& dir,
                                                std::vector<std::string>* bad) {
  std::vector<wire::Certificate> certs;
  std::error_code ec;
  std::set<fs::path> paths;
  for (const auto& e : fs::directory_iterator(PublishersDir(dir), ec)) {
    if (e.path().extension() == ".cert") paths.insert(e.path());
  }
  for (const fs::path& path : paths) {
    Result<Bytes> bytes = ReadFile(path.string());
    Result<wire::Certificate> cert =
        bytes.ok() ? wire::DecodeCertificate(*bytes)
                   : Result<wire::Certificate>(bytes.status());
    if (!cert.ok()) {
      bad->push_back(path.string() + ": " + cert.status().message());
      continue;
    }
    certs.push_back(std::move(*cert));
  }
  return certs;
}

// The current list (version 0 and no serials when none was made yet),
// checked against the fog key.
Result<wire::RevocationList> LoadRevocations(const std::string& dir,
                                             const trust::PublicKey& fog_key) {
  std::error_code ec;
  if (!fs::exists(RevocationListPath(dir), ec)) {
    wire::RevocationList empty;
    empty.body.issuer = fog_key.id;
    return empty;
  }
  Result<Bytes> bytes = ReadFile(RevocationListPath(dir));
  if (!bytes.ok()) return bytes.status();
  Result<wire::RevocationList> list = wire::DecodeRevocationList(*bytes);
  if (!list.ok()) return list.status();
  if (!trust::VerifyRevocationList(*list, fog_key)) {
    return Status::Corruption(RevocationListPath(dir) +
                              " is not signed by this fog's key");
  }
  return list;
}

// The receivers' copies: the fog key as an authority, and the list.
Status InstallTrust(const std::string& dir, const trust::PublicKey& fog_key) {
  std::error_code ec;
  fs::create_directories(dir + "/trust", ec);
  Status s =
      WriteFileAtomic(dir + "/trust/fog-ca.authority", fog_key.bytes, 0644);
  if (s.ok() && fs::exists(RevocationListPath(dir), ec)) {
    Result<Bytes> list = ReadFile(RevocationListPath(dir));
    s = list.ok() ? WriteFileAtomic(TrustedRevocationListPath(dir), *list, 0644)
                  : list.status();
  }
  return s;
}

int Fail(const Status& s) {
  ReportError(s.ToString());
  return kExitUsage;
}

int RunAdd(const PublisherArgs& a) {
  if (Status s = wire::ValidatePublisherName(a.name); !s.ok()) return Fail(s);
  if (a.valid_days < 0) {
    return Fail(Status::InvalidArgument("--valid-days must be >= 0"));
  }
  if (!a.prefix.empty()) {
    if (Status s = wire::ValidateVideoId(a.prefix); !s.ok()) {
      return Fail(Status::InvalidArgument("--prefix: " + s.message()));
    }
  }
  Result<trust::KeyPair> fog_key = trust::LoadOrMakeAuthorityKey(a.dir);
  if (!fog_key.ok()) return Fail(fog_key.status());
  std::error_code ec;
  if (fs::exists(CertPath(a.dir, a.name), ec)) {
    return Fail(Status::InvalidArgument(
        "publisher " + a.name + " exists already: " + CertPath(a.dir, a.name)));
  }
  // The publisher's own broker login (`fog stream --publisher NAME` connects
  // with it), issued first so a name the broker cannot take fails before
  // any key is made. The broker holds the login to the prefix too (its
  // plugin), so the publisher cannot even write outside it. A directory
  // without a fog's broker files (keys made
  // ahead of `fog up`) gets its login at the next `fog publisher add`.
  Result<up::IssuedIdentity> login =
      up::IssueIdentity(a.dir, up::Role::kPublisher, a.name, a.prefix);
  if (!login.ok() && login.status().code() != Status::Code::kNotFound) {
    return Fail(login.status());
  }
  fs::create_directories(PublishersDir(a.dir), ec);
  // A serial above every certificate still on disk and every revoked one,
  // so a serial never names two certificates.
  std::vector<std::string> bad;
  int64_t serial = 1;
  for (const wire::Certificate& c : LoadCertificates(a.dir, &bad)) {
    serial = std::max(serial, c.body.serial + 1);
  }
  Result<wire::RevocationList> revoked = LoadRevocations(a.dir, fog_key->pub);
  if (!revoked.ok()) return Fail(revoked.status());
  for (int64_t r : revoked->body.serials) serial = std::max(serial, r + 1);

  Result<trust::KeyPair> pair = trust::GenerateKeyPair(trust::kPublisherAlg);
  if (!pair.ok()) return Fail(pair.status());
  const int64_t now = trust::UnixNow();
  wire::CertificateBody body{.name = a.name,
                             .public_key = pair->pub.bytes,
                             .prefix = a.prefix,
                             .not_before = now,
                             .not_after = now + a.valid_days * kDaySeconds,
                             .serial = serial};
  Result<wire::Certificate> cert =
      trust::IssueCertificate(fog_key->sec, std::move(body));
  if (!cert.ok()) return Fail(cert.status());
  const std::string base = PublishersDir(a.dir) + "/" + a.name;
  Status s = trust::WriteKeyPair(base, *pair);
  if (s.ok()) {
    s = WriteFileAtomic(base + ".cert", wire::EncodeCertificate(*cert), 0644);
  }
  if (s.ok()) s = InstallTrust(a.dir, fog_key->pub);
  if (!s.ok()) return Fail(s);
  std::printf(
      "publisher %s: key %s, serial %lld, prefix '%s', valid %lld "
      "days\n  %s.key (secret), %s.pub, %s.cert\n",
      a.name.c_str(), ToHex(pair->pub.id).c_str(),
      static_cast<long long>(serial), a.prefix.c_str(),
      static_cast<long long>(a.valid_days), base.c_str(), base.c_str(),
      base.c_str());
  if (login.ok()) {
    std::printf("  broker login %s (%s/mosquitto/roles.json)%s\n",
                login->identity.credentials.username.c_str(), a.dir.c_str(),
                login->reloaded ? ", broker reloaded" : "");
  }
  return kExitOk;
}

std::string Iso8601(int64_t t) {
  const auto tt = static_cast<time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int RunList(const PublisherArgs& a) {
  // Listing reads only the public half: it never makes a fog key.
  Result<trust::PublicKey> fog_key =
      trust::LoadPublicKey(trust::AuthorityKeyPath(a.dir) + ".pub");
  if (!fog_key.ok()) return Fail(fog_key.status());
  Result<wire::RevocationList> revoked = LoadRevocations(a.dir, *fog_key);
  if (!revoked.ok()) return Fail(revoked.status());
  const std::set<int64_t> serials(revoked->body.serials.begin(),
                                  revoked->body.serials.end());
  std::vector<std::string> bad;
  std::vector<wire::Certificate> certs = LoadCertificates(a.dir, &bad);
  std::printf("%-20s %-32s %-12s %-20s %-20s %6s %s\n", "NAME", "KEY ID",
              "PREFIX", "NOT BEFORE", "NOT AFTER", "SERIAL", "STATE");
  const int64_t now = trust::UnixNow();
  for (const wire::Certificate& c : certs) {
    const wire::CertificateBody& b = c.body;
    const char* state = serials.count(b.serial)   ? "revoked"
                        : b.issuer != fog_key->id ? "foreign"
                        : now >= b.not_after      ? "expired"
                        : now < b.not_before      ? "not-yet-valid"
                                                  : "valid";
    std::printf("%-20s %-32s %-12s %-20s %-20s %6lld %s\n", b.name.c_str(),
                ToHex(trust::KeyIdOf(b.public_key)).c_str(),
                b.prefix.empty() ? "*" : b.prefix.c_str(),
                Iso8601(b.not_before).c_str(), Iso8601(b.not_after).c_str(),
                static_cast<long long>(b.serial), state);
  }
  for (const std::string& line : bad) ReportError(line);
  return bad.empty() ? kExitOk : kExitInvalid;
}

int RunRevoke(const PublisherArgs& a) {
  if (Status s = wire::ValidatePublisherName(a.name); !s.ok()) return Fail(s);
  Result<Bytes> bytes = ReadFile(CertPath(a.dir, a.name));
  if (!bytes.ok()) return Fail(bytes.status());
  Result<wire::Certificate> cert = wire::DecodeCertificate(*bytes);
  if (!cert.ok()) return Fail(cert.status());
  Result<trust::KeyPair> fog_key = trust::LoadOrMakeAuthorityKey(a.dir);
  if (!fog_key.ok()) return Fail(fog_key.status());
  if (cert->body.issuer != fog_key->pub.id) {
    return Fail(Status::InvalidArgument(
        "publisher " + a.name + "'s certificate was not issued by this fog"));
  }
  Result<wire::RevocationList> list = LoadRevocations(a.dir, fog_key->pub);
  if (!list.ok()) return Fail(list.status());
  wire::RevocationBody body = list->body;
  std::set<int64_t> serials(body.serials.begin(), body.serials.end());
  serials.insert(cert->body.serial);
  if (serials.size() > wire::kMaxRevokedSerials) {
    return Fail(Status::InvalidArgument(
        "the revocation list is full (65536 serials): make a new fog key"));
  }
  body.serials.assign(serials.begin(), serials.end());
  body.version += 1;
  body.issued_at = trust::UnixNow();
  Result<wire::RevocationList> signed_list =
      trust::SignRevocationList(fog_key->sec, std::move(body));
  if (!signed_list.ok()) return Fail(signed_list.status());
  Status s = WriteFileAtomic(RevocationListPath(a.dir),
                             wire::EncodeRevocationList(*signed_list), 0644);
  if (s.ok()) s = InstallTrust(a.dir, fog_key->pub);
  if (!s.ok()) return Fail(s);
  std::printf("publisher %s revoked (serial %lld, list version %lld)\n",
              a.name.c_str(), static_cast<long long>(cert->body.serial),
              static_cast<long long>(signed_list->body.version));
  s = PublishRevocations(a.dir);
  if (s.ok()) {
    std::printf("published on the running fog's broker\n");
  } else {
    std::printf("not published now (%s); fog up publishes it at start\n",
                s.ToString().c_str());
  }
  // The broker login goes too: no new connection, and no stream write from
  // a session still open (the broker plugin). A directory without a fog's
  // broker files has no login to take.
  Result<up::RevokedIdentity> login = up::RevokeIdentity(a.dir, a.name);
  if (login.ok()) {
    std::printf("broker login %s revoked%s\n", a.name.c_str(),
                login->reloaded ? ", broker reloaded" : "");
  } else if (login.status().code() != Status::Code::kNotFound) {
    return Fail(login.status());
  }
  return kExitOk;
}

}  // namespace

void AddPublisherCommands(CLI::App& app, int* exit_code) {
  auto* group = app.add_subcommand(
      "publisher", "Publisher certificates signed by the fog key");
  group->require_subcommand(1);
  auto add_dir = [](CLI::App* cmd, PublisherArgs* a) {
    cmd->add_option("--dir", a->dir, "Fog directory")->capture_default_str();
  };

  auto add_args = std::make_shared<PublisherArgs>();
  auto* add = group->add_subcommand(
      "add", "Make a publisher's key pair and certificate");
  add->add_option("name", add_args->name, "Publisher name")->required();
  add->add_option("--prefix", add_args->prefix,
                  "Video ids the publisher may use must start with this "
                  "(default: any)");
  add->add_option("--valid-days", add_args->valid_days,
                  "Days the certificate is valid from now (0: already "
                  "expired, for tests)")
      ->capture_default_str();
  add_dir(add, add_args.get());
  add->callback([add_args, exit_code] { *exit_code = RunAdd(*add_args); });

  auto list_args = std::make_shared<PublisherArgs>();
  auto* list = group->add_subcommand("list", "List the publishers");
  add_dir(list, list_args.get());
  list->callback([list_args, exit_code] { *exit_code = RunList(*list_args); });

  auto revoke_args = std::make_shared<PublisherArgs>();
  auto* revoke = group->add_subcommand(
      "revoke",
      "Revoke a publisher's certificate; a running fog's workers refuse its "
      "packets at once");
  revoke->add_option("name", revoke_args->name, "Publisher name")->required();
  add_dir(revoke, revoke_args.get());
  revoke->callback(
      [revoke_args, exit_code] { *exit_code = RunRevoke(*revoke_args); });
}

}  // namespace fog::cli
