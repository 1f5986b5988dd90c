// fog digest [FILE|-]: the SIS digest of a file as lowercase hex.

#include <cstdio>

#include "cli/commands.h"
#include "common/bytes.h"
#include "crypto/sis/sis_digest.h"

namespace fog::cli {

void AddDigestCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("digest", "Print the SIS digest of a file");
  auto path = std::make_shared<std::string>("-");
  cmd->add_option("file", *path, "File to hash, or - for standard input");
  cmd->callback([path, exit_code] {
    Result<Bytes> data = ReadFile(*path);
    if (!data.ok()) {
      ReportError(data.status().ToString());
      *exit_code = kExitUsage;
      return;
    }
    std::printf("%s\n", ToHex(sis::SisDigest(*data)).c_str());
  });
}

}  // namespace fog::cli
