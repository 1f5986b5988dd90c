#include "federation/pins.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "federation/messages.h"
#include "publisher/backlog_gate.h"
#include "wire/envelope.h"
#include "wire/topics.h"

namespace fog::federation {

using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

Result<json> ParseObject(ByteView body, size_t max_bytes) {
  if (body.size() > max_bytes) {
    return Status::InvalidArgument("pin message too large");
  }
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (!j.is_object()) {
    return Status::InvalidArgument("pin message is not a JSON object");
  }
  return j;
}

// A string field of at most `max` characters; `required` or "".
Result<std::string> StringField(const json& j, const char* key, bool required,
                                size_t max = 1024) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) {
      return Status::InvalidArgument(std::string("missing field ") + key);
    }
    return std::string();
  }
  if (!it->is_string() || it->get_ref<const std::string&>().size() > max) {
    return Status::InvalidArgument(std::string("bad field ") + key);
  }
  return it->get<std::string>();
}

Result<int64_t> IntField(const json& j, const char* key, int64_t fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number_integer()) {
    return Status::InvalidArgument(std::string("bad field ") + key);
  }
  return it->get<int64_t>();
}

Result<std::string> VideoIdField(const json& j) {
  Result<std::string> id = StringField(j, "video_id", true);
  if (!id.ok()) return id;
  if (Status s = wire::ValidateVideoId(*id); !s.ok()) return s;
  return id;
}

}  // namespace

Result<PinCommand> DecodePinCommand(ByteView body) {
  Result<json> j = ParseObject(body, 4096);
  if (!j.ok()) return j.status();
  Result<std::string> video = VideoIdField(*j);
  if (!video.ok()) return video.status();
  Result<std::string> to = StringField(*j, "to", true);
  if (!to.ok()) return to.status();
  if (Status s = ValidateFogName(*to); !s.ok()) return s;
  return PinCommand{*video, *to};
}

std::string EncodePinCommand(const PinCommand& c) {
  return json{{"video_id", c.video_id}, {"to", c.to}}.dump();
}

std::string EncodePinReply(const PinReply& r) {
  json j = {{"video_id", r.video_id},
            {"to", r.to},
            {"status", r.status},
            {"result", r.result},
            {"reason", r.reason}};
  if (!r.id.empty()) j["id"] = r.id;
  return j.dump();
}

Result<PinReply> DecodePinReply(ByteView body) {
  Result<json> j = ParseObject(body, 8192);
  if (!j.ok()) return j.status();
  PinReply r;
  Result<std::string> id = StringField(*j, "id", false, 64);
  // Empty in the refusal of a command that could not be read.
  Result<std::string> video = StringField(*j, "video_id", false);
  if (video.ok() && !video->empty()) {
    if (Status v = wire::ValidateVideoId(*video); !v.ok()) return v;
  }
  Result<std::string> to = StringField(*j, "to", false, 64);
  Result<std::string> result = StringField(*j, "result", true, 32);
  Result<std::string> reason = StringField(*j, "reason", false);
  Result<int64_t> status = IntField(*j, "status", 200);
  for (const Result<std::string>* f : {&id, &video, &to, &result, &reason}) {
    if (!f->ok()) return f->status();
  }
  if (!status.ok()) return status.status();
  if (*status < 100 || *status > 599) {
    return Status::InvalidArgument("status out of range");
  }
  if (*result != "accepted" && *result != "refused") {
    return Status::InvalidArgument("result must be accepted or refused");
  }
  r.id = *id;
  r.video_id = *video;
  r.to = *to;
  r.status = static_cast<int>(*status);
  r.result = *result;
  r.reason = *reason;
  return r;
}

std::string EncodePinAsk(const PinAsk& a) {
  return json{{"id", a.id}, {"video_id", a.video_id}}.dump();
}

Result<PinAsk> DecodePinAsk(ByteView body) {
  Result<json> j = ParseObject(body, 4096);
  if (!j.ok()) return j.status();
  Result<std::string> id = StringField(*j, "id", true, 64);
  if (!id.ok()) return id.status();
  if (id->empty()) return Status::InvalidArgument("pin id is empty");
  Result<std::string> video = VideoIdField(*j);
  if (!video.ok()) return video.status();
  return PinAsk{*id, *video};
}

std::string EncodePins(const std::vector<PinRecord>& pins) {
  json list = json::array();
  for (const PinRecord& p : pins) {
    list.push_back({{"video_id", p.video_id},
                    {"asked_by", p.asked_by},
                    {"next", p.next},
                    {"total", p.total},
                    {"pinned", p.pinned},
                    {"complete", p.complete}});
  }
  return json{{"pins", list}}.dump(1);
}

Result<std::vector<PinRecord>> DecodePins(ByteView body) {
  Result<json> j = ParseObject(body, size_t{64} << 20);
  if (!j.ok()) return j.status();
  auto list = j->find("pins");
  if (list == j->end() || !list->is_array() || list->size() > kMaxPinRecords) {
    return Status::InvalidArgument("pins file needs a list \"pins\"");
  }
  std::vector<PinRecord> out;
  for (const json& e : *list) {
    if (!e.is_object()) return Status::InvalidArgument("bad pin record");
    PinRecord p;
    Result<std::string> video = VideoIdField(e);
    if (!video.ok()) return video.status();
    Result<std::string> by = StringField(e, "asked_by", false, 64);
    Result<int64_t> next = IntField(e, "next", 1);
    Result<int64_t> total = IntField(e, "total", 0);
    Result<int64_t> pinned = IntField(e, "pinned", 0);
    if (!by.ok()) return by.status();
    for (const Result<int64_t>* f : {&next, &total, &pinned}) {
      if (!f->ok()) return f->status();
    }
    auto complete = e.find("complete");
    if (complete != e.end() && !complete->is_boolean()) {
      return Status::InvalidArgument("bad field complete");
    }
    if (*next < 1 || *total < 0 || *pinned < 0) {
      return Status::InvalidArgument("pin record out of range");
    }
    p.video_id = *video;
    p.asked_by = *by;
    p.next = *next;
    p.total = *total;
    p.pinned = *pinned;
    p.complete = complete != e.end() && complete->get<bool>();
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<PinRecord>> LoadPins(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::vector<PinRecord>{};
  Result<Bytes> body = ReadFile(path);
  if (!body.ok()) return body.status();
  Result<std::vector<PinRecord>> pins = DecodePins(*body);
  if (!pins.ok()) {
    return Status::Corruption(path + ": " + pins.status().message());
  }
  return pins;
}

Status SavePins(const std::string& path, const std::vector<PinRecord>& pins) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  const std::string text = EncodePins(pins);
  return WriteFileAtomic(
      path,
      ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

class Pinner::Impl {
 public:
  Impl(PinnerOptions o, PinFetch fetch, Counters& counters)
      : o_(std::move(o)),
        fetch_(std::move(fetch)),
        counters_(counters),
        client_(o_.local),
        gate_(client_) {}

  ~Impl() { Stop(); }

  Status Start() {
    if (!o_.state_file.empty()) {
      Result<std::vector<PinRecord>> loaded = LoadPins(o_.state_file);
      if (!loaded.ok()) return loaded.status();
      std::lock_guard<std::mutex> lock(mu_);
      for (PinRecord& p : *loaded) pins_[p.video_id] = std::move(p);
    }
    Status s = client_.Connect(std::chrono::seconds(10));
    if (s.ok()) s = gate_.Subscribe();
    if (!s.ok()) return s;
    running_ = true;
    thread_ = std::thread([this] { Loop(); });
    if (size_t n = active(); n > 0) {
      spdlog::info("federation {}: resuming {} pin(s) from {}", o_.name, n,
                   o_.state_file);
    }
    return Status::OK();
  }

  void Stop() {
    if (!running_.exchange(false)) return;
    cv_.notify_all();
    std::shared_ptr<PageSlot> slot;
    {
      std::lock_guard<std::mutex> lock(mu_);
      slot = current_;
    }
    if (slot) {
      std::lock_guard<std::mutex> lock(slot->mu);
      slot->cv.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    (void)client_.Flush(std::chrono::seconds(2));
    client_.Disconnect();
  }

  Status Accept(const std::string& video_id, const std::string& asked_by) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (pins_.contains(video_id)) return Status::OK();
      if (ActiveLocked() >= o_.max_pins) {
        counters_.Add("pins_refused");
        return Status::Unavailable(
            "this fog follows " + std::to_string(o_.max_pins) +
            " pins already (its bound); try again when one completes");
      }
      if (pins_.size() >= kMaxPinRecords) {
        counters_.Add("pins_refused");
        return Status::Unavailable("this fog holds too many pin records");
      }
      pins_[video_id] = {.video_id = video_id, .asked_by = asked_by};
      counters_.Add("pins_accepted");
      SaveLocked();
    }
    spdlog::info("federation {}: pinned {} (asked by {})", o_.name, video_id,
                 asked_by);
    cv_.notify_all();
    return Status::OK();
  }

  size_t active() const {
    std::lock_guard<std::mutex> lock(mu_);
    return ActiveLocked();
  }

  std::vector<PinRecord> pins() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<PinRecord> out;
    for (const auto& [id, p] : pins_) out.push_back(p);
    return out;
  }

 private:
  // REQUIRES: mu_ held.
  size_t ActiveLocked() const {
    size_t n = 0;
    for (const auto& [id, p] : pins_) n += p.complete ? 0 : 1;
    return n;
  }

  // REQUIRES: mu_ held.
  void SaveLocked() {
    if (o_.state_file.empty()) return;
    std::vector<PinRecord> all;
    for (const auto& [id, p] : pins_) all.push_back(p);
    if (Status s = SavePins(o_.state_file, all); !s.ok()) {
      counters_.Add("pin_state_write_errors");
      spdlog::error("federation {}: writing {}: {}", o_.name, o_.state_file,
                    s.ToString());
    }
  }

  // The pin to work on next: incomplete and due; empty when none.
  std::string NextDue() {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = Clock::now();
    // Round robin from the last one served, so one live video cannot
    // starve the others.
    auto it = pins_.upper_bound(last_served_);
    for (size_t i = 0; i < pins_.size(); ++i, ++it) {
      if (it == pins_.end()) it = pins_.begin();
      const PinRecord& p = it->second;
      if (p.complete) continue;
      auto due = due_.find(p.video_id);
      if (due != due_.end() && due->second > now) continue;
      last_served_ = p.video_id;
      return p.video_id;
    }
    return "";
  }

  void Loop() {
    while (running_) {
      const std::string id = NextDue();
      if (id.empty()) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, std::chrono::milliseconds(200));
        continue;
      }
      Step(id);
    }
  }

  // Fetches one page of `id` from its `next` packet and publishes the run
  // of consecutive verified packets it brings.
  void Step(const std::string& id) {
    int64_t next;
    {
      std::lock_guard<std::mutex> lock(mu_);
      next = pins_[id].next;
    }
    // One page in flight: the fetch's answer comes back through `slot`.
    auto slot = std::make_shared<PageSlot>();
    {
      std::lock_guard<std::mutex> lock(mu_);
      current_ = slot;
    }
    fetch_(id, next, o_.page_bytes, [slot](PinPage page) {
      std::lock_guard<std::mutex> lock(slot->mu);
      slot->page = std::move(page);
      slot->done = true;
      slot->cv.notify_all();
    });
    PinPage page;
    {
      std::unique_lock<std::mutex> lock(slot->mu);
      if (!slot->cv.wait_for(lock, o_.page_timeout,
                             [&] { return slot->done || !running_; })) {
        counters_.Add("pin_pages_timed_out");
      }
      if (!slot->done) {
        Later(id);
        return;
      }
      page = std::move(slot->page);
    }
    counters_.Add("pin_pages");
    int64_t published = 0;
    int64_t total = 0;
    int64_t n = next;
    for (auto it = page.packets.find(n); it != page.packets.end() && running_;
         it = page.packets.find(++n)) {
      Result<wire::Envelope> e = wire::DecodeEnvelope(it->second);
      if (!e.ok()) break;  // the federation verified it: not expected
      Status s = WaitForBacklog(id);
      if (s.ok()) {
        s = client_.Publish({.topic = wire::topics::Stream(id),
                             .payload = it->second,
                             .qos = 1},
                            /*wait=*/false);
      }
      if (!s.ok()) {
        counters_.Add("pin_publish_errors");
        spdlog::warn("federation {}: pin of {}: packet {}: {}", o_.name, id, n,
                     s.ToString());
        break;
      }
      if (e->packet.total_packets > 0) total = e->packet.total_packets;
      ++published;
    }
    // The page is settled at the broker before `next` moves past it.
    if (published > 0) {
      if (Status s = client_.Flush(std::chrono::seconds(30)); !s.ok()) {
        counters_.Add("pin_publish_errors");
        spdlog::warn("federation {}: pin of {}: {}", o_.name, id, s.ToString());
        Later(id);
        return;
      }
    }
    counters_.Add("packets_pinned", static_cast<uint64_t>(published));
    bool completed = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      PinRecord& p = pins_[id];
      p.next = next + published;
      p.pinned += published;
      if (total > 0) p.total = total;
      if (p.total > 0 && p.next > p.total) {
        p.complete = true;
        completed = true;
      }
      if (published > 0) SaveLocked();
      // A page that brought nothing new: the video is live (or its holder
      // away); ask again after the poll period. Otherwise go on at once.
      if (published == 0) {
        due_[id] = Clock::now() + o_.poll;
      } else {
        due_.erase(id);
      }
    }
    if (completed) {
      counters_.Add("pins_completed");
      spdlog::info("federation {}: pin of {} complete: {} packet(s)", o_.name,
                   id, total);
    }
  }

  // The master's backlog, waited for in slices so that Stop() is not held
  // for the whole of o_.backlog_wait.
  Status WaitForBacklog(const std::string& id) {
    const auto deadline = std::chrono::steady_clock::now() + o_.backlog_wait;
    bool said = false;
    while (true) {
      Status s = gate_.WaitWhileOver(
          std::chrono::milliseconds(500),
          [&](const wire::BacklogReport&) {
            if (said) return;
            said = true;
            counters_.Add("pin_backlog_waits");
            spdlog::info(
                "federation {}: pin of {} waits for the master's backlog",
                o_.name, id);
          },
          nullptr);
      if (s.ok() || !running_ || std::chrono::steady_clock::now() >= deadline)
        return running_ ? s : Status::Unavailable("stopping");
    }
  }

  void Later(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    due_[id] = Clock::now() + o_.poll;
  }

  struct PageSlot {
    std::mutex mu;
    std::condition_variable cv;
    PinPage page;
    bool done = false;
  };

  const PinnerOptions o_;
  const PinFetch fetch_;
  Counters& counters_;
  mqtt::Client client_;
  publisher::BacklogGate gate_;
  std::atomic<bool> running_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, PinRecord> pins_;         // guarded by mu_
  std::map<std::string, Clock::time_point> due_;  // guarded by mu_
  std::string last_served_;                       // guarded by mu_
  std::shared_ptr<PageSlot> current_;  // guarded by mu_: the page awaited
};

Pinner::Pinner(PinnerOptions options, PinFetch fetch, Counters& counters)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(fetch),
                                   counters)) {}
Pinner::~Pinner() = default;
Status Pinner::Start() { return impl_->Start(); }
void Pinner::Stop() { impl_->Stop(); }
Status Pinner::Accept(const std::string& video_id,
                      const std::string& asked_by) {
  return impl_->Accept(video_id, asked_by);
}
size_t Pinner::active() const { return impl_->active(); }
std::vector<PinRecord> Pinner::pins() const { return impl_->pins(); }

}  // namespace fog::federation
