// Benchmarks reachable from the CLI (`fog bench ...`). Each runs in-process,
// measures its own baseline in the same run, and returns one JSON document as
// text so the CLI prints it unchanged.
//
// Thread-safety: run one benchmark at a time (they measure wall time).

#ifndef FOG_BENCH_BENCH_H_
#define FOG_BENCH_BENCH_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace fog::bench {

// SIS digest and OpenSSL SHA-256 throughput (MB/s) on 1 KB, 64 KB and 1 MB
// messages, and their ratio. `seconds` bounds the time spent per case.
std::string DigestBenchJson(double seconds);

// ML-DSA keygen/sign/verify median microseconds per parameter set, and the
// ratio to @noble/post-quantum when `noble_dir` holds its node_modules (the
// noble side runs in the same invocation through node).
std::string CryptoBenchJson(int iterations, const std::string& noble_dir);

struct DatapathBenchOptions {
  // The fog to measure: used when <dir>/fog.json exists and its /health
  // answers 200; otherwise the benchmark starts a fog of its own in a
  // temporary directory and stops it at the end.
  std::string dir = "./fog-data";
  // Copies of each packet in a fog the benchmark starts (`fog up
  // --replicas`); a running fog keeps its own setting.
  int replicas = 2;
  int packets_64k = 2000;  // messages of 64 KiB per path
  int packets_1m = 60;     // messages of 1 MiB per path
  // 64 KiB messages sent on each path before anything is measured, so the
  // runs see processes past their start-up (heaps grown, files allocated),
  // as a fog that has been running does. 0 = none.
  int warmup_64k = 2000;
  // Messages in flight (unreceived), the same on both paths: 4 MiB of
  // 64 KiB packets, 16 MiB of 1 MiB ones, so neither path is held back by
  // its latency alone.
  int window_64k = 64;
  int window_1m = 16;
  // Budget for all four measured runs together; a run that exceeds it stops
  // with partial numbers and "incomplete": true.
  double timeout_seconds = 60;
  // A fog the benchmark starts runs with TLS (`fog up --tls`); a running
  // fog is measured as it is (its fog.json says whether it has TLS).
  bool tls = false;
  // Also runs the raw path with Debian's libmosquitto for both clients
  // (bench/mosquitto_client.h), right after Paho's on each size, twice:
  // with the Paho wrapper's in-flight byte budget ("raw_mosquitto") and
  // paced by the window alone ("raw_mosquitto_window"); reports their
  // ratios to Paho's.
  bool mosquitto_raw = true;
};

// The data path against the raw broker, in one run: a publisher client to a
// subscriber client through the fog's Mosquitto (no fog components), and
// signed packets published to video/stream/<id> until the workers' "stored"
// acks arrive. Messages/s, MB/s, latency p50/p99 for 64 KiB and 1 MiB
// payloads, the CPU each path cost by process role, the fog/raw throughput
// ratio, and the ratio their CPU costs allow. With `mosquitto_raw`, the raw
// path with libmosquitto clients as well ("raw_mosquitto",
// "raw_mosquitto_window") and their ratios to Paho's
// ("ratio_mosquitto_to_paho", "ratio_mosquitto_window_to_paho"). `*ok` (if
// given) is set to false when no measurement could be made (the JSON then has
// "error").
std::string DatapathBenchJson(const DatapathBenchOptions& options,
                              bool* ok = nullptr);

struct BurstBenchOptions {
  std::string dir = "./fog-data";         // a running fog (fog up)
  uint64_t bytes = uint64_t{2} << 30;     // published in all, pre-signed
  size_t packet_bytes = size_t{1} << 20;  // media bytes per packet
  int publishers = 4;  // each replays a video of its own, concurrently
  int replicas = 2;    // the fog's R: copies each packet must reach
  // > 0: publishers stop after this long (sustained overload: more bytes
  // than the fog stores in this time).
  double seconds = 0;
  // Publishers publish regardless of fog/backlog (only the broker's limits
  // stop them).
  bool ignore_backlog = false;
  double backlog_wait_max_seconds = 300;
  // After publishing, how long to wait for R copies of every packet.
  double store_timeout_seconds = 600;
  std::string work_dir;  // where the pre-signed packets go; empty: /tmp
};

// Several publishers replay pre-signed packets into the fog in `dir` as fast
// as it lets them, following fog/backlog as `fog stream` does. JSON: the
// publishers' MB/s against the fog's store rate (packets with R copies per
// second), the time held back, the RSS of the master and the broker
// (sampled every 250 ms, and VmHWM), the backlog's peak, a timeline, and
// the verdict: packets with fewer than R copies, the most copies, packets
// one worker acknowledged "stored" twice. `*ok` is true when every packet
// the broker acknowledged got R copies and no publisher failed.
std::string BurstBenchJson(const BurstBenchOptions& options, bool* ok);

// The load balancer's solvers (balancer/solver.h) on random instances:
// median and p99 microseconds per call of the exact solver, the heap greedy
// (baseline) and the seed's heuristic, for N = 1024 over 100 workers
// (`instances` instances) and N = 100 000 over 1 000 workers (instances/20,
// at least 5), with the heuristic's cost relative to the optimum.
std::string SolverBenchJson(int instances);

}  // namespace fog::bench

#endif  // FOG_BENCH_BENCH_H_
