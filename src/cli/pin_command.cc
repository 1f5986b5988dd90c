// fog pin ID --to NAME: makes peer fog NAME fetch, verify and store a whole
// video with its own copies, and follow it while it is live
// (docs/federation.md, "Pinning"). Sent to this fog's federation on its
// broker with the publisher's login (fog.json).

#include <cstdio>

#include "cli/commands.h"
#include "cli/pin_command.h"
#include "config/fog_descriptor.h"
#include "federation/pin_client.h"

namespace fog::cli {

namespace {

struct PinArgs {
  std::string dir = config::kDefaultFogDir;
  std::string video_id;
  std::string to;
  double timeout_s = 15;
};

int RunPin(const PinArgs& args) {
  Result<config::FogDescriptor> fog = config::LoadFogDescriptor(args.dir);
  if (!fog.ok()) {
    ReportError(fog.status().ToString());
    return kExitUsage;
  }
  const config::Credentials& login = fog->credentials["publisher"];
  Result<federation::PinReply> reply = federation::RequestPin(
      {.uri = fog->mqtt_uri,
       .username = login.username,
       .password = login.password,
       .ca_file = fog->ca_file,
       .cert_file = fog->client_cert,
       .key_file = fog->client_key},
      {.video_id = args.video_id, .to = args.to},
      std::chrono::milliseconds(static_cast<int64_t>(args.timeout_s * 1000)));
  if (!reply.ok()) {
    ReportError("pin: " + reply.status().ToString());
    return kExitUsage;
  }
  std::printf("%s\n", federation::EncodePinReply(*reply).c_str());
  if (reply->result != "accepted") {
    ReportError("pin of " + args.video_id + " to " + args.to + " refused (" +
                std::to_string(reply->status) + "): " + reply->reason);
    return kExitInvalid;
  }
  return kExitOk;
}

}  // namespace

void AddPinCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<PinArgs>();
  auto* cmd = app.add_subcommand(
      "pin",
      "Make a peer fog hold a whole video with its own copies, and follow "
      "it while it is live");
  cmd->add_option("video_id", args->video_id, "The video")->required();
  cmd->add_option("--to", args->to, "The peer fog's name")->required();
  cmd->add_option("--dir", args->dir, "This fog's directory (fog.json)")
      ->capture_default_str();
  cmd->add_option("--timeout", args->timeout_s,
                  "Seconds to wait for the peer's answer")
      ->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = RunPin(*args); });
}

}  // namespace fog::cli
