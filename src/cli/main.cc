// fog: one binary for every role of the platform (see README.md).

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "cli/commands.h"
#include "cli/config_file.h"
#include "cli/pin_command.h"
#include "cli/stream_command.h"
#include "common/heap_tuning.h"

namespace fog::cli {

void ReportError(const std::string& message) { spdlog::error("{}", message); }

}  // namespace fog::cli

int main(int argc, char** argv) {
  // Before any thread: every role moves message buffers of up to a few MiB.
  const fog::Status heap = fog::TuneHeapForMessageBuffers();
  // Logs go to stderr so stdout stays clean for data (digests, JSON, payloads).
  auto logger = spdlog::stderr_color_mt("fog");
  logger->set_pattern("fog: %^%l%$: %v");
  spdlog::set_default_logger(logger);
  if (!heap.ok()) spdlog::warn("heap tuning: {}", heap.message());

  CLI::App app{"fog: post-quantum video streaming over an MQTT fog"};
  app.require_subcommand(1);
  int exit_code = fog::cli::kExitOk;
  fog::cli::AddDigestCommand(app, &exit_code);
  fog::cli::AddPacketCommands(app, &exit_code);
  fog::cli::AddCryptoCommands(app, &exit_code);
  fog::cli::AddBenchCommands(app, &exit_code);
  fog::cli::AddStreamCommand(app, &exit_code);
  fog::cli::AddPublisherCommands(app, &exit_code);
  fog::cli::AddUpCommand(app, &exit_code);
  fog::cli::AddMasterCommand(app, &exit_code);
  fog::cli::AddWorkerCommand(app, &exit_code);
  fog::cli::AddStoreCommands(app, &exit_code);
  fog::cli::AddApiCommand(app, &exit_code);
  fog::cli::AddBalancerCommand(app, &exit_code);
  fog::cli::AddFederationCommand(app, &exit_code);
  fog::cli::AddPinCommand(app, &exit_code);
  fog::cli::AddViewerCommands(app, &exit_code);
  fog::cli::AddBalanceCommands(app, &exit_code);
  fog::cli::AddWsBridgeCommand(app, &exit_code);
  fog::cli::AddTlsCommands(app, &exit_code);
  fog::cli::AddExperimentCommands(app, &exit_code);
  // `--config FILE` becomes the flags it holds (cli/config_file.h).
  std::vector<std::string> args(argv + 1, argv + argc);
  fog::Result<std::vector<std::string>> expanded =
      fog::cli::ExpandConfigFile(args);
  if (!expanded.ok()) {
    fog::cli::ReportError(expanded.status().ToString());
    return fog::cli::kExitUsage;
  }
  std::reverse(expanded->begin(),
               expanded->end());  // CLI11 takes them reversed
  try {
    app.parse(*expanded);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : fog::cli::kExitUsage;
  }
  return exit_code;
}
