// fog store check DIR: opens a worker's packet store as the worker does
// (rebuilding the index, cutting a torn tail) and reports what it holds and
// what is damaged. For operators after a crash, and for the fault-injection
// tests. The worker must not be running (the store is locked).

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "common/packet_ranges.h"
#include "worker/store/packet_store.h"

namespace fog::cli {

namespace {

int RunStoreCheck(const std::string& dir) {
  Result<std::unique_ptr<worker::PacketStore>> store =
      worker::PacketStore::Open(dir, {.create_if_missing = false});
  if (!store.ok()) {
    ReportError(store.status().ToString());
    return kExitUsage;
  }
  const worker::StoreStats stats = (*store)->stats();
  nlohmann::json videos = nlohmann::json::object();
  for (const worker::VideoSummary& v : (*store)->Videos()) {
    videos[v.video_id] = FormatRanges(v.ranges);
  }
  nlohmann::json damaged = nlohmann::json::array();
  for (const worker::PacketKey& k : stats.corrupt_keys) {
    damaged.push_back(
        {{"video_id", k.video_id}, {"packet_number", k.packet_number}});
  }
  nlohmann::json report = {
      {"dir", dir},
      {"packets", stats.live_packets},
      {"videos", std::move(videos)},
      {"torn_tail_bytes_truncated", stats.torn_tail_bytes_truncated},
      {"corrupt_records", stats.corrupt_records},
      {"damaged_without_copy", std::move(damaged)},
  };
  std::printf("%s\n", report.dump().c_str());
  return stats.corrupt_keys.empty() ? kExitOk : kExitInvalid;
}

}  // namespace

void AddStoreCommands(CLI::App& app, int* exit_code) {
  auto* store = app.add_subcommand("store", "A worker's packet store, offline");
  store->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  auto* check = store->add_subcommand(
      "check",
      "Open the store (cutting a torn tail), print what it holds and what is "
      "damaged as JSON; exit 1 if a packet is damaged with no intact copy");
  check->add_option("dir", *dir, "The worker's store directory")->required();
  check->callback([dir, exit_code] { *exit_code = RunStoreCheck(*dir); });
}

}  // namespace fog::cli
