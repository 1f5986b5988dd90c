#include "experiment/spec.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fog::experiment {

namespace {

// Reads one YAML mapping against the keys it may hold. yaml-cpp throws; every
// call into it is inside a try block here, so no exception leaves the parser.
class MapReader {
 public:
  MapReader(const std::string& origin, const YAML::Node& node,
            std::string where)
      : origin_(origin), node_(node), where_(std::move(where)) {}

  Status Error(const YAML::Node& at, const std::string& what) const {
    return Status::InvalidArgument(
        origin_ + ":" + std::to_string(at.Mark().line + 1) + ": " + what);
  }

  // Every key is one of `known`, and the node is a mapping.
  Status CheckKeys(const std::set<std::string>& known) const {
    if (!node_.IsMap()) return Error(node_, where_ + " must be a mapping");
    for (const auto& kv : node_) {
      const std::string key = kv.first.Scalar();
      if (!known.count(key)) {
        std::string list;
        for (const std::string& k : known)
          list += (list.empty() ? "" : ", ") + k;
        return Error(kv.first,
                     "unknown key '" + Path(key) + "' (known: " + list + ")");
      }
    }
    return Status::OK();
  }

  template <typename T>
  Status Get(const std::string& key, T* out, double lo, double hi) const {
    const YAML::Node v = node_[key];
    if (!v) return Status::OK();
    if (!v.IsScalar()) return Error(v, Path(key) + " must be a number");
    T value{};
    try {
      value = v.as<T>();
    } catch (const YAML::Exception&) {
      return Error(v, Path(key) + ": '" + v.Scalar() + "' is not a number");
    }
    if (static_cast<double>(value) < lo || static_cast<double>(value) > hi) {
      std::ostringstream range;
      range << lo << ".." << hi;
      return Error(
          v, Path(key) + ": " + v.Scalar() + " is outside " + range.str());
    }
    *out = value;
    return Status::OK();
  }

  Status GetString(const std::string& key, std::string* out,
                   const std::set<std::string>& allowed = {}) const {
    const YAML::Node v = node_[key];
    if (!v) return Status::OK();
    if (!v.IsScalar()) return Error(v, Path(key) + " must be a string");
    if (!allowed.empty() && !allowed.count(v.Scalar())) {
      std::string list;
      for (const std::string& k : allowed)
        list += (list.empty() ? "" : ", ") + k;
      return Error(v,
                   Path(key) + ": '" + v.Scalar() + "' is not one of " + list);
    }
    *out = v.Scalar();
    return Status::OK();
  }

  Status Require(const std::string& key) const {
    if (!node_[key]) return Error(node_, Path(key) + " is required");
    return Status::OK();
  }

  std::string Path(const std::string& key) const {
    return where_.empty() ? key : where_ + "." + key;
  }
  const YAML::Node& node() const { return node_; }

 private:
  const std::string& origin_;
  const YAML::Node node_;
  const std::string where_;
};

// Returns early with a failed status (this file's many checks read as a
// list; the style's alternative is an if per line).
#define FOG_TRY(expr)        \
  do {                       \
    Status _s = (expr);      \
    if (!_s.ok()) return _s; \
  } while (0)

bool ValidFogName(const std::string& n) {
  if (n.empty() || n.size() > 32 || !std::isalpha((unsigned char)n[0]))
    return false;
  for (char c : n)
    if (!std::isalnum((unsigned char)c) && c != '_') return false;
  return true;
}

// `in_list`: an entry of `fogs:`, which has a name and peers.
Status ParseFog(const MapReader& r, FogSpec* fog, bool in_list = false) {
  std::set<std::string> keys = {"workers", "replicas", "balancer",
                                "balancer_period_ms", "store_quota_bytes"};
  if (in_list) keys.insert({"name", "peers"});
  FOG_TRY(r.CheckKeys(keys));
  fog->line = r.node().Mark().line + 1;
  if (in_list) {
    FOG_TRY(r.Require("name"));
    FOG_TRY(r.GetString("name", &fog->name));
    if (!ValidFogName(fog->name))
      return r.Error(r.node()["name"],
                     r.Path("name") + ": '" + fog->name +
                         "' is not a fog name (a letter, then letters, "
                         "digits or '_', at most 32)");
    const YAML::Node peers = r.node()["peers"];
    if (peers) {
      if (!peers.IsSequence())
        return r.Error(peers, r.Path("peers") + " must be a list of names");
      for (size_t i = 0; i < peers.size(); ++i) {
        if (!peers[i].IsScalar())
          return r.Error(peers[i],
                         r.Path("peers") + " must be a list of names");
        fog->peers.push_back(peers[i].Scalar());
      }
    }
  }
  FOG_TRY(r.Get("workers", &fog->workers, 1, 64));
  FOG_TRY(r.Get("replicas", &fog->replicas, 1, 16));
  FOG_TRY(
      r.GetString("balancer", &fog->balancer, {"exact", "heuristic", "none"}));
  FOG_TRY(r.Get("balancer_period_ms", &fog->balancer_period_ms, 100, 60000));
  FOG_TRY(r.Get("store_quota_bytes", &fog->store_quota_bytes, 0, 1e15));
  if (fog->replicas > fog->workers) {
    return r.Error(r.node()["replicas"], "fog.replicas (" +
                                             std::to_string(fog->replicas) +
                                             ") exceeds fog.workers");
  }
  return Status::OK();
}

// The roles of `fog` a host may hold.
std::vector<std::string> FogRoles(const FogSpec& fog) {
  std::vector<std::string> roles = {"broker", "api", "master", "federation"};
  if (fog.balancer != "none") roles.push_back("balancer");
  for (int i = 1; i <= fog.workers; ++i)
    roles.push_back("worker-" + std::to_string(i));
  return roles;
}

// network.hosts: NAME: [ROLE, ...], every role of the one fog on exactly
// one host.
Status ParseHosts(const MapReader& r, const std::vector<FogSpec>& fogs,
                  NetworkSpec* n) {
  const YAML::Node hosts = r.node()["hosts"];
  const std::string where = r.Path("hosts");
  if (fogs.size() > 1)
    return r.Error(hosts, where +
                              ": with several fogs each fog is a host of its "
                              "own; placing single components on hosts is "
                              "for one fog");
  if (!hosts.IsMap() || hosts.size() == 0)
    return r.Error(hosts, where +
                              " must map host names to lists of roles, e.g. "
                              "core: [broker, api, master]");
  const std::vector<std::string> roles = FogRoles(fogs.front());
  std::map<std::string, std::string> placed;  // role -> host
  for (const auto& kv : hosts) {
    const std::string name = kv.first.Scalar();
    if (!ValidFogName(name))
      return r.Error(kv.first, where + ": '" + name +
                                   "' is not a host name (a letter, then "
                                   "letters, digits or _)");
    if (!kv.second.IsSequence() || kv.second.size() == 0)
      return r.Error(kv.second,
                     where + "." + name + " must be a list of roles");
    std::vector<std::string> mine;
    for (const YAML::Node& role : kv.second) {
      const std::string rn = role.IsScalar() ? role.Scalar() : "";
      if (std::find(roles.begin(), roles.end(), rn) == roles.end()) {
        std::string list;
        for (const std::string& k : roles)
          list += (list.empty() ? "" : ", ") + k;
        return r.Error(role, where + "." + name + ": '" + rn +
                                 "' is not a role of the fog (" + list + ")");
      }
      if (!placed.emplace(rn, name).second)
        return r.Error(role, where + "." + name + ": " + rn +
                                 " is already on host " + placed[rn]);
      mine.push_back(rn);
    }
    n->hosts.emplace_back(name, std::move(mine));
  }
  for (const std::string& role : roles) {
    if (!placed.count(role))
      return r.Error(hosts, where + ": " + role + " is on no host");
  }
  return Status::OK();
}

// Network emulation: the fog in a namespace of its own behind a tbf limit,
// or its components on hosts of their own. Delay and loss are taken here
// and refused by the run when the kernel has no netem (a probe, not a
// parse-time guess).
Status ParseNetwork(const MapReader& r, const std::vector<FogSpec>& fogs,
                    NetworkSpec* n) {
  FOG_TRY(r.CheckKeys({"hosts", "bandwidth_mbit", "delay_ms", "loss_pct"}));
  FOG_TRY(r.Require("bandwidth_mbit"));
  FOG_TRY(r.Get("bandwidth_mbit", &n->bandwidth_mbit, 0.1, 100000));
  FOG_TRY(r.Get("delay_ms", &n->delay_ms, 0, 10000));
  FOG_TRY(r.Get("loss_pct", &n->loss_pct, 0, 100));
  if (r.node()["hosts"]) FOG_TRY(ParseHosts(r, fogs, n));
  n->enabled = true;
  n->line = r.node().Mark().line + 1;
  return Status::OK();
}

Status ParsePublisher(const MapReader& r, PublisherSpec* p) {
  FOG_TRY(r.CheckKeys({"count", "source", "path", "bitrate_kbps", "gop_s",
                       "start_every_s", "fog"}));
  FOG_TRY(r.GetString("fog", &p->fog));
  FOG_TRY(r.Get("count", &p->count, 1, 1000));
  FOG_TRY(r.GetString("source", &p->source, {"synthetic", "pattern", "file"}));
  FOG_TRY(r.GetString("path", &p->path));
  if (p->source == "file" && p->path.empty()) {
    return r.Error(r.node()["path"] ? r.node()["path"] : r.node(),
                   r.Path("path") + " is required for source 'file'");
  }
  if (p->source != "file" && r.node()["path"]) {
    return r.Error(r.node()["path"], r.Path("path") +
                                         ": only source 'file' reads a "
                                         "path (source is '" +
                                         p->source + "')");
  }
  FOG_TRY(r.Get("bitrate_kbps", &p->bitrate_kbps, 8, 200000));
  FOG_TRY(r.Get("gop_s", &p->gop_s, 0.1, 10));
  FOG_TRY(r.Get("start_every_s", &p->start_every_s, 0, 3600));
  if (p->source == "pattern" && p->bitrate_kbps < 100) {
    return r.Error(r.node()["bitrate_kbps"],
                   r.Path("bitrate_kbps") +
                       ": the test pattern needs at least 100 kbit/s");
  }
  return Status::OK();
}

Status ParseViewer(const MapReader& r, ViewerSpec* v) {
  FOG_TRY(r.CheckKeys({"kind", "rate_per_s", "count", "fog", "videos_from"}));
  FOG_TRY(r.GetString("fog", &v->fog));
  FOG_TRY(r.GetString("videos_from", &v->videos_from));
  FOG_TRY(r.GetString("kind", &v->kind, {"packet", "hls", "get"}));
  FOG_TRY(r.Get("rate_per_s", &v->rate_per_s, 0.1, 1000));
  FOG_TRY(r.Get("count", &v->count, 1, 100));
  return Status::OK();
}

Status ParseFault(const MapReader& r, double duration, FaultSpec* f) {
  FOG_TRY(r.CheckKeys({"at_s", "action", "target", "fog"}));
  FOG_TRY(r.GetString("fog", &f->fog));
  FOG_TRY(r.Require("at_s"));
  FOG_TRY(r.Require("action"));
  FOG_TRY(r.Get("at_s", &f->at_s, 0, duration));
  const YAML::Node action = r.node()["action"];
  FOG_TRY(r.GetString("action", &f->action));
  static const std::set<std::string> kBuilt = {
      "kill",     "stop",        "continue",   "restart-broker",
      "hog",      "unhog",       "fill-quota", "corrupt-packet",
      "cut-link", "restore-link"};
  static const char kBuiltList[] =
      "continue, corrupt-packet, cut-link, fill-quota, hog, kill, "
      "restart-broker, restore-link, stop, unhog";
  if (!kBuilt.count(f->action)) {
    return r.Error(action, r.Path("action") + ": '" + f->action +
                               "' is not one of " + kBuiltList);
  }
  FOG_TRY(r.GetString("target", &f->target));
  if (f->action == "cut-link" || f->action == "restore-link") {
    FOG_TRY(r.Require("target"));
    if (r.node()["fog"])
      return r.Error(r.node()["fog"], r.Path("fog") + ": " + f->action +
                                          " names its fogs in target (A-B)");
    const size_t dash = f->target.find('-');
    if (dash == std::string::npos ||
        f->target.find('-', dash + 1) != std::string::npos ||
        !ValidFogName(f->target.substr(0, dash)) ||
        !ValidFogName(f->target.substr(dash + 1)))
      return r.Error(r.node()["target"],
                     r.Path("target") + ": '" + f->target +
                         "' is not a link between two fogs (A-B)");
  } else if (f->action == "restart-broker" || f->action == "unhog") {
    if (!f->target.empty())
      return r.Error(r.node()["target"],
                     r.Path("target") + ": " + f->action + " takes no target");
    f->target = f->action == "unhog" ? "" : "mosquitto";
  } else if ((f->action == "hog" || f->action == "fill-quota" ||
              f->action == "corrupt-packet") &&
             f->target.rfind("worker-", 0) != 0) {
    return r.Error(
        r.node()["target"] ? r.node()["target"] : r.node(),
        r.Path("target") + ": " + f->action + " needs a worker-N target");
  } else {
    FOG_TRY(r.Require("target"));
    const bool known = f->target == "master" || f->target == "balancer" ||
                       f->target == "api" || f->target.rfind("worker-", 0) == 0;
    if (!known)
      return r.Error(r.node()["target"],
                     r.Path("target") + ": '" + f->target +
                         "' is not master, balancer, api or worker-N");
  }
  f->line = r.node().Mark().line + 1;
  return Status::OK();
}

Status ParseAssertion(const MapReader& r, AssertionSpec* a) {
  FOG_TRY(r.CheckKeys({"metric", "min", "max"}));
  FOG_TRY(r.Require("metric"));
  FOG_TRY(r.GetString("metric", &a->metric));
  a->has_min = static_cast<bool>(r.node()["min"]);
  a->has_max = static_cast<bool>(r.node()["max"]);
  if (!a->has_min && !a->has_max)
    return r.Error(r.node(),
                   r.Path("min") + " or " + r.Path("max") + " is required");
  FOG_TRY(r.Get("min", &a->min, -1e18, 1e18));
  FOG_TRY(r.Get("max", &a->max, -1e18, 1e18));
  return Status::OK();
}

template <typename T, typename F>
Status ParseList(const MapReader& top, const std::string& key,
                 std::vector<T>* out, F parse_one) {
  const YAML::Node list = top.node()[key];
  if (!list) return Status::OK();
  if (!list.IsSequence()) return top.Error(list, key + " must be a list");
  for (size_t i = 0; i < list.size(); ++i) {
    T value;
    FOG_TRY(parse_one(list[i], key + "[" + std::to_string(i) + "]", &value));
    out->push_back(std::move(value));
  }
  return Status::OK();
}

Status LineError(const std::string& origin, int line, const std::string& what) {
  return Status::InvalidArgument(origin + ":" + std::to_string(line) + ": " +
                                 what);
}

const FogSpec* FindFog(const Spec& spec, const std::string& name) {
  for (const FogSpec& f : spec.fogs)
    if (f.name == name) return &f;
  return nullptr;
}

// Names unique, peers declared earlier (a fog dials peers already started),
// one R for all (the summary counts copies against it).
Status CheckFogs(const std::string& origin, const std::vector<FogSpec>& fogs) {
  std::set<std::string> seen;
  for (const FogSpec& f : fogs) {
    if (seen.count(f.name))
      return LineError(origin, f.line, "fogs: name '" + f.name + "' twice");
    for (const std::string& p : f.peers) {
      if (p == f.name)
        return LineError(origin, f.line,
                         "fogs: " + f.name + " names itself as a peer");
      if (!seen.count(p))
        return LineError(origin, f.line,
                         "fogs: peer '" + p + "' of " + f.name +
                             " is not a fog declared before it (a fog dials "
                             "peers that are already running)");
    }
    if (f.replicas != fogs.front().replicas)
      return LineError(origin, f.line,
                       "fogs: " + f.name + "'s replicas differ from " +
                           fogs.front().name +
                           "'s; every fog of an experiment has the same R");
    seen.insert(f.name);
  }
  return Status::OK();
}

// Publishers, viewers and process faults default to the first fog; a name
// must be one of the fogs; a link names two linked fogs and needs `network`.
Status PlaceOnFogs(const std::string& origin, const YAML::Node& root,
                   Spec* spec) {
  const std::string first = spec->fogs.front().name;
  auto place = [&](std::string* fog, const YAML::Node& item,
                   const std::string& where) -> Status {
    if (fog->empty()) *fog = first;
    if (!FindFog(*spec, *fog))
      return LineError(origin, item.Mark().line + 1,
                       where + ".fog: '" + *fog + "' is not one of the fogs");
    return Status::OK();
  };
  for (size_t i = 0; i < spec->publishers.size(); ++i)
    FOG_TRY(place(&spec->publishers[i].fog, root["publishers"][i],
                  "publishers[" + std::to_string(i) + "]"));
  for (size_t i = 0; i < spec->viewers.size(); ++i) {
    ViewerSpec& v = spec->viewers[i];
    const std::string where = "viewers[" + std::to_string(i) + "]";
    FOG_TRY(place(&v.fog, root["viewers"][i], where));
    if (v.videos_from.empty()) v.videos_from = v.fog;
    if (!FindFog(*spec, v.videos_from))
      return LineError(origin, root["viewers"][i].Mark().line + 1,
                       where + ".videos_from: '" + v.videos_from +
                           "' is not one of the fogs");
  }
  for (size_t i = 0; i < spec->faults.size(); ++i) {
    FaultSpec& f = spec->faults[i];
    const std::string where = "faults[" + std::to_string(i) + "]";
    if (f.action != "cut-link" && f.action != "restore-link") {
      FOG_TRY(place(&f.fog, root["faults"][i], where));
      const bool first_only = f.action == "hog" || f.action == "unhog" ||
                              f.action == "fill-quota" ||
                              f.action == "corrupt-packet";
      if (first_only && f.fog != first)
        return LineError(origin, f.line,
                         where + ".fog: " + f.action +
                             " applies to the first fog (" + first + ") only");
      continue;
    }
    const size_t dash = f.target.find('-');
    const std::string a = f.target.substr(0, dash),
                      b = f.target.substr(dash + 1);
    // With network.hosts, the link between two of the fog's hosts.
    auto is_host = [&](const std::string& n) {
      const auto& h = spec->network.hosts;
      return std::any_of(h.begin(), h.end(),
                         [&](const auto& e) { return e.first == n; });
    };
    if (!spec->network.hosts.empty()) {
      if (!is_host(a) || !is_host(b) || a == b)
        return LineError(origin, f.line,
                         where + ".target: '" + f.target +
                             "' does not name two of network.hosts");
      continue;
    }
    if (!FindFog(*spec, a) || !FindFog(*spec, b) || a == b)
      return LineError(
          origin, f.line,
          where + ".target: '" + f.target + "' does not name two of the fogs");
    const FogSpec &fa = *FindFog(*spec, a), &fb = *FindFog(*spec, b);
    const bool linked = std::count(fa.peers.begin(), fa.peers.end(), b) ||
                        std::count(fb.peers.begin(), fb.peers.end(), a);
    if (!linked)
      return LineError(origin, f.line,
                       where + ".target: " + a + " and " + b +
                           " are not linked (neither names the other in "
                           "peers)");
    if (!spec->network.enabled)
      return LineError(origin, f.line,
                       where + ": " + f.action +
                           " needs network (each fog in a namespace of its "
                           "own, so the link between two can be cut)");
  }
  return Status::OK();
}

Status ParseTop(const std::string& origin, const YAML::Node& root, Spec* spec) {
  MapReader r(origin, root, "");
  FOG_TRY(r.CheckKeys({"name", "duration_s", "drain_s", "seed", "fog", "fogs",
                       "network", "publishers", "viewers", "faults",
                       "assertions"}));
  FOG_TRY(r.Require("name"));
  FOG_TRY(r.GetString("name", &spec->name));
  FOG_TRY(r.Get("duration_s", &spec->duration_s, 1, 86400));
  FOG_TRY(r.Get("drain_s", &spec->drain_s, 0, 3600));
  FOG_TRY(r.Get("seed", &spec->seed, 0, 1.8e19));
  if (root["fog"] && root["fogs"])
    return r.Error(root["fogs"],
                   "fogs: declare either fog (one fog) or fogs (several), "
                   "not both");
  if (root["fog"])
    FOG_TRY(ParseFog(MapReader(origin, root["fog"], "fog"), &spec->fog));
  if (root["fogs"]) {
    FOG_TRY(
        ParseList(r, "fogs", &spec->fogs,
                  [&](const YAML::Node& n, const std::string& w, FogSpec* f) {
                    return ParseFog(MapReader(origin, n, w), f, true);
                  }));
    if (spec->fogs.empty())
      return r.Error(root["fogs"], "fogs: at least one is required");
    spec->fog = spec->fogs.front();
  } else {
    spec->fogs = {spec->fog};
  }
  FOG_TRY(CheckFogs(origin, spec->fogs));
  if (root["network"])
    FOG_TRY(ParseNetwork(MapReader(origin, root["network"], "network"),
                         spec->fogs, &spec->network));
  FOG_TRY(r.Require("publishers"));
  auto reader = [&](const YAML::Node& n, const std::string& where) {
    return MapReader(origin, n, where);
  };
  FOG_TRY(ParseList(
      r, "publishers", &spec->publishers,
      [&](const YAML::Node& n, const std::string& w, PublisherSpec* p) {
        return ParsePublisher(reader(n, w), p);
      }));
  // A file's path is relative to the declaration, as a shipped experiment
  // names a file beside it.
  for (PublisherSpec& p : spec->publishers) {
    if (p.path.empty() || p.path[0] == '/') continue;
    const std::filesystem::path dir =
        std::filesystem::path(origin).parent_path();
    if (!dir.empty()) p.path = (dir / p.path).string();
  }
  if (spec->publishers.empty())
    return r.Error(root["publishers"], "publishers: at least one is required");
  FOG_TRY(
      ParseList(r, "viewers", &spec->viewers,
                [&](const YAML::Node& n, const std::string& w, ViewerSpec* v) {
                  return ParseViewer(reader(n, w), v);
                }));
  FOG_TRY(
      ParseList(r, "faults", &spec->faults,
                [&](const YAML::Node& n, const std::string& w, FaultSpec* f) {
                  return ParseFault(reader(n, w), spec->duration_s, f);
                }));
  FOG_TRY(ParseList(
      r, "assertions", &spec->assertions,
      [&](const YAML::Node& n, const std::string& w, AssertionSpec* a) {
        return ParseAssertion(reader(n, w), a);
      }));
  FOG_TRY(PlaceOnFogs(origin, root, spec));
  for (const FaultSpec& f : spec->faults) {
    // A link fault names two fogs, not one: nothing below applies to it.
    const FogSpec* found = FindFog(*spec, f.fog);
    if (found == nullptr) continue;
    const FogSpec& fog = *found;
    if (f.action == "fill-quota" && fog.store_quota_bytes == 0) {
      return Status::InvalidArgument(
          origin + ":" + std::to_string(f.line) +
          ": faults: fill-quota needs fog.store_quota_bytes (the workers run "
          "without a quota)");
    }
    if (f.target.rfind("worker-", 0) == 0) {
      const std::string n = f.target.substr(7);
      int index = 0;
      try {
        index = std::stoi(n);
      } catch (const std::exception&) {
      }
      if (index < 1 || index > fog.workers || std::to_string(index) != n) {
        return Status::InvalidArgument(
            origin + ":" + std::to_string(f.line) + ": faults: target '" +
            f.target + "' names no worker of " +
            (spec->fogs.size() > 1 ? "fog " + fog.name : "the fog") +
            " (worker-1..worker-" + std::to_string(fog.workers) + ")");
      }
    }
  }
  return Status::OK();
}

#undef FOG_TRY

}  // namespace

std::string AssertionSpec::Name() const {
  std::ostringstream s;
  if (has_min) s << min << " <= ";
  s << metric;
  if (has_max) s << " <= " << max;
  return s.str();
}

Result<Spec> ParseSpec(const std::string& yaml, const std::string& origin) {
  Spec spec;
  try {
    const YAML::Node root = YAML::Load(yaml);
    if (!root.IsMap())
      return Status::InvalidArgument(origin +
                                     ": the top level must be a mapping");
    Status s = ParseTop(origin, root, &spec);
    if (!s.ok()) return s;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(
        origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return spec;
}

Result<Spec> LoadSpec(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseSpec(text.str(), path);
}

}  // namespace fog::experiment
