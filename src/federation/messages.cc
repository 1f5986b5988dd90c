#include "federation/messages.h"

#include <nlohmann/json.hpp>

#include "wire/envelope.h"

namespace fog::federation {

using nlohmann::json;

namespace {

constexpr std::string_view kPrefix = "fog/peer/";
constexpr size_t kMaxBody = 64u << 20;

Result<json> Parse(ByteView body) {
  if (body.size() > kMaxBody) {
    return Status::InvalidArgument("peer message too large");
  }
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (!j.is_object()) {
    return Status::InvalidArgument("peer message is not a JSON object");
  }
  return j;
}

// The value of `key` if it has type T; `fallback` when absent.
template <typename T>
Result<T> Field(const json& j, const char* key, std::optional<T> fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (fallback) return *fallback;
    return Status::InvalidArgument(std::string("missing field ") + key);
  }
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string() || it->get_ref<const std::string&>().size() > 4096) {
      return Status::InvalidArgument(std::string("bad field ") + key);
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) {
      return Status::InvalidArgument(std::string("bad field ") + key);
    }
  } else {
    if (!it->is_number_integer()) {
      return Status::InvalidArgument(std::string("bad field ") + key);
    }
  }
  return it->get<T>();
}

}  // namespace

Status ValidateFogName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '_' || name[0] == '.') {
    return Status::InvalidArgument("fog name must be 1..64 characters");
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) {
      return Status::InvalidArgument(
          "fog name may hold only letters, digits, '-', '_' and '.'");
    }
  }
  return Status::OK();
}

std::string PeerTopic(std::string_view to, std::string_view from,
                      std::string_view kind) {
  return std::string(kPrefix) + std::string(to) + "/" + std::string(from) +
         "/" + std::string(kind);
}

std::string HelloTopic(std::string_view from) {
  return std::string(kPrefix) + "_hello/" + std::string(from);
}

std::string InboxFilter(std::string_view self) {
  return std::string(kPrefix) + std::string(self) + "/+/+";
}

Result<PeerTopicParts> ParsePeerTopic(std::string_view topic) {
  if (!topic.starts_with(kPrefix)) {
    return Status::InvalidArgument("not a peer topic");
  }
  std::vector<std::string> parts;
  std::string_view rest = topic.substr(kPrefix.size());
  while (true) {
    const size_t slash = rest.find('/');
    parts.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
    if (parts.size() > 3) break;
  }
  PeerTopicParts p;
  if (parts.size() == 2 && parts[0] == "_hello") {
    p.from = parts[1];
    p.kind = "hello";
  } else if (parts.size() == 3) {
    p.to = parts[0];
    p.from = parts[1];
    p.kind = parts[2];
    if (Status s = ValidateFogName(p.to); !s.ok()) return s;
  } else {
    return Status::InvalidArgument("peer topic has the wrong levels");
  }
  if (Status s = ValidateFogName(p.from); !s.ok()) return s;
  return p;
}

std::string EncodeHello(const Hello& h) {
  return json{{"t", h.t_ms}, {"pong", h.pong}}.dump();
}

Result<Hello> DecodeHello(ByteView body) {
  Result<json> j = Parse(body);
  if (!j.ok()) return j.status();
  Result<int64_t> t = Field<int64_t>(*j, "t", int64_t{0});
  Result<bool> pong = Field<bool>(*j, "pong", false);
  if (!t.ok()) return t.status();
  if (!pong.ok()) return pong.status();
  return Hello{*t, *pong};
}

std::string EncodeRequest(const PeerRequest& r) {
  json j = {
      {"id", r.id},          {"video_id", r.video_id},     {"first", r.first},
      {"last", r.last},      {"page_bytes", r.page_bytes}, {"hops", r.hops},
      {"visited", r.visited}};
  return j.dump();
}

Result<PeerRequest> DecodeRequest(ByteView body) {
  Result<json> j = Parse(body);
  if (!j.ok()) return j.status();
  PeerRequest r;
  Result<std::string> id = Field<std::string>(*j, "id", std::nullopt);
  if (!id.ok()) return id.status();
  if (id->empty() || id->size() > 64) {
    return Status::InvalidArgument("request id must be 1..64 characters");
  }
  r.id = *id;
  Result<std::string> video = Field<std::string>(*j, "video_id", std::nullopt);
  if (!video.ok()) return video.status();
  if (Status s = wire::ValidateVideoId(*video); !s.ok()) return s;
  r.video_id = *video;
  Result<int64_t> first = Field<int64_t>(*j, "first", int64_t{1});
  Result<int64_t> last = Field<int64_t>(*j, "last", INT64_MAX);
  Result<int64_t> page = Field<int64_t>(*j, "page_bytes", int64_t{0});
  Result<int64_t> hops = Field<int64_t>(*j, "hops", int64_t{0});
  for (const Result<int64_t>* f : {&first, &last, &page, &hops}) {
    if (!f->ok()) return f->status();
  }
  if (*first < 1 || *last < *first || *page < 0) {
    return Status::InvalidArgument("bad packet range");
  }
  if (*hops < 0 || *hops > kMaxHops) {
    return Status::InvalidArgument("hops out of range");
  }
  r.first = *first;
  r.last = *last;
  r.page_bytes = *page;
  r.hops = static_cast<int>(*hops);
  auto visited = j->find("visited");
  if (visited != j->end()) {
    if (!visited->is_array() || visited->size() > kMaxVisited) {
      return Status::InvalidArgument("bad visited list");
    }
    for (const auto& v : *visited) {
      if (!v.is_string() || !ValidateFogName(v.get<std::string>()).ok()) {
        return Status::InvalidArgument("bad fog name in visited list");
      }
      r.visited.push_back(v.get<std::string>());
    }
  }
  return r;
}

std::string EncodeCatalog(const Catalog& c) {
  json videos = json::array();
  for (const CatalogEntry& e : c.videos) {
    videos.push_back({{"video_id", e.video_id},
                      {"status", e.status},
                      {"packets", e.packets},
                      {"total_packets", e.total_packets},
                      {"ranges", e.ranges},
                      {"publisher_key", e.publisher_key},
                      {"chain_head", e.chain_head}});
  }
  return json{{"fog", c.fog}, {"seq", c.seq}, {"videos", videos}}.dump();
}

Result<Catalog> DecodeCatalog(ByteView body) {
  Result<json> j = Parse(body);
  if (!j.ok()) return j.status();
  Catalog c;
  Result<std::string> fog = Field<std::string>(*j, "fog", std::nullopt);
  if (!fog.ok()) return fog.status();
  if (Status s = ValidateFogName(*fog); !s.ok()) return s;
  c.fog = *fog;
  Result<int64_t> seq = Field<int64_t>(*j, "seq", int64_t{0});
  if (!seq.ok()) return seq.status();
  c.seq = *seq;
  auto videos = j->find("videos");
  if (videos == j->end() || !videos->is_array() ||
      videos->size() > kMaxCatalogVideos) {
    return Status::InvalidArgument("catalog needs a list of videos");
  }
  for (const auto& v : *videos) {
    if (!v.is_object()) return Status::InvalidArgument("bad catalog entry");
    CatalogEntry e;
    Result<std::string> id = Field<std::string>(v, "video_id", std::nullopt);
    if (!id.ok()) return id.status();
    if (Status s = wire::ValidateVideoId(*id); !s.ok()) return s;
    e.video_id = *id;
    Result<std::string> status = Field<std::string>(v, "status", "");
    Result<std::string> ranges = Field<std::string>(v, "ranges", "");
    Result<std::string> key = Field<std::string>(v, "publisher_key", "");
    Result<std::string> head = Field<std::string>(v, "chain_head", "");
    Result<int64_t> packets = Field<int64_t>(v, "packets", int64_t{0});
    Result<int64_t> total = Field<int64_t>(v, "total_packets", int64_t{0});
    for (const Result<std::string>* f : {&status, &ranges, &key, &head}) {
      if (!f->ok()) return f->status();
    }
    if (!packets.ok()) return packets.status();
    if (!total.ok()) return total.status();
    e.status = *status;
    e.ranges = *ranges;
    e.publisher_key = *key;
    e.chain_head = *head;
    e.packets = *packets;
    e.total_packets = *total;
    c.videos.push_back(std::move(e));
  }
  return c;
}

const char* EndResultName(EndResult r) {
  switch (r) {
    case EndResult::kFound:
      return "found";
    case EndResult::kNotFound:
      return "not-found";
    case EndResult::kDuplicate:
      return "duplicate";
    case EndResult::kBusy:
      return "busy";
    case EndResult::kTimeout:
      return "timeout";
    case EndResult::kUnreachable:
      return "unreachable";
  }
  return "not-found";
}

std::optional<EndResult> ParseEndResult(std::string_view s) {
  for (EndResult r :
       {EndResult::kFound, EndResult::kNotFound, EndResult::kDuplicate,
        EndResult::kBusy, EndResult::kTimeout, EndResult::kUnreachable}) {
    if (s == EndResultName(r)) return r;
  }
  return std::nullopt;
}

std::string EncodeFogList(const std::set<std::string>& fogs) {
  std::string out;
  for (const std::string& f : fogs) {
    if (!out.empty()) out += ',';
    out += f;
  }
  return out;
}

std::set<std::string> DecodeFogList(std::string_view value) {
  std::set<std::string> out;
  while (!value.empty() && out.size() < kMaxVisited) {
    const size_t comma = value.find(',');
    const std::string_view name = value.substr(0, comma);
    if (ValidateFogName(name).ok()) out.emplace(name);
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace fog::federation
