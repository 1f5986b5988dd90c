#include "wire/ack.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace fog::wire {
namespace {

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }

WorkerAck Stored(int64_t n) {
  return {.worker = "worker-1",
          .dispatch_id = std::to_string(n),
          .video_id = "v",
          .packet_number = n,
          .result = "stored"};
}

TEST(AckTest, DecodesTheArrayItEncodes) {
  std::vector<WorkerAck> sent = {Stored(1), Stored(2)};
  sent[1].result = "error";
  sent[1].reason = "store-full";
  Result<std::vector<WorkerAck>> back = DecodeAcks(EncodeAcks(sent));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ((*back)[i].worker, sent[i].worker);
    EXPECT_EQ((*back)[i].dispatch_id, sent[i].dispatch_id);
    EXPECT_EQ((*back)[i].video_id, sent[i].video_id);
    EXPECT_EQ((*back)[i].packet_number, sent[i].packet_number);
    EXPECT_EQ((*back)[i].result, sent[i].result);
    EXPECT_EQ((*back)[i].reason, sent[i].reason);
  }
}

TEST(AckTest, ReadsOneObjectAsAnArrayOfOne) {
  Result<std::vector<WorkerAck>> acks =
      DecodeAcks(B(R"({"worker":"w","dispatch_id":"7","video_id":"v",)"
                   R"("packet_number":3,"result":"duplicate","reason":""})"));
  ASSERT_TRUE(acks.ok()) << acks.status().ToString();
  ASSERT_EQ(acks->size(), 1u);
  EXPECT_EQ(acks->front().dispatch_id, "7");
  EXPECT_EQ(acks->front().packet_number, 3);
  EXPECT_EQ(acks->front().result, "duplicate");
}

TEST(AckTest, ReplacesInvalidUtf8InsteadOfFailing) {
  WorkerAck a = Stored(1);
  a.result = "error";
  a.reason = std::string("disk \xff full");
  Result<std::vector<WorkerAck>> back = DecodeAcks(EncodeAcks({&a, 1}));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_NE(back->front().reason.find("disk"), std::string::npos);
  EXPECT_NE(back->front().reason, a.reason);
}

TEST(AckTest, CarriesTheCopysTimesWhenKnown) {
  WorkerAck a{.worker = "w",
              .dispatch_id = "d",
              .video_id = "v",
              .packet_number = 3,
              .result = "stored",
              .dispatched_at_us = 1764950000000001,
              .received_at_us = 1764950000000200,
              .stored_at_us = 1764950000004000};
  WorkerAck unknown = a;
  unknown.dispatched_at_us = unknown.received_at_us = unknown.stored_at_us = 0;
  const std::vector<WorkerAck> both = {a, unknown};
  Result<std::vector<WorkerAck>> back = DecodeAcks(EncodeAcks(both));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)[0].dispatched_at_us, a.dispatched_at_us);
  EXPECT_EQ((*back)[0].received_at_us, a.received_at_us);
  EXPECT_EQ((*back)[0].stored_at_us, a.stored_at_us);
  EXPECT_EQ((*back)[1].stored_at_us, 0);
  // Unknown times are left out, so an ack without them reads as before.
  const Bytes text = EncodeAcks(std::vector<WorkerAck>{unknown});
  EXPECT_EQ(std::string(text.begin(), text.end()).find("_at_us"),
            std::string::npos);
}

TEST(AckTest, RefusesAMessageWithAnyBadAck) {
  const std::string good =
      R"({"worker":"w","dispatch_id":"1","video_id":"v",)"
      R"("packet_number":1,"result":"stored","reason":""})";
  for (const std::string& bad : std::vector<std::string>{
           std::string("not json"),
           std::string("42"),
           "[" + good + ",7]",
           std::string(R"([{"worker":"w","video_id":"v","packet_number":1,)"
                       R"("result":"stored","reason":""}])"),
           std::string(R"({"worker":"w","dispatch_id":"1","video_id":"v",)"
                       R"("packet_number":"1","result":"stored","reason":""})"),
           std::string(R"({"worker":"w","dispatch_id":1,"video_id":"v",)"
                       R"("packet_number":1,"result":"stored","reason":""})"),
           std::string(R"({"worker":"w","dispatch_id":"1","video_id":"v",)"
                       R"("packet_number":1,"result":"kept","reason":""})"),
           std::string(R"({"worker":"w","dispatch_id":"1","video_id":"v",)"
                       R"("packet_number":1,"result":"stored","reason":"",)"
                       R"("stored_at_us":"soon"})"),
           std::string(R"({"worker":"w","dispatch_id":"1","video_id":"v",)"
                       R"("packet_number":1,"result":"stored","reason":"",)"
                       R"("dispatched_at_us":-5})"),
       }) {
    Result<std::vector<WorkerAck>> r = DecodeAcks(B(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << bad;
  }
  EXPECT_TRUE(DecodeAcks(B("[" + good + "]")).ok());
  EXPECT_TRUE(DecodeAcks(B("[]")).ok());
}

}  // namespace
}  // namespace fog::wire
