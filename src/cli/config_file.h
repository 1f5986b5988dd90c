// Config files for the service commands: `fog master --config FILE` reads
// "key = value" lines (TOML-style quoting, '#' comments, [sections] ignored)
// whose keys are the command's long option names, as `fog up` writes them.
//
// Precedence: the command line, then the config file, then the
// environment variables the options name.

#ifndef FOG_CLI_CONFIG_FILE_H_
#define FOG_CLI_CONFIG_FILE_H_

#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace fog::cli {

// Replaces "--config FILE" (or "--config=FILE") in `args` by "--key value"
// for every key of FILE not already given on the command line. A value
// "true" becomes a bare flag "--key"; "false" is dropped. Errors: the file
// cannot be read, or a line is not "key = value".
Result<std::vector<std::string>> ExpandConfigFile(
    std::vector<std::string> args);

// The keys that the last ExpandConfigFile call took from the file, so that a
// command can tell a value from the file from one on the command line
// (config/precedence.h). The process reads one config file, once, in main()
// before parsing; REQUIRES: not called concurrently with ExpandConfigFile.
const std::set<std::string>& KeysFromConfigFile();

}  // namespace fog::cli

#endif  // FOG_CLI_CONFIG_FILE_H_
