// fog bench digest | crypto: print benchmark JSON (bench/bench.h).

#include <cstdio>

#include "bench/bench.h"
#include "cli/commands.h"

namespace fog::cli {

void AddBenchCommands(CLI::App& app, int* exit_code) {
  auto* bench = app.add_subcommand("bench", "Benchmarks with in-run baselines");
  bench->require_subcommand(1);

  auto seconds = std::make_shared<double>(1.0);
  auto* digest = bench->add_subcommand(
      "digest", "SIS digest vs OpenSSL SHA-256 throughput (JSON)");
  digest->add_option("--seconds", *seconds, "Time per case")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  digest->callback([seconds, exit_code] {
    std::printf("%s\n", bench::DigestBenchJson(*seconds).c_str());
    *exit_code = kExitOk;
  });

  auto iterations = std::make_shared<int>(200);
  auto noble_dir = std::make_shared<std::string>();
  auto* crypto = bench->add_subcommand(
      "crypto", "ML-DSA keygen/sign/verify medians (JSON)");
  crypto->add_option("--iterations", *iterations, "Runs per operation")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  crypto->add_option("--noble", *noble_dir,
                     "Directory with node_modules/@noble/post-quantum, to "
                     "measure it in the same run");
  crypto->callback([iterations, noble_dir, exit_code] {
    std::printf("%s\n",
                bench::CryptoBenchJson(*iterations, *noble_dir).c_str());
    *exit_code = kExitOk;
  });
}

}  // namespace fog::cli
