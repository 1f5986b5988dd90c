// The C interface of the WebAssembly verifier (web/wasm/build.sh compiles
// this file with the project's portable code paths; web/src/verify/
// verifier.ts is its only caller). Every function is a thin wrapper over the
// C++ the workers run: the envelope decoder, the SIS digest, the chain link,
// ML-DSA verification, the publisher certificate and revocation list checks
// (trust/certificate_authority.h) and the stream state machine
// (stream_verifier.h).
//
// Memory: the caller allocates input buffers with fog_alloc() and frees them
// with fog_free(). Strings and media returned by a stream stay valid until
// the next call on that stream. Numbers cross as doubles (exact up to 2^53,
// far above any packet number), so no 64-bit integers cross the boundary.
//
// Thread-safety: one call at a time per stream; a module instance is used by
// one JavaScript thread.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/sis/sis_digest.h"
#include "crypto/sis/swifft.h"
#include "wasm/stream_verifier.h"
#include "wire/envelope.h"

namespace fog::wasm {
namespace {

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20 || u >= 0x7f) {
      // Our reasons are ASCII; anything else is escaped, never passed raw.
      static constexpr char kHex[] = "0123456789abcdef";
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendField(std::string* out, const char* name, std::string_view value) {
  out->push_back(',');
  AppendJsonString(out, name);
  out->push_back(':');
  AppendJsonString(out, value);
}

// A stream plus what its last call returned, kept alive for the caller.
struct Stream {
  explicit Stream(std::string id) : verifier(std::move(id)) {}
  StreamVerifier verifier;
  std::string json;
  std::vector<Bytes> media;
};

const char* Report(Stream* s, std::vector<Verdict> verdicts) {
  s->media.clear();
  s->json = "[";
  for (Verdict& v : verdicts) {
    if (s->json.size() > 1) s->json.push_back(',');
    s->json += "{\"index\":" + std::to_string(v.index);
    AppendField(&s->json, "status", VerdictStatusName(v.status));
    AppendField(&s->json, "reason", v.reason);
    AppendField(&s->json, "detail", v.detail);
    s->json += ",\"totalPackets\":" + std::to_string(v.total_packets);
    AppendField(&s->json, "keyIdHex", v.key_id_hex);
    AppendField(&s->json, "digestHex", v.digest_hex);
    AppendField(&s->json, "linkHex", v.link_hex);
    AppendField(&s->json, "prevLinkHex", v.prev_link_hex);
    AppendField(&s->json, "publisher", v.publisher);
    if (v.status == VerdictStatus::kVerified) {
      s->media.push_back(std::move(v.media));
      const Bytes& m = s->media.back();
      s->json += ",\"mediaPtr\":" +
                 std::to_string(reinterpret_cast<uintptr_t>(m.data())) +
                 ",\"mediaLen\":" + std::to_string(m.size());
    }
    s->json.push_back('}');
  }
  s->json.push_back(']');
  return s->json.c_str();
}

std::string& DecodeResult() {
  static std::string result;
  return result;
}

}  // namespace
}  // namespace fog::wasm

using fog::ByteView;
using fog::wasm::Stream;

extern "C" {

uint8_t* fog_alloc(size_t n) {
  return static_cast<uint8_t*>(std::malloc(n == 0 ? 1 : n));
}

void fog_free(void* p) { std::free(p); }

// SisDigest(data) into out[72].
void fog_sis_digest(const uint8_t* data, size_t len, uint8_t* out) {
  const fog::sis::Digest d = fog::sis::SisDigest(ByteView(data, len));
  std::copy(d.begin(), d.end(), out);
}

// The SWIFFT compression function of 128 input bytes, 72-byte encoding.
void fog_swifft_compress(const uint8_t* in, uint8_t* out) {
  const auto z = fog::sis::EncodeSwifft72(fog::sis::SwifftCompress(in));
  std::copy(z.begin(), z.end(), out);
}

// link_n into out[72]; 0 on success, -1 when a number is not an integer in
// range.
int fog_chain_link(const char* id, size_t id_len, double number, double total,
                   const uint8_t* digest, const uint8_t* prev, uint8_t* out) {
  if (number != std::floor(number) || total != std::floor(total) ||
      number < 0 || total < 0 || number > 9007199254740991.0 ||
      total > 9007199254740991.0) {
    return -1;
  }
  fog::sis::Digest d;
  fog::wire::Link p;
  std::copy(digest, digest + d.size(), d.begin());
  std::copy(prev, prev + p.size(), p.begin());
  const fog::wire::Link link = fog::wire::ChainLink(
      std::string(id, id_len), static_cast<int64_t>(number),
      static_cast<int64_t>(total), d, p);
  std::copy(link.begin(), link.end(), out);
  return 0;
}

// ML-DSA-44 Verify (FIPS 204, pure, with context): 1 valid, 0 not.
int fog_mldsa44_verify(const uint8_t* pk, size_t pk_len, const uint8_t* msg,
                       size_t msg_len, const uint8_t* ctx, size_t ctx_len,
                       const uint8_t* sig, size_t sig_len) {
  return fog::mldsa::Verify(fog::mldsa::Alg::kMlDsa44, ByteView(pk, pk_len),
                            ByteView(msg, msg_len), ByteView(ctx, ctx_len),
                            ByteView(sig, sig_len))
             ? 1
             : 0;
}

// Decodes a native envelope; a JSON object, valid until the next call:
// {"ok":true,"videoId","packetNumber","totalPackets","dataBytes","signed",
//  "digestHex","prevLinkHex","first","keyIdHex","signatureBytes"} or
// {"ok":false,"error":"..."}.
const char* fog_envelope_decode(const uint8_t* payload, size_t len) {
  using fog::wasm::AppendField;
  std::string& out = fog::wasm::DecodeResult();
  fog::Result<fog::wire::Envelope> e =
      fog::wire::DecodeEnvelope(ByteView(payload, len));
  if (!e.ok()) {
    out = "{\"ok\":false";
    AppendField(&out, "error", e.status().message());
    out += "}";
    return out.c_str();
  }
  const fog::wire::VideoPacket& p = e->packet;
  out = "{\"ok\":true";
  AppendField(&out, "videoId", p.video_id);
  out += ",\"packetNumber\":" + std::to_string(p.packet_number) +
         ",\"totalPackets\":" + std::to_string(p.total_packets) +
         ",\"dataBytes\":" + std::to_string(p.data.size()) +
         ",\"signed\":" + (e->signature ? "true" : "false");
  if (e->signature) {
    const fog::wire::Signature& s = *e->signature;
    AppendField(&out, "digestHex", fog::ToHex(s.digest));
    AppendField(&out, "prevLinkHex", fog::ToHex(s.prev));
    out += ",\"first\":" + std::to_string(s.first);
    AppendField(&out, "keyIdHex", fog::ToHex(s.key_id));
    out += ",\"signatureBytes\":" + std::to_string(s.sig.size());
  }
  out += "}";
  return out.c_str();
}

Stream* fog_stream_new(const char* video_id, size_t len) {
  return new Stream(std::string(video_id, len));
}

void fog_stream_delete(Stream* s) { delete s; }

// Trusts a public key; writes its 16-byte key id to key_id_out. 0 on
// success, -1 when the bytes are no ML-DSA public key.
int fog_stream_add_key(Stream* s, const uint8_t* pk, size_t len,
                       uint8_t* key_id_out) {
  fog::Result<fog::wire::KeyId> id = s->verifier.AddKey(ByteView(pk, len));
  if (!id.ok()) return -1;
  std::copy(id->begin(), id->end(), key_id_out);
  return 0;
}

// Trusts a fog key to vouch for publishers (their certificates); writes its
// 16-byte key id to key_id_out. 0 on success, -1 when the bytes are no
// ML-DSA public key.
int fog_stream_add_authority(Stream* s, const uint8_t* pk, size_t len,
                             uint8_t* key_id_out) {
  fog::Result<fog::wire::KeyId> id =
      s->verifier.AddAuthority(ByteView(pk, len));
  if (!id.ok()) return -1;
  std::copy(id->begin(), id->end(), key_id_out);
  return 0;
}

// Offers a signed revocation list (add its fog key first): 1 kept, 0 when
// an equal or newer version is held, -1 refused (does not decode, unknown
// issuer, bad signature; fog_stream_error() says why).
int fog_stream_add_revocations(Stream* s, const uint8_t* list, size_t len) {
  fog::Result<bool> kept = s->verifier.OfferRevocations(ByteView(list, len));
  if (!kept.ok()) {
    s->json = kept.status().message();
    return -1;
  }
  return *kept ? 1 : 0;
}

// The message of the last refused call on the stream (valid until the next
// call).
const char* fog_stream_error(Stream* s) { return s->json.c_str(); }

// The time certificates are checked at, unix seconds; 0 (the default) uses
// the browser's clock at each packet.
void fog_stream_set_now(Stream* s, double unix_seconds) {
  if (unix_seconds != std::floor(unix_seconds) || unix_seconds < 0 ||
      unix_seconds > 9007199254740991.0) {
    unix_seconds = 0;
  }
  s->verifier.SetNow(static_cast<int64_t>(unix_seconds));
}

// A JSON array of verdicts (stream_verifier.h); a verified verdict names its
// media as mediaPtr/mediaLen in the module's memory.
const char* fog_stream_push(Stream* s, double number, const uint8_t* payload,
                            size_t len) {
  if (number != std::floor(number) || number < 1 ||
      number > 9007199254740991.0) {
    number = 0;  // not a packet number: reported as out of order
  }
  return fog::wasm::Report(s, s->verifier.Push(static_cast<int64_t>(number),
                                               ByteView(payload, len)));
}

const char* fog_stream_finish(Stream* s) {
  return fog::wasm::Report(s, s->verifier.Finish());
}

}  // extern "C"
