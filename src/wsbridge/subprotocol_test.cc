#include "wsbridge/subprotocol.h"

#include <gtest/gtest.h>

namespace fog::wsbridge {
namespace {

TEST(ChooseSubprotocol, NoHeaderAcceptsWithoutProtocol) {
  SubprotocolChoice c = ChooseSubprotocol("");
  EXPECT_TRUE(c.accept);
  EXPECT_EQ(c.protocol, "");
  EXPECT_TRUE(ChooseSubprotocol("  ").accept);
}

TEST(ChooseSubprotocol, PicksMqtt) {
  EXPECT_EQ(ChooseSubprotocol("mqtt").protocol, "mqtt");
  EXPECT_EQ(ChooseSubprotocol("chat, mqtt").protocol, "mqtt");
  EXPECT_EQ(ChooseSubprotocol("mqttv3.1,mqtt").protocol, "mqtt");
  EXPECT_EQ(ChooseSubprotocol(" mqtt ,x").protocol, "mqtt");
}

TEST(ChooseSubprotocol, FallsBackToMqtt31) {
  SubprotocolChoice c = ChooseSubprotocol("mqttv3.1");
  EXPECT_TRUE(c.accept);
  EXPECT_EQ(c.protocol, "mqttv3.1");
}

TEST(ChooseSubprotocol, RefusesForeignProtocols) {
  EXPECT_FALSE(ChooseSubprotocol("chat").accept);
  EXPECT_FALSE(ChooseSubprotocol("MQTT").accept);  // tokens are exact
  EXPECT_FALSE(ChooseSubprotocol("mqttx, xmqtt").accept);
  EXPECT_FALSE(ChooseSubprotocol(",").accept);
}

}  // namespace
}  // namespace fog::wsbridge
