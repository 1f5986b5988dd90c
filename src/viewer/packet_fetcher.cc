#include "viewer/packet_fetcher.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "crypto/mldsa/mldsa.h"
#include "crypto/random.h"
#include "mqtt/client.h"
#include "wire/get_range.h"
#include "wire/legacy_payload.h"
#include "wire/payload_format.h"
#include "wire/topics.h"

namespace fog::viewer {

Result<wire::VideoPacket> SeedPacketOf(ByteView payload) {
  switch (wire::DetectFormat(payload)) {
    case wire::PayloadFormat::kLegacySis: {
      Result<wire::LegacyPayload> sis = wire::DecodeLegacyPayload(payload);
      if (!sis.ok()) return sis.status();
      return wire::DecodeVideoPacket(sis->packet);
    }
    case wire::PayloadFormat::kVideoPacket:
      return wire::DecodeVideoPacket(payload);
    default:
      return Status::InvalidArgument("not a seed-format packet");
  }
}

namespace {

// The bytes held by all fetches of one fetcher, against its cap. Shared with
// the results' reservations, which may outlive a fetch.
class Budget {
 public:
  explicit Budget(size_t cap) : cap_(cap) {}

  bool Take(size_t n) {
    size_t now = used_.load();
    do {
      if (cap_ > 0 && now + n > cap_) return false;
    } while (!used_.compare_exchange_weak(now, now + n));
    size_t peak = peak_.load();
    while (now + n > peak && !peak_.compare_exchange_weak(peak, now + n)) {
    }
    return true;
  }
  void Give(size_t n) { used_ -= n; }
  size_t used() const { return used_.load(); }
  size_t peak() const { return peak_.load(); }

 private:
  const size_t cap_;
  std::atomic<size_t> used_{0};
  std::atomic<size_t> peak_{0};
};

// The answers to one fetch, decoding each envelope once as it arrives and
// keeping one per packet number. A fetch of several pages sends one request
// per page; stragglers of an earlier page still count.
class Collector {
 public:
  Collector(const FetchRequest& request, std::shared_ptr<Budget> budget)
      : request_(request), budget_(std::move(budget)) {}

  ~Collector() {
    if (result_.bytes > 0) budget_->Give(result_.bytes);
  }

  // Starts a page of packets from..request.last.
  void StartPage(int64_t from) {
    std::lock_guard<std::mutex> lock(mu_);
    from_ = from;
    page_ends_ = 0;
    page_empty_ends_ = 0;
    page_busy_ = 0;
    page_next_ = 0;
    page_working_.clear();
    page_ended_.clear();
    page_working_found_ = false;
    last_activity_ = std::chrono::steady_clock::now();
  }

  void Add(const mqtt::Message& m) {
    std::lock_guard<std::mutex> lock(mu_);
    last_activity_ = std::chrono::steady_clock::now();
    if (!m.UserProperty("end").empty()) {
      AddEnd(m);
    } else if (m.UserProperty("working") == "1") {
      // A responder that must fetch first (the federation, from other
      // fogs): its end will come, so the quiet period waits for it.
      page_working_.insert(m.UserProperty("worker"));
    } else {
      ++received_;  // kept or not: it is no longer on its way
      if (received_ == 1) result_.first_packet_at = last_activity_;
      AddPacket(m);
    }
    cv_.notify_all();
  }

  // Waits for the page to end (see FetchRequest). Returns where it ended:
  // the page's lowest "next", 0 if none.
  int64_t WaitPage() {
    auto deadline = std::chrono::steady_clock::now() + request_.timeout;
    std::unique_lock<std::mutex> lock(mu_);
    while (std::chrono::steady_clock::now() < deadline && !PageDone()) {
      cv_.wait_for(lock, std::chrono::milliseconds(20));
    }
    result_.next = page_next_;
    result_.lost = static_cast<int>(
        std::clamp<int64_t>(announced_ - received_, 0, INT32_MAX));
    return page_next_;
  }

  bool over_budget() {
    std::lock_guard<std::mutex> lock(mu_);
    return result_.over_budget > 0;
  }

  // Workers that said busy in the current page.
  int page_busy() {
    std::lock_guard<std::mutex> lock(mu_);
    return page_busy_;
  }

  // REQUIRES: no page in progress.
  FetchResult Take() {
    std::lock_guard<std::mutex> lock(mu_);
    FetchResult r = std::move(result_);
    result_ = {};
    if (r.bytes > 0) {
      std::shared_ptr<Budget> budget = budget_;
      const size_t bytes = r.bytes;
      r.reservation = std::shared_ptr<void>(
          nullptr, [budget, bytes](void*) { budget->Give(bytes); });
    }
    return r;
  }

 private:
  // REQUIRES: mu_ held.
  void AddEnd(const mqtt::Message& m) {
    ++result_.ends;
    page_ended_.insert(m.UserProperty("worker"));
    // A worker holding nothing of the video is not one of the holders the
    // caller expects; its end still starts the quiet period.
    if (m.UserProperty("holds") == "0") {
      ++page_empty_ends_;
    } else {
      ++page_ends_;
    }
    if (!m.UserProperty("busy").empty()) {
      ++result_.busy;
      ++page_busy_;
    }
    AddUnreachable(m.UserProperty("unreachable"));
    try {
      // Packets this worker sent before its end: the same connection
      // delivers them first, unless they were lost or sent again after a
      // reconnection.
      const int64_t sent =
          std::max<int64_t>(0, std::stoll(m.UserProperty("end")));
      announced_ += sent;
      if (sent > 0 && page_working_.contains(m.UserProperty("worker"))) {
        page_working_found_ = true;
      }
    } catch (const std::exception&) {
      ++result_.undecodable;
    }
    const std::string next = m.UserProperty("next");
    if (next.empty()) return;
    try {
      const int64_t n = std::stoll(next);
      if (n > from_ && (page_next_ == 0 || n < page_next_)) page_next_ = n;
    } catch (const std::exception&) {
      ++result_.undecodable;  // a worker's bug; the page just ends here
    }
  }

  // "c,d": fog names kept for the caller's message, a bounded number of
  // bounded plain names (the property is not trusted; the caller prints
  // it). REQUIRES: mu_ held.
  void AddUnreachable(std::string_view names) {
    constexpr size_t kMaxNames = 16;
    constexpr size_t kMaxName = 64;
    while (!names.empty() && result_.unreachable.size() < kMaxNames) {
      const size_t comma = names.find(',');
      const std::string_view name = names.substr(0, comma);
      const bool plain =
          std::all_of(name.begin(), name.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '.' || c == '_' || c == '-';
          });
      if (!name.empty() && name.size() <= kMaxName && plain) {
        result_.unreachable.emplace(name);
      }
      if (comma == std::string_view::npos) break;
      names.remove_prefix(comma + 1);
    }
  }

  // REQUIRES: mu_ held.
  void AddPacket(const mqtt::Message& m) {
    // Cheap checks before decoding: a duplicate costs no decode and no
    // memory.
    // Any one worker's mark counts, whichever copy was kept.
    const bool conflict = m.UserProperty("conflict") == "1";
    const std::string number = m.UserProperty("packet-number");
    if (!number.empty()) {
      try {
        const int64_t n = std::stoll(number);
        if (numbers_.contains(n)) {
          ++result_.duplicates;
          if (conflict) result_.conflicts.insert(n);
          return;
        }
      } catch (const std::exception&) {
      }
    }
    const size_t size = m.payload.size();
    // The first two always fit, as a page always holds two (get_range.h).
    if (request_.max_bytes > 0 && result_.envelopes.size() >= 2 &&
        result_.bytes + size > request_.max_bytes) {
      ++result_.over_budget;
      return;
    }
    Result<wire::Envelope> e = wire::DecodeEnvelope(m.payload);
    if (!e.ok()) {
      AddLegacy(m, conflict);
      return;
    }
    if (e->packet.video_id != request_.video_id) {
      ++result_.undecodable;
      return;
    }
    if (!numbers_.insert(e->packet.packet_number).second) {
      ++result_.duplicates;
      if (conflict) result_.conflicts.insert(e->packet.packet_number);
      return;
    }
    if (!budget_->Take(size)) {
      numbers_.erase(e->packet.packet_number);
      ++result_.over_budget;
      return;
    }
    result_.bytes += size;
    total_ = std::max(total_, e->packet.total_packets);
    if (conflict) result_.conflicts.insert(e->packet.packet_number);
    result_.envelopes.push_back(std::move(*e));
    if (request_.keep_payloads) result_.payloads.push_back(m.payload);
  }

  // A reply that is not an envelope: kept when it is a seed-format packet
  // of this video (its check is the caller's). REQUIRES: mu_ held.
  void AddLegacy(const mqtt::Message& m, bool conflict) {
    Result<wire::VideoPacket> packet = SeedPacketOf(m.payload);
    if (!packet.ok() || packet->video_id != request_.video_id) {
      ++result_.undecodable;
      return;
    }
    if (!numbers_.insert(packet->packet_number).second) {
      ++result_.duplicates;
      if (conflict) result_.conflicts.insert(packet->packet_number);
      return;
    }
    const size_t size = m.payload.size();
    if (!budget_->Take(size)) {
      numbers_.erase(packet->packet_number);
      ++result_.over_budget;
      return;
    }
    result_.bytes += size;
    total_ = std::max(total_, packet->total_packets);
    if (conflict) result_.conflicts.insert(packet->packet_number);
    result_.legacy.push_back(m.payload);
  }

  // REQUIRES: mu_ held.
  bool PageDone() const {
    int64_t last = request_.last;
    if (total_ > 0) last = std::min(last, total_);
    if (last != INT64_MAX && last >= from_) {
      auto lo = numbers_.lower_bound(from_);
      auto hi = numbers_.upper_bound(last);
      if (std::distance(lo, hi) == last - from_ + 1) return true;
    }
    // Replies still on their way after their worker's end (sent again
    // after a reconnection) are waited for; lost ones end the page by
    // `quiet`, and FetchResult::lost says so.
    if (request_.expected_ends > 0 && page_ends_ >= request_.expected_ends &&
        received_ >= announced_)
      return true;
    for (const std::string& w : page_working_) {
      if (!page_ended_.contains(w)) return false;  // its end is to come
    }
    // A responder says it is working only for a video this fog's own
    // workers do not hold (the federation): once it ended having found the
    // video and its replies are here, no quiet period can bring more.
    if (page_working_found_ && received_ >= announced_) return true;
    return page_ends_ + page_empty_ends_ > 0 &&
           std::chrono::steady_clock::now() - last_activity_ > request_.quiet;
  }

  const FetchRequest& request_;
  const std::shared_ptr<Budget> budget_;
  std::mutex mu_;
  std::condition_variable cv_;
  FetchResult result_;
  std::set<int64_t> numbers_;  // kept packet numbers
  int64_t total_ = 0;
  // Over all pages (a straggler of an earlier page counts when it comes):
  // packets the end replies counted, and packet replies that arrived.
  int64_t announced_ = 0;
  int64_t received_ = 0;
  int64_t from_ = 1;
  int page_ends_ = 0;        // from workers holding some of the video
  int page_empty_ends_ = 0;  // from workers holding none of it
  int page_busy_ = 0;
  int64_t page_next_ = 0;
  // Responders that said they are working on this page, and those that
  // ended it (by their "worker" property).
  std::set<std::string> page_working_;
  std::set<std::string> page_ended_;
  bool page_working_found_ = false;  // one of them sent packets
  std::chrono::steady_clock::time_point last_activity_ =
      std::chrono::steady_clock::now();
};

// A fetch of all pages asks a busy worker again this many times, pausing
// kBusyPause longer each time (some 20 s in all).
constexpr int kMaxBusyRetries = 20;
constexpr std::chrono::milliseconds kBusyPause{100};

// A reply topic or correlation token nobody can guess; an error when the
// system's random source fails (never a predictable token).
Result<Bytes> RandomToken() {
  Bytes b(16);
  if (Status s = crypto::RandomBytes(b); !s.ok()) return s;
  return b;
}

}  // namespace

class PacketFetcher::Impl {
 private:
  // The client id is part of the reply topic, so it must be known before
  // connecting: one the broker would assign is not.
  mqtt::ConnectOptions WithClientId(mqtt::ConnectOptions options) {
    if (options.client_id.empty()) {
      Result<Bytes> token = RandomToken();
      if (token.ok()) {
        options.client_id = "fog-viewer-" + ToHex(*token);
      } else {
        init_ = token.status();
      }
    }
    client_id_ = options.client_id;
    return options;
  }
  // Set by WithClientId, so declared before the members below.
  Status init_;  // not ok when no client id or reply topic could be drawn
  std::string client_id_;

 public:
  Impl(const mqtt::ConnectOptions& options, FetcherLimits limits)
      : client_(WithClientId(options)),
        budget_(std::make_shared<Budget>(limits.max_total_bytes)) {
    // Under the client id: the broker lets a viewer read only
    // reply/<its client id>/# (docs/security.md, "Viewers").
    Result<Bytes> token = RandomToken();
    if (token.ok()) {
      reply_topic_ = "reply/" + client_id_ + "/" + ToHex(*token);
    } else if (init_.ok()) {
      init_ = token.status();
    }
    client_.OnMessage([this](const mqtt::Message& m) { Route(m); });
  }

  Status Connect(std::chrono::milliseconds timeout) {
    if (!init_.ok()) return init_;
    Status s = client_.Connect(timeout);
    if (s.ok()) s = client_.Subscribe(reply_topic_, 1);
    return s;
  }

  Result<FetchResult> Fetch(const FetchRequest& request) {
    Status valid = wire::ValidateVideoId(request.video_id);
    if (!valid.ok()) return valid;
    if (request.first < 1 || request.last < request.first ||
        request.page_bytes < 0) {
      return Status::InvalidArgument("bad packet range");
    }
    Collector collector(request, budget_);
    std::vector<std::string> keys;
    Status s;
    int busy_retries = 0;
    for (int64_t from = request.first; from > 0;) {
      collector.StartPage(from);
      Result<Bytes> random_token = RandomToken();
      if (!random_token.ok()) {
        s = random_token.status();
        break;
      }
      const Bytes& token = *random_token;
      keys.emplace_back(token.begin(), token.end());
      {
        std::lock_guard<std::mutex> lock(mu_);
        pending_[keys.back()] = &collector;
      }
      mqtt::Message m{.topic = wire::topics::Get(request.video_id), .qos = 1};
      m.response_topic = reply_topic_;
      m.correlation_data = token;
      m.payload =
          wire::EncodeGetRange({from, request.last, request.page_bytes});
      s = client_.Publish(m);
      if (!s.ok()) break;
      const int64_t next = collector.WaitPage();
      if (!request.all_pages || collector.over_budget()) break;
      // A worker busy with other viewers sent nothing of this page: ask
      // again after a pause (the copies others sent are dropped as
      // duplicates), a bounded number of times.
      if (collector.page_busy() > 0 && busy_retries < kMaxBusyRetries) {
        ++busy_retries;
        std::this_thread::sleep_for(kBusyPause * busy_retries);
        continue;
      }
      if (next == 0) break;
      from = next;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const std::string& key : keys) pending_.erase(key);
    }
    if (!s.ok()) return s;
    return collector.Take();
  }

  bool connected() const { return client_.connected(); }
  void Disconnect() { client_.Disconnect(); }
  const Budget& budget() const { return *budget_; }

 private:
  // Runs on the client's callback thread. A reply whose request has gone
  // (timed out) is dropped.
  void Route(const mqtt::Message& m) {
    const std::string key(m.correlation_data.begin(), m.correlation_data.end());
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(key);
    if (it != pending_.end()) it->second->Add(m);
  }

  mqtt::Client client_;
  std::string reply_topic_;  // set once, in the constructor
  const std::shared_ptr<Budget> budget_;
  std::mutex mu_;
  std::map<std::string, Collector*> pending_;  // by correlation data
};

PacketFetcher::PacketFetcher(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

PacketFetcher::~PacketFetcher() { impl_->Disconnect(); }

Result<std::unique_ptr<PacketFetcher>> PacketFetcher::Connect(
    const mqtt::ConnectOptions& options, std::chrono::milliseconds timeout,
    FetcherLimits limits) {
  auto impl = std::make_unique<Impl>(options, limits);
  Status s = impl->Connect(timeout);
  if (!s.ok()) return s;
  return std::unique_ptr<PacketFetcher>(new PacketFetcher(std::move(impl)));
}

Result<FetchResult> PacketFetcher::Fetch(const FetchRequest& request) {
  return impl_->Fetch(request);
}

bool PacketFetcher::connected() const { return impl_->connected(); }

size_t PacketFetcher::inflight_bytes() const { return impl_->budget().used(); }

size_t PacketFetcher::peak_inflight_bytes() const {
  return impl_->budget().peak();
}

}  // namespace fog::viewer
