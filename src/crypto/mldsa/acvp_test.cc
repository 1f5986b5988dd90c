// Runs the NIST ACVP ML-DSA vectors (FIPS204 revision, ACVP-Server
// v1.1.0.43) from ${FOG_VECTORS_DIR}/ml-dsa: keyGen, sigGen and sigVer, for
// the external/pure interface and both internal forms (M' and externalMu).
// Only the preHash groups (HashML-DSA, not offered) are skipped. Every test
// asserts the exact number of cases it ran, and a missing vectors directory
// is a failure, not a skip.

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/bytes.h"
#include "crypto/mldsa/mldsa.h"

namespace fog::mldsa {
namespace {

using nlohmann::json;

const std::string kDir = std::string(FOG_VECTORS_DIR) + "/ml-dsa/";

// Parses a vectors file; an empty (discarded) json on any error.
json Load(const std::string& relative) {
  Result<Bytes> bytes = ReadFile(kDir + relative);
  if (!bytes.ok()) return json::value_t::discarded;
  return json::parse(bytes->begin(), bytes->end(), nullptr,
                     /*allow_exceptions=*/false);
}

Bytes Hex(const json& v) {
  Result<Bytes> b = FromHex(v.get<std::string>());
  EXPECT_TRUE(b.ok());
  return b.ok() ? *b : Bytes{};
}

std::optional<Alg> ParamSet(const json& group) {
  const std::string name = group["parameterSet"].get<std::string>();
  if (name == "ML-DSA-44") return Alg::kMlDsa44;
  if (name == "ML-DSA-65") return Alg::kMlDsa65;
  if (name == "ML-DSA-87") return Alg::kMlDsa87;
  return std::nullopt;
}

// Expected results indexed by tcId.
std::map<int, json> ByTcId(const json& expected) {
  std::map<int, json> out;
  for (const json& group : expected["testGroups"]) {
    for (const json& test : group["tests"]) out[test["tcId"].get<int>()] = test;
  }
  return out;
}

struct Files {
  json prompt, expected;
};

Files LoadMode(const std::string& mode) {
  Files f{Load("ML-DSA-" + mode + "-FIPS204/prompt.json"),
          Load("ML-DSA-" + mode + "-FIPS204/expectedResults.json")};
  EXPECT_FALSE(f.prompt.is_discarded()) << "missing or bad " << kDir << mode;
  EXPECT_FALSE(f.expected.is_discarded()) << "missing or bad " << kDir << mode;
  return f;
}

// The kind of interface a sigGen/sigVer group exercises.
enum class Kind { kPure, kPreHash, kInternal, kInternalMu };

Kind KindOf(const json& group) {
  if (group["signatureInterface"] == "external") {
    return group["preHash"] == "pure" ? Kind::kPure : Kind::kPreHash;
  }
  return group["externalMu"].get<bool>() ? Kind::kInternalMu : Kind::kInternal;
}

TEST(AcvpTest, KeyGen) {
  Files f = LoadMode("keyGen");
  ASSERT_FALSE(f.prompt.is_discarded() || f.expected.is_discarded());
  const auto expected = ByTcId(f.expected);
  int ran = 0;
  for (const json& group : f.prompt["testGroups"]) {
    const auto alg = ParamSet(group);
    ASSERT_TRUE(alg.has_value());
    const Sizes sizes = SizesOf(*alg);
    for (const json& test : group["tests"]) {
      const int id = test["tcId"].get<int>();
      const Bytes seed = Hex(test["seed"]);
      ASSERT_EQ(seed.size(), kSeedBytes);
      Bytes pk(sizes.public_key), sk(sizes.secret_key);
      ASSERT_TRUE(KeyGen(*alg, Seed(seed.data(), kSeedBytes), pk, sk).ok());
      EXPECT_EQ(pk, Hex(expected.at(id)["pk"])) << "tcId " << id;
      EXPECT_EQ(sk, Hex(expected.at(id)["sk"])) << "tcId " << id;
      ++ran;
    }
  }
  EXPECT_EQ(ran, 75);
}

// Signs one sigGen case according to its group's interface.
Status SignCase(Alg alg, Kind kind, const json& test, Seed rnd, Bytes& sig) {
  const Bytes sk = Hex(test["sk"]);
  if (kind == Kind::kInternalMu) {
    const Bytes mu = Hex(test["mu"]);
    if (mu.size() != kMuBytes) return Status::InvalidArgument("mu size");
    return SignMu(alg, sk,
                  std::span<const uint8_t, kMuBytes>(mu.data(), kMuBytes), rnd,
                  sig);
  }
  const Bytes msg = Hex(test["message"]);
  if (kind == Kind::kInternal) return SignInternal(alg, sk, msg, rnd, sig);
  return Sign(alg, sk, msg, Hex(test["context"]), rnd, sig);
}

TEST(AcvpTest, SigGen) {
  Files f = LoadMode("sigGen");
  ASSERT_FALSE(f.prompt.is_discarded() || f.expected.is_discarded());
  const auto expected = ByTcId(f.expected);
  std::map<std::pair<Kind, bool>, int> ran;  // (kind, deterministic) -> count
  for (const json& group : f.prompt["testGroups"]) {
    const auto alg = ParamSet(group);
    ASSERT_TRUE(alg.has_value());
    const Kind kind = KindOf(group);
    const bool deterministic = group["deterministic"].get<bool>();
    for (const json& test : group["tests"]) {
      if (kind == Kind::kPreHash) {  // HashML-DSA is not offered
        ++ran[{kind, deterministic}];
        continue;
      }
      const int id = test["tcId"].get<int>();
      Bytes rnd(kSeedBytes, 0);  // deterministic variant: rnd = 0^32
      if (!deterministic) rnd = Hex(test["rnd"]);
      ASSERT_EQ(rnd.size(), kSeedBytes);
      Bytes sig(SizesOf(*alg).signature);
      ASSERT_TRUE(
          SignCase(*alg, kind, test, Seed(rnd.data(), kSeedBytes), sig).ok());
      EXPECT_EQ(sig, Hex(expected.at(id)["signature"])) << "tcId " << id;
      ++ran[{kind, deterministic}];
    }
  }
  for (Kind kind :
       {Kind::kPure, Kind::kPreHash, Kind::kInternal, Kind::kInternalMu}) {
    EXPECT_EQ((ran[{kind, true}]), 45) << static_cast<int>(kind);
    EXPECT_EQ((ran[{kind, false}]), 45) << static_cast<int>(kind);
  }
}

// Verifies one sigVer case according to its group's interface.
bool VerifyCase(Alg alg, Kind kind, const json& test) {
  const Bytes pk = Hex(test["pk"]), sig = Hex(test["signature"]);
  if (kind == Kind::kInternalMu) {
    const Bytes mu = Hex(test["mu"]);
    return mu.size() == kMuBytes &&
           VerifyMu(alg, pk,
                    std::span<const uint8_t, kMuBytes>(mu.data(), kMuBytes),
                    sig);
  }
  const Bytes msg = Hex(test["message"]);
  if (kind == Kind::kInternal) return VerifyInternal(alg, pk, msg, sig);
  return Verify(alg, pk, msg, Hex(test["context"]), sig);
}

// A pure sigVer case through a VerifyingKey; a key of the wrong length is
// refused by Prepare, which counts as a rejection.
bool VerifyPrepared(Alg alg, const json& test) {
  Result<VerifyingKey> key = VerifyingKey::Prepare(alg, Hex(test["pk"]));
  return key.ok() && key->Verify(Hex(test["message"]), Hex(test["context"]),
                                 Hex(test["signature"]));
}

TEST(AcvpTest, SigVer) {
  Files f = LoadMode("sigVer");
  ASSERT_FALSE(f.prompt.is_discarded() || f.expected.is_discarded());
  const auto expected = ByTcId(f.expected);
  std::map<Kind, int> ran, accepted;
  int skipped = 0;
  for (const json& group : f.prompt["testGroups"]) {
    const auto alg = ParamSet(group);
    ASSERT_TRUE(alg.has_value());
    const Kind kind = KindOf(group);
    for (const json& test : group["tests"]) {
      if (kind == Kind::kPreHash) {
        ++skipped;
        continue;
      }
      const int id = test["tcId"].get<int>();
      const bool want = expected.at(id)["testPassed"].get<bool>();
      EXPECT_EQ(VerifyCase(*alg, kind, test), want) << "tcId " << id;
      if (kind == Kind::kPure) {
        EXPECT_EQ(VerifyPrepared(*alg, test), want) << "prepared, tcId " << id;
      }
      ++ran[kind];
      accepted[kind] += want ? 1 : 0;
    }
  }
  EXPECT_EQ(skipped, 45);
  for (Kind kind : {Kind::kPure, Kind::kInternal, Kind::kInternalMu}) {
    EXPECT_EQ(ran[kind], 45) << static_cast<int>(kind);
    EXPECT_EQ(accepted[kind], 9)
        << static_cast<int>(kind);  // 3 valid per group
  }
}

}  // namespace
}  // namespace fog::mldsa
