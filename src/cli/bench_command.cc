// fog bench digest | crypto | datapath | solver: print benchmark JSON
// (bench/bench.h).

#include <cstdio>
#include <memory>

#include "bench/bench.h"
#include "cli/commands.h"

namespace fog::cli {

namespace {

void AddDatapathCommand(CLI::App& bench, int* exit_code) {
  auto o = std::make_shared<bench::DatapathBenchOptions>();
  auto* cmd = bench.add_subcommand(
      "datapath",
      "Publish -> stored throughput and latency vs the raw broker (JSON)");
  cmd->add_option("--dir", o->dir,
                  "A running fog's directory; without a healthy fog there, "
                  "one is started in a temporary directory")
      ->capture_default_str();
  cmd->add_option("--replicas", o->replicas,
                  "Copies per packet in a fog the benchmark starts")
      ->capture_default_str()
      ->check(CLI::Range(1, 3));
  cmd->add_option("--packets-64k", o->packets_64k, "Messages of 64 KiB")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--packets-1m", o->packets_1m, "Messages of 1 MiB")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--warmup-64k", o->warmup_64k,
                  "64 KiB messages per path sent, unmeasured, beforehand")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--window-64k", o->window_64k, "64 KiB messages in flight")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--window-1m", o->window_1m, "1 MiB messages in flight")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--timeout", o->timeout_seconds,
                  "Seconds for all measured runs together")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--tls", o->tls,
                "The fog the benchmark starts runs with TLS (fog up --tls); "
                "bench/tls_overhead.sh compares both");
  cmd->add_flag("--mosquitto-raw,!--no-mosquitto-raw", o->mosquitto_raw,
                "Also run the raw path with libmosquitto clients and compare "
                "them with Paho's (on by default)");
  cmd->callback([o, exit_code] {
    bool ok = true;
    std::printf("%s\n", bench::DatapathBenchJson(*o, &ok).c_str());
    *exit_code = ok ? kExitOk : kExitUsage;
  });
}

void AddBurstCommand(CLI::App& bench, int* exit_code) {
  auto o = std::make_shared<bench::BurstBenchOptions>();
  auto* cmd = bench.add_subcommand(
      "burst",
      "Replay pre-signed packets from several publishers into a running "
      "fog as fast as it lets them; throughput, store rate, RSS (JSON)");
  cmd->add_option("--dir", o->dir, "The running fog's directory")
      ->capture_default_str();
  cmd->add_option("--bytes", o->bytes, "Bytes to publish in all")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1} << 20, uint64_t{1} << 40));
  cmd->add_option("--packet-bytes", o->packet_bytes, "Media bytes per packet")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1} << 10, size_t{15} << 20));
  cmd->add_option("--publishers", o->publishers, "Concurrent publishers")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  cmd->add_option("--replicas", o->replicas, "Copies the fog keeps (R)")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  cmd->add_option("--seconds", o->seconds,
                  "Stop publishing after this long (0: publish every byte)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--ignore-backlog", o->ignore_backlog,
                "Publish without following fog/backlog");
  cmd->add_option("--backlog-wait-max", o->backlog_wait_max_seconds,
                  "Seconds a publisher may be held back per packet")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--store-timeout", o->store_timeout_seconds,
                  "Seconds to wait, after publishing, for R copies of all")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--work-dir", o->work_dir,
                  "Where the pre-signed packets are written (removed after)");
  cmd->callback([o, exit_code] {
    bool ok = false;
    std::printf("%s\n", bench::BurstBenchJson(*o, &ok).c_str());
    *exit_code = ok ? kExitOk : kExitUsage;
  });
}

}  // namespace

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

  AddDatapathCommand(*bench, exit_code);
  AddBurstCommand(*bench, exit_code);

  auto instances = std::make_shared<int>(2000);
  auto* solver = bench->add_subcommand(
      "solver", "Load-balancer solvers: exact vs heap greedy vs heuristic");
  solver->add_option("--instances", *instances, "Random instances, N = 1024")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  solver->callback([instances, exit_code] {
    std::printf("%s\n", bench::SolverBenchJson(*instances).c_str());
    *exit_code = kExitOk;
  });
}

}  // namespace fog::cli
