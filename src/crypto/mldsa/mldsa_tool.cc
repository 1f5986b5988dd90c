// mldsa_tool: a test-only command-line front end to fog::mldsa for the
// interoperability test (tests/interop). Reads hex lines on stdin and writes
// hex on stdout; an empty line is an empty byte string.
//
//   mldsa_tool keygen ml-dsa-65   stdin: seed          stdout: pk, sk
//   mldsa_tool sign ml-dsa-65     stdin: sk, msg, ctx, rnd ("random" for
//                                 fresh bytes)         stdout: signature
//   mldsa_tool verify ml-dsa-65   stdin: pk, msg, ctx, sig
//                                 stdout: "valid" or "invalid"
//
// Exit status: 0 on success (including an "invalid" verdict), 1 on a usage or
// input error, with the reason on stderr.

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/random.h"

namespace {

using fog::Bytes;
namespace mldsa = fog::mldsa;
namespace crypto = fog::crypto;

int Fail(const std::string& why) {
  std::fprintf(stderr, "mldsa_tool: %s\n", why.c_str());
  return 1;
}

// Reads the next line of stdin as hex into `out`.
bool ReadHexLine(const char* what, Bytes& out) {
  std::string line;
  if (!std::getline(std::cin, line)) {
    std::fprintf(stderr, "mldsa_tool: missing %s line\n", what);
    return false;
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  fog::Result<Bytes> bytes = fog::FromHex(line);
  if (!bytes.ok()) {
    std::fprintf(stderr, "mldsa_tool: bad hex for %s\n", what);
    return false;
  }
  out = std::move(*bytes);
  return true;
}

int KeyGenCommand(mldsa::Alg alg) {
  Bytes seed;
  if (!ReadHexLine("seed", seed)) return 1;
  if (seed.size() != mldsa::kSeedBytes) return Fail("seed must be 32 bytes");
  const mldsa::Sizes sizes = mldsa::SizesOf(alg);
  Bytes pk(sizes.public_key), sk(sizes.secret_key);
  const fog::Status s =
      mldsa::KeyGen(alg, mldsa::Seed(seed.data(), mldsa::kSeedBytes), pk, sk);
  if (!s.ok()) return Fail(s.ToString());
  std::printf("%s\n%s\n", fog::ToHex(pk).c_str(), fog::ToHex(sk).c_str());
  return 0;
}

int SignCommand(mldsa::Alg alg) {
  Bytes sk, msg, ctx, rnd;
  std::string rnd_line;
  if (!ReadHexLine("sk", sk) || !ReadHexLine("msg", msg) ||
      !ReadHexLine("ctx", ctx)) {
    return 1;
  }
  if (!std::getline(std::cin, rnd_line)) return Fail("missing rnd line");
  if (rnd_line == "random") {
    rnd.resize(mldsa::kSeedBytes);
    if (!crypto::RandomBytes(rnd).ok()) return Fail("getrandom failed");
  } else {
    fog::Result<Bytes> r = fog::FromHex(rnd_line);
    if (!r.ok()) return Fail("bad hex for rnd");
    rnd = std::move(*r);
  }
  if (rnd.size() != mldsa::kSeedBytes) return Fail("rnd must be 32 bytes");
  Bytes sig(mldsa::SizesOf(alg).signature);
  const fog::Status s = mldsa::Sign(
      alg, sk, msg, ctx, mldsa::Seed(rnd.data(), mldsa::kSeedBytes), sig);
  if (!s.ok()) return Fail(s.ToString());
  std::printf("%s\n", fog::ToHex(sig).c_str());
  return 0;
}

int VerifyCommand(mldsa::Alg alg) {
  Bytes pk, msg, ctx, sig;
  if (!ReadHexLine("pk", pk) || !ReadHexLine("msg", msg) ||
      !ReadHexLine("ctx", ctx) || !ReadHexLine("sig", sig)) {
    return 1;
  }
  std::printf("%s\n",
              mldsa::Verify(alg, pk, msg, ctx, sig) ? "valid" : "invalid");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    return Fail("usage: mldsa_tool keygen|sign|verify ml-dsa-44|65|87");
  }
  const std::string command = argv[1];
  const std::optional<mldsa::Alg> alg = mldsa::AlgFromName(argv[2]);
  if (!alg) return Fail("unknown parameter set " + std::string(argv[2]));
  if (command == "keygen") return KeyGenCommand(*alg);
  if (command == "sign") return SignCommand(*alg);
  if (command == "verify") return VerifyCommand(*alg);
  return Fail("unknown command " + command);
}
