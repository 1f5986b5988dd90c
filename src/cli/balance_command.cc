// fog balance solve [--model exact|heuristic] [FILE|-]: solves one
// load-balancing instance (docs/balancer.md) and prints the allocation as
// one JSON line. Exit 0 solved, 1 infeasible (the partial allocation is
// still printed), 2 unusable input.

#include <cstdio>
#include <memory>
#include <string>

#include "balancer/solver_json.h"
#include "cli/commands.h"
#include "common/bytes.h"

namespace fog::cli {

namespace {

struct SolveArgs {
  std::string model = "exact";
  std::string file = "-";
};

int RunSolve(const SolveArgs& args) {
  Result<balancer::Model> model = balancer::ParseModel(args.model);
  if (!model.ok()) {
    ReportError(model.status().ToString());
    return kExitUsage;
  }
  Result<Bytes> text = ReadFile(args.file);
  if (!text.ok()) {
    ReportError(text.status().ToString());
    return kExitUsage;
  }
  Result<balancer::Instance> instance =
      balancer::ParseInstance(std::string_view(
          reinterpret_cast<const char*>(text->data()), text->size()));
  if (!instance.ok()) {
    const std::string source = args.file == "-" ? "standard input" : args.file;
    ReportError(source + ": " + instance.status().message());
    return kExitUsage;
  }
  Result<balancer::Allocation> allocation = balancer::Solve(*instance, *model);
  if (!allocation.ok()) {
    ReportError(allocation.status().ToString());
    return kExitUsage;
  }
  std::printf("%s\n", balancer::AllocationJson(*instance, *allocation).c_str());
  if (!allocation->feasible) {
    ReportError(allocation->error);
    return kExitInvalid;
  }
  return kExitOk;
}

}  // namespace

void AddBalanceCommands(CLI::App& app, int* exit_code) {
  auto* balance =
      app.add_subcommand("balance", "The load balancer's allocation model");
  balance->require_subcommand(1);
  auto args = std::make_shared<SolveArgs>();
  auto* solve = balance->add_subcommand(
      "solve", "Allocate one round of packets to workers (JSON in, JSON out)");
  solve->add_option("--model", args->model, "exact or heuristic")
      ->capture_default_str()
      ->check(CLI::IsMember({"exact", "heuristic"}));
  solve
      ->add_option("file", args->file,
                   "Instance JSON (docs/balancer.md), or - for standard input")
      ->capture_default_str();
  solve->callback([args, exit_code] { *exit_code = RunSolve(*args); });
}

}  // namespace fog::cli
