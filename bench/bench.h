// Benchmarks reachable from the CLI (`fog bench ...`). Each runs in-process,
// measures its own baseline in the same run, and returns one JSON document as
// text so the CLI prints it unchanged.
//
// Thread-safety: run one benchmark at a time (they measure wall time).

#ifndef FOG_BENCH_BENCH_H_
#define FOG_BENCH_BENCH_H_

#include <string>

namespace fog::bench {

// SIS digest and OpenSSL SHA-256 throughput (MB/s) on 1 KB, 64 KB and 1 MB
// messages, and their ratio. `seconds` bounds the time spent per case.
std::string DigestBenchJson(double seconds);

// ML-DSA keygen/sign/verify median microseconds per parameter set, and the
// ratio to @noble/post-quantum when `noble_dir` holds its node_modules (the
// noble side runs in the same invocation through node).
std::string CryptoBenchJson(int iterations, const std::string& noble_dir);

}  // namespace fog::bench

#endif  // FOG_BENCH_BENCH_H_
