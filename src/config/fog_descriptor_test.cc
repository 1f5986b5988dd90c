#include "config/fog_descriptor.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "common/bytes.h"

namespace fog::config {
namespace {

class FogDescriptorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fog_descriptor_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
};

TEST_F(FogDescriptorTest, MetricsEndpointsSurviveARoundTrip) {
  FogDescriptor fog;
  fog.mqtt_uri = "tcp://127.0.0.1:1883";
  fog.http_url = "http://127.0.0.1:8080";
  fog.metrics = {{"api", "http://127.0.0.1:8080/metrics"},
                 {"master", "http://127.0.0.1:40001/metrics"},
                 {"worker-1", "http://127.0.0.1:40002/metrics"}};
  ASSERT_TRUE(WriteFogDescriptor(dir_, fog).ok());
  Result<FogDescriptor> back = LoadFogDescriptor(dir_);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->metrics, fog.metrics);
}

TEST_F(FogDescriptorTest, AnOlderFileWithoutMetricsLoads) {
  std::string text = R"({"mqtt": "tcp://h:1", "http": "http://h:2"})";
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/fog.json", AsBytes(text), 0600).ok());
  Result<FogDescriptor> fog = LoadFogDescriptor(dir_);
  ASSERT_TRUE(fog.ok()) << fog.status().ToString();
  EXPECT_TRUE(fog->metrics.empty());
}

TEST_F(FogDescriptorTest, ANonStringEndpointIsAnError) {
  std::string text =
      R"({"mqtt": "tcp://h:1", "http": "http://h:2", "metrics": {"master": 5}})";
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/fog.json", AsBytes(text), 0600).ok());
  Result<FogDescriptor> fog = LoadFogDescriptor(dir_);
  ASSERT_FALSE(fog.ok());
  EXPECT_EQ(fog.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace fog::config
