// fog_acl_plugin.so: a Mosquitto 2.0 plugin (interface version 5) that keeps
// each publisher's login to the video ids its certificate allows
// (prefix_rules.h has the rule and the file it reads).
//
// mosquitto.conf, as `fog up` writes it:
//   plugin /path/to/fog_acl_plugin.so
//   plugin_opt_prefix_file /path/to/mosquitto/prefixes.json
//
// The broker checks the plugin's ACL callback before its acl_file (plugins
// register theirs first); the plugin only denies or defers. It rereads the
// prefix file when the broker reloads (SIGHUP: MOSQ_EVT_RELOAD) and, so that
// a change is in force at once without a reload, whenever the file's inode,
// size or modification time changed: one stat() per write to a stream topic,
// never per packet byte. An unreadable or malformed file is logged in the
// broker's log and denies every stream write until a good one is in place
// (fail closed); the broker keeps running.
//
// Thread-safety: Mosquitto 2.0 calls plugins from its one main thread only.

// The broker finds only the three entry points; the rest stays hidden.
#pragma GCC visibility push(default)
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#pragma GCC visibility pop
#include <sys/stat.h>

#include <cstdint>
#include <ctime>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "broker_plugin/prefix_rules.h"

namespace {

// From mosquitto.h (libmosquitto-dev, not needed otherwise): these values are
// part of Mosquitto's plugin ABI and fixed across 2.x.
constexpr int kErrSuccess = 0;
constexpr int kErrInval = 3;
constexpr int kErrAclDenied = 12;
constexpr int kErrPluginDefer = 17;
constexpr int kLogNotice = 1 << 1;
constexpr int kLogWarning = 1 << 2;
constexpr int kLogErr = 1 << 3;

using fog::broker_plugin::PrefixTable;

struct FileKey {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = -1;
  int64_t mtime_ns = -1;
  bool operator==(const FileKey&) const = default;
};

struct PluginState {
  mosquitto_plugin_id_t* id = nullptr;
  std::string path;
  std::optional<FileKey> key;          // of the file last read; none: missing
  std::unique_ptr<PrefixTable> table;  // nullptr: fail closed
  uint64_t denied = 0;                 // writes denied since the start
  uint64_t denied_unlogged = 0;        // since the last denial logged
  time_t last_denial_log = 0;
};

std::optional<FileKey> StatFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileKey{st.st_dev, st.st_ino, st.st_size,
                 int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
}

// Reads the file anew; on any error logs it and fails closed.
void Load(PluginState* s) {
  s->key = StatFile(s->path);
  s->table.reset();
  std::string error;
  if (!s->key) {
    error = "missing";
  } else if (static_cast<uint64_t>(s->key->size) >
             fog::broker_plugin::kMaxPrefixFileBytes) {
    error = "larger than 1 MiB";
  } else {
    std::ifstream in(s->path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
      error = "unreadable";
    } else {
      std::optional<PrefixTable> parsed =
          fog::broker_plugin::ParsePrefixFile(text.str(), &error);
      if (parsed) s->table = std::make_unique<PrefixTable>(std::move(*parsed));
    }
  }
  if (s->table) {
    mosquitto_log_printf(kLogNotice,
                         "fog_acl: %zu publisher login(s) with a prefix "
                         "from %s",
                         s->table->by_user.size(), s->path.c_str());
  } else {
    mosquitto_log_printf(kLogErr,
                         "fog_acl: prefix file %s: %s; every write to "
                         "video/stream/ is denied until it is fixed",
                         s->path.c_str(), error.c_str());
  }
}

// Why `user` was denied, for the log line.
const char* DenialReason(const PluginState& s, std::string_view user) {
  if (!s.table) return "the prefix file is bad";
  const auto it = s.table->by_user.find(user);
  if (it != s.table->by_user.end() && !it->second)
    return "its login is revoked";
  return "outside its video-id prefix";
}

void LogDenial(PluginState* s, const char* user, const char* topic) {
  ++s->denied;
  ++s->denied_unlogged;
  // At most one line a second: a refused publisher retries at stream rate.
  const time_t now = ::time(nullptr);
  if (now == s->last_denial_log) return;
  s->last_denial_log = now;
  mosquitto_log_printf(kLogWarning,
                       "fog_acl: denied %s writing %s: %s (%llu denied in "
                       "all, %llu since the last line)",
                       user, topic, DenialReason(*s, user),
                       static_cast<unsigned long long>(s->denied),
                       static_cast<unsigned long long>(s->denied_unlogged));
  s->denied_unlogged = 0;
}

int OnAclCheck(int /*event*/, void* event_data, void* userdata) {
  auto* s = static_cast<PluginState*>(userdata);
  auto* ev = static_cast<mosquitto_evt_acl_check*>(event_data);
  if (ev->access != MOSQ_ACL_WRITE || ev->topic == nullptr) {
    return kErrPluginDefer;
  }
  const std::string_view topic = ev->topic;
  if (!topic.starts_with("video/stream")) return kErrPluginDefer;
  if (StatFile(s->path) != s->key) Load(s);
  const char* user = mosquitto_client_username(ev->client);
  const std::string_view username = user != nullptr ? user : "";
  if (fog::broker_plugin::CheckWrite(s->table.get(), username, topic) ==
      fog::broker_plugin::Verdict::kDeny) {
    LogDenial(s, user != nullptr ? user : "(anonymous)", ev->topic);
    return kErrAclDenied;
  }
  return kErrPluginDefer;
}

int OnReload(int /*event*/, void* /*event_data*/, void* userdata) {
  Load(static_cast<PluginState*>(userdata));
  return kErrSuccess;
}

}  // namespace

extern "C" {

int mosquitto_plugin_version(int supported_version_count,
                             const int* supported_versions) {
  for (int i = 0; i < supported_version_count; ++i) {
    if (supported_versions[i] == 5) return 5;
  }
  return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t* identifier, void** userdata,
                          mosquitto_opt* options, int option_count) {
  auto s = std::make_unique<PluginState>();
  s->id = identifier;
  for (int i = 0; i < option_count; ++i) {
    if (std::string_view(options[i].key) == "prefix_file" &&
        options[i].value != nullptr) {
      s->path = options[i].value;
    }
  }
  if (s->path.empty()) {
    mosquitto_log_printf(kLogErr,
                         "fog_acl: no plugin_opt_prefix_file in the config");
    return kErrInval;
  }
  Load(s.get());
  if (mosquitto_callback_register(identifier, MOSQ_EVT_ACL_CHECK, OnAclCheck,
                                  nullptr, s.get()) != kErrSuccess ||
      mosquitto_callback_register(identifier, MOSQ_EVT_RELOAD, OnReload,
                                  nullptr, s.get()) != kErrSuccess) {
    mosquitto_log_printf(kLogErr, "fog_acl: cannot register its callbacks");
    return kErrInval;
  }
  *userdata = s.release();
  return kErrSuccess;
}

int mosquitto_plugin_cleanup(void* userdata, mosquitto_opt* /*options*/,
                             int /*option_count*/) {
  auto* s = static_cast<PluginState*>(userdata);
  if (s == nullptr) return kErrSuccess;
  mosquitto_callback_unregister(s->id, MOSQ_EVT_ACL_CHECK, OnAclCheck, nullptr);
  mosquitto_callback_unregister(s->id, MOSQ_EVT_RELOAD, OnReload, nullptr);
  delete s;
  return kErrSuccess;
}

}  // extern "C"
