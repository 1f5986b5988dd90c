// Round trips for every parameter set, tamper detection (one changed byte
// of message, signature or public key makes Verify fail), consistency of the
// external, internal and externalMu interfaces, and argument checking.

#include "crypto/mldsa/mldsa.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "crypto/keccak.h"
#include "crypto/random.h"

namespace fog::mldsa {
namespace {

using Bytes = std::vector<uint8_t>;

struct KeyPair {
  Bytes pk, sk;
};

KeyPair MakeKeys(Alg alg, uint8_t seed_byte) {
  const Sizes sizes = SizesOf(alg);
  KeyPair kp{Bytes(sizes.public_key), Bytes(sizes.secret_key)};
  std::array<uint8_t, kSeedBytes> xi;
  xi.fill(seed_byte);
  EXPECT_TRUE(KeyGen(alg, xi, kp.pk, kp.sk).ok());
  return kp;
}

Bytes MakeSig(Alg alg, const Bytes& sk, const Bytes& msg, const Bytes& ctx,
              const std::array<uint8_t, kSeedBytes>& rnd) {
  Bytes sig(SizesOf(alg).signature);
  EXPECT_TRUE(Sign(alg, sk, msg, ctx, rnd, sig).ok());
  return sig;
}

// Up to `count` positions spread over [0, size), always with both ends.
std::vector<size_t> SamplePositions(size_t size, size_t count) {
  std::vector<size_t> out;
  for (size_t i = 0; i < count; ++i)
    out.push_back(i * (size - 1) / (count - 1));
  return out;
}

class MlDsaTest : public ::testing::TestWithParam<Alg> {};

TEST_P(MlDsaTest, RoundTripDeterministicAndHedged) {
  const Alg alg = GetParam();
  const KeyPair kp = MakeKeys(alg, 7);
  const Bytes msg = {'f', 'o', 'g'}, ctx = {1, 2, 3};
  const std::array<uint8_t, kSeedBytes> zero{};
  const Bytes det1 = MakeSig(alg, kp.sk, msg, ctx, zero);
  const Bytes det2 = MakeSig(alg, kp.sk, msg, ctx, zero);
  EXPECT_EQ(det1, det2);  // deterministic variant
  EXPECT_TRUE(Verify(alg, kp.pk, msg, ctx, det1));
  std::array<uint8_t, kSeedBytes> rnd;
  ASSERT_TRUE(crypto::RandomBytes(rnd).ok());
  const Bytes hedged = MakeSig(alg, kp.sk, msg, ctx, rnd);
  EXPECT_NE(hedged, det1);
  EXPECT_TRUE(Verify(alg, kp.pk, msg, ctx, hedged));
  EXPECT_FALSE(Verify(alg, kp.pk, msg, {}, hedged));  // other context
  const KeyPair other = MakeKeys(alg, 8);
  EXPECT_FALSE(Verify(alg, other.pk, msg, ctx, hedged));
  // Empty message and the longest context.
  const Bytes long_ctx(kMaxContextBytes, 0xcc);
  const Bytes sig = MakeSig(alg, kp.sk, {}, long_ctx, rnd);
  EXPECT_TRUE(Verify(alg, kp.pk, {}, long_ctx, sig));
}

TEST_P(MlDsaTest, AnyChangedByteFailsVerification) {
  const Alg alg = GetParam();
  const KeyPair kp = MakeKeys(alg, 9);
  Bytes msg(100);
  for (size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<uint8_t>(i);
  const Bytes ctx = {'c'};
  std::array<uint8_t, kSeedBytes> rnd;
  ASSERT_TRUE(crypto::RandomBytes(rnd).ok());
  Bytes sig = MakeSig(alg, kp.sk, msg, ctx, rnd);
  Bytes pk = kp.pk;
  ASSERT_TRUE(Verify(alg, pk, msg, ctx, sig));
  for (size_t pos : SamplePositions(msg.size(), 10)) {
    msg[pos] ^= 0x01;
    EXPECT_FALSE(Verify(alg, pk, msg, ctx, sig)) << "message byte " << pos;
    msg[pos] ^= 0x01;
  }
  // Covers c_tilde, z, the hint positions and the hint counts.
  for (size_t pos : SamplePositions(sig.size(), 64)) {
    sig[pos] ^= 0x80;
    EXPECT_FALSE(Verify(alg, pk, msg, ctx, sig)) << "signature byte " << pos;
    sig[pos] ^= 0x80;
  }
  for (size_t pos : SamplePositions(pk.size(), 40)) {
    pk[pos] ^= 0x04;
    EXPECT_FALSE(Verify(alg, pk, msg, ctx, sig)) << "public key byte " << pos;
    pk[pos] ^= 0x04;
  }
  EXPECT_TRUE(Verify(alg, pk, msg, ctx, sig));  // restored
}

TEST_P(MlDsaTest, PreparedKeyGivesTheVerdictsOfVerify) {
  const Alg alg = GetParam();
  const KeyPair kp = MakeKeys(alg, 11), other = MakeKeys(alg, 12);
  Bytes msg(300, 0x5a);
  const Bytes ctx = {'f', 'o', 'g'};
  std::array<uint8_t, kSeedBytes> rnd{};
  Bytes sig = MakeSig(alg, kp.sk, msg, ctx, rnd);
  Result<VerifyingKey> key = VerifyingKey::Prepare(alg, kp.pk);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->alg(), alg);
  EXPECT_TRUE(key->Verify(msg, ctx, sig));
  EXPECT_TRUE(key->Verify(msg, ctx, sig));  // reusable
  EXPECT_FALSE(key->Verify(msg, {}, sig));  // other context
  const VerifyingKey copy = *key;           // shares the expansion
  for (size_t pos : SamplePositions(sig.size(), 32)) {
    sig[pos] ^= 0x80;
    EXPECT_FALSE(copy.Verify(msg, ctx, sig)) << "signature byte " << pos;
    sig[pos] ^= 0x80;
  }
  msg[7] ^= 0x01;
  EXPECT_FALSE(copy.Verify(msg, ctx, sig));
  msg[7] ^= 0x01;
  Result<VerifyingKey> wrong = VerifyingKey::Prepare(alg, other.pk);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->Verify(msg, ctx, sig));
  EXPECT_FALSE(key->Verify(msg, ctx, Bytes(sig.begin(), sig.end() - 1)));
  EXPECT_FALSE(key->Verify(msg, Bytes(256, 'c'), sig));  // ctx > 255
  Result<VerifyingKey> short_key =
      VerifyingKey::Prepare(alg, Bytes(kp.pk.begin(), kp.pk.end() - 1));
  EXPECT_EQ(short_key.status().code(), Status::Code::kInvalidArgument);
}

TEST_P(MlDsaTest, ExternalInternalAndMuAgree) {
  const Alg alg = GetParam();
  const KeyPair kp = MakeKeys(alg, 10);
  const Bytes msg = {9, 8, 7}, ctx = {4, 5};
  const std::array<uint8_t, kSeedBytes> rnd{};
  // M' = 0 || |ctx| || ctx || M (FIPS 204 Algorithm 2 step 10).
  Bytes m_prime = {0, static_cast<uint8_t>(ctx.size())};
  m_prime.insert(m_prime.end(), ctx.begin(), ctx.end());
  m_prime.insert(m_prime.end(), msg.begin(), msg.end());
  const Bytes external = MakeSig(alg, kp.sk, msg, ctx, rnd);
  Bytes internal(external.size()), via_mu(external.size());
  ASSERT_TRUE(SignInternal(alg, kp.sk, m_prime, rnd, internal).ok());
  EXPECT_EQ(internal, external);
  // mu = H(H(pk, 64) || M', 64).
  std::array<uint8_t, 64> tr;
  crypto::Shake256Hash(kp.pk, tr);
  std::array<uint8_t, kMuBytes> mu;
  crypto::Shake256 h;
  h.Absorb(tr);
  h.Absorb(m_prime);
  h.Finalize();
  h.Squeeze(mu);
  ASSERT_TRUE(SignMu(alg, kp.sk, mu, rnd, via_mu).ok());
  EXPECT_EQ(via_mu, external);
  EXPECT_TRUE(VerifyInternal(alg, kp.pk, m_prime, external));
  EXPECT_TRUE(VerifyMu(alg, kp.pk, mu, external));
  EXPECT_FALSE(VerifyInternal(alg, kp.pk, msg, external));
}

TEST_P(MlDsaTest, WrongLengthsAreErrorsNotCrashes) {
  const Alg alg = GetParam();
  const Sizes sizes = SizesOf(alg);
  const KeyPair kp = MakeKeys(alg, 11);
  const Bytes msg = {1};
  const std::array<uint8_t, kSeedBytes> rnd{};
  const std::array<uint8_t, kMuBytes> mu{};
  const Bytes good_sig = MakeSig(alg, kp.sk, msg, {}, rnd);
  // One byte short, then one byte long.
  for (bool longer : {false, true}) {
    Bytes pk = kp.pk, sk = kp.sk, sig = good_sig;
    for (Bytes* b : {&pk, &sk, &sig}) {
      if (longer) {
        b->push_back(0);
      } else {
        b->pop_back();
      }
    }
    EXPECT_FALSE(KeyGen(alg, rnd, pk, sk).ok());
    EXPECT_FALSE(Sign(alg, sk, msg, {}, rnd, sig).ok());
    Bytes right_sig(sizes.signature);
    EXPECT_FALSE(Sign(alg, sk, msg, {}, rnd, right_sig).ok());
    EXPECT_FALSE(Sign(alg, kp.sk, msg, {}, rnd, sig).ok());
    EXPECT_FALSE(SignInternal(alg, kp.sk, msg, rnd, sig).ok());
    EXPECT_FALSE(SignMu(alg, sk, mu, rnd, right_sig).ok());
    EXPECT_FALSE(Verify(alg, pk, msg, {}, good_sig));
    EXPECT_FALSE(Verify(alg, kp.pk, msg, {}, sig));
    EXPECT_FALSE(VerifyInternal(alg, kp.pk, msg, sig));
    EXPECT_FALSE(VerifyMu(alg, kp.pk, mu, sig));
  }
  EXPECT_FALSE(Verify(alg, {}, msg, {}, {}));
  const Bytes ctx256(kMaxContextBytes + 1, 0);
  Bytes sig(sizes.signature);
  const Status s = Sign(alg, kp.sk, msg, ctx256, rnd, sig);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(Verify(alg, kp.pk, msg, ctx256, good_sig));
  EXPECT_TRUE(Verify(alg, kp.pk, msg, {}, good_sig));
}

TEST_P(MlDsaTest, KeyGenIsDeterministicAndNamed) {
  const Alg alg = GetParam();
  const KeyPair a = MakeKeys(alg, 1), b = MakeKeys(alg, 1),
                c = MakeKeys(alg, 2);
  EXPECT_EQ(a.pk, b.pk);
  EXPECT_EQ(a.sk, b.sk);
  EXPECT_NE(a.pk, c.pk);
  EXPECT_EQ(AlgFromName(AlgName(alg)), alg);
  EXPECT_EQ(AlgFromPublicKeySize(a.pk.size()), alg);
  EXPECT_EQ(AlgFromSecretKeySize(a.sk.size()), alg);
}

INSTANTIATE_TEST_SUITE_P(AllParameterSets, MlDsaTest,
                         ::testing::Values(Alg::kMlDsa44, Alg::kMlDsa65,
                                           Alg::kMlDsa87),
                         [](const ::testing::TestParamInfo<Alg>& p) {
                           return std::to_string(static_cast<int>(p.param));
                         });

TEST(MlDsaApiTest, SizesAndNames) {
  EXPECT_EQ(SizesOf(Alg::kMlDsa44).public_key, 1312u);
  EXPECT_EQ(SizesOf(Alg::kMlDsa65).secret_key, 4032u);
  EXPECT_EQ(SizesOf(Alg::kMlDsa87).signature, 4627u);
  EXPECT_FALSE(AlgFromName("ml-dsa-99").has_value());
  EXPECT_FALSE(AlgFromPublicKeySize(1).has_value());
  EXPECT_FALSE(AlgFromSecretKeySize(0).has_value());
}

TEST(MlDsaApiTest, UnknownParameterSetIsAnError) {
  const Alg bad = static_cast<Alg>(42);
  Bytes pk(1312), sk(2560), sig(2420);
  const std::array<uint8_t, kSeedBytes> seed{};
  EXPECT_EQ(SizesOf(bad).public_key, 0u);
  EXPECT_FALSE(KeyGen(bad, seed, pk, sk).ok());
  EXPECT_FALSE(Sign(bad, sk, {}, {}, seed, sig).ok());
  EXPECT_FALSE(Verify(bad, pk, {}, {}, sig));
}

TEST(MlDsaApiTest, RandomBytesFillsTheBuffer) {
  std::array<uint8_t, 64> a{}, b{};
  ASSERT_TRUE(crypto::RandomBytes(a).ok());
  ASSERT_TRUE(crypto::RandomBytes(b).ok());
  EXPECT_NE(a, b);
  EXPECT_TRUE(crypto::RandomBytes({}).ok());
}

}  // namespace
}  // namespace fog::mldsa
