#include "trust/packet_verifier.h"

#include <gtest/gtest.h>

#include "trust/packet_signer.h"

namespace fog::trust {
namespace {

class StreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<KeyPair> pair = GenerateKeyPair(mldsa::Alg::kMlDsa44, Bytes(32, 1));
    ASSERT_TRUE(pair.ok());
    pair_ = std::move(*pair);
    trust_.Add(pair_.pub);
  }

  std::vector<wire::Envelope> Stream(const std::string& id, int count,
                                     int every) {
    PacketSigner signer(pair_.sec.Clone(), {every, true});
    std::vector<wire::Envelope> out;
    for (int n = 1; n <= count; ++n) {
      Bytes data(200 + n, static_cast<uint8_t>(n));
      int64_t total = n == count ? count : 0;
      Result<wire::Envelope> e = signer.Next({id, n, total, data}, n == count);
      EXPECT_TRUE(e.ok());
      out.push_back(*e);
    }
    return out;
  }

  static std::string Statuses(const std::vector<PacketReport>& reports) {
    std::string s;
    for (const PacketReport& r : reports) {
      s += std::string(r.last - r.number + 1, PacketStatusName(r.status)[0]);
    }
    return s;
  }

  KeyPair pair_;
  TrustStore trust_;
};

TEST_F(StreamTest, PerPacketStreamVerifies) {
  auto stream = Stream("v1", 5, 1);
  EXPECT_EQ(Statuses(VerifyStream(stream, trust_)), "vvvvv");
  for (const auto& e : stream) EXPECT_TRUE(VerifySignedPacket(e, trust_).ok());
}

TEST_F(StreamTest, TamperedDataIsInvalid) {
  auto stream = Stream("v1", 5, 1);
  stream[2].packet.data[0] ^= 1;
  EXPECT_EQ(Statuses(VerifyStream(stream, trust_)), "vvivv");
  Result<wire::Link> r = VerifySignedPacket(stream[2], trust_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
}

TEST_F(StreamTest, TamperedDigestAndDataTogetherFailTheSignature) {
  auto stream = Stream("v1", 3, 1);
  stream[1].packet.data[0] ^= 1;
  stream[1].signature->digest = sis::SisDigest(stream[1].packet.data);
  Result<wire::Link> r = VerifySignedPacket(stream[1], trust_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnauthenticated);
}

TEST_F(StreamTest, DroppedPacketIsMissing) {
  auto stream = Stream("v1", 5, 1);
  stream.erase(stream.begin() + 1);
  EXPECT_EQ(Statuses(VerifyStream(stream, trust_)), "vmvvv");
}

TEST_F(StreamTest, ReplayIntoAnotherVideoIsInvalid) {
  auto a = Stream("video-a", 3, 1);
  auto b = Stream("video-b", 3, 1);
  wire::Envelope replayed = a[1];
  replayed.packet.video_id = "video-b";
  b[1] = replayed;
  EXPECT_EQ(Statuses(VerifyStream(b, trust_)), "viv");
}

TEST_F(StreamTest, ReorderedPacketsBreakTheChain) {
  auto stream = Stream("v1", 4, 1);
  // What arrives after the decoder: the numbers swapped, each signature
  // taken to cover its (new) own number.
  std::swap(stream[1].packet.packet_number, stream[2].packet.packet_number);
  stream[1].signature->first = stream[1].packet.packet_number;
  stream[2].signature->first = stream[2].packet.packet_number;
  auto reports = VerifyStream(stream, trust_);
  EXPECT_EQ(Statuses(reports), "viiv");
}

TEST_F(StreamTest, SplicedStreamBreaksTheChain) {
  // Packet 3 of another recording of the same video id, validly signed.
  auto first = Stream("v1", 4, 1);
  PacketSigner other(pair_.sec.Clone(), {1, true});
  std::vector<wire::Envelope> second;
  for (int n = 1; n <= 3; ++n) {
    second.push_back(*other.Next({"v1", n, 0, Bytes(50, 0xee)}, false));
  }
  first[2] = second[2];
  EXPECT_EQ(Statuses(VerifyStream(first, trust_)), "vviv");
}

TEST_F(StreamTest, DuplicatesAreIdempotentConflictsInvalid) {
  auto stream = Stream("v1", 3, 1);
  stream.push_back(stream[1]);
  EXPECT_EQ(Statuses(VerifyStream(stream, trust_)), "vvv");
  wire::Envelope conflicting = stream[1];
  conflicting.packet.data.push_back(0);
  stream.push_back(conflicting);
  EXPECT_EQ(Statuses(VerifyStream(stream, trust_)), "viv");
}

TEST_F(StreamTest, UnknownKeyIsInvalid) {
  auto stream = Stream("v1", 2, 1);
  TrustStore empty;
  EXPECT_EQ(Statuses(VerifyStream(stream, empty)), "ii");
  Result<wire::Link> r = VerifySignedPacket(stream[0], empty);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown publisher key"),
            std::string::npos);
}

TEST_F(StreamTest, AmortizedModeReportsEveryStatus) {
  auto stream = Stream("v1", 10, 4);  // signed: 4, 8, 10
  int signed_count = 0;
  for (const auto& e : stream) signed_count += e.signature.has_value();
  EXPECT_EQ(signed_count, 3);
  EXPECT_EQ(Statuses(VerifyStream(stream, trust_)), "vvvvvvvvvv");

  auto tampered = stream;
  tampered[5].packet.data[3] ^= 0x80;  // inside segment 5..8
  EXPECT_EQ(Statuses(VerifyStream(tampered, trust_)), "vvvviiiivv");

  auto dropped = stream;
  dropped.erase(dropped.begin() + 1);  // packet 2 of segment 1..4
  EXPECT_EQ(Statuses(VerifyStream(dropped, trust_)), "umuuvvvvvv");

  auto cut = stream;
  cut.pop_back();  // the closing signature of 9..10 never arrives
  EXPECT_EQ(Statuses(VerifyStream(cut, trust_)), "vvvvvvvvu");
}

TEST_F(StreamTest, AmortizedOverheadIsBelow200BytesPerPacket) {
  auto stream = Stream("3f1c9a52-7d4e-4b1a-9c2f-0e8d6b5a4c31", 64, 16);
  size_t overhead = 0;
  for (const auto& e : stream) {
    overhead += wire::EncodeEnvelope(e).size() -
                wire::EncodeVideoPacket(e.packet).size();
  }
  EXPECT_LE(overhead / stream.size(), 200u);
  EXPECT_EQ(overhead, 4 * 2603 + 60 * 3u);  // docs/wire-format.md
}

TEST_F(StreamTest, HugePacketNumbersCostNothing) {
  auto stream = Stream("v1", 2, 1);
  wire::Envelope far = stream[1];
  far.packet.packet_number = int64_t{1} << 62;
  stream.push_back(far);
  auto reports = VerifyStream(stream, trust_);
  ASSERT_EQ(reports.size(), 4u);  // 1, 2, missing run 3..2^62-1, 2^62
  EXPECT_EQ(reports[2].status, PacketStatus::kMissing);
  EXPECT_EQ(reports[2].last, (int64_t{1} << 62) - 1);
  // Its signature claims 2..2^62, which cannot be checked; packet 2 keeps
  // the verdict of its own valid signature.
  EXPECT_EQ(reports[3].status, PacketStatus::kUnsigned);
  EXPECT_EQ(reports[1].status, PacketStatus::kValid);
}

TEST_F(StreamTest, SignerRejectsGapsAndBadIds) {
  PacketSigner signer(pair_.sec.Clone(), {});
  EXPECT_FALSE(signer.Next({"v1", 2, 0, {}}, false).ok());
  EXPECT_FALSE(signer.Next({"../x", 1, 0, {}}, false).ok());
}

}  // namespace
}  // namespace fog::trust
