#include "broker_plugin/prefix_rules.h"

#include <gtest/gtest.h>

namespace fog::broker_plugin {
namespace {

PrefixTable Parse(std::string_view text) {
  std::string error;
  std::optional<PrefixTable> t = ParsePrefixFile(text, &error);
  EXPECT_TRUE(t.has_value()) << error;
  return t.value_or(PrefixTable{});
}

std::string ParseError(std::string_view text) {
  std::string error;
  EXPECT_FALSE(ParsePrefixFile(text, &error).has_value()) << text;
  return error;
}

TEST(PrefixRules, ParsesPrefixesAnyAndRevoked) {
  PrefixTable t = Parse(R"({"cam": "cam-", "publisher": "", "gone": null})");
  ASSERT_EQ(t.by_user.size(), 3u);
  EXPECT_EQ(t.by_user.at("cam"), "cam-");
  EXPECT_EQ(t.by_user.at("publisher"), "");
  EXPECT_FALSE(t.by_user.at("gone").has_value());
  EXPECT_TRUE(Parse("{}").by_user.empty());
}

TEST(PrefixRules, RefusesMalformedFiles) {
  EXPECT_EQ(ParseError(""), "not JSON");
  EXPECT_EQ(ParseError("{\"cam\": "), "not JSON");
  EXPECT_NE(ParseError("[\"cam\"]").find("not a JSON object"),
            std::string::npos);
  EXPECT_NE(ParseError(R"({"cam": 5})").find("'cam'"), std::string::npos);
  EXPECT_NE(ParseError(R"({"cam": "a/b"})").find("'cam'"), std::string::npos);
  EXPECT_NE(ParseError(R"({"cam": "a+"})").find("'cam'"), std::string::npos);
  EXPECT_NE(ParseError(R"({"cam": "#"})").find("'cam'"), std::string::npos);
  EXPECT_NE(ParseError("{\"cam\": \"a\\u0001\"}").find("'cam'"),
            std::string::npos);
  EXPECT_NE(
      ParseError(R"({"cam": ")" + std::string(256, 'x') + "\"}").find("255"),
      std::string::npos);
  EXPECT_EQ(ParseError(R"({"": "x"})"), "an empty username");
  EXPECT_NE(
      ParseError(std::string(kMaxPrefixFileBytes + 1, ' ')).find("larger than"),
      std::string::npos);
}

TEST(PrefixRules, APublisherWritesOnlyInsideItsPrefix) {
  PrefixTable t = Parse(R"({"cam": "cam-"})");
  EXPECT_EQ(CheckWrite(&t, "cam", "video/stream/cam-1"), Verdict::kDefer);
  EXPECT_EQ(CheckWrite(&t, "cam", "video/stream/cam-"), Verdict::kDefer);
  EXPECT_EQ(CheckWrite(&t, "cam", "video/stream/dog-1"), Verdict::kDeny);
  EXPECT_EQ(CheckWrite(&t, "cam", "video/stream/ca"), Verdict::kDeny);
  EXPECT_EQ(CheckWrite(&t, "cam", "video/stream/"), Verdict::kDeny);
  EXPECT_EQ(CheckWrite(&t, "cam", "video/stream"), Verdict::kDeny);
  // A video id is one level: nothing below it.
  EXPECT_EQ(CheckWrite(&t, "cam", "video/stream/cam-1/x"), Verdict::kDeny);
  // Other topics are the acl_file's to decide.
  EXPECT_EQ(CheckWrite(&t, "cam", "go-streaming"), Verdict::kDefer);
  EXPECT_EQ(CheckWrite(&t, "cam", "video/streams/dog"), Verdict::kDefer);
  EXPECT_EQ(CheckWrite(&t, "cam", "fog/dispatch/x"), Verdict::kDefer);
}

TEST(PrefixRules, OtherLoginsAreDeferred) {
  PrefixTable t = Parse(R"({"cam": "cam-", "publisher": ""})");
  EXPECT_EQ(CheckWrite(&t, "publisher", "video/stream/dog-1"), Verdict::kDefer);
  EXPECT_EQ(CheckWrite(&t, "worker-1", "video/stream/dog-1"), Verdict::kDefer);
  EXPECT_EQ(CheckWrite(&t, "", "video/stream/dog-1"), Verdict::kDefer);
  // Usernames match exactly.
  EXPECT_EQ(CheckWrite(&t, "cam2", "video/stream/dog-1"), Verdict::kDefer);
  EXPECT_EQ(CheckWrite(&t, "Cam", "video/stream/dog-1"), Verdict::kDefer);
}

TEST(PrefixRules, ARevokedLoginWritesNoStream) {
  PrefixTable t = Parse(R"({"gone": null})");
  EXPECT_EQ(CheckWrite(&t, "gone", "video/stream/any"), Verdict::kDeny);
  EXPECT_EQ(CheckWrite(&t, "gone", "go-streaming"), Verdict::kDefer);
}

TEST(PrefixRules, WithoutAFileEveryStreamWriteIsDenied) {
  EXPECT_EQ(CheckWrite(nullptr, "publisher", "video/stream/x"), Verdict::kDeny);
  EXPECT_EQ(CheckWrite(nullptr, "cam", "video/stream"), Verdict::kDeny);
  EXPECT_EQ(CheckWrite(nullptr, "cam", "go-streaming"), Verdict::kDefer);
  EXPECT_EQ(CheckWrite(nullptr, "master", "fog/dispatch/w"), Verdict::kDefer);
}

}  // namespace
}  // namespace fog::broker_plugin
