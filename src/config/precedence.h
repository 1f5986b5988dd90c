// Where each setting of a fog component comes from, and which source wins:
// the command line, then the config file, then the environment, then the
// built-in default (README.md, "Using a fog"). One setting may have several
// spellings in one source (the balancer's broker is --mqtt, or the seed's
// --broker-address with --broker-port; in the environment FOG_MQTT_URI or
// the seed's BROKER_ADDRESS with BROKER_PORT): the strongest source wins
// whatever the spelling, and within one source the first spelling listed.
//
// Also the list of environment variables the fog's components read, which
// `fog up` keeps out of its children so that only their role config files
// decide.
//
// Thread-safety: pure functions, except ProcessEnvironment(), which reads
// the process environment (getenv; do not setenv concurrently).

#ifndef FOG_CONFIG_PRECEDENCE_H_
#define FOG_CONFIG_PRECEDENCE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fog::config {

// Strongest first.
enum class Source { kCommandLine, kConfigFile, kEnvironment, kDefault };

// "command line", "config file", "environment", "default".
std::string_view SourceName(Source source);

// One spelling of a setting in one source and its value there, if any.
struct Candidate {
  Source source = Source::kDefault;
  std::string origin;                // e.g. "--mqtt", "BROKER_ADDRESS"
  std::optional<std::string> value;  // nullopt: not given there
};

struct Resolved {
  std::string value;
  Source source = Source::kDefault;
  std::string origin;
};

// The value of the strongest source that gives one; within one source, the
// first candidate listed that gives one. nullopt when no candidate does.
std::optional<Resolved> Resolve(const std::vector<Candidate>& candidates);

// Reads one environment variable; nullopt when unset. An empty value counts
// as unset: `FOO= fog ...` must not blank a setting.
using Environment =
    std::function<std::optional<std::string>(const std::string& name)>;

// The process's environment (getenv).
Environment ProcessEnvironment();

// An environment candidate for `name`, read from `env`.
Candidate FromEnvironment(const Environment& env, const std::string& name);

// Every environment variable a fog component reads (ours and the seed's
// names), e.g. FOG_MQTT_URI, MQTT_BROKER_URI, BROKER_ADDRESS, FOG_API_TOKEN.
const std::vector<std::string>& ComponentEnvironmentVariables();

}  // namespace fog::config

#endif  // FOG_CONFIG_PRECEDENCE_H_
