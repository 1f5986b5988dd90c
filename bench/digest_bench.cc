// `fog bench digest`: SIS digest throughput against OpenSSL SHA-256 (EVP,
// measured in the same run), per message size and SWIFFT path, and the raw
// SWIFFT compression rate.

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "bench/bench.h"
#include "crypto/sis/sis_digest.h"
#include "crypto/sis/swifft.h"
#include "wire/legacy_payload.h"

namespace fog::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kTrials = 15;  // the median of kTrials runs is reported

struct Rate {
  double median;  // the reported figure
  double best;    // the fastest run: least disturbed by other processes
};

// Rate (units of `work` per second) of `fn` over kTrials runs that together
// take about `seconds`.
Rate MeasureRate(double seconds, double work, const std::function<void()>& fn) {
  fn();  // warm caches and the CPU selection
  std::vector<double> rates;
  for (int t = 0; t < kTrials; ++t) {
    const auto start = Clock::now();
    const auto stop = start + std::chrono::duration<double>(seconds / kTrials);
    int64_t runs = 0;
    auto now = start;
    do {
      fn();
      ++runs;
      now = Clock::now();
    } while (now < stop);
    const double elapsed = std::chrono::duration<double>(now - start).count();
    rates.push_back(work * static_cast<double>(runs) / elapsed);
  }
  std::sort(rates.begin(), rates.end());
  return {rates[kTrials / 2], rates.back()};
}

std::string CpuName() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

// The 1-minute load average: other processes on the machine skew the rates.
double LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double load = -1;
  in >> load;
  return load;
}

std::vector<sis::SwifftPath> Paths() {
  std::vector<sis::SwifftPath> out;
  for (auto p : {sis::SwifftPath::kPortable, sis::SwifftPath::kAvx2,
                 sis::SwifftPath::kAvx512}) {
    if (sis::SwifftPathAvailable(p)) out.push_back(p);
  }
  return out;
}

volatile uint8_t g_sink;  // keeps results observable

Rate Sha256MBps(double seconds, const std::vector<uint8_t>& msg) {
  const EVP_MD* md = EVP_sha256();
  return MeasureRate(seconds, msg.size() / 1e6, [&] {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(msg.data(), msg.size(), out, &len, md, nullptr);
    g_sink = out[0];
  });
}

Rate SisMBps(double seconds, sis::SwifftPath path,
             const std::vector<uint8_t>& msg) {
  return MeasureRate(seconds, msg.size() / 1e6,
                     [&] { g_sink = sis::SisDigestWith(path, msg)[0]; });
}

Rate CompressCallsPerSecond(double seconds, sis::SwifftPath path) {
  std::mt19937_64 rng(1);
  std::vector<uint8_t> inputs(64 * sis::kSwifftInputBytes);
  for (auto& b : inputs) b = static_cast<uint8_t>(rng());
  return MeasureRate(seconds, 64, [&] {
    uint16_t acc = 0;
    for (size_t k = 0; k < 64; ++k) {
      acc += sis::SwifftCompressWith(
          path, inputs.data() + k * sis::kSwifftInputBytes)[k];
    }
    g_sink = static_cast<uint8_t>(acc);
  });
}

// The seed's receiver path on one legacy packet with 1 KB of data: decode
// the payload, the 98,368 + 64 varints, check A·x, decode the VideoPacket.
nlohmann::json LegacyVerify(double seconds) {
  std::mt19937_64 rng(3);
  const Bytes payload = wire::MakeLegacyPayload(
      {"3f1c9a52-7d4e-4b1a-9c2f-0e8d6b5a4c31", 1, 0, Bytes(1024, 0x5a)}, rng);
  const Rate rate = MeasureRate(seconds, 1.0, [&] {
    Result<wire::LegacyResult> r = wire::VerifyLegacyPayload(payload);
    g_sink = r.ok() && r->valid;
  });
  return {
      {"payload_bytes", payload.size()},
      {"ms_per_packet", 1e3 / rate.median},
      {"ms_per_packet_best", 1e3 / rate.best},
      {"target_ms", 0.2},
      {"go_reference_ms", "0.65-0.80 (median, vectors/legacy-sis/README.md)"}};
}

}  // namespace

std::string DigestBenchJson(double seconds) {
  const sis::SwifftPath best = sis::SwifftBestPath();
  nlohmann::json doc;
  doc["cpu"] = CpuName();
  doc["digest"] = "SIS digest (Merkle-Damgard over SWIFFT, 56 bytes/call)";
  doc["path"] = sis::SwifftPathName(best);
  doc["unit"] =
      "MB/s (1e6 bytes of message per second); ratio = sis/sha256; *_best "
      "from the fastest of the runs";
  doc["trials"] = kTrials;
  doc["loadavg_before"] = LoadAverage();

  std::mt19937_64 rng(2);
  nlohmann::json sizes = nlohmann::json::array();
  for (size_t n : {size_t{1} << 10, size_t{1} << 16, size_t{1} << 20}) {
    std::vector<uint8_t> msg(n);
    for (auto& b : msg) b = static_cast<uint8_t>(rng());
    nlohmann::json row;
    row["bytes"] = n;
    const Rate sha = Sha256MBps(seconds, msg);
    row["sha256_mb_s"] = sha.median;
    row["sha256_mb_s_best"] = sha.best;
    for (sis::SwifftPath path : Paths()) {
      const char* name = sis::SwifftPathName(path);
      const Rate sis = SisMBps(seconds, path, msg);
      row["sis_mb_s"][name] = sis.median;
      row["sis_mb_s_best"][name] = sis.best;
      row["ratio"][name] = sis.median / sha.median;
      row["ratio_best"][name] = sis.best / sha.best;
    }
    const char* best_name = sis::SwifftPathName(best);
    row["sis_mb_s"]["selected"] = row["sis_mb_s"][best_name];
    row["ratio"]["selected"] = row["ratio"][best_name];
    sizes.push_back(row);
  }
  doc["sizes"] = sizes;

  nlohmann::json compress;
  for (sis::SwifftPath path : Paths()) {
    const Rate calls = CompressCallsPerSecond(seconds, path);
    compress[sis::SwifftPathName(path)] = {
        {"calls_per_s", calls.median},
        {"calls_per_s_best", calls.best},
        {"input_mb_s", calls.median * sis::kSwifftInputBytes / 1e6},
        {"ns_per_call", 1e9 / calls.median}};
  }
  doc["swifft_compress"] = compress;
  doc["legacy_verify"] = LegacyVerify(seconds);
  doc["loadavg_after"] = LoadAverage();
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace fog::bench
