#include "config/precedence.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace fog::config {
namespace {

Environment FakeEnvironment(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

// The balancer's broker: --mqtt or --broker-address on the command line or
// in the config file, FOG_MQTT_URI or BROKER_ADDRESS in the environment.
std::vector<Candidate> Broker(std::optional<std::string> flag,
                              std::optional<std::string> seed_flag,
                              Source flags_from, const Environment& env) {
  return {{flags_from, "--mqtt", flag},
          {flags_from, "--broker-address", seed_flag},
          FromEnvironment(env, "FOG_MQTT_URI"),
          FromEnvironment(env, "BROKER_ADDRESS"),
          {Source::kDefault, "default", "tcp://127.0.0.1:1883"}};
}

TEST(ConfigPrecedence, CommandLineBeatsConfigFileBeatsEnvironmentBeatsDefault) {
  std::vector<Candidate> all = {
      {Source::kDefault, "default", "d"},
      {Source::kEnvironment, "ENV", "e"},
      {Source::kConfigFile, "key", "f"},
      {Source::kCommandLine, "--flag", "c"},
  };
  // Whatever order they are listed in.
  for (int drop = 0; drop <= 4; ++drop) {
    std::vector<Candidate> some(all.begin() + (drop == 4 ? 0 : drop),
                                all.end());
    std::reverse(some.begin(), some.end());
    std::optional<Resolved> r = Resolve(some);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->value, "c");
    EXPECT_EQ(r->source, Source::kCommandLine);
    EXPECT_EQ(r->origin, "--flag");
  }
  all.pop_back();
  EXPECT_EQ(Resolve(all)->value, "f");
  all.pop_back();
  EXPECT_EQ(Resolve(all)->value, "e");
  all.pop_back();
  EXPECT_EQ(Resolve(all)->value, "d");
  all.pop_back();
  EXPECT_FALSE(Resolve(all).has_value());
}

TEST(ConfigPrecedence, CandidatesWithoutAValueAreSkipped) {
  std::optional<Resolved> r =
      Resolve({{Source::kCommandLine, "--mqtt", std::nullopt},
               {Source::kEnvironment, "FOG_MQTT_URI", "tcp://env:1"}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->value, "tcp://env:1");
  EXPECT_EQ(r->source, Source::kEnvironment);
  EXPECT_EQ(r->origin, "FOG_MQTT_URI");
}

// The seed's BROKER_ADDRESS used to override --mqtt in the balancer.
TEST(ConfigPrecedence, AnEnvironmentSpellingNeverBeatsAFlag) {
  const Environment env = FakeEnvironment(
      {{"BROKER_ADDRESS", "tcp://127.0.0.1:1"}, {"FOG_MQTT_URI", "tcp://x:2"}});
  std::optional<Resolved> r = Resolve(
      Broker("tcp://real:1883", std::nullopt, Source::kCommandLine, env));
  EXPECT_EQ(r->value, "tcp://real:1883");
  r = Resolve(
      Broker(std::nullopt, "tcp://seed-flag:1883", Source::kCommandLine, env));
  EXPECT_EQ(r->value, "tcp://seed-flag:1883");
  r = Resolve(
      Broker("tcp://from-file:1883", std::nullopt, Source::kConfigFile, env));
  EXPECT_EQ(r->value, "tcp://from-file:1883");
  EXPECT_EQ(r->source, Source::kConfigFile);
}

TEST(ConfigPrecedence, WithinOneSourceTheFirstSpellingWins) {
  const Environment env = FakeEnvironment(
      {{"BROKER_ADDRESS", "tcp://seed:1"}, {"FOG_MQTT_URI", "tcp://fog:2"}});
  EXPECT_EQ(
      Resolve(Broker(std::nullopt, std::nullopt, Source::kCommandLine, env))
          ->value,
      "tcp://fog:2");
  EXPECT_EQ(Resolve(Broker("tcp://a:1", "tcp://b:1", Source::kCommandLine, env))
                ->value,
            "tcp://a:1");
  const Environment seed_only =
      FakeEnvironment({{"BROKER_ADDRESS", "tcp://seed:1"}});
  EXPECT_EQ(Resolve(Broker(std::nullopt, std::nullopt, Source::kCommandLine,
                           seed_only))
                ->value,
            "tcp://seed:1");
  EXPECT_EQ(Resolve(Broker(std::nullopt, std::nullopt, Source::kCommandLine,
                           FakeEnvironment({})))
                ->source,
            Source::kDefault);
}

TEST(ConfigProcessEnvironment, AnEmptyValueIsUnset) {
  ASSERT_EQ(setenv("FOG_PRECEDENCE_TEST_SET", "v", 1), 0);
  ASSERT_EQ(setenv("FOG_PRECEDENCE_TEST_EMPTY", "", 1), 0);
  unsetenv("FOG_PRECEDENCE_TEST_UNSET");
  const Environment env = ProcessEnvironment();
  EXPECT_EQ(env("FOG_PRECEDENCE_TEST_SET"), "v");
  EXPECT_EQ(env("FOG_PRECEDENCE_TEST_EMPTY"), std::nullopt);
  EXPECT_EQ(env("FOG_PRECEDENCE_TEST_UNSET"), std::nullopt);
  EXPECT_EQ(FromEnvironment(env, "FOG_PRECEDENCE_TEST_SET").source,
            Source::kEnvironment);
}

TEST(ConfigComponentEnvironment, NameEverySeedAndFogVariable) {
  const std::vector<std::string>& names = ComponentEnvironmentVariables();
  for (const char* name :
       {"MQTT_BROKER_URI", "BROKER_URI", "MQTT_USERNAME", "MQTT_PASSWORD",
        "MQTT_CLIENT_ID", "API_HOST", "BROKER_ADDRESS", "BROKER_PORT",
        "FOG_MQTT_URI", "OTHER_EDGES", "FOG_API_TOKEN", "FOG_DB",
        "FOG_VIEWER_PASSWORD"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

}  // namespace
}  // namespace fog::config
