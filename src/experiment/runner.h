// Runs one experiment: starts a fog as `fog up` does (on free ports, in
// <out>/fog), replays pre-signed streams into it at their real-time pace,
// requests packets as viewers, applies the fault timeline, samples the
// processes every second, waits for every packet's R copies (up to
// drain_s), stops the fog and writes the outputs (outputs.h). The plots are
// drawn afterwards by plot.py (`fog experiment plot`).
//
// Thread-safety: one run at a time per output directory.

#ifndef FOG_EXPERIMENT_RUNNER_H_
#define FOG_EXPERIMENT_RUNNER_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "experiment/spec.h"

namespace fog::experiment {

struct RunOptions {
  std::string out_dir;
  std::string self_exe;    // the fog binary the fog's children run
  std::string source_dir;  // for the commit in resolved.json
};

struct RunResult {
  // Names of the assertions that did not hold (empty: all held).
  std::vector<std::string> violated;
};

// An error when the fog could not start or an output could not be written;
// a run whose assertions fail is still ok() and lists them in `violated`.
Result<RunResult> RunExperiment(const Spec& spec, const RunOptions& options);

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_RUNNER_H_
