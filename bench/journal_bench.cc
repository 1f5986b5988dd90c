// fog_journal_bench [DIR] [RECORD_BYTES]: what the master's journal costs.
// Three runs over the same record size, in a fresh journal under DIR
// (default: a temporary directory beside the current one, on the disk a
// fog's journal would use):
//  - nosync: write only (the page cache), the baseline;
//  - serial: one thread, each record waited for (one fdatasync per record:
//    the master's intake, whose MQTT handler runs one packet at a time);
//  - group: 8 threads writing and waiting at once (one fdatasync serves
//    every record written while the previous one ran).
// Prints one JSON object per run: records, fsyncs, records per fsync, and
// microseconds per record (wall clock).

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "master/journal.h"

namespace {

using fog::master::Journal;
using fog::master::JournalOptions;
using fog::master::JournalReplay;

void Run(const std::string& name, const std::string& dir, size_t bytes,
         int threads, int per_thread, bool sync) {
  std::filesystem::remove_all(dir);
  JournalReplay replay;
  auto journal = Journal::Open(dir, JournalOptions{.sync = sync}, &replay);
  if (!journal.ok()) {
    std::fprintf(stderr, "%s\n", journal.status().ToString().c_str());
    std::exit(1);
  }
  Journal& j = **journal;
  const fog::Bytes payload(bytes, 0x5a);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const fog::master::PacketKey key{"bench-" + std::to_string(t), i};
        auto a = j.Received(key, payload);
        if (!a.ok() || !j.WaitDurable(a->ticket).ok()) std::exit(1);
        (void)j.Settled(key, {"w"});  // as the master does, not waited for
      }
    });
  }
  for (auto& w : workers) w.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  const fog::master::JournalStats stats = j.stats();
  const int packets = threads * per_thread;
  std::printf(
      "{\"run\":\"%s\",\"record_bytes\":%zu,\"threads\":%d,\"packets\":%d,"
      "\"records\":%llu,\"fsyncs\":%llu,\"packets_per_fsync\":%.2f,"
      "\"us_per_packet\":%.1f,\"packets_per_s\":%.0f}\n",
      name.c_str(), bytes, threads, packets,
      static_cast<unsigned long long>(stats.records),
      static_cast<unsigned long long>(stats.fsyncs),
      stats.fsyncs ? static_cast<double>(packets) / stats.fsyncs : 0.0,
      seconds * 1e6 / packets, packets / seconds);
  journal->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "journal-bench.tmp";
  const size_t bytes = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 65536;
  Run("nosync", dir, bytes, 1, 2000, false);
  Run("serial", dir, bytes, 1, 1000, true);
  Run("group", dir, bytes, 8, 250, true);
  return 0;
}
