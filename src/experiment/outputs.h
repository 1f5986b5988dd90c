// The files an experiment leaves in its output directory
// (docs/experiments.md): resolved.json, events.csv, samples.csv and
// summary.json. The plots and report.html are drawn from them by plot.py.
//
// Thread-safety: reentrant.

#ifndef FOG_EXPERIMENT_OUTPUTS_H_
#define FOG_EXPERIMENT_OUTPUTS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "experiment/events.h"
#include "experiment/sampler.h"
#include "experiment/spec.h"

namespace fog::experiment {

// The columns of events.csv, in order.
const std::vector<std::string>& EventColumns();

// The declaration with every default filled in.
nlohmann::json SpecJson(const Spec& spec);

// This machine: kernel, CPU model, cores, memory; and the source's commit
// (`git rev-parse HEAD` in `source_dir`, "unknown" without git).
nlohmann::json MachineJson(const std::string& source_dir);

Status WriteJson(const std::string& path, const nlohmann::json& doc);
// One row per packet, per copy ack, per viewer request and per fault.
Status WriteEvents(const std::string& path, const Events& events, int replicas);
Status WriteSamples(const std::string& path,
                    const std::vector<Sample>& samples);

}  // namespace fog::experiment

#endif  // FOG_EXPERIMENT_OUTPUTS_H_
