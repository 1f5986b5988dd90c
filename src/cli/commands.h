// The fog binary's subcommands. Each Add*Commands() registers its commands on
// `app`; when one runs it stores the process exit status in `*exit_code`.
//
// Exit status convention: 0 success (or "valid"), 1 a verification said
// "invalid", 2 unusable input, bad arguments or an I/O error.

#ifndef FOG_CLI_COMMANDS_H_
#define FOG_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace fog::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;

void AddDigestCommand(CLI::App& app, int* exit_code);
void AddPacketCommands(CLI::App& app, int* exit_code);
void AddCryptoCommands(CLI::App& app, int* exit_code);
void AddBenchCommands(CLI::App& app, int* exit_code);
void AddMasterCommand(CLI::App& app, int* exit_code);
void AddWorkerCommand(CLI::App& app, int* exit_code);
// `fog worker add` under the worker command; returns it.
CLI::App* AddWorkerAddCommand(CLI::App& worker, int* exit_code);
void AddApiCommand(CLI::App& app, int* exit_code);
void AddViewerCommands(CLI::App& app, int* exit_code);  // get, videos
void AddUpCommand(CLI::App& app, int* exit_code);
void AddBalancerCommand(CLI::App& app, int* exit_code);
void AddBalanceCommands(CLI::App& app, int* exit_code);
void AddStoreCommands(CLI::App& app, int* exit_code);  // store check
void AddWsBridgeCommand(CLI::App& app, int* exit_code);
void AddPublisherCommands(CLI::App& app, int* exit_code);  // add/list/revoke
void AddTlsCommands(CLI::App& app, int* exit_code);  // tls ca|server|client
void AddExperimentCommands(CLI::App& app, int* exit_code);  // run, plot
void AddFederationCommand(CLI::App& app, int* exit_code);

// Prints "fog: <message>" to stderr through the logger.
void ReportError(const std::string& message);

}  // namespace fog::cli

#endif  // FOG_CLI_COMMANDS_H_
