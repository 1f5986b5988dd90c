// fog experiment run FILE.yaml --out DIR | plot DIR: a declared study of a
// real fog, its CSV, JSON and plots (docs/experiments.md).

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "cli/commands.h"
#include "experiment/runner.h"
#include "experiment/spec.h"

namespace fog::cli {

namespace {

std::string SelfExe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, n) : "fog";
}

// The plot script: beside the binary when installed, else in the source.
std::string PlotScript() {
  const std::filesystem::path beside =
      std::filesystem::path(SelfExe()).parent_path() / "plot.py";
  if (std::filesystem::exists(beside)) return beside.string();
  return std::string(FOG_SOURCE_DIR) + "/src/experiment/plot.py";
}

int Plot(const std::string& dir) {
  // The script's own errors go to our stderr.
  const std::string script = PlotScript();
  // Debian's interpreter, which has python3-matplotlib; another python3
  // first on PATH (a virtualenv, pyenv) may not.
  const char* python =
      ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  std::vector<char*> argv = {const_cast<char*>(python),
                             const_cast<char*>(script.c_str()),
                             const_cast<char*>(dir.c_str()), nullptr};
  pid_t pid = -1;
  if (::posix_spawnp(&pid, python, nullptr, nullptr, argv.data(), environ) !=
      0) {
    ReportError("cannot run python3 for the plots");
    return kExitUsage;
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ReportError("plotting " + dir + " failed (python3-matplotlib installed?)");
    return kExitUsage;
  }
  return kExitOk;
}

int Run(const std::string& file, const std::string& out, bool plot) {
  Result<experiment::Spec> spec = experiment::LoadSpec(file);
  if (!spec.ok()) {
    ReportError(spec.status().message());
    return kExitUsage;
  }
  Result<experiment::RunResult> r = experiment::RunExperiment(
      *spec,
      {.out_dir = out, .self_exe = SelfExe(), .source_dir = FOG_SOURCE_DIR});
  if (!r.ok()) {
    ReportError("experiment " + spec->name + ": " + r.status().ToString());
    return kExitUsage;
  }
  if (plot) {
    const int rc = Plot(out);
    if (rc != kExitOk) return rc;
  }
  for (const std::string& name : r->violated) {
    std::fprintf(stderr, "fog: assertion violated: %s\n", name.c_str());
  }
  std::printf(
      "experiment %s: outputs in %s (%s)\n", spec->name.c_str(), out.c_str(),
      r->violated.empty() ? "every assertion held" : "assertions violated");
  return r->violated.empty() ? kExitOk : kExitInvalid;
}

}  // namespace

void AddExperimentCommands(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand(
      "experiment", "Declared studies of a real fog: CSV, JSON and plots");
  cmd->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto no_plot = std::make_shared<bool>(false);
  auto* run = cmd->add_subcommand(
      "run",
      "Run FILE.yaml against a fog of its own; exit 1 naming any violated "
      "assertion");
  run->add_option("file", *file, "The experiment (experiments/*.yaml)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_option("--out", *out, "Output directory")->required();
  run->add_flag("--no-plot", *no_plot, "Write the data only, no plots");
  run->callback([=] { *exit_code = Run(*file, *out, !*no_plot); });

  auto dir = std::make_shared<std::string>();
  auto* plot = cmd->add_subcommand(
      "plot", "Redraw the plots and report.html of an experiment's outputs");
  plot->add_option("dir", *dir, "An experiment's output directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  plot->callback([=] { *exit_code = Plot(*dir); });
}

}  // namespace fog::cli
