// ML-DSA keygen/sign/verify medians for the three parameter sets, and the
// same measured in @noble/post-quantum through node in the same run.

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
              {"fog", ours}};
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
