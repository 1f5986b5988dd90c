// fog stream VIDEO: runs the publisher (publisher/publisher.h) with settings
// from the fog descriptor (`fog up`), each overridable by a flag.

#include "cli/stream_command.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "config/fog_descriptor.h"
#include "config/precedence.h"
#include "mqtt/client.h"
#include "publisher/backlog_gate.h"
#include "publisher/progress.h"
#include "publisher/publisher.h"
#include "trust/keys.h"
#include "up/identity_store.h"
#include "wire/certificate.h"
#include "wire/envelope.h"

namespace fog::cli {

namespace {

struct StreamArgs {
  std::string video;
  std::string dir = config::kDefaultFogDir;
  std::string video_id;
  std::string key;
  std::string publisher;  // signs with <dir>/publishers/NAME.{key,cert}
  std::string cert;
  std::string mqtt;
  std::string username;
  std::string password;
  // TLS (mqtts://): the CA, and a client certificate for mutual TLS.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool legacy = false;
  bool transcode = false;
  bool realtime = false;
  int sign_every = 1;
  size_t max_packet_bytes = 0;  // 0: the descriptor's, else 16 MiB
  double backlog_wait_max_s = 300;
};

std::optional<std::string> NonEmpty(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

// *value from the flag, else fog.json's `from_file`, else the variable
// `env_name`: fog.json is this command's config file, so a stray
// MQTT_USERNAME (a master's, say) does not replace the publisher's.
void Settle(std::string* value, const std::string& flag,
            const std::string& from_file, const std::string& env_name) {
  std::optional<config::Resolved> r = config::Resolve(
      {{config::Source::kCommandLine, flag, NonEmpty(*value)},
       {config::Source::kConfigFile, "fog.json", NonEmpty(from_file)},
       config::FromEnvironment(config::ProcessEnvironment(), env_name)});
  if (r) *value = r->value;
}

// Fills what the flags left open from <dir>/fog.json, then from the
// environment. The descriptor is only required when a flag cannot stand in
// for it (broker URI, signing key).
Status ApplyDescriptor(StreamArgs* a) {
  if (!a->publisher.empty()) {
    if (Status s = wire::ValidatePublisherName(a->publisher); !s.ok()) {
      return Status::InvalidArgument("--publisher: " + s.message());
    }
    const std::string base = a->dir + "/publishers/" + a->publisher;
    if (a->key.empty()) a->key = base + ".key";
    if (a->cert.empty()) a->cert = base + ".cert";
  }
  const bool required = a->mqtt.empty() || (!a->legacy && a->key.empty());
  Result<config::FogDescriptor> fog = config::LoadFogDescriptor(a->dir);
  if (!fog.ok()) {
    if (required) return fog.status();
    Settle(&a->username, "--username", "", "MQTT_USERNAME");
    Settle(&a->password, "--password", "", "MQTT_PASSWORD");
    return Status::OK();
  }
  if (a->mqtt.empty()) a->mqtt = fog->mqtt_uri;
  config::Credentials creds;
  auto it = fog->credentials.find("publisher");
  if (it != fog->credentials.end()) creds = it->second;
  // A certified publisher connects with its own broker login, issued by
  // `fog publisher add` into the fog's identity store.
  if (!a->publisher.empty()) {
    Result<up::Identities> ids =
        up::LoadIdentities(a->dir + "/mosquitto/roles.json");
    if (ids.ok()) {
      auto own = ids->find(a->publisher);
      if (own != ids->end() && own->second.role == up::Role::kPublisher) {
        creds = own->second.credentials;
      }
    }
  }
  Settle(&a->username, "--username", creds.username, "MQTT_USERNAME");
  Settle(&a->password, "--password", creds.password, "MQTT_PASSWORD");
  if (a->key.empty()) a->key = fog->publisher_key;
  if (a->ca_file.empty()) a->ca_file = fog->ca_file;
  if (a->cert_file.empty()) {
    a->cert_file = fog->client_cert;
    a->key_file = fog->client_key;
  }
  if (a->max_packet_bytes == 0) a->max_packet_bytes = fog->max_packet_bytes;
  if (!a->legacy && a->key.empty()) {
    return Status::InvalidArgument(a->dir + "/" + config::kDescriptorFile +
                                   " names no publisher key: pass --key");
  }
  return Status::OK();
}

// Reads the certificate every signed envelope will carry; it must be for
// the signing key. A video id outside its prefix is only warned about: the
// workers refuse it, and say so.
Status LoadCertificate(const std::string& path, const std::string& video_id,
                       publisher::StreamOptions* o) {
  Result<Bytes> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  Result<wire::Certificate> cert = wire::DecodeCertificate(*bytes);
  if (!cert.ok()) {
    return Status::InvalidArgument(path + ": " + cert.status().message());
  }
  if (trust::KeyIdOf(cert->body.public_key) != o->key->id) {
    return Status::InvalidArgument(path + " is not the certificate of " +
                                   "the signing key");
  }
  if (!video_id.starts_with(cert->body.prefix)) {
    spdlog::warn(
        "video id {} is outside publisher {}'s prefix '{}': the fog "
        "will refuse its packets",
        video_id, cert->body.name, cert->body.prefix);
  }
  o->certificate = std::move(*bytes);
  return Status::OK();
}

// Resolves every setting into StreamOptions (the key is loaded here).
Result<publisher::StreamOptions> BuildOptions(StreamArgs* a) {
  if (Status s = ApplyDescriptor(a); !s.ok()) return s;
  publisher::StreamOptions o;
  o.input = a->video;
  o.video_id = a->video_id.empty() ? publisher::RandomVideoId() : a->video_id;
  if (Status s = wire::ValidateVideoId(o.video_id); !s.ok()) {
    return Status::InvalidArgument("--video-id '" + o.video_id +
                                   "': " + s.message());
  }
  o.format = a->legacy ? publisher::PayloadFormat::kLegacy
                       : publisher::PayloadFormat::kSigned;
  if (!a->legacy) {
    Result<trust::SecretKey> key = trust::LoadSecretKey(a->key);
    if (!key.ok())
      return Status::InvalidArgument(a->key + ": " + key.status().message());
    o.key = std::move(*key);
  }
  if (!a->cert.empty()) {
    if (a->legacy) {
      return Status::InvalidArgument(
          "--cert needs signed packets, not --legacy");
    }
    Status s = LoadCertificate(a->cert, o.video_id, &o);
    if (!s.ok()) return s;
  }
  o.sign_every = a->sign_every;
  o.transcode = a->transcode;
  o.realtime = a->realtime;
  o.max_payload_bytes = a->max_packet_bytes > 0 ? a->max_packet_bytes
                                                : media::kDefaultMaxPacketBytes;
  o.backlog_wait_max = std::chrono::milliseconds(
      static_cast<int64_t>(a->backlog_wait_max_s * 1000));
  return o;
}

int RunStream(StreamArgs args) {
  Result<publisher::StreamOptions> options = BuildOptions(&args);
  if (!options.ok()) {
    ReportError(options.status().ToString());
    return kExitUsage;
  }
  mqtt::ConnectOptions connect;
  connect.uri = args.mqtt;
  connect.username = args.username;
  connect.password = args.password;
  connect.ca_file = args.ca_file;
  connect.cert_file = args.cert_file;
  connect.key_file = args.key_file;
  // Unique per run: two publishers with one client id would keep
  // disconnecting each other.
  connect.client_id = "fog-stream-" + publisher::RandomVideoId().substr(0, 8);
  mqtt::Client client(connect);
  publisher::BacklogGate backlog(client);  // installs its handler first
  if (Status s = client.Connect(std::chrono::seconds(10)); !s.ok()) {
    ReportError("cannot connect to the broker: " + s.ToString());
    return kExitUsage;
  }
  if (Status s = backlog.Subscribe(); s.ok()) {
    options->backlog = &backlog;
  } else {
    // A broker set up before fog/backlog existed: publish as before, with
    // only the broker's own limits in the way (docs/durability.md).
    spdlog::warn(
        "cannot follow the fog's backlog ({}): publishing without waiting "
        "for the fog",
        s.ToString());
  }
  publisher::TerminalProgress progress(
      stderr, publisher::TerminalProgress::IsTerminal(stderr));
  Result<publisher::StreamSummary> summary =
      publisher::StreamVideo(*options, client, &progress);
  if (uint64_t again = client.publish_queue().sent_again; again > 0) {
    progress.EndLine();
    spdlog::warn("{} packets sent again after the broker connection dropped",
                 again);
  }
  client.Disconnect();
  if (!summary.ok()) {
    progress.EndLine();
    ReportError(summary.status().ToString());
    return kExitUsage;
  }
  // The id alone on stdout, for scripts: id=$(fog stream video.mp4).
  std::printf("%s\n", summary->video_id.c_str());
  return kExitOk;
}

}  // namespace

void AddStreamCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<StreamArgs>();
  auto* cmd = app.add_subcommand(
      "stream",
      "Cut a video into signed fMP4 packets and publish it; prints "
      "the video id");
  cmd->add_option("video", args->video, "Video file, - for stdin, or a URL")
      ->required();
  cmd->add_option("--dir", args->dir, "Fog directory holding fog.json")
      ->capture_default_str();
  cmd->add_option("--video-id", args->video_id,
                  "Video id (default: random UUID)");
  cmd->add_option("--key", args->key,
                  "Publisher secret key (default: the descriptor's)");
  cmd->add_option("--publisher", args->publisher,
                  "Sign as this publisher: <dir>/publishers/NAME.key, with "
                  "its certificate NAME.cert in every signed packet (fog "
                  "publisher add)");
  cmd->add_option("--cert", args->cert,
                  "Certificate of the --key to carry in every signed packet");
  cmd->add_option("--mqtt", args->mqtt,
                  "Broker URI (default: the descriptor's)");
  // MQTT_USERNAME and MQTT_PASSWORD come after the descriptor's
  // (ApplyDescriptor), so no CLI11 envname.
  cmd->add_option("--username", args->username,
                  "Broker user name (default: the descriptor's, else "
                  "MQTT_USERNAME)");
  cmd->add_option("--password", args->password,
                  "Broker password (default: the descriptor's, else "
                  "MQTT_PASSWORD)");
  cmd->add_option("--ca-file", args->ca_file,
                  "TLS: the CA the broker must chain to (default: the "
                  "descriptor's)");
  cmd->add_option("--cert-file", args->cert_file,
                  "TLS: client certificate for mutual TLS (default: the "
                  "descriptor's)");
  cmd->add_option("--key-file", args->key_file, "TLS: key of --cert-file");
  cmd->add_flag("--legacy", args->legacy,
                "Publish the seed's VideoPacketSIS payloads (no signatures)");
  cmd->add_flag("--transcode", args->transcode,
                "Re-encode to H.264/AAC with a keyframe every second");
  cmd->add_flag("--realtime", args->realtime,
                "Read the input at its frame rate");
  cmd->add_option("--sign-every", args->sign_every,
                  "Sign every K-th packet and the last (amortized signing)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option(
         "--max-packet-bytes", args->max_packet_bytes,
         "Largest MQTT payload (default: the descriptor's, else 16 MiB)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--backlog-wait-max", args->backlog_wait_max_s,
                  "Seconds a packet may wait while the fog's backlog is over "
                  "its limit before the stream fails")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = RunStream(*args); });
}

}  // namespace fog::cli
