// fog pin ID --to NAME (docs/federation.md, "Pinning"). Its own header, as
// the command stands apart from the rest of the command groups.

#ifndef FOG_CLI_PIN_COMMAND_H_
#define FOG_CLI_PIN_COMMAND_H_

#include <CLI/CLI.hpp>

namespace fog::cli {

// Registers `fog pin` on `app`; when it runs it stores the exit status in
// `*exit_code` (0 accepted, 1 refused, 2 no answer or bad arguments).
void AddPinCommand(CLI::App& app, int* exit_code);

}  // namespace fog::cli

#endif  // FOG_CLI_PIN_COMMAND_H_
