// fog worker add NAME --dir D: a new worker's broker login, issued into a
// fog made by `fog up` (running or not), and its config file.

#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "common/bytes.h"
#include "config/fog_descriptor.h"
#include "up/issue_identity.h"
#include "up/role_config.h"

namespace fog::cli {

namespace {

struct WorkerAddArgs {
  std::string name;
  std::string dir = config::kDefaultFogDir;
};

// The worker's config file, for `fog worker --config FILE`: the fog's
// endpoints from fog.json and the reporting API token.
Status WriteWorkerConfig(const std::string& dir, const up::Identity& id,
                         const std::string& path) {
  Result<config::FogDescriptor> fog = config::LoadFogDescriptor(dir);
  if (!fog.ok()) return fog.status();
  Result<Bytes> token = ReadFile(dir + "/roles/api-token");
  up::RoleConfig config = {{"mqtt", fog->mqtt_uri},
                           {"username", id.credentials.username},
                           {"password", id.credentials.password},
                           {"name", id.name},
                           {"store", dir + "/workers/" + id.name},
                           {"trust", fog->trust_dir},
                           {"api", fog->http_url}};
  if (token.ok()) {
    config.push_back({"api-token", std::string(token->begin(), token->end())});
  }
  return up::WriteRoleConfig(path, config);
}

int RunWorkerAdd(const WorkerAddArgs& args) {
  Result<up::IssuedIdentity> issued =
      up::IssueIdentity(args.dir, up::Role::kWorker, args.name);
  if (!issued.ok()) {
    ReportError(issued.status().ToString());
    return kExitUsage;
  }
  const std::string path = args.dir + "/roles/" + args.name + ".conf";
  Status s = WriteWorkerConfig(args.dir, issued->identity, path);
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  std::printf("worker %s: %s; %s\nstart it with: fog worker --config %s\n",
              args.name.c_str(),
              issued->created ? "login issued" : "login already issued",
              issued->reloaded ? "the running broker reloaded its logins"
                               : "no broker of this fog runs: it reads the "
                                 "login at its next start",
              path.c_str());
  return kExitOk;
}

}  // namespace

CLI::App* AddWorkerAddCommand(CLI::App& worker, int* exit_code) {
  auto args = std::make_shared<WorkerAddArgs>();
  auto* cmd = worker.add_subcommand(
      "add",
      "Issue a new worker's broker login into a fog (the running broker "
      "reloads it) and write its config file");
  cmd->add_option("name", args->name, "Worker name: its login and topics")
      ->required();
  cmd->add_option("--dir", args->dir, "The fog's directory (fog up --dir)")
      ->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = RunWorkerAdd(*args); });
  return cmd;
}

}  // namespace fog::cli
