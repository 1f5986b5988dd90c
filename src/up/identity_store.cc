#include "up/identity_store.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "crypto/random.h"
#include "up/supervisor.h"

namespace fog::up {

namespace {

constexpr Role kAllRoles[] = {Role::kPublisher,  Role::kMaster, Role::kWorker,
                              Role::kBalancer,   Role::kApi,    Role::kViewer,
                              Role::kFederation, Role::kPeer};

// The topics the pattern rules below give every login under its own name.
// Logins that must never hold them (viewers, publishers: the least trusted
// credentials, handed to front ends and cameras) deny them explicitly:
// Mosquitto checks a user's `deny` lines before anything else.
constexpr const char* kDeniedToOutsiders[] = {
    "fog/status/#", "fog/heartbeat/#",    "fog/stats/#",   "fog/dispatch/#",
    "fog/ack/#",    "fog/seed-request/#", "reply/repair/#"};

// Each role's rules in its `user` block.
std::string RoleRules(Role role) {
  switch (role) {
    case Role::kPublisher:
      return "topic write video/stream/#\n"
             "topic write go-streaming\n"
             "topic read fog/backlog\n"
             "topic write fog/federation/pin\n";
    case Role::kMaster:
      return "topic read video/stream/#\n"
             "topic read go-streaming\n"
             "topic write fog/dispatch/#\n"
             "topic readwrite fog/status/master\n"
             "topic readwrite fog/backlog\n"
             "topic read fog/status/#\n"
             "topic read fog/heartbeat/#\n"
             "topic read fog/policy\n"
             "topic read fog/ack/+\n"
             "topic write fog/get/#\n"
             "topic read reply/master/#\n"
             "topic read packet-request\n"
             "topic write fog/seed-request/#\n"
             "topic write fog/seed-end\n"
             "topic read $SYS/broker/store/messages/bytes\n"
             "topic readwrite fog/revocations\n";
    case Role::kWorker:
      // Its own topics come from the patterns. `write +` is every
      // single-level topic: the seed viewers' reply channels, named by them.
      return "topic read fog/policy\n"
             "topic read fog/ping/#\n"
             "topic read fog/seed-end\n"
             "topic read fog/revocations\n"
             "topic readwrite fog/get/#\n"
             "topic write reply/#\n"
             "topic write +\n";
    case Role::kBalancer:
      return "topic readwrite fog/status/balancer\n"
             "topic read fog/status/#\n"
             "topic read fog/heartbeat/#\n"
             "topic write fog/ping/#\n"
             "topic read fog/stats/#\n"
             "topic readwrite fog/policy\n";
    case Role::kApi:
      return "topic readwrite fog/status/api\n"
             "topic write fog/federation/pin\n"
             "topic read fog/status/#\n"
             "topic read fog/stats/#\n"
             "topic read fog/policy\n";
    case Role::kViewer:
      return "topic write packet-request\n"
             "topic write fog/get/#\n"
             "# The web UI's chat: one topic per video, chat/<video id>.\n"
             "topic readwrite chat/+\n";
    case Role::kFederation:
      // Peer messages, and answers to local viewers for videos held by
      // other fogs (docs/federation.md).
      // Pinning: the command from `fog pin` and the API, and the pinned
      // video published into this fog's own ingest, paced by the backlog.
      return "topic readwrite fog/peer/#\n"
             "topic readwrite fog/status/federation\n"
             "topic read fog/federation/pin\n"
             "topic write video/stream/#\n"
             "topic read fog/backlog\n"
             "topic read fog/get/+\n"
             "topic write fog/get/#\n"
             "topic write reply/#\n"
             "topic read packet-request\n"
             "topic write +\n";
    case Role::kPeer:
      // Other fogs request and answer on fog/peer/#, nothing else (never
      // video/stream/#, never other roles' topics).
      return "topic readwrite fog/peer/#\n";
  }
  return "";
}

constexpr char kPatterns[] = R"(
# A worker announces, heartbeats, reports stats, acknowledges and receives
# dispatches, seed requests and repair replies only under its own login
# name (%u), which is its worker name. These patterns hold for every login;
# viewers and publishers deny these topics above.
pattern write fog/status/worker/%u
pattern write fog/heartbeat/%u
pattern write fog/stats/%u
pattern write fog/ack/%u
pattern read fog/dispatch/%u
pattern read fog/seed-request/%u
pattern read reply/repair/%u

# Every client may read only its own reply channels: the seed's channel
# named by its client id (the original front end names it stream-<client
# id>), and reply/<client id>/# (fog get, the API). Viewers read no other
# topic, so not each other's requests or replies.
pattern read %c
pattern read stream-%c
pattern read reply/%c/#
)";

Result<std::string> RandomSecret() {
  Bytes b(24);
  if (Status s = crypto::RandomBytes(b); !s.ok()) return s;
  return ToHex(b);
}

std::string ViewerOverridePath(const std::string& broker_dir) {
  return broker_dir + "/viewer-login.json";
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kPublisher:
      return "publisher";
    case Role::kMaster:
      return "master";
    case Role::kWorker:
      return "worker";
    case Role::kBalancer:
      return "balancer";
    case Role::kApi:
      return "api";
    case Role::kViewer:
      return "viewer";
    case Role::kFederation:
      return "federation";
    case Role::kPeer:
      return "peer";
  }
  return "";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return Status::InvalidArgument("unknown role '" + std::string(name) +
                                 "' (publisher, master, worker, balancer, "
                                 "api, viewer, federation or peer)");
}

Status ValidateIdentityName(std::string_view name) {
  bool ok =
      !name.empty() && name.size() <= 64 && name[0] != '.' && name[0] != '-';
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-');
  }
  if (ok) return Status::OK();
  return Status::InvalidArgument(
      "identity name '" + std::string(name) +
      "': use 1 to 64 of A-Z a-z 0-9 _ . - (not first . or -)");
}

Result<Identity> MakeIdentity(Role role, const std::string& name) {
  if (Status s = ValidateIdentityName(name); !s.ok()) return s;
  Result<std::string> password = RandomSecret();
  if (!password.ok()) return password.status();
  return Identity{name, role, {name, *password}};
}

Result<Identities> LoadIdentities(const std::string& path) {
  Identities ids;
  Result<Bytes> text = ReadFile(path);
  if (!text.ok()) return ids;
  try {
    auto j = nlohmann::json::parse(text->begin(), text->end());
    for (const auto& [name, e] : j.items()) {
      // The compatibility alias, or the retired shared worker login.
      if (name == "worker") continue;
      Result<Role> role = ParseRole(
          e.contains("role") ? e.at("role").get<std::string>() : name);
      if (!role.ok())
        return Status::Corruption(path + ": " + name + ": " +
                                  role.status().message());
      ids[name] = {name,
                   *role,
                   {e.at("username").get<std::string>(),
                    e.at("password").get<std::string>()},
                   e.value("prefix", std::string()),
                   e.value("revoked", false)};
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(path + ": " + e.what());
  }
  return ids;
}

Status SaveIdentities(const std::string& path, const Identities& identities) {
  nlohmann::json out = nlohmann::json::object();
  const Identity* first_worker = nullptr;
  for (const auto& [name, id] : identities) {
    out[name] = {{"username", id.credentials.username},
                 {"password", id.credentials.password},
                 {"role", RoleName(id.role)}};
    if (!id.prefix.empty()) out[name]["prefix"] = id.prefix;
    if (id.revoked) out[name]["revoked"] = true;
    if (id.role == Role::kWorker && !id.revoked &&
        (first_worker == nullptr || name == "worker-1")) {
      first_worker = &id;
    }
  }
  if (first_worker != nullptr && !identities.count("worker")) {
    out["worker"] = {{"username", first_worker->credentials.username},
                     {"password", first_worker->credentials.password},
                     {"alias_of", first_worker->name}};
  }
  return WriteFileAtomic(path, AsBytes(out.dump(2)), 0600);
}

std::string AclText(const Identities& identities) {
  std::string acl =
      "# Generated from roles.json (fog up, fog worker add): each login may\n"
      "# publish and subscribe only where its role must "
      "(docs/security.md).\n";
  for (const auto& [name, id] : identities) {
    if (id.revoked) continue;
    acl += "\n# " + std::string(RoleName(id.role)) + " " + name + "\n";
    acl += "user " + id.credentials.username + "\n";
    if (id.role == Role::kViewer || id.role == Role::kPublisher ||
        id.role == Role::kPeer) {
      for (const char* t : kDeniedToOutsiders)
        acl += std::string("topic deny ") + t + "\n";
    }
    acl += RoleRules(id.role);
  }
  return acl + kPatterns;
}

std::string PrefixFileText(const Identities& identities) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, id] : identities) {
    if (id.role != Role::kPublisher) continue;
    out[id.credentials.username] =
        id.revoked ? nlohmann::json(nullptr) : nlohmann::json(id.prefix);
  }
  return out.dump(2) + "\n";
}

Status SaveViewerOverride(const std::string& broker_dir,
                          const std::optional<config::Credentials>& viewer) {
  const std::string path = ViewerOverridePath(broker_dir);
  if (!viewer) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return Status::OK();
  }
  nlohmann::json j = {{"username", viewer->username},
                      {"password", viewer->password}};
  return WriteFileAtomic(path, AsBytes(j.dump()), 0600);
}

Result<Identities> EffectiveIdentities(const std::string& broker_dir) {
  Result<Identities> ids = LoadIdentities(broker_dir + "/roles.json");
  if (!ids.ok()) return ids;
  const std::string path = ViewerOverridePath(broker_dir);
  Result<Bytes> text = ReadFile(path);
  if (!text.ok()) return ids;
  try {
    auto j = nlohmann::json::parse(text->begin(), text->end());
    (*ids)["viewer"] = {"viewer",
                        Role::kViewer,
                        {j.at("username").get<std::string>(),
                         j.at("password").get<std::string>()}};
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(path + ": " + e.what());
  }
  return ids;
}

Status WriteSecurityFiles(const std::string& broker_dir,
                          const Identities& identities) {
  Status s = WriteFileAtomic(broker_dir + "/prefixes.json",
                             AsBytes(PrefixFileText(identities)), 0600);
  if (!s.ok()) return s;
  std::string passwd;
  for (const auto& [name, id] : identities)
    if (!id.revoked)
      passwd += id.credentials.username + ":" + id.credentials.password + "\n";
  // Hashed in a side file first: the broker may reload at any moment, and
  // must never read plain-text passwords as hashes.
  const std::string staged = broker_dir + "/passwd.new";
  s = WriteFileAtomic(staged, AsBytes(passwd), 0600);
  if (!s.ok()) return s;
  // mosquitto_passwd refuses an empty file (every login revoked), which
  // holds nothing to hash.
  Result<int> hashed =
      passwd.empty() ? Result<int>(0)
                     : RunToCompletion({"mosquitto_passwd", "-U", staged});
  if (!hashed.ok() || *hashed != 0) {
    return Status::Unavailable(
        "mosquitto_passwd failed (is mosquitto installed?)");
  }
  std::error_code ec;
  std::filesystem::rename(staged, broker_dir + "/passwd", ec);
  if (ec)
    return Status::IoError("cannot replace the password file: " + ec.message());
  return WriteFileAtomic(broker_dir + "/acl", AsBytes(AclText(identities)),
                         0600);
}

}  // namespace fog::up
