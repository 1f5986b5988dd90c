// fog stream: publish a video to the fog (docs/publisher.md).
//
// Thread-safety: call from main() only, like the other Add*Command()s.

#ifndef FOG_CLI_STREAM_COMMAND_H_
#define FOG_CLI_STREAM_COMMAND_H_

#include <CLI/CLI.hpp>

namespace fog::cli {

// Registers `fog stream VIDEO [options]`. When it runs, *exit_code becomes
// 0 on success (the video id is printed on stdout), 2 on a usage, input,
// ffmpeg, key or broker error (reported on stderr).
void AddStreamCommand(CLI::App& app, int* exit_code);

}  // namespace fog::cli

#endif  // FOG_CLI_STREAM_COMMAND_H_
