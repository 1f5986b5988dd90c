// Runs every case of ../shared/vectors/legacy-sis/vectors.json through the
// strict legacy verifier and compares with the Go verdict.

#include "wire/legacy_payload.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "crypto/sis/legacy_check.h"
#include "wire/payload_format.h"

namespace fog::wire {
namespace {

using nlohmann::json;

Bytes Base64(const std::string& b64) {
  Bytes out(b64.size() / 4 * 3 + 3);
  int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const uint8_t*>(b64.data()),
                      static_cast<int>(b64.size()));
  EXPECT_GE(n, 0);
  size_t pad = 0;
  for (size_t i = b64.size(); i > 0 && b64[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string Sha256Hex(ByteView data) {
  uint8_t md[32];
  SHA256(data.data(), data.size(), md);
  return ToHex(ByteView(md, 32));
}

class LegacyVectorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::ifstream in(std::string(FOG_VECTORS_DIR) + "/legacy-sis/vectors.json");
    ASSERT_TRUE(in) << "legacy vectors missing under " << FOG_VECTORS_DIR;
    vectors_ = new json(json::parse(in));
  }
  static void TearDownTestSuite() { delete vectors_; }

  // The full MQTT payload of a case, rebuilt from its base case if needed.
  static Bytes PayloadOf(const json& c) {
    if (c.contains("sis_msgpack_b64")) return Base64(c["sis_msgpack_b64"]);
    Bytes base;
    for (const json& other : (*vectors_)["cases"]) {
      if (other["id"] == c["base_case"]) base = PayloadOf(other);
    }
    Bytes out;
    for (const json& s : c["sis_msgpack_segments"]) {
      if (s.contains("base_offset")) {
        size_t off = s["base_offset"], len = s["len"];
        out.insert(out.end(), base.begin() + off, base.begin() + off + len);
      } else {
        Bytes piece = *FromHex(s["hex"].get<std::string>());
        out.insert(out.end(), piece.begin(), piece.end());
      }
    }
    return out;
  }

  static json* vectors_;
};

json* LegacyVectorsTest::vectors_ = nullptr;

// Where our strict decoder deliberately differs from Go (docs/legacy.md).
const std::set<std::string> kStricterThanGo = {"neg-v-trailing-bytes"};

TEST_F(LegacyVectorsTest, SameVerdictAsGoOnEveryCase) {
  int positives = 0, negatives = 0, stricter = 0;
  for (const json& c : (*vectors_)["cases"]) {
    const std::string id = c["id"];
    SCOPED_TRACE(id);
    Bytes payload = PayloadOf(c);
    ASSERT_EQ(payload.size(), c["sis_msgpack_len"].get<size_t>());
    ASSERT_EQ(Sha256Hex(payload), c["sis_msgpack_sha256"].get<std::string>());

    Result<LegacyResult> r = VerifyLegacyPayload(payload);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (kStricterThanGo.count(id)) {
      EXPECT_TRUE(c["expected_valid"].get<bool>());  // Go accepts ...
      EXPECT_FALSE(r->valid);                        // ... we do not
      EXPECT_NE(r->reason.find("trailing"), std::string::npos) << r->reason;
      ++stricter;
      continue;
    }
    EXPECT_EQ(r->valid, c["expected_valid"].get<bool>()) << r->reason;
    if (r->valid) {
      EXPECT_NE(r->reason.find("unauthenticated"), std::string::npos);
      EXPECT_NE(r->reason.find("1537"), std::string::npos);
    } else {
      EXPECT_FALSE(r->reason.empty());
    }
    if (c["kind"] == "positive") {
      ++positives;
      const json& vp = c["video_packet"];
      ASSERT_TRUE(r->packet_decoded);
      EXPECT_EQ(r->packet.video_id, vp["video_id"].get<std::string>());
      EXPECT_EQ(r->packet.packet_number, vp["packet_number"].get<int64_t>());
      EXPECT_EQ(r->packet.total_packets, vp["total_packets"].get<int64_t>());
      EXPECT_EQ(r->packet.data.size(), vp["data_len"].get<size_t>());
      // Our encoder reproduces the Go client's bytes exactly.
      EXPECT_EQ(ToHex(EncodeVideoPacket(r->packet)),
                c["packet_msgpack_hex"].get<std::string>());
    } else {
      ++negatives;
    }
  }
  EXPECT_EQ(positives, 12);
  EXPECT_EQ(negatives + stricter, 11);
  EXPECT_EQ(stricter, 1);
}

TEST_F(LegacyVectorsTest, StrictDecodingRejectsWhatGoIgnores) {
  const json* base = nullptr;
  for (const json& c : (*vectors_)["cases"]) {
    if (c["id"] == "pos-data-100") base = &c;
  }
  ASSERT_NE(base, nullptr);
  LegacyPayload good = *DecodeLegacyPayload(PayloadOf(*base));

  // Bytes after A's 98,368 varints (Go: ignored).
  LegacyPayload extra_a = good;
  extra_a.a.push_back(0x02);
  auto r = VerifyLegacyPayload(EncodeLegacyPayload(extra_a));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->valid);
  EXPECT_NE(r->reason.find("A has 1 trailing"), std::string::npos) << r->reason;

  // A value >= q (Go: multiplied as is). Replace A[0] by 4099.
  LegacyPayload big = good;
  auto a_ints =
      *sis::legacy::DecodeVarints(good.a, sis::legacy::kMatrixEntries, "A");
  a_ints[0] = 4099;
  big.a = sis::legacy::EncodeVarints(a_ints);
  r = VerifyLegacyPayload(EncodeLegacyPayload(big));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->valid);
  EXPECT_NE(r->reason.find("outside"), std::string::npos);

  // Not msgpack at all, and msgpack of the wrong shape: unusable input.
  EXPECT_FALSE(VerifyLegacyPayload(AsBytes("EOSTREAMING")).ok());
  Bytes payload = PayloadOf(*base);
  payload.push_back(0xc0);  // bytes after the outer map
  EXPECT_FALSE(VerifyLegacyPayload(payload).ok());
  EXPECT_FALSE(VerifyLegacyPayload(EncodeVideoPacket({"v", 1, 0, {}})).ok());
}

TEST(LegacyPayloadTest, MadePayloadVerifies) {
  std::mt19937_64 rng(1);
  VideoPacket p{"vid", 3, 0, Bytes(5000, 0x42)};
  Bytes payload = MakeLegacyPayload(p, rng);
  EXPECT_EQ(DetectFormat(payload), PayloadFormat::kLegacySis);
  auto r = VerifyLegacyPayload(payload);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->valid);
  EXPECT_EQ(r->packet, p);
}

}  // namespace
}  // namespace fog::wire
