// The browser verifier's state machine, natively: per-packet and amortized
// streams made by the project's signer, and each refusal with its reason.
// web/src/verify/verifier.test.ts runs the same machine compiled to
// WebAssembly on streams the fog binary makes.

#include "wasm/stream_verifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "trust/keys.h"
#include "trust/packet_signer.h"

namespace fog::wasm {
namespace {

constexpr char kVideo[] = "cam-1";

// Packet n's data: 100 + n bytes of value n + salt.
std::vector<Bytes> Stream(const trust::KeyPair& key, int count, int every,
                          const std::string& video = kVideo, int salt = 0) {
  trust::PacketSigner signer(key.sec.Clone(), {.every = every});
  std::vector<Bytes> out;
  for (int n = 1; n <= count; ++n) {
    Bytes data(100 + n, static_cast<uint8_t>(n + salt));
    Result<wire::Envelope> e =
        signer.Next({video, n, count, std::move(data)}, n == count);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    out.push_back(wire::EncodeEnvelope(*e));
  }
  return out;
}

std::string Summary(const std::vector<Verdict>& verdicts) {
  std::string s;
  for (const Verdict& v : verdicts) {
    s += std::to_string(v.index) + ":" + VerdictStatusName(v.status);
    if (!v.reason.empty()) s += ":" + v.reason;
    s += " ";
  }
  return s;
}

class StreamVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = trust::GenerateKeyPair(mldsa::Alg::kMlDsa44);
    auto b = trust::GenerateKeyPair(mldsa::Alg::kMlDsa44);
    ASSERT_TRUE(a.ok() && b.ok());
    alice_ = std::move(*a);
    mallory_ = std::move(*b);
  }

  StreamVerifier Verifier() {
    StreamVerifier v(kVideo);
    EXPECT_TRUE(v.AddKey(alice_.pub.bytes).ok());
    return v;
  }

  std::string PushAll(StreamVerifier& v, const std::vector<Bytes>& packets) {
    std::string s;
    for (size_t i = 0; i < packets.size(); ++i) {
      s += Summary(v.Push(static_cast<int64_t>(i + 1), packets[i]));
    }
    return s;
  }

  trust::KeyPair alice_;
  trust::KeyPair mallory_;
};

TEST_F(StreamVerifierTest, PerPacketStreamVerifiesWithMedia) {
  StreamVerifier v = Verifier();
  const std::vector<Bytes> packets = Stream(alice_, 3, 1);
  for (int n = 1; n <= 3; ++n) {
    std::vector<Verdict> out = v.Push(n, packets[n - 1]);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].status, VerdictStatus::kVerified);
    EXPECT_EQ(out[0].media, Bytes(100 + n, static_cast<uint8_t>(n)));
    EXPECT_EQ(out[0].key_id_hex, ToHex(alice_.pub.id));
    EXPECT_EQ(out[0].link_hex.size(), 144u);
  }
  EXPECT_TRUE(v.Finish().empty());
}

TEST_F(StreamVerifierTest, AmortizedSegmentIsSettledByItsSignature) {
  StreamVerifier v = Verifier();
  EXPECT_EQ(PushAll(v, Stream(alice_, 6, 3)),
            "1:pending 2:pending 1:verified 2:verified 3:verified "
            "4:pending 5:pending 4:verified 5:verified 6:verified ");
}

TEST_F(StreamVerifierTest, RefusalsCarryTheirReasons) {
  std::vector<Bytes> packets = Stream(alice_, 3, 1);
  {
    StreamVerifier v = Verifier();
    // Packet 2's data is 102 bytes of 0x02: flip one of them.
    Bytes altered = packets[1];
    const Bytes run(102, 2);
    auto at =
        std::search(altered.begin(), altered.end(), run.begin(), run.end());
    ASSERT_NE(at, altered.end());
    at[50] ^= 1;
    std::string s = Summary(v.Push(1, packets[0]));
    s += Summary(v.Push(2, altered));
    EXPECT_EQ(s, "1:verified 2:invalid:digest mismatch ");
  }
  {
    StreamVerifier v = Verifier();
    EXPECT_EQ(Summary(v.Push(1, packets[1])), "1:invalid:reordered ");
    EXPECT_EQ(Summary(v.Push(1, packets[0])), "1:invalid:reordered ");
  }
  {
    StreamVerifier v = Verifier();
    EXPECT_EQ(PushAll(v, Stream(mallory_, 1, 1)), "1:invalid:unknown key ");
  }
  {
    StreamVerifier v = Verifier();
    EXPECT_EQ(PushAll(v, Stream(alice_, 1, 1, "other")),
              "1:invalid:wrong video id ");
  }
  {
    StreamVerifier v = Verifier();
    const std::vector<Bytes> other = Stream(alice_, 3, 1, kVideo, 50);
    std::string s = Summary(v.Push(1, packets[0]));
    s += Summary(v.Push(2, other[1]));
    EXPECT_EQ(s, "1:verified 2:invalid:chain break ");
  }
  {
    StreamVerifier v = Verifier();
    EXPECT_EQ(Summary(v.Push(1, Bytes{0xc1})), "1:invalid:malformed ");
  }
}

TEST_F(StreamVerifierTest, GapsAndTheEndLeavePacketsUnsigned) {
  const std::vector<Bytes> packets = Stream(alice_, 4, 4);
  StreamVerifier gap = Verifier();
  std::string s = Summary(gap.Push(1, packets[0]));
  s += Summary(gap.Push(3, packets[2]));
  s += Summary(gap.Push(4, packets[3]));
  EXPECT_EQ(s,
            "1:pending 1:unsigned:segment lacks a packet 3:pending "
            "3:unsigned:segment lacks a packet 4:unsigned:segment lacks a "
            "packet ");
  StreamVerifier ended = Verifier();
  ended.Push(1, packets[0]);
  EXPECT_EQ(Summary(ended.Finish()),
            "1:unsigned:no signature covers this packet ");
}

TEST_F(StreamVerifierTest, PendingPacketsAreBounded) {
  const int count = static_cast<int>(kMaxPendingPackets) + 2;
  const std::vector<Bytes> packets = Stream(alice_, count, count);
  StreamVerifier v = Verifier();
  int too_long = 0;
  for (int n = 1; n < count; ++n) {
    for (const Verdict& verdict : v.Push(n, packets[n - 1])) {
      if (verdict.reason == kReasonSegmentTooLong) ++too_long;
    }
  }
  EXPECT_EQ(too_long, 1);  // the oldest, once the bound was passed
}

}  // namespace
}  // namespace fog::wasm
