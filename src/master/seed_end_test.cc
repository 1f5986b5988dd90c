// The seed client's end of stream against a real broker and a master of
// two connections: the client publishes its packets and then EOSTREAMING
// on one connection, and the master must end the video at its last packet
// even while the intake is still working through the packets before it
// (each waits for its journal sync; the receive maximum is 8).

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "master/master.h"
#include "master/scripted_worker_for_test.h"
#include "mqtt/client.h"
#include "testing/test_broker.h"
#include "wire/topics.h"
#include "wire/video_packet.h"

namespace fog::master {
namespace {

using namespace std::chrono_literals;

TEST(SeedEndTest, EndOfStreamNeverOvertakesThePacketsBeforeIt) {
  char tmpl[] = "/tmp/seed_end_test_XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  fog::testing::TestBroker broker;
  ASSERT_TRUE(broker.Start().ok());

  mqtt::Client control(
      mqtt::ConnectOptions{.uri = broker.uri(), .client_id = "master-control"});
  mqtt::Client intake(mqtt::ConnectOptions{
      .uri = broker.uri(), .client_id = "master", .receive_maximum = 8});
  Master master(MasterOptions{.worker_timeout = 600s,
                              .replicas = 2,
                              .journal_dir = dir + "/journal"},
                control, &intake);
  ASSERT_TRUE(master.Open().ok());
  ASSERT_TRUE(control.Connect(10s).ok());
  ASSERT_TRUE(intake.Connect(10s).ok());
  ASSERT_TRUE(master.Start().ok());

  // What the master tells the workers.
  std::mutex mu;
  std::optional<nlohmann::json> ended;
  mqtt::Client probe(
      mqtt::ConnectOptions{.uri = broker.uri(), .client_id = "probe"});
  probe.OnMessage([&](const mqtt::Message& m) {
    std::lock_guard<std::mutex> lock(mu);
    ended =
        nlohmann::json::parse(m.payload_view().begin(), m.payload_view().end());
  });
  ASSERT_TRUE(probe.Connect(10s).ok());
  ASSERT_TRUE(probe.Subscribe(wire::topics::kSeedEnd, 1).ok());

  // A seed-format video: no total in any packet, 64 KiB each.
  constexpr int64_t kPackets = 60;
  mqtt::Client camera(
      mqtt::ConnectOptions{.uri = broker.uri(), .client_id = "camera"});
  ASSERT_TRUE(camera.Connect(10s).ok());
  for (int64_t n = 1; n <= kPackets; ++n) {
    wire::VideoPacket p{.video_id = "cam",
                        .packet_number = n,
                        .data = Bytes(64 << 10, static_cast<uint8_t>(n))};
    ASSERT_TRUE(camera
                    .Publish({.topic = "video/stream/cam",
                              .payload = wire::EncodeVideoPacket(p)},
                             /*wait=*/false)
                    .ok());
  }
  const std::string end = "EOSTREAMING";
  ASSERT_TRUE(camera
                  .Publish({.topic = wire::topics::kSeedEndOfStream,
                            .payload = Bytes(end.begin(), end.end())},
                           /*wait=*/false)
                  .ok());
  ASSERT_TRUE(camera.Flush(60s).ok());

  // The master counts the end after publishing it: wait for both.
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return ended.has_value() &&
               master.counters().Get("seed_videos_ended") == 1;
      },
      60s));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(ended->value("video_id", ""), "cam");
  EXPECT_EQ(ended->value("total_packets", int64_t{0}), kPackets);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fog::master
