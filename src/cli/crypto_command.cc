// fog keygen, fog crypto keygen | sign | verify: ML-DSA on raw messages.

#include <cstdio>

#include "cli/commands.h"
#include "common/bytes.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "trust/keys.h"

namespace fog::cli {

namespace {

struct KeygenArgs {
  std::string alg = "ml-dsa-44";
  std::string seed_hex;
  std::string out;
};

int RunKeygen(const KeygenArgs& args) {
  std::optional<mldsa::Alg> alg = mldsa::AlgFromName(args.alg);
  if (!alg) {
    ReportError("unknown algorithm " + args.alg +
                " (ml-dsa-44, ml-dsa-65 or ml-dsa-87)");
    return kExitUsage;
  }
  std::optional<Bytes> seed;
  if (!args.seed_hex.empty()) {
    Result<Bytes> bytes = FromHex(args.seed_hex);
    if (!bytes.ok() || bytes->size() != mldsa::kSeedBytes) {
      ReportError("--seed must be 32 bytes of hex");
      return kExitUsage;
    }
    seed = std::move(*bytes);
  }
  Result<trust::KeyPair> pair = trust::GenerateKeyPair(*alg, std::move(seed));
  Status s = pair.ok() ? trust::WriteKeyPair(args.out, *pair) : pair.status();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  std::printf("%s.key %s.pub key id %s\n", args.out.c_str(), args.out.c_str(),
              ToHex(pair->pub.id).c_str());
  return kExitOk;
}

Result<Bytes> ParseContext(const std::string& hex) {
  Result<Bytes> ctx = FromHex(hex);
  if (!ctx.ok())
    return Status::InvalidArgument("--context: " + ctx.status().message());
  if (ctx->size() > mldsa::kMaxContextBytes) {
    return Status::InvalidArgument("--context is longer than 255 bytes");
  }
  return ctx;
}

struct SignArgs {
  std::string key;
  bool deterministic = false;
  std::string context_hex;
};

int RunSign(const SignArgs& args) {
  Result<trust::SecretKey> key = trust::LoadSecretKey(args.key);
  Result<Bytes> ctx = ParseContext(args.context_hex);
  Result<Bytes> msg = ReadFile("-");
  Status s = !key.ok() ? key.status() : !ctx.ok() ? ctx.status() : msg.status();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  // Hedged unless --deterministic; a CSPRNG failure is reported and nothing
  // is signed (rnd would not be random).
  crypto::Secret<std::array<uint8_t, mldsa::kSeedBytes>> rnd;
  rnd->fill(0);
  if (!args.deterministic) s = crypto::RandomBytes(*rnd);
  Bytes sig(mldsa::SizesOf(key->alg).signature);
  if (s.ok()) s = mldsa::Sign(key->alg, key->bytes, *msg, *ctx, *rnd, sig);
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  if (std::fwrite(sig.data(), 1, sig.size(), stdout) != sig.size()) {
    ReportError("cannot write the signature to standard output");
    return kExitUsage;
  }
  return kExitOk;
}

struct VerifyArgs {
  std::string pub;
  std::string sig;
  std::string context_hex;
};

int RunVerify(const VerifyArgs& args) {
  Result<trust::PublicKey> key = trust::LoadPublicKey(args.pub);
  Result<Bytes> sig = ReadFile(args.sig);
  Result<Bytes> ctx = ParseContext(args.context_hex);
  Result<Bytes> msg = ReadFile("-");
  Status s = !key.ok()   ? key.status()
             : !sig.ok() ? sig.status()
             : !ctx.ok() ? ctx.status()
                         : msg.status();
  if (!s.ok()) {
    ReportError(s.ToString());
    return kExitUsage;
  }
  if (sig->size() != mldsa::SizesOf(key->alg).signature) {
    std::printf("invalid: signature has %zu bytes, %s signatures have %zu\n",
                sig->size(), mldsa::AlgName(key->alg),
                mldsa::SizesOf(key->alg).signature);
    return kExitInvalid;
  }
  if (!key->Verify(*msg, *ctx, *sig)) {
    std::printf("invalid\n");
    return kExitInvalid;
  }
  std::printf("valid\n");
  return kExitOk;
}

void AddKeygenOptions(CLI::App* cmd, KeygenArgs* args) {
  cmd->add_option("--alg", args->alg, "ml-dsa-44 | ml-dsa-65 | ml-dsa-87")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed_hex, "32-byte key seed xi, hex");
  cmd->add_option("--out", args->out, "Writes NAME.key (0600) and NAME.pub")
      ->required();
}

}  // namespace

void AddCryptoCommands(CLI::App& app, int* exit_code) {
  auto top_keygen_args = std::make_shared<KeygenArgs>();
  auto* top_keygen = app.add_subcommand("keygen", "Make a publisher key pair");
  AddKeygenOptions(top_keygen, top_keygen_args.get());
  top_keygen->callback([top_keygen_args, exit_code] {
    *exit_code = RunKeygen(*top_keygen_args);
  });

  auto* crypto = app.add_subcommand("crypto", "ML-DSA on raw messages");
  crypto->require_subcommand(1);

  auto keygen_args = std::make_shared<KeygenArgs>();
  auto* keygen = crypto->add_subcommand("keygen", "Make an ML-DSA key pair");
  AddKeygenOptions(keygen, keygen_args.get());
  keygen->callback(
      [keygen_args, exit_code] { *exit_code = RunKeygen(*keygen_args); });

  auto sign_args = std::make_shared<SignArgs>();
  auto* sign = crypto->add_subcommand(
      "sign", "Sign standard input; the signature goes to standard output");
  sign->add_option("--key", sign_args->key, "Secret key file")->required();
  sign->add_flag("--deterministic", sign_args->deterministic,
                 "Deterministic variant (rnd = 0) instead of hedged");
  sign->add_option("--context", sign_args->context_hex,
                   "Context string, hex, at most 255 bytes");
  sign->callback([sign_args, exit_code] { *exit_code = RunSign(*sign_args); });

  auto verify_args = std::make_shared<VerifyArgs>();
  auto* verify = crypto->add_subcommand(
      "verify", "Verify a signature over standard input (exit 0 valid, 1 not)");
  verify->add_option("--pub", verify_args->pub, "Public key file")->required();
  verify->add_option("--sig", verify_args->sig, "Signature file")->required();
  verify->add_option("--context", verify_args->context_hex,
                     "Context string, hex, at most 255 bytes");
  verify->callback(
      [verify_args, exit_code] { *exit_code = RunVerify(*verify_args); });
}

}  // namespace fog::cli
