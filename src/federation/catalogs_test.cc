#include "federation/catalogs.h"

#include <gtest/gtest.h>

namespace fog::federation {
namespace {

TEST(CatalogFromRegistry, KeepsVideosWithPackets) {
  Result<std::vector<CatalogEntry>> c = CatalogFromRegistry(R"([
    {"VideoID":"v1","packets":5,"total_packets":5,"status":"complete",
     "publisher_key":"k1"},
    {"VideoID":"v2","packets":0,"status":"live"},
    {"VideoID":7},
    "junk"])");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].video_id, "v1");
  EXPECT_EQ((*c)[0].publisher_key, "k1");
  EXPECT_TRUE(CatalogFromRegistry(R"({"videos":[]})").ok());
  EXPECT_FALSE(CatalogFromRegistry("nope").ok());
}

TEST(CatalogFromRegistry, RangesAreWhatAnyWorkerHolds) {
  Result<std::vector<CatalogEntry>> c = CatalogFromRegistry(R"([
    {"VideoID":"v1","packets":7,"workers":[
      {"worker":"w1","packets":4,"ranges":"1-3,7"},
      {"worker":"w2","packets":3,"ranges":"3-5"},
      {"worker":"w3","packets":0}]},
    {"VideoID":"v2","packets":2,"workers":[
      {"worker":"w1","packets":2}]},
    {"VideoID":"v3","packets":2,"workers":[
      {"worker":"w1","packets":2,"ranges":"x"}]}])");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 3u);
  EXPECT_EQ((*c)[0].ranges, "1-5,7");
  // A holder without ranges, or with bad ones: the holding is unknown.
  EXPECT_EQ((*c)[1].ranges, "");
  EXPECT_EQ((*c)[2].ranges, "");
}

TEST(PeerCatalogs, HoldersAndOrdering) {
  PeerCatalogs p;
  EXPECT_TRUE(p.Update({.fog = "a", .seq = 2, .videos = {{.video_id = "v"}}}));
  EXPECT_TRUE(p.Update({.fog = "b", .seq = 1, .videos = {{.video_id = "v"}}}));
  EXPECT_EQ(p.Holders("v"), (std::set<std::string>{"a", "b"}));
  // An older catalog (sent before a newer one, delivered after) is ignored.
  EXPECT_FALSE(p.Update({.fog = "a", .seq = 1, .videos = {}}));
  EXPECT_EQ(p.Holders("v").size(), 2u);
  EXPECT_TRUE(p.Update({.fog = "a", .seq = 3, .videos = {}}));
  EXPECT_EQ(p.Holders("v"), (std::set<std::string>{"b"}));
  p.Forget("b");
  EXPECT_TRUE(p.Holders("v").empty());
}

}  // namespace
}  // namespace fog::federation
