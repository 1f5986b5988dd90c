#include "wire/certificate.h"

#include <cstring>

#include "wire/msgpack_util.h"

namespace fog::wire {

namespace {

// The serial list's size bound in bytes, and the largest revocation list.
constexpr size_t kSerialBytes = 8;
constexpr size_t kMaxRevocationBytes = kMaxRevokedSerials * kSerialBytes + 8192;

bool IsPublicKeySize(size_t n) { return n == 1312 || n == 1952 || n == 2592; }

Status CheckKeys(const DecodedMap& m, std::initializer_list<const char*> keys) {
  for (const auto& [key, value] : m.fields) {
    bool known = false;
    for (const char* k : keys) known = known || key == k;
    if (!known) return Status::InvalidArgument("unknown field \"" + key + "\"");
  }
  for (const char* k : keys) {
    if (m.Find(k) == nullptr) {
      return Status::InvalidArgument(std::string("missing field \"") + k +
                                     "\"");
    }
  }
  return Status::OK();
}

Status GetKeyId(const DecodedMap& m, const char* key, KeyId* out) {
  Result<ByteView> view = GetBinView(m, key);
  if (!view.ok()) return view.status();
  if (view->size() != out->size()) {
    return Status::InvalidArgument(std::string("field \"") + key + "\" has " +
                                   std::to_string(view->size()) +
                                   " bytes, expected 16");
  }
  std::memcpy(out->data(), view->data(), out->size());
  return Status::OK();
}

Status CheckVersion(const DecodedMap& m, const char* what) {
  Result<int64_t> v = GetInt(m, "v");
  if (!v.ok()) return v.status();
  if (*v != kCertificateVersion) {
    return Status::InvalidArgument(std::string("unsupported ") + what +
                                   " version " + std::to_string(*v));
  }
  return Status::OK();
}

// The bytes must be the ones we would write: one encoding per value.
Status CheckCanonical(ByteView data, const Bytes& reencoded, const char* what) {
  if (data.size() != reencoded.size() ||
      std::memcmp(data.data(), reencoded.data(), data.size()) != 0) {
    return Status::InvalidArgument(std::string(what) +
                                   " is not in canonical form");
  }
  return Status::OK();
}

void PackCertificateBody(Packer& p, const CertificateBody& b, bool with_sig) {
  p.pack_map(with_sig ? 9 : 8);
  PackStr(p, "v");
  p.pack_int64(kCertificateVersion);
  PackStr(p, "n");
  PackStr(p, b.name);
  PackStr(p, "k");
  PackBin(p, b.public_key);
  PackStr(p, "x");
  PackStr(p, b.prefix);
  PackStr(p, "b");
  p.pack_int64(b.not_before);
  PackStr(p, "a");
  p.pack_int64(b.not_after);
  PackStr(p, "r");
  p.pack_int64(b.serial);
  PackStr(p, "i");
  PackBin(p, b.issuer);
}

void PackRevocationBody(Packer& p, const RevocationBody& b, bool with_sig) {
  p.pack_map(with_sig ? 6 : 5);
  PackStr(p, "v");
  p.pack_int64(kCertificateVersion);
  PackStr(p, "i");
  PackBin(p, b.issuer);
  PackStr(p, "r");
  p.pack_int64(b.version);
  PackStr(p, "t");
  p.pack_int64(b.issued_at);
  Bytes list;
  list.reserve(b.serials.size() * kSerialBytes);
  for (int64_t serial : b.serials) {
    for (int i = 7; i >= 0; --i) {
      list.push_back(uint8_t(static_cast<uint64_t>(serial) >> (8 * i)));
    }
  }
  PackStr(p, "l");
  PackBin(p, list);
}

Bytes Take(const msgpack::sbuffer& buf) {
  return Bytes(buf.data(), buf.data() + buf.size());
}

Status DecodeCertificateFields(const DecodedMap& m, Certificate* c) {
  CertificateBody& b = c->body;
  Result<std::string> name = GetString(m, "n");
  if (!name.ok()) return name.status();
  if (Status s = ValidatePublisherName(*name); !s.ok()) return s;
  b.name = std::move(*name);
  Result<Bytes> key = GetBin(m, "k");
  if (!key.ok()) return key.status();
  if (!IsPublicKeySize(key->size())) {
    return Status::InvalidArgument(
        "field \"k\" is not an ML-DSA-44/65/87 public key");
  }
  b.public_key = std::move(*key);
  Result<std::string> prefix = GetString(m, "x");
  if (!prefix.ok()) return prefix.status();
  if (!prefix->empty()) {
    if (Status s = ValidateVideoId(*prefix); !s.ok()) {
      return Status::InvalidArgument("field \"x\": " + s.message());
    }
  }
  b.prefix = std::move(*prefix);
  Result<int64_t> not_before = GetInt(m, "b");
  if (!not_before.ok()) return not_before.status();
  Result<int64_t> not_after = GetInt(m, "a");
  if (!not_after.ok()) return not_after.status();
  if (*not_after < *not_before) {
    return Status::InvalidArgument("not-after is before not-before");
  }
  b.not_before = *not_before;
  b.not_after = *not_after;
  Result<int64_t> serial = GetInt(m, "r");
  if (!serial.ok()) return serial.status();
  if (*serial < 1) return Status::InvalidArgument("serial must be >= 1");
  b.serial = *serial;
  if (Status s = GetKeyId(m, "i", &b.issuer); !s.ok()) return s;
  Result<Bytes> sig = GetBin(m, "s");
  if (!sig.ok()) return sig.status();
  if (sig->empty()) return Status::InvalidArgument("empty signature");
  c->signature = std::move(*sig);
  return Status::OK();
}

Status DecodeRevocationFields(const DecodedMap& m, RevocationList* list) {
  RevocationBody& b = list->body;
  if (Status s = GetKeyId(m, "i", &b.issuer); !s.ok()) return s;
  Result<int64_t> version = GetInt(m, "r");
  if (!version.ok()) return version.status();
  if (*version < 1) return Status::InvalidArgument("version must be >= 1");
  b.version = *version;
  Result<int64_t> issued = GetInt(m, "t");
  if (!issued.ok()) return issued.status();
  b.issued_at = *issued;
  Result<ByteView> serials = GetBinView(m, "l");
  if (!serials.ok()) return serials.status();
  if (serials->size() % kSerialBytes != 0 ||
      serials->size() / kSerialBytes > kMaxRevokedSerials) {
    return Status::InvalidArgument(
        "field \"l\" must hold at most 65536 serials of 8 bytes");
  }
  int64_t last = 0;
  for (size_t i = 0; i < serials->size(); i += kSerialBytes) {
    uint64_t v = 0;
    for (size_t j = 0; j < kSerialBytes; ++j) v = (v << 8) | (*serials)[i + j];
    const auto serial = static_cast<int64_t>(v);
    if (serial <= last) {  // also refuses values >= 2^63 (negative here)
      return Status::InvalidArgument(
          "revoked serials must be >= 1 and strictly increasing");
    }
    b.serials.push_back(serial);
    last = serial;
  }
  Result<Bytes> sig = GetBin(m, "s");
  if (!sig.ok()) return sig.status();
  if (sig->empty()) return Status::InvalidArgument("empty signature");
  list->signature = std::move(*sig);
  return Status::OK();
}

}  // namespace

Status ValidatePublisherName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '.') {
    return Status::InvalidArgument(
        "publisher name must be 1 to 64 bytes and not start with '.'");
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument(
          "publisher name may hold only letters, digits, '.', '_' and '-'");
    }
  }
  return Status::OK();
}

Bytes EncodeCertificateBody(const CertificateBody& body) {
  msgpack::sbuffer buf;
  Packer p(buf);
  PackCertificateBody(p, body, false);
  return Take(buf);
}

Bytes EncodeCertificate(const Certificate& cert) {
  msgpack::sbuffer buf;
  Packer p(buf);
  PackCertificateBody(p, cert.body, true);
  PackStr(p, "s");
  PackBin(p, cert.signature);
  return Take(buf);
}

Result<Certificate> DecodeCertificate(ByteView data) {
  if (data.size() > kMaxCertificateBytes) {
    return Status::InvalidArgument("certificate larger than 8192 bytes");
  }
  Result<DecodedMap> m = DecodeMap(data, kMaxCertificateBytes);
  if (!m.ok()) return m.status();
  Status s = CheckKeys(*m, {"v", "n", "k", "x", "b", "a", "r", "i", "s"});
  if (s.ok()) s = CheckVersion(*m, "certificate");
  Certificate cert;
  if (s.ok()) s = DecodeCertificateFields(*m, &cert);
  if (s.ok()) s = CheckCanonical(data, EncodeCertificate(cert), "certificate");
  if (!s.ok()) return Status::InvalidArgument("certificate: " + s.message());
  return cert;
}

Bytes EncodeRevocationBody(const RevocationBody& body) {
  msgpack::sbuffer buf;
  Packer p(buf);
  PackRevocationBody(p, body, false);
  return Take(buf);
}

Bytes EncodeRevocationList(const RevocationList& list) {
  msgpack::sbuffer buf;
  Packer p(buf);
  PackRevocationBody(p, list.body, true);
  PackStr(p, "s");
  PackBin(p, list.signature);
  return Take(buf);
}

Result<RevocationList> DecodeRevocationList(ByteView data) {
  if (data.size() > kMaxRevocationBytes) {
    return Status::InvalidArgument("revocation list too large");
  }
  Result<DecodedMap> m = DecodeMap(data, kMaxRevocationBytes);
  if (!m.ok()) return m.status();
  Status s = CheckKeys(*m, {"v", "i", "r", "t", "l", "s"});
  if (s.ok()) s = CheckVersion(*m, "revocation list");
  RevocationList list;
  if (s.ok()) s = DecodeRevocationFields(*m, &list);
  if (s.ok()) {
    s = CheckCanonical(data, EncodeRevocationList(list), "revocation list");
  }
  if (!s.ok())
    return Status::InvalidArgument("revocation list: " + s.message());
  return list;
}

}  // namespace fog::wire
