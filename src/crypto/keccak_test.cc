#include "crypto/keccak.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>
#include <vector>

#include "crypto/wipe_probe.h"

namespace fog::crypto {
namespace {

using Bytes = std::vector<uint8_t>;

// OpenSSL's one-shot SHAKE as the reference.
Bytes OpenSslShake(const EVP_MD* md, const Bytes& in, size_t out_len) {
  Bytes out(out_len);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestInit_ex(ctx, md, nullptr), 1);
  EXPECT_EQ(EVP_DigestUpdate(ctx, in.data(), in.size()), 1);
  if (out_len > 0) {
    EXPECT_EQ(EVP_DigestFinalXOF(ctx, out.data(), out_len), 1);
  }
  EVP_MD_CTX_free(ctx);
  return out;
}

Bytes RandomBytesFrom(std::mt19937_64& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

// Absorbs `in` and squeezes `out_len` bytes, both in random-sized pieces.
template <typename H>
Bytes OursInPieces(std::mt19937_64& rng, const Bytes& in, size_t out_len) {
  H h;
  size_t off = 0;
  while (off < in.size()) {
    size_t n = std::min<size_t>(rng() % 300, in.size() - off);
    h.Absorb(std::span<const uint8_t>(in.data() + off, n));
    off += n;
  }
  h.Finalize();
  Bytes out(out_len);
  off = 0;
  while (off < out_len) {
    size_t n = std::min<size_t>(rng() % 400, out_len - off);
    h.Squeeze(std::span<uint8_t>(out.data() + off, n));
    off += n;
  }
  return out;
}

template <typename H>
void CheckAgainstOpenSsl(const EVP_MD* md) {
  std::mt19937_64 rng(42);
  // Every length around the rate boundaries, then random lengths.
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 2 * H::kBlockBytes + 10; ++n) lengths.push_back(n);
  for (int i = 0; i < 100; ++i) lengths.push_back(rng() % 5000);
  for (size_t in_len : lengths) {
    const Bytes in = RandomBytesFrom(rng, in_len);
    const size_t out_len = (in_len * 7 + 1) % 1200;
    const Bytes expected = OpenSslShake(md, in, out_len);
    Bytes one_shot(out_len);
    H h;
    h.Absorb(in);
    h.Finalize();
    h.Squeeze(one_shot);
    ASSERT_EQ(one_shot, expected) << "in_len=" << in_len;
    ASSERT_EQ(OursInPieces<H>(rng, in, out_len), expected)
        << "in_len=" << in_len;
  }
}

TEST(KeccakTest, Shake128MatchesOpenSsl) {
  CheckAgainstOpenSsl<Shake128>(EVP_shake128());
}

TEST(KeccakTest, Shake256MatchesOpenSsl) {
  CheckAgainstOpenSsl<Shake256>(EVP_shake256());
}

TEST(KeccakTest, SqueezeBlocksContinuesTheStream) {
  std::mt19937_64 rng(7);
  const Bytes in = RandomBytesFrom(rng, 33);
  const Bytes expected = OpenSslShake(EVP_shake128(), in, 5 * 168 + 20);
  Shake128 h;
  h.Absorb(in);
  h.Finalize();
  Bytes out(5 * 168 + 20);
  h.SqueezeBlocks(out.data(), 2);
  h.SqueezeBlocks(out.data() + 2 * 168, 3);
  h.Squeeze(std::span<uint8_t>(out.data() + 5 * 168, 20));
  EXPECT_EQ(out, expected);
}

TEST(KeccakTest, OneShotHelpers) {
  const Bytes in = {'a', 'b', 'c'};
  Bytes out(64);
  Shake256Hash(in, out);
  EXPECT_EQ(out, OpenSslShake(EVP_shake256(), in, 64));
  Shake128Hash(in, out);
  EXPECT_EQ(out, OpenSslShake(EVP_shake128(), in, 64));
}

// Each instance of the 4-way SHAKE equals a single SHAKE on its input.
template <typename X4, typename H>
void CheckX4(size_t in_len) {
  std::mt19937_64 rng(in_len);
  std::array<Bytes, 4> in;
  for (Bytes& b : in) b = RandomBytesFrom(rng, in_len);
  std::array<Bytes, 4> out;
  for (Bytes& b : out) b.resize(3 * X4::kBlockBytes);
  X4 x4;
  x4.AbsorbOnce({in[0].data(), in[1].data(), in[2].data(), in[3].data()},
                in_len);
  x4.SqueezeBlocks({out[0].data(), out[1].data(), out[2].data(), out[3].data()},
                   1);
  x4.SqueezeBlocks(
      {out[0].data() + X4::kBlockBytes, out[1].data() + X4::kBlockBytes,
       out[2].data() + X4::kBlockBytes, out[3].data() + X4::kBlockBytes},
      2);
  for (int j = 0; j < 4; ++j) {
    Bytes expected(out[j].size());
    H h;
    h.Absorb(in[j]);
    h.Finalize();
    h.Squeeze(expected);
    EXPECT_EQ(out[j], expected) << "instance " << j << " in_len " << in_len;
  }
}

TEST(KeccakTest, FourWayMatchesSingle) {
  for (size_t len : {0, 1, 7, 8, 33, 34, 66, 135}) {
    CheckX4<Shake128X4, Shake128>(len);
    CheckX4<Shake256X4, Shake256>(len);
  }
  CheckX4<Shake128X4, Shake128>(167);
}

// Signing absorbs secret seeds: a destroyed Shake leaves only zeros.
template <typename H>
void CheckShakeWipes() {
  const Bytes seed(64, 0x3C);
  WipeProbe absorbing = ProbeWipe<H>([&](H& h) { h.Absorb(seed); });
  EXPECT_FALSE(AllZero(absorbing.before));  // so the next check can fail
  EXPECT_TRUE(AllZero(absorbing.after));
  WipeProbe squeezing = ProbeWipe<H>([&](H& h) {
    h.Absorb(seed);
    h.Finalize();
    Bytes out(10);
    h.Squeeze(out);
  });
  EXPECT_FALSE(AllZero(squeezing.before));
  EXPECT_TRUE(AllZero(squeezing.after));
}

template <typename X4>
void CheckShakeX4Wipes() {
  const Bytes seed(66, 0x3C);
  WipeProbe probe = ProbeWipe<X4>([&](X4& h) {
    h.AbsorbOnce({seed.data(), seed.data(), seed.data(), seed.data()},
                 seed.size());
    std::array<Bytes, 4> out;
    for (Bytes& b : out) b.resize(X4::kBlockBytes);
    h.SqueezeBlocks(
        {out[0].data(), out[1].data(), out[2].data(), out[3].data()}, 1);
  });
  EXPECT_FALSE(AllZero(probe.before));
  EXPECT_TRUE(AllZero(probe.after));
}

TEST(KeccakTest, DestroyedShakeIsWiped) {
  CheckShakeWipes<Shake128>();
  CheckShakeWipes<Shake256>();
  CheckShakeX4Wipes<Shake128X4>();
  CheckShakeX4Wipes<Shake256X4>();
}

}  // namespace
}  // namespace fog::crypto
