// fog_registry_fill DB_URL COUNT [PREFIX]: adds COUNT complete videos, each
// held by two workers, to a registry, through the registry library (the
// same writes POST /videos makes). bench/http_bench.sh uses it to measure
// GET /videos over a large registry.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "registry/registry.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DB_URL COUNT [PREFIX]\n", argv[0]);
    return 2;
  }
  const long count = std::strtol(argv[2], nullptr, 10);
  const std::string prefix = argc > 3 ? argv[3] : "bench-";
  if (count <= 0) {
    std::fprintf(stderr, "COUNT must be > 0\n");
    return 2;
  }
  auto reg = fog::registry::Registry::Open(argv[1]);
  if (!reg.ok()) {
    std::fprintf(stderr, "%s\n", reg.status().ToString().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    for (const char* worker : {"worker-1", "worker-2"}) {
      fog::registry::HoldingsReport r;
      r.video_id = prefix + std::to_string(i);
      r.worker = worker;
      r.packets = 12;
      r.bytes = 12 << 20;
      r.total_packets = 23;
      r.authenticated = true;
      auto video = (*reg)->ReportHoldings(r);
      if (!video.ok()) {
        std::fprintf(stderr, "%s\n", video.status().ToString().c_str());
        return 1;
      }
    }
  }
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("added %ld videos in %.1f s\n", count, s);
  return 0;
}
