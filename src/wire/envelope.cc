#include "wire/envelope.h"

#include <cstring>

#include "wire/certificate.h"
#include "wire/msgpack_util.h"

namespace fog::wire {

namespace {

void AppendBe(Bytes* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(uint8_t(v >> (8 * i)));
}

template <size_t N>
Status CopyFixed(const DecodedMap& m, const char* key,
                 std::array<uint8_t, N>* out) {
  Result<ByteView> view = GetBinView(m, key);
  if (!view.ok()) return view.status();
  if (view->size() != N) {
    return Status::InvalidArgument(std::string("field \"") + key + "\" has " +
                                   std::to_string(view->size()) +
                                   " bytes, expected " + std::to_string(N));
  }
  std::memcpy(out->data(), view->data(), N);
  return Status::OK();
}

Status DecodeSignature(const DecodedMap& m, int64_t number, Signature* sig) {
  Status s = CopyFixed(m, "d", &sig->digest);
  if (s.ok()) s = CopyFixed(m, "p", &sig->prev);
  if (s.ok()) s = CopyFixed(m, "k", &sig->key_id);
  if (!s.ok()) return s;
  Result<Bytes> bytes = GetBin(m, "s");
  if (!bytes.ok()) return bytes.status();
  sig->sig = std::move(*bytes);
  sig->first = number;
  if (m.Find("f") != nullptr) {
    Result<int64_t> first = GetInt(m, "f");
    if (!first.ok()) return first.status();
    if (*first < 1 || *first >= number) {
      return Status::InvalidArgument(
          "field \"f\" must be in [1, packet_number)");
    }
    sig->first = *first;
  }
  if (m.Find("c") != nullptr) {
    Result<Bytes> cert = GetBin(m, "c");
    if (!cert.ok()) return cert.status();
    Result<Certificate> decoded = DecodeCertificate(*cert);
    if (!decoded.ok()) return decoded.status();
    sig->certificate = std::move(*cert);
  }
  return Status::OK();
}

}  // namespace

Status ValidateVideoId(std::string_view id) {
  if (id.empty() || id.size() > 255) {
    return Status::InvalidArgument("video id must be 1 to 255 bytes");
  }
  if (id == "." || id == "..") {
    return Status::InvalidArgument("video id must not be \".\" or \"..\"");
  }
  for (char c : id) {
    if (c < 0x21 || c > 0x7e || c == '/' || c == '+' || c == '#' || c == '\\') {
      return Status::InvalidArgument(
          "video id may hold only printable ASCII without / \\ + # or spaces");
    }
  }
  return Status::OK();
}

Link GenesisLink() { return Link{}; }

Link ChainLink(const std::string& video_id, int64_t number, int64_t total,
               const sis::Digest& digest, const Link& prev) {
  static constexpr char kDomain[] = "fog-link-v1";
  Bytes msg(kDomain, kDomain + sizeof(kDomain));  // includes the 0x00
  AppendBe(&msg, video_id.size(), 2);
  msg.insert(msg.end(), video_id.begin(), video_id.end());
  AppendBe(&msg, static_cast<uint64_t>(number), 8);
  AppendBe(&msg, static_cast<uint64_t>(total), 8);
  msg.insert(msg.end(), digest.begin(), digest.end());
  msg.insert(msg.end(), prev.begin(), prev.end());
  return sis::SisDigest(msg);
}

Bytes EncodeEnvelope(const Envelope& e) {
  const Signature* sig = e.signature ? &*e.signature : nullptr;
  const bool has_first = sig != nullptr && sig->first != e.packet.packet_number;
  const bool has_cert = sig != nullptr && !sig->certificate.empty();
  msgpack::sbuffer buf;
  Packer p(buf);
  p.pack_map(5 + (sig ? 4 : 0) + (has_first ? 1 : 0) + (has_cert ? 1 : 0));
  PackStr(p, "video_id");
  PackStr(p, e.packet.video_id);
  PackStr(p, "packet_number");
  p.pack_int64(e.packet.packet_number);
  PackStr(p, "total_packets");
  p.pack_int64(e.packet.total_packets);
  PackStr(p, "data");
  PackBin(p, e.packet.data);
  PackStr(p, "v");
  p.pack_int64(kEnvelopeVersion);
  if (sig != nullptr) {
    PackStr(p, "d");
    PackBin(p, sig->digest);
    PackStr(p, "p");
    PackBin(p, sig->prev);
    if (has_first) {
      PackStr(p, "f");
      p.pack_int64(sig->first);
    }
    PackStr(p, "k");
    PackBin(p, sig->key_id);
    PackStr(p, "s");
    PackBin(p, sig->sig);
    if (has_cert) {
      PackStr(p, "c");
      PackBin(p, sig->certificate);
    }
  }
  return Bytes(buf.data(), buf.data() + buf.size());
}

Result<Envelope> DecodeEnvelope(ByteView payload) {
  Result<DecodedMap> map = DecodeMap(payload, kMaxPayloadBytes);
  if (!map.ok()) return map.status();
  for (const auto& [key, value] : map->fields) {
    static const char* kKnown[] = {"video_id",
                                   "packet_number",
                                   "total_packets",
                                   "data",
                                   "v",
                                   "d",
                                   "p",
                                   "f",
                                   "k",
                                   "s",
                                   "c"};
    bool known = false;
    for (const char* k : kKnown) known = known || key == k;
    if (!known) return Status::InvalidArgument("unknown field \"" + key + "\"");
  }
  Result<int64_t> version = GetInt(*map, "v");
  if (!version.ok()) return version.status();
  if (*version != kEnvelopeVersion) {
    return Status::InvalidArgument("unsupported envelope version " +
                                   std::to_string(*version));
  }
  Envelope e;
  Result<std::string> id = GetString(*map, "video_id");
  if (!id.ok()) return id.status();
  Status valid_id = ValidateVideoId(*id);
  if (!valid_id.ok()) return valid_id;
  Result<int64_t> number = GetInt(*map, "packet_number");
  if (!number.ok()) return number.status();
  Result<int64_t> total = GetInt(*map, "total_packets");
  if (!total.ok()) return total.status();
  if (*number < 1) return Status::InvalidArgument("packet_number must be >= 1");
  if (*total < 0) return Status::InvalidArgument("total_packets must be >= 0");
  if (*total != 0 && *number > *total) {
    return Status::InvalidArgument("packet_number exceeds total_packets");
  }
  Result<Bytes> data = GetBin(*map, "data");
  if (!data.ok()) return data.status();
  e.packet = {std::move(*id), *number, *total, std::move(*data)};

  int signature_fields = 0;
  for (const char* k : {"d", "p", "k", "s"}) {
    signature_fields += map->Find(k) != nullptr;
  }
  if (signature_fields == 0) {
    if (map->Find("f") != nullptr || map->Find("c") != nullptr) {
      return Status::InvalidArgument(
          "field \"f\" or \"c\" without a signature");
    }
    return e;
  }
  if (signature_fields != 4) {
    return Status::InvalidArgument(
        "a signed envelope needs all of the fields d, p, k, s");
  }
  Signature sig;
  Status s = DecodeSignature(*map, *number, &sig);
  if (!s.ok()) return s;
  e.signature = std::move(sig);
  return e;
}

}  // namespace fog::wire
