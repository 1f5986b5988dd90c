// ML-DSA keygen/sign/verify medians for the three parameter sets, a
// packet's check with a certified and a bare key, and the ML-DSA figures
// measured in @noble/post-quantum through node in the same run.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/bench.h"
#include "crypto/mldsa/mldsa.h"
#include "trust/certificate_authority.h"
#include "trust/packet_signer.h"
#include "trust/packet_verifier.h"
#include "trust/trust_store.h"

namespace fog::bench {
namespace {

using nlohmann::json;
namespace mldsa = fog::mldsa;

constexpr size_t kMessageBytes = 1024;
constexpr std::array<mldsa::Alg, 3> kAlgs = {
    mldsa::Alg::kMlDsa44, mldsa::Alg::kMlDsa65, mldsa::Alg::kMlDsa87};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

template <typename F>
double MicrosecondsOf(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  const auto end = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::micro>(end - start).count();
}

// Iteration i uses seed byte pattern i and a 1 KB message whose first bytes
// are i, so the sign median covers the spread of rejection-loop counts.
json MeasureOurs(mldsa::Alg alg, int iterations) {
  const mldsa::Sizes sizes = mldsa::SizesOf(alg);
  std::vector<uint8_t> pk(sizes.public_key), sk(sizes.secret_key);
  std::vector<uint8_t> sig(sizes.signature), msg(kMessageBytes, 0x5a);
  std::array<uint8_t, mldsa::kSeedBytes> seed{}, rnd{};  // rnd 0: deterministic
  std::vector<double> keygen, sign, verify, prepare, verify_prepared;
  bool ok = true;
  for (int i = -1; i < iterations; ++i) {  // i = -1 warms up, not recorded
    seed.fill(static_cast<uint8_t>(i));
    for (int b = 0; b < 4; ++b) msg[b] = static_cast<uint8_t>(i >> (8 * b));
    const double k =
        MicrosecondsOf([&] { ok &= mldsa::KeyGen(alg, seed, pk, sk).ok(); });
    const double s = MicrosecondsOf(
        [&] { ok &= mldsa::Sign(alg, sk, msg, {}, rnd, sig).ok(); });
    const double v =
        MicrosecondsOf([&] { ok &= mldsa::Verify(alg, pk, msg, {}, sig); });
    std::optional<mldsa::VerifyingKey> key;
    const double p = MicrosecondsOf([&] {
      Result<mldsa::VerifyingKey> r = mldsa::VerifyingKey::Prepare(alg, pk);
      ok &= r.ok();
      if (r.ok()) key = std::move(*r);
    });
    const double vp =
        MicrosecondsOf([&] { ok &= key && key->Verify(msg, {}, sig); });
    if (i < 0) continue;
    keygen.push_back(k);
    sign.push_back(s);
    verify.push_back(v);
    prepare.push_back(p);
    verify_prepared.push_back(vp);
  }
  // verify_prepared_us: Verify with a key prepared once (VerifyingKey), as
  // a worker checks every packet of a publisher; verify_us is one-shot.
  return {{"keygen_us", Median(keygen)},
          {"sign_us", Median(sign)},
          {"verify_us", Median(verify)},
          {"prepare_us", Median(prepare)},
          {"verify_prepared_us", Median(verify_prepared)},
          {"verify_prepared_ratio", Median(verify_prepared) / Median(verify)},
          {"ok", ok}};
}

// A 1 KB packet checked as a worker checks it (trust::VerifySignedPacket:
// SIS digest, certificate, signature), signed by an ML-DSA-44 publisher
// whose certificate an ML-DSA-65 fog key issued, as `fog publisher add`
// makes them: the first packet of a certificate (checked in full) and the
// next ones (the certificate remembered by the trust store), against the
// same packet from a key trusted bare.
json MeasureCertifiedPacket(int iterations) {
  Result<trust::KeyPair> fog = trust::GenerateKeyPair(trust::kAuthorityAlg);
  Result<trust::KeyPair> cam = trust::GenerateKeyPair(trust::kPublisherAlg);
  if (!fog.ok() || !cam.ok()) return {{"error", "key generation failed"}};
  const int64_t now = trust::UnixNow();
  Result<wire::Certificate> cert =
      trust::IssueCertificate(fog->sec, {.name = "cam",
                                         .public_key = cam->pub.bytes,
                                         .prefix = "cam-",
                                         .not_before = now - 60,
                                         .not_after = now + 3600,
                                         .serial = 1});
  if (!cert.ok()) return {{"error", cert.status().ToString()}};
  const wire::VideoPacket packet{"cam-1", 1, 1, Bytes(kMessageBytes, 0x5a)};
  auto sign = [&](Bytes certificate) {
    trust::PacketSigner signer(cam->sec.Clone(),
                               {1, true, std::move(certificate)});
    return signer.Next(packet, true);
  };
  Result<wire::Envelope> certified = sign(wire::EncodeCertificate(*cert));
  Result<wire::Envelope> bare = sign({});
  if (!certified.ok() || !bare.ok()) return {{"error", "signing failed"}};
  std::vector<double> first, remembered, bare_key;
  bool ok = true;
  for (int i = -1; i < iterations; ++i) {  // i = -1 warms up, not recorded
    trust::TrustStore trust;               // a new cache each round
    trust.AddAuthority(fog->pub);
    trust.Add(cam->pub);
    auto check = [&](const wire::Envelope& e) {
      return MicrosecondsOf(
          [&] { ok &= trust::VerifySignedPacket(e, trust, nullptr).ok(); });
    };
    const double f = check(*certified), r = check(*certified), b = check(*bare);
    if (i < 0) continue;
    first.push_back(f);
    remembered.push_back(r);
    bare_key.push_back(b);
  }
  return {{"certified_first_us", Median(first)},
          {"certified_remembered_us", Median(remembered)},
          {"bare_key_us", Median(bare_key)},
          {"remembered_ratio", Median(remembered) / Median(first)},
          {"ok", ok}};
}

// Runs tests/interop/noble_bench.mjs (expected in noble_dir) through node
// and returns its JSON, or {"error": ...}.
json MeasureNoble(int iterations, const std::string& noble_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir(noble_dir);
  if (!fs::exists(dir / "node_modules/@noble/post-quantum", ec)) {
    return {{"error", "no node_modules/@noble/post-quantum in " + noble_dir}};
  }
  const fs::path script = dir / "noble_bench.mjs";
  if (!fs::exists(script, ec)) {
    return {{"error", "missing " + script.string()}};
  }
  // Paths are passed single-quoted; a quote inside one is escaped for sh.
  auto quote = [](const std::string& s) {
    std::string out = "'";
    for (char c : s)
      out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  };
  const std::string cmd = "node " + quote(script.string()) + " " +
                          std::to_string(iterations) + " " + quote(noble_dir);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return {{"error", "cannot start node"}};
  std::string output;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    output.append(buf.data(), n);
  const int status = pclose(pipe);
  json parsed = json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (status != 0 || parsed.is_discarded() || !parsed.is_object()) {
    return {{"error", "node " + script.string() + " failed"}};
  }
  return parsed;
}

}  // namespace

std::string CryptoBenchJson(int iterations, const std::string& noble_dir) {
  json ours = json::object();
  for (mldsa::Alg alg : kAlgs)
    ours[mldsa::AlgName(alg)] = MeasureOurs(alg, iterations);
  json out = {{"benchmark", "ml-dsa"},
              {"iterations", iterations},
              {"message_bytes", kMessageBytes},
              {"signing", "deterministic, empty context"},
              {"unit", "median microseconds"},
              {"fog", ours},
              {"packet_check", MeasureCertifiedPacket(iterations)}};
  if (noble_dir.empty()) return out.dump(2);
  json noble = MeasureNoble(iterations, noble_dir);
  out["noble"] = noble;
  if (noble.contains("error")) return out.dump(2);
  json ratios = json::object();  // > 1 means noble is slower
  for (mldsa::Alg alg : kAlgs) {
    const char* name = mldsa::AlgName(alg);
    for (const char* op : {"keygen_us", "sign_us", "verify_us"}) {
      const json& theirs = noble[name][op];
      const double mine = ours[name][op].get<double>();
      if (theirs.is_number() && mine > 0) {
        ratios[name][std::string(op, std::strlen(op) - 3)] =
            theirs.get<double>() / mine;
      }
    }
  }
  out["ratio_noble_over_fog"] = ratios;
  return out.dump(2);
}

}  // namespace fog::bench
