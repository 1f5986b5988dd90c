// The decision the broker plugin (fog_acl_plugin.cc) makes for each write:
// a publisher's login may write video/stream/<id> only when <id> starts with
// its certificate's prefix. Mosquitto's acl_file cannot say this (a video id
// is one topic level, and ACL patterns match whole levels), so the plugin
// narrows what the acl_file allows and never widens it: it either denies or
// defers to the acl_file.
//
// The prefixes come from <broker dir>/prefixes.json, written from the fog's
// identity store (up/identity_store.h): a JSON object mapping a publisher's
// username to its prefix ("" for any video id) or to null for a login that
// may write no stream at all (a revoked publisher). Logins not in the file
// are not publishers with a prefix: the plugin defers for them.
//
// This code runs inside the broker: it links nothing of ours but the
// standard library and nlohmann::json, and reports errors as strings (the
// broker's log is where they go), never as exceptions.
//
// Thread-safety: reentrant; a PrefixTable is immutable once parsed.

#ifndef FOG_BROKER_PLUGIN_PREFIX_RULES_H_
#define FOG_BROKER_PLUGIN_PREFIX_RULES_H_

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fog::broker_plugin {

// Streams are published on kStreamTopic + video id (one topic level).
inline constexpr std::string_view kStreamTopic = "video/stream/";

// A larger prefix file is refused unread: 1 MiB holds some 10000 publishers.
inline constexpr size_t kMaxPrefixFileBytes = size_t{1} << 20;

struct PrefixTable {
  // By username: the prefix each video id it writes must start with ("" for
  // any), or nullopt when it may write no stream.
  std::map<std::string, std::optional<std::string>, std::less<>> by_user;
};

// Parses the text of prefixes.json. nullopt, with `*error` saying why, when
// it is not a JSON object of username -> string or null, a username is
// empty, or a prefix holds '/', '+', '#' or a control character or is
// longer than 255 bytes (a video id cannot).
std::optional<PrefixTable> ParsePrefixFile(std::string_view text,
                                           std::string* error);

enum class Verdict {
  kDefer,  // not the plugin's to decide: the acl_file decides
  kDeny,   // outside the login's prefix (MQTT v5 reason 0x87)
};

// The verdict on `username` writing `topic`. `table` is nullptr when the
// prefix file could not be read: then every stream write is denied (fail
// closed; only publishers write streams), everything else deferred.
// A write to a topic under kStreamTopic by a login with a prefix is denied
// unless the level after kStreamTopic is the whole rest of the topic (no
// deeper levels) and starts with the prefix.
Verdict CheckWrite(const PrefixTable* table, std::string_view username,
                   std::string_view topic);

}  // namespace fog::broker_plugin

#endif  // FOG_BROKER_PLUGIN_PREFIX_RULES_H_
