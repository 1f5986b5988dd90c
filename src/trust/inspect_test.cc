#include "trust/inspect.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "trust/packet_signer.h"
#include "wire/legacy_payload.h"

namespace fog::trust {
namespace {

TEST(InspectTest, NativePacketAuthenticatedOnlyWithTrustedKey) {
  KeyPair pair = GenerateKeyPair(mldsa::Alg::kMlDsa44, Bytes(32, 2)).value();
  PacketSigner signer(pair.sec.Clone(), {});
  wire::Envelope e = *signer.Next({"cam", 1, 1, Bytes(10, 1)}, true);
  Bytes payload = wire::EncodeEnvelope(e);

  TrustStore trust;
  trust.Add(pair.pub);
  InspectReport with = *InspectPayload(payload, &trust);
  EXPECT_TRUE(with.valid);
  EXPECT_TRUE(with.authenticated);
  EXPECT_EQ(with.format, wire::PayloadFormat::kNative);

  InspectReport without = *InspectPayload(payload, nullptr);
  EXPECT_TRUE(without.valid);
  EXPECT_FALSE(without.authenticated);

  TrustStore empty;
  InspectReport untrusted = *InspectPayload(payload, &empty);
  EXPECT_FALSE(untrusted.valid);
  EXPECT_FALSE(untrusted.authenticated);

  auto j = nlohmann::json::parse(ReportJson(with));
  for (const char* k : {"format", "video_id", "packet_number", "total_packets",
                        "data_bytes", "valid", "authenticated", "reason"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_EQ(j["data_bytes"], 10);
}

TEST(InspectTest, LegacyIsNeverAuthenticated) {
  std::mt19937_64 rng(3);
  Bytes payload = wire::MakeLegacyPayload({"v", 1, 0, Bytes(20, 1)}, rng);
  InspectReport r = *InspectPayload(payload, nullptr);
  EXPECT_EQ(r.format, wire::PayloadFormat::kLegacySis);
  EXPECT_TRUE(r.valid);
  EXPECT_FALSE(r.authenticated);
  EXPECT_NE(r.reason.find("unauthenticated"), std::string::npos);
}

TEST(InspectTest, GarbageIsUnusable) {
  EXPECT_FALSE(InspectPayload(AsBytes("hello"), nullptr).ok());
  EXPECT_FALSE(InspectPayload(Bytes{0x81, 0xa1, 'x', 0x01}, nullptr).ok());
}

}  // namespace
}  // namespace fog::trust
