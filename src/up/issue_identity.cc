#include "up/issue_identity.h"

#include <signal.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "common/bytes.h"

namespace fog::up {

namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Status ReloadBroker(const std::string& broker_dir) {
  Result<Bytes> text = ReadFile(broker_dir + "/mosquitto.pid");
  if (!text.ok())
    return Status::NotFound("no broker pid file in " + broker_dir);
  const std::string pid_text = Trim(std::string(text->begin(), text->end()));
  char* end = nullptr;
  const long pid = std::strtol(pid_text.c_str(), &end, 10);
  if (pid <= 1 || end == pid_text.c_str() || *end != '\0') {
    return Status::NotFound("no broker pid in " + broker_dir +
                            "/mosquitto.pid");
  }
  // A stale pid file may name a pid the system gave to another process
  // since: signal it only if it is a mosquitto.
  Result<Bytes> comm = ReadFile("/proc/" + std::to_string(pid) + "/comm");
  if (!comm.ok() ||
      Trim(std::string(comm->begin(), comm->end())) != "mosquitto") {
    return Status::NotFound("the broker (pid " + pid_text + ") is not running");
  }
  if (::kill(static_cast<pid_t>(pid), SIGHUP) != 0) {
    return Status::IoError("cannot signal the broker (pid " + pid_text +
                           "): " + std::strerror(errno));
  }
  return Status::OK();
}

Result<IssuedIdentity> IssueIdentity(const std::string& fog_dir, Role role,
                                     const std::string& name,
                                     const std::string& prefix) {
  if (Status s = ValidateIdentityName(name); !s.ok()) return s;
  if (!prefix.empty() && role != Role::kPublisher) {
    return Status::InvalidArgument("only a publisher's login has a prefix");
  }
  const std::string broker_dir = fog_dir + "/mosquitto";
  const std::string store_path = broker_dir + "/roles.json";
  if (!std::filesystem::exists(store_path)) {
    return Status::NotFound("no fog in " + fog_dir +
                            " (no mosquitto/roles.json; run fog up first)");
  }
  Result<Identities> stored = LoadIdentities(store_path);
  if (!stored.ok()) return stored.status();
  IssuedIdentity issued;
  if (auto it = stored->find(name); it != stored->end()) {
    if (it->second.role != role) {
      return Status::InvalidArgument("'" + name + "' is already a " +
                                     std::string(RoleName(it->second.role)));
    }
    if (role == Role::kPublisher &&
        (it->second.prefix != prefix || it->second.revoked)) {
      it->second.prefix = prefix;
      it->second.revoked = false;
      if (Status s = SaveIdentities(store_path, *stored); !s.ok()) return s;
    }
    issued.identity = it->second;
  } else {
    Result<Identity> made = MakeIdentity(role, name);
    if (!made.ok()) return made.status();
    // A login's username must be unique: another identity's (a chosen
    // viewer name) may not be taken.
    Result<Identities> effective = EffectiveIdentities(broker_dir);
    if (!effective.ok()) return effective.status();
    for (const auto& [other, id] : *effective) {
      if (id.credentials.username == name) {
        return Status::InvalidArgument("the username '" + name + "' is the " +
                                       other + "'s");
      }
    }
    made->prefix = prefix;
    issued.identity = *made;
    issued.created = true;
    (*stored)[name] = *made;
    if (Status s = SaveIdentities(store_path, *stored); !s.ok()) return s;
  }
  Result<Identities> effective = EffectiveIdentities(broker_dir);
  if (!effective.ok()) return effective.status();
  if (Status s = WriteSecurityFiles(broker_dir, *effective); !s.ok()) return s;
  issued.reloaded = ReloadBroker(broker_dir).ok();
  return issued;
}

Result<RevokedIdentity> RevokeIdentity(const std::string& fog_dir,
                                       const std::string& name) {
  const std::string broker_dir = fog_dir + "/mosquitto";
  const std::string store_path = broker_dir + "/roles.json";
  if (!std::filesystem::exists(store_path)) {
    return Status::NotFound("no fog in " + fog_dir +
                            " (no mosquitto/roles.json)");
  }
  Result<Identities> stored = LoadIdentities(store_path);
  if (!stored.ok()) return stored.status();
  auto it = stored->find(name);
  if (it == stored->end()) {
    return Status::NotFound("no login '" + name + "' in " + store_path);
  }
  if (!it->second.revoked) {
    it->second.revoked = true;
    if (Status s = SaveIdentities(store_path, *stored); !s.ok()) return s;
  }
  Result<Identities> effective = EffectiveIdentities(broker_dir);
  if (!effective.ok()) return effective.status();
  if (Status s = WriteSecurityFiles(broker_dir, *effective); !s.ok()) return s;
  return RevokedIdentity{ReloadBroker(broker_dir).ok()};
}

}  // namespace fog::up
