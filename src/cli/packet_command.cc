// fog packet inspect | sign: one payload at a time, for tests and operators.

#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"
#include "common/bytes.h"
#include "trust/inspect.h"
#include "trust/packet_signer.h"

namespace fog::cli {

namespace {

struct InspectArgs {
  std::string file;
  std::string trust_dir;
};

int RunInspect(const InspectArgs& args) {
  Result<Bytes> payload = ReadFile(args.file);
  if (!payload.ok()) {
    ReportError(payload.status().ToString());
    return kExitUsage;
  }
  std::optional<trust::TrustStore> trust;
  if (!args.trust_dir.empty()) {
    std::vector<std::string> rejected;
    Result<trust::TrustStore> loaded =
        trust::TrustStore::LoadDir(args.trust_dir, &rejected);
    if (!loaded.ok()) {
      ReportError(loaded.status().ToString());
      return kExitUsage;
    }
    for (const std::string& r : rejected) ReportError("trust store: " + r);
    trust = std::move(*loaded);
  }
  Result<trust::InspectReport> report =
      trust::InspectPayload(*payload, trust ? &*trust : nullptr);
  if (!report.ok()) {
    ReportError(args.file + ": " + report.status().message());
    return kExitUsage;
  }
  std::printf("%s\n", trust::ReportJson(*report).c_str());
  return report->valid ? kExitOk : kExitInvalid;
}

struct SignArgs {
  std::string key;
  std::string video_id;
  int64_t number = 0;
  int64_t total = 0;
  std::string prev_hex;
  std::string data_file;
  std::string cert;  // carried as "c" when given
  bool deterministic = false;
};

int RunSign(const SignArgs& args) {
  Result<trust::SecretKey> key = trust::LoadSecretKey(args.key);
  Result<Bytes> data = ReadFile(args.data_file);
  wire::Link prev = wire::GenesisLink();
  Status s =
      key.ok() ? (data.ok() ? Status::OK() : data.status()) : key.status();
  if (s.ok() && !args.prev_hex.empty()) {
    Result<Bytes> bytes = FromHex(args.prev_hex);
    if (!bytes.ok() || bytes->size() != prev.size()) {
      s = Status::InvalidArgument(
          "--prev must be 72 bytes of hex (a chain link)");
    } else {
      std::copy(bytes->begin(), bytes->end(), prev.begin());
    }
  }
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  Bytes cert;
  if (!args.cert.empty()) {
    Result<Bytes> bytes = ReadFile(args.cert);
    if (!bytes.ok()) {
      ReportError(bytes.status().ToString());
      return kExitUsage;
    }
    cert = std::move(*bytes);
  }
  trust::PacketSigner signer(std::move(*key),
                             {1, args.deterministic, std::move(cert)});
  signer.ResumeAt(args.number, prev);
  Result<wire::Envelope> e = signer.Next(
      {args.video_id, args.number, args.total, std::move(*data)}, true);
  if (!e.ok()) {
    ReportError(e.status().ToString());
    return kExitUsage;
  }
  Bytes payload = wire::EncodeEnvelope(*e);
  if (std::fwrite(payload.data(), 1, payload.size(), stdout) !=
      payload.size()) {
    ReportError("cannot write the payload to standard output");
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace

void AddPacketCommands(CLI::App& app, int* exit_code) {
  auto* packet = app.add_subcommand("packet", "Inspect or make one payload");
  packet->require_subcommand(1);

  auto inspect_args = std::make_shared<InspectArgs>();
  auto* inspect = packet->add_subcommand(
      "inspect", "Decode and verify a payload; print one JSON line");
  inspect->add_option("file", inspect_args->file, "Payload file (- for stdin)")
      ->required();
  inspect->add_option("--trust", inspect_args->trust_dir,
                      "Trust directory: publishers' .pub files, fog keys "
                      "(.authority) and revocation lists (.revocations)");
  inspect->callback(
      [inspect_args, exit_code] { *exit_code = RunInspect(*inspect_args); });

  auto sign_args = std::make_shared<SignArgs>();
  auto* sign = packet->add_subcommand(
      "sign", "Wrap data in a signed envelope, written to stdout");
  sign->add_option("--key", sign_args->key, "Secret key file (NAME.key)")
      ->required();
  sign->add_option("--video-id", sign_args->video_id, "Video id")->required();
  sign->add_option("--cert", sign_args->cert,
                   "The key's certificate (fog publisher add), carried in "
                   "the envelope");
  sign->add_option("--number", sign_args->number, "Packet number (from 1)")
      ->required()
      ->check(CLI::PositiveNumber);
  sign->add_option("--total", sign_args->total, "Total packets (0 = unknown)")
      ->check(CLI::NonNegativeNumber);
  sign->add_option("--prev", sign_args->prev_hex,
                   "Chain link of the previous packet (hex; default genesis)");
  sign->add_flag("--deterministic", sign_args->deterministic,
                 "Deterministic ML-DSA signature (rnd = 0)");
  sign->add_option("datafile", sign_args->data_file,
                   "Packet data (- for stdin)")
      ->required();
  sign->callback([sign_args, exit_code] { *exit_code = RunSign(*sign_args); });
}

}  // namespace fog::cli
