#include "crypto/sis/swifft.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/sis/swifft_internal.h"

namespace fog::sis {
namespace {

using Input = std::array<uint8_t, kSwifftInputBytes>;

std::vector<SwifftPath> AvailablePaths() {
  std::vector<SwifftPath> paths;
  for (SwifftPath p :
       {SwifftPath::kPortable, SwifftPath::kAvx2, SwifftPath::kAvx512}) {
    if (SwifftPathAvailable(p)) paths.push_back(p);
  }
  return paths;
}

// The published vectors; a missing or unreadable file fails the test.
nlohmann::json LoadVectors() {
  const std::string path =
      std::string(FOG_VECTORS_DIR) + "/swifft/vectors.json";
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  EXPECT_TRUE(file.good() && !doc.is_discarded()) << "cannot read " << path;
  return doc.is_discarded() ? nlohmann::json::object() : doc;
}

// The schoolbook formula, generalised to integer coefficients:
// z[e] = sum_i key[i][e] sum_p x[i][p] w^((2e+1) bitrev6(p)) mod 257.
class Naive {
 public:
  using Coeffs = std::array<std::array<int, 64>, 16>;

  explicit Naive(const std::vector<int>& key) : key_(key) {
    for (int e = 0; e < 64; ++e) {
      for (int p = 0; p < 64; ++p) {
        power_[e][p] = Pow(42, (2 * e + 1) * BitRev6(p) % 128);
      }
    }
  }

  SwifftValues Eval(const Coeffs& x) const {
    SwifftValues z;
    for (int e = 0; e < 64; ++e) {
      int64_t acc = 0;
      for (int i = 0; i < 16; ++i) {
        int64_t s = 0;
        for (int p = 0; p < 64; ++p) s += x[i][p] * power_[e][p];
        acc += key_[64 * i + e] * (((s % 257) + 257) % 257);
      }
      z[e] = static_cast<uint16_t>(acc % 257);
    }
    return z;
  }

  static Coeffs Bits(const uint8_t* in) {
    Coeffs x;
    for (int i = 0; i < 16; ++i) {
      for (int p = 0; p < 64; ++p) x[i][p] = (in[8 * i + p / 8] >> (p % 8)) & 1;
    }
    return x;
  }

 private:
  static int BitRev6(int p) {
    int r = 0;
    for (int b = 0; b < 6; ++b) r |= ((p >> b) & 1) << (5 - b);
    return r;
  }
  static int Pow(int base, int exp) {
    int r = 1;
    for (int k = 0; k < exp; ++k) r = r * base % 257;
    return r;
  }
  std::vector<int> key_;
  int power_[64][64];  // w^((2e+1) bitrev6(p))
};

std::vector<int> VectorKey() {
  return LoadVectors()["key"]["values"].get<std::vector<int>>();
}

// The 72-byte encoding written out from its definition.
std::array<uint8_t, 72> NaiveEncode(const SwifftValues& z) {
  std::array<uint8_t, 72> out{};
  for (int e = 0; e < 64; ++e) out[e] = z[e] & 0xff;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      if (z[8 * j + i] == 256) out[64 + i] |= 1 << (7 - j);
    }
  }
  return out;
}

Input RandomInput(std::mt19937_64& rng) {
  Input in;
  for (auto& b : in) b = static_cast<uint8_t>(rng());
  return in;
}

TEST(SwifftTest, KeyIsThePiKeyOfTheVectors) {
  const std::vector<int> key = VectorKey();
  ASSERT_EQ(key.size(), 1024u);
  for (size_t k = 0; k < key.size(); ++k) {
    EXPECT_EQ(internal::kSwifftKey[k], key[k]) << k;
  }
}

TEST(SwifftTest, PublishedVectorsOnEveryPath) {
  const nlohmann::json doc = LoadVectors();
  ASSERT_TRUE(doc.contains("vectors"));
  ASSERT_EQ(doc["vectors"].size(), 22u);
  for (SwifftPath path : AvailablePaths()) {
    int passed = 0;
    for (const auto& v : doc["vectors"]) {
      const auto in = FromHex(v["input"].get<std::string>());
      ASSERT_TRUE(in.ok());
      ASSERT_EQ(in.value().size(), kSwifftInputBytes);
      const auto want = v["output_z257"].get<std::vector<int>>();
      const SwifftValues z = SwifftCompressWith(path, in.value().data());
      EXPECT_EQ(std::vector<int>(z.begin(), z.end()), want)
          << SwifftPathName(path) << ": " << v["description"];
      const auto enc = EncodeSwifft72(z);
      EXPECT_EQ(ToHex(enc), v["output_72"].get<std::string>());
      passed += std::vector<int>(z.begin(), z.end()) == want;
    }
    EXPECT_EQ(passed, 22) << SwifftPathName(path);
  }
}

TEST(SwifftTest, BestPathIsAvailableAndUsed) {
  EXPECT_TRUE(SwifftPathAvailable(SwifftBestPath()));
  EXPECT_TRUE(SwifftPathAvailable(SwifftPath::kPortable));
#ifdef FOG_PORTABLE
  EXPECT_FALSE(SwifftPathAvailable(SwifftPath::kAvx2));
  EXPECT_FALSE(SwifftPathAvailable(SwifftPath::kAvx512));
#else
  EXPECT_EQ(SwifftPathAvailable(SwifftPath::kAvx2),
            __builtin_cpu_supports("avx2") != 0);
#endif
  std::mt19937_64 rng(7);
  const Input in = RandomInput(rng);
  EXPECT_EQ(SwifftCompress(in.data()),
            SwifftCompressWith(SwifftBestPath(), in.data()));
}

TEST(SwifftTest, MatchesSchoolbookOnRandomInputs) {
  const Naive naive(VectorKey());
  std::mt19937_64 rng(1);
  for (int n = 0; n < 300; ++n) {
    const Input in = RandomInput(rng);
    const SwifftValues want = naive.Eval(Naive::Bits(in.data()));
    for (SwifftPath path : AvailablePaths()) {
      const SwifftValues z = SwifftCompressWith(path, in.data());
      ASSERT_EQ(z, want) << SwifftPathName(path) << " input " << n;
      ASSERT_EQ(EncodeSwifft72(z), NaiveEncode(want));
    }
  }
}

TEST(SwifftTest, HomomorphicOnDisjointBitVectors) {
  std::mt19937_64 rng(2);
  for (int n = 0; n < 200; ++n) {
    const Input a = RandomInput(rng), r = RandomInput(rng);
    Input x, y, sum;  // x + y = sum with no carries: disjoint supports
    for (size_t k = 0; k < x.size(); ++k) {
      x[k] = a[k] & r[k];
      y[k] = a[k] & ~r[k];
      sum[k] = a[k];
    }
    for (SwifftPath path : AvailablePaths()) {
      const SwifftValues zx = SwifftCompressWith(path, x.data());
      const SwifftValues zy = SwifftCompressWith(path, y.data());
      const SwifftValues zs = SwifftCompressWith(path, sum.data());
      for (int e = 0; e < 64; ++e) ASSERT_EQ((zx[e] + zy[e]) % 257, zs[e]);
    }
  }
}

TEST(SwifftTest, HomomorphicOnIntegerVectors) {
  const Naive naive(VectorKey());
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> coeff(-300, 300);
  for (int n = 0; n < 20; ++n) {
    Naive::Coeffs x, y, s;
    for (int i = 0; i < 16; ++i) {
      for (int p = 0; p < 64; ++p) {
        x[i][p] = coeff(rng);
        y[i][p] = coeff(rng);
        s[i][p] = x[i][p] + y[i][p];
      }
    }
    const SwifftValues zx = naive.Eval(x), zy = naive.Eval(y),
                       zs = naive.Eval(s);
    for (int e = 0; e < 64; ++e) ASSERT_EQ((zx[e] + zy[e]) % 257, zs[e]);
  }
}

TEST(SwifftTest, FlagBytesMatchDefinition) {
  std::mt19937_64 rng(4);
  for (int n = 0; n < 1000; ++n) {
    SwifftValues z;
    for (auto& v : z) v = rng() % 4 == 0 ? 256 : rng() % 256;
    EXPECT_EQ(EncodeSwifft72(z), NaiveEncode(z));
  }
}

}  // namespace
}  // namespace fog::sis
