#include "federation/federation.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "crypto/random.h"
#include "federation/catalogs.h"
#include "federation/hop_rule.h"
#include "federation/messages.h"
#include "federation/page_verifier.h"
#include "federation/pins.h"
#include "tls/http_client.h"
#include "viewer/packet_fetcher.h"
#include "wire/envelope.h"
#include "wire/get_range.h"
#include "wire/seed_request.h"
#include "wire/topics.h"
#include "wire/video_packet.h"

namespace fog::federation {

namespace {

using Clock = std::chrono::steady_clock;
constexpr char kStatusTopic[] = "fog/status/federation";

Bytes BytesOf(const std::string& s) { return Bytes(s.begin(), s.end()); }

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             Clock::now().time_since_epoch())
      .count();
}

std::string RandomId() {
  Bytes b(12);
  if (!crypto::RandomBytes(b).ok()) {
    // No random source: an id unique in this process is still unique
    // enough for de-duplication (never a secret).
    static std::atomic<uint64_t> n{0};
    return "seq-" + std::to_string(NowMs()) + "-" + std::to_string(++n);
  }
  return ToHex(b);
}

// The same rule as the workers' for a reply channel.
bool IsPlainReplyTopic(const std::string& t) {
  return !t.empty() && t.size() <= 256 && t[0] != '$' &&
         t.find_first_of("+#") == std::string::npos && !t.starts_with("fog/") &&
         !t.starts_with("video/") && t != wire::topics::kSeedPacketRequest;
}

// Where the answers to one request go.
struct Sink {
  // kPin: a page of a video pinned here (pins.h).
  enum class Kind { kLocalGet, kPeer, kSeed, kPin } kind = Kind::kPeer;
  std::string topic;  // local get: response topic; seed: channel
  Bytes correlation;  // local get
  std::string peer;   // peer: who asked
  std::string request_id;
  int64_t seed_number = 0;  // seed: the packet asked for
};

struct Pending {
  PeerRequest request;
  Sink sink;
  std::set<std::string> awaiting;
  std::map<std::string, std::vector<Bytes>> buffers;  // by peer
  size_t bytes = 0;
  std::set<int64_t> sent;
  int64_t next = 0;
  Clock::time_point deadline;
  // Holders that were down when it was forwarded, went down while asked,
  // or that a peer named as down: the end says `unreachable` when nothing
  // was found.
  std::set<std::string> unreachable;
};

struct Peer {
  std::string name;
  std::string address;
  int dialed = -1;  // index into dialed links; -1: reached on our broker
  bool heard_locally = false;
  Clock::time_point last_heard{};
  bool ever_heard = false;
  double rtt_ms = -1;
  bool marked_down = false;  // the ticker logged it down; cleared when heard
};

struct Dialed {
  PeerEndpoint endpoint;
  std::unique_ptr<mqtt::Client> client;
  std::string peer;              // name once it said hello
  bool connect_started = false;  // Connect() succeeded once
  bool subscribed = false;       // the inbox on the peer's broker
  // The client's connected(), read on the ticker outside mu_: asking the
  // client takes the MQTT library's lock (see Federation::Impl::Section).
  std::atomic<bool> up{false};
};

// Messages decided under the lock and published after it (Section).
struct Outgoing {
  mqtt::Client* client;
  mqtt::Message message;
  std::string kind;  // a peer message's kind; empty for a local one
};
// Beyond this many, a message is dropped and counted (outbox_full): the
// clients' own queues bound what waits for the brokers.
constexpr size_t kMaxOutbox = 65536;

}  // namespace

class Federation::Impl {
  // Holds mu_ and, when it ends, publishes what was decided under it.
  //
  // No MQTT call is made while mu_ is held. The MQTT library delivers
  // messages holding its own lock, and OnMessage() then takes mu_; a thread
  // that held mu_ while publishing (which takes the library's lock) would
  // deadlock with it, and the whole federation process would stop: links,
  // keep-alives, status and metrics. So sends go to outbox_ under mu_, and
  // one thread at a time (sending_) publishes them in order with mu_
  // released around each publish; a thread that finds another one sending
  // leaves its messages to it and never waits.
  class Section {
   public:
    explicit Section(Impl* impl) : impl_(impl), lock_(impl->mu_) {}
    ~Section() { impl_->DrainOutbox(lock_); }
    Section(const Section&) = delete;
    Section& operator=(const Section&) = delete;
    std::unique_lock<std::mutex>& lock() { return lock_; }

   private:
    Impl* impl_;
    std::unique_lock<std::mutex> lock_;
  };

 public:
  Impl(FederationOptions options, trust::TrustStore trust)
      : o_(std::move(options)),
        trust_(std::move(trust)),
        local_(WithWill(o_.local)),
        dedup_(o_.dedup_capacity),
        cache_(o_.cache_bytes),
        pinner_(MakePinner()) {}

  ~Impl() { Stop(); }

  Status Start() {
    if (Status s = ValidateFogName(o_.name); !s.ok()) return s;
    // The pins this fog holds are loaded before any peer can ask for one
    // (which rewrites the file).
    if (Status p = StartPinner(); !p.ok()) return p;
    Status s = Connect();
    if (!s.ok()) {  // nothing may call back into this object any more
      pinner_->Stop();
      fetcher_.reset();
      local_.Disconnect();
      return s;
    }
    running_ = true;
    for (int i = 0; i < 2; ++i) jobs_.emplace_back([this] { JobLoop(); });
    ticker_ = std::thread([this] { TickLoop(); });
    (void)local_.Publish(StatusMessage(true), false);
    spdlog::info("federation {}: on {}, dialing {} peer(s)", o_.name,
                 o_.local.uri, dialed_.size());
    return Status::OK();
  }

  // This fog's broker (the inbox and local requests), the fetcher of local
  // pages, and the peers' clients (dialed by the ticker).
  Status Connect() {
    local_.OnMessage([this](const mqtt::Message& m) { OnMessage(-1, m); });
    Status s = local_.Connect(std::chrono::seconds(10));
    if (!s.ok()) return s;
    for (const std::string& f :
         {InboxFilter(o_.name), std::string(kHelloFilter),
          std::string("fog/get/+"), std::string(kPinCommandTopic),
          std::string(wire::topics::kSeedPacketRequest)}) {
      s = local_.Subscribe(f, f == wire::topics::kSeedPacketRequest ? 0 : 1);
      if (!s.ok()) return s;
    }
    mqtt::ConnectOptions fetch = o_.local;
    fetch.client_id = o_.local.client_id + "-fetch";
    fetch.will.reset();
    Result<std::unique_ptr<viewer::PacketFetcher>> fetcher =
        viewer::PacketFetcher::Connect(fetch, std::chrono::seconds(10),
                                       {.max_total_bytes = size_t{256} << 20});
    if (!fetcher.ok()) return fetcher.status();
    fetcher_ = std::move(*fetcher);
    fetch_reply_prefix_ = "reply/" + fetch.client_id + "/";
    for (size_t i = 0; i < o_.peers.size(); ++i) {
      auto d = std::make_unique<Dialed>();
      d->endpoint = o_.peers[i];
      mqtt::ConnectOptions c{.uri = d->endpoint.uri,
                             .client_id = "fog-peer-" + o_.name,
                             .username = d->endpoint.username,
                             .password = d->endpoint.password,
                             .ca_file = d->endpoint.ca_file,
                             .cert_file = d->endpoint.cert_file,
                             .key_file = d->endpoint.key_file};
      d->client = std::make_unique<mqtt::Client>(c);
      const int index = static_cast<int>(i);
      d->client->OnMessage(
          [this, index](const mqtt::Message& m) { OnMessage(index, m); });
      dialed_.push_back(std::move(d));
    }
    return Status::OK();
  }

  void Stop() {
    pinner_->Stop();
    if (!running_.exchange(false)) return;
    job_cv_.notify_all();
    for (std::thread& t : jobs_) t.join();
    jobs_.clear();
    if (ticker_.joinable()) ticker_.join();
    for (auto& d : dialed_) d->client->Disconnect();
    // Bounded: with the broker gone a publish would wait for its return
    // (the broker's copy of our will says the same when it notices).
    (void)local_.Publish(StatusMessage(false), /*wait=*/false);
    (void)local_.Flush(std::chrono::seconds(2));
    fetcher_.reset();
    local_.Disconnect();
  }

  std::vector<PeerState> Peers() {
    std::vector<PeerState> out;
    std::vector<const mqtt::Client*> links;  // the link's client, per entry
    {
      std::lock_guard<std::mutex> lock(mu_);
      out = PeersLocked(links);
    }
    // Asked outside mu_: the client takes its own lock (see Section).
    for (size_t i = 0; i < out.size(); ++i) {
      if (links[i] != nullptr) {
        out[i].send_queue =
            static_cast<int64_t>(links[i]->publish_queue().waiting);
      }
    }
    return out;
  }

  FederationLoad Load() {
    std::lock_guard<std::mutex> lock(mu_);
    return {.outbox = outbox_.size(),
            .pending_requests = pending_.size(),
            .pending_bytes = pending_bytes_,
            .jobs_waiting = job_queue_.size()};
  }

  // REQUIRES: mu_ held. `links` gets the client carrying each entry's link.
  std::vector<PeerState> PeersLocked(std::vector<const mqtt::Client*>& links) {
    std::vector<PeerState> out;
    const auto now = Clock::now();
    for (const auto& [name, p] : peers_) {
      links.push_back(p.dialed >= 0 ? dialed_[p.dialed]->client.get()
                                    : &local_);
      PeerState s{.name = name, .address = p.address};
      s.connected = Up(p, now);
      s.rtt_ms = p.rtt_ms;
      if (p.ever_heard) {
        s.last_heard_ms_ago =
            std::chrono::duration<double, std::milli>(now - p.last_heard)
                .count();
      }
      if (auto it = catalogs_.all().find(name); it != catalogs_.all().end()) {
        s.videos = static_cast<int64_t>(it->second.videos.size());
      }
      out.push_back(s);
    }
    for (const auto& d : dialed_) {
      if (d->peer.empty()) {
        links.push_back(d->client.get());
        out.push_back({.address = d->endpoint.address, .connected = false});
      }
    }
    return out;
  }

  const Counters& counters() const { return counters_; }
  const mqtt::Client& local_client() const { return local_; }
  const PulledPacketCache& cache() const { return cache_; }
  size_t PinsActive() const { return pinner_->active(); }

  std::string StatusJson() {
    nlohmann::json peers = nlohmann::json::array();
    for (const PeerState& p : Peers()) {
      peers.push_back({{"name", p.name},
                       {"address", p.address},
                       {"connected", p.connected},
                       {"rtt_ms", p.rtt_ms},
                       {"last_heard_ms_ago", p.last_heard_ms_ago},
                       {"videos", p.videos}});
    }
    nlohmann::json videos = nlohmann::json::array();
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::map<std::string, std::pair<CatalogEntry, std::set<std::string>>> all;
      for (const CatalogEntry& e : local_catalog_) {
        all[e.video_id].first = e;
        all[e.video_id].second.insert(o_.name);
      }
      for (const auto& [fog, c] : catalogs_.all()) {
        for (const CatalogEntry& e : c.videos) {
          auto& slot = all[e.video_id];
          if (slot.second.empty()) slot.first = e;
          slot.second.insert(fog);
        }
      }
      for (const auto& [id, v] : all) {
        videos.push_back({{"video_id", id},
                          {"status", v.first.status},
                          {"packets", v.first.packets},
                          {"total_packets", v.first.total_packets},
                          {"publisher_key", v.first.publisher_key},
                          {"fogs", v.second}});
      }
    }
    return nlohmann::json{{"role", "federation"},
                          {"state", "online"},
                          {"name", o_.name},
                          {"peers", peers},
                          {"videos", videos}}
        .dump();
  }

 private:
  mqtt::ConnectOptions WithWill(mqtt::ConnectOptions c) {
    c.will = StatusMessage(false);
    return c;
  }

  mqtt::Message StatusMessage(bool online) {
    mqtt::Message m{.topic = kStatusTopic, .qos = 1, .retained = true};
    if (online) {
      m.payload = BytesOf(StatusJson());
    } else {
      m.payload = BytesOf(nlohmann::json{
          {"role", "federation"},
          {"state", "offline"},
          {"name", o_.name}}.dump());
    }
    return m;
  }

  // Not heard from within the down timeout. REQUIRES: mu_ held.
  bool Silent(const Peer& p, Clock::time_point now) const {
    return !p.ever_heard || now - p.last_heard > o_.peer_down_after;
  }

  // REQUIRES: mu_ held.
  bool Up(const Peer& p, Clock::time_point now) const {
    if (Silent(p, now)) return false;
    if (p.dialed >= 0) return dialed_[p.dialed]->up.load();
    return true;
  }

  // Queues a publish for the end of the current Section. REQUIRES: mu_ held.
  void EnqueueLocked(mqtt::Client* client, mqtt::Message m,
                     std::string kind = "") {
    if (outbox_.size() >= kMaxOutbox) {
      reject_.Reject(counters_, "outbox-full", m.topic,
                     "message dropped: too many waiting to be published");
      return;
    }
    outbox_.push_back({client, std::move(m), std::move(kind)});
  }

  // Publishes the outbox in order, mu_ released around each publish.
  // REQUIRES: `lock` holds mu_; it holds it again on return.
  void DrainOutbox(std::unique_lock<std::mutex>& lock) {
    if (sending_) return;  // the sending thread takes ours too
    sending_ = true;
    while (!outbox_.empty()) {
      Outgoing o = std::move(outbox_.front());
      outbox_.pop_front();
      lock.unlock();
      const bool ok = o.client->Publish(o.message, /*wait=*/false).ok();
      if (!o.kind.empty()) {
        counters_.Add(ok ? "peer_messages_sent." + o.kind : "peer_send_errors");
      }
      lock.lock();
    }
    sending_ = false;
  }

  // REQUIRES: mu_ held.
  std::vector<std::string> UpPeers() const {
    std::vector<std::string> out;
    const auto now = Clock::now();
    for (const auto& [name, p] : peers_) {
      if (Up(p, now)) out.push_back(name);
    }
    return out;
  }

  // Publishes to `peer` on the link that reaches it. REQUIRES: mu_ held.
  void SendLocked(const std::string& peer, const std::string& kind,
                  mqtt::Message m) {
    auto it = peers_.find(peer);
    if (it == peers_.end()) return;
    // While a peer is away nothing piles up for it: its catalog is sent
    // again when it is heard from, and hellos wait for the link's client to
    // reconnect instead of filling its offline buffer.
    const Peer& p = it->second;
    if ((kind == "catalog" && !Up(p, Clock::now())) ||
        (kind == "hello" && p.dialed >= 0 && !dialed_[p.dialed]->up)) {
      counters_.Add("peer_messages_held_back." + kind);
      return;
    }
    m.topic = PeerTopic(peer, o_.name, kind);
    if (m.qos == 0) m.qos = 1;
    mqtt::Client* client = &local_;
    if (p.dialed >= 0) client = dialed_[p.dialed]->client.get();
    EnqueueLocked(client, std::move(m), kind);
  }

  void OnMessage(int via, const mqtt::Message& m) {
    if (via < 0 && m.topic.starts_with("fog/get/")) return OnLocalGet(m);
    if (via < 0 && m.topic == wire::topics::kSeedPacketRequest) {
      return OnSeedRequest(m);
    }
    if (via < 0 && m.topic == kPinCommandTopic) return OnPinCommand(m);
    Result<PeerTopicParts> t = ParsePeerTopic(m.topic);
    if (!t.ok()) {
      reject_.Reject(counters_, "bad-topic", m.topic, t.status().message());
      return;
    }
    if (t->from == o_.name) return;  // our own first hello, echoed
    if (!t->to.empty() && t->to != o_.name) return;
    counters_.Add("peer_messages_received." + t->kind);
    Section section(this);
    std::unique_lock<std::mutex>& lock = section.lock();
    Peer& p = peers_[t->from];
    const bool is_new = !p.ever_heard;
    const auto now = Clock::now();
    // Back after a partition: it gets our catalog at once (catch-up).
    const bool back = p.ever_heard && (p.marked_down || Silent(p, now));
    if (back) {
      counters_.Add("peer_returns");
      spdlog::info("federation {}: {} is back after {:.1f} s", o_.name, t->from,
                   std::chrono::duration<double>(now - p.last_heard).count());
    }
    p.marked_down = false;
    p.ever_heard = true;
    p.last_heard = now;
    if (via >= 0) {
      p.dialed = via;
      p.address = dialed_[via]->endpoint.address;
      if (dialed_[via]->peer.empty()) {
        dialed_[via]->peer = t->from;
        spdlog::info("federation {}: linked to {} at {}", o_.name, t->from,
                     p.address);
      }
    } else if (p.dialed < 0 && !p.heard_locally) {
      p.heard_locally = true;
      spdlog::info("federation {}: {} linked in through our broker", o_.name,
                   t->from);
    }
    if (is_new || back) SendCatalogLocked(t->from);
    if (t->kind == "hello") {
      Result<Hello> h = DecodeHello(m.payload);
      if (!h.ok()) {
        reject_.Reject(counters_, "bad-hello", t->from, h.status().message());
        return;
      }
      if (h->pong) {
        p.rtt_ms = static_cast<double>(NowMs() - h->t_ms);
      } else {
        SendLocked(t->from, "hello",
                   {.payload = BytesOf(EncodeHello({h->t_ms, true}))});
      }
    } else if (t->kind == "catalog") {
      Result<Catalog> c = DecodeCatalog(m.payload);
      if (!c.ok() || c->fog != t->from) {
        reject_.Reject(
            counters_, "bad-catalog", t->from,
            c.ok() ? "catalog of another fog" : c.status().message());
        return;
      }
      catalogs_.Update(*c);
    } else if (t->kind == "request") {
      Result<PeerRequest> r = DecodeRequest(m.payload);
      if (!r.ok()) {
        reject_.Reject(counters_, "bad-request", t->from, r.status().message());
        return;
      }
      OnPeerRequestLocked(t->from, std::move(*r), lock);
    } else if (t->kind == "reply") {
      OnPeerReplyLocked(t->from, m);
    } else if (t->kind == "end") {
      OnPeerEndLocked(t->from, m);
    } else if (t->kind == "pin") {
      OnPeerPinLocked(t->from, m);
    } else if (t->kind == "pinned") {
      OnPeerPinnedLocked(t->from, m);
    } else {
      reject_.Reject(counters_, "bad-kind", t->from, "kind " + t->kind);
    }
  }

  // REQUIRES: mu_ held (the lock is passed for the job queue).
  void OnPeerRequestLocked(const std::string& from, PeerRequest r,
                           std::unique_lock<std::mutex>&) {
    counters_.Add("requests_received");
    Sink sink{.kind = Sink::Kind::kPeer, .peer = from, .request_id = r.id};
    if (!dedup_.FirstSeen(r.id)) {
      counters_.Add("requests_duplicate");
      FinishLocked(sink, EndResult::kDuplicate, 0, 0);
      return;
    }
    if (local_ids_.contains(r.video_id)) {
      if (!PushJobLocked([this, r, sink] { ServeLocal(r, sink); })) {
        FinishLocked(sink, EndResult::kBusy, 0, 0);
      }
      return;
    }
    ForwardLocked(r, sink);
  }

  // REQUIRES: mu_ held.
  void ForwardLocked(const PeerRequest& r, const Sink& sink) {
    const std::set<std::string> holders = catalogs_.Holders(r.video_id);
    const HopDecision d = NextHop(r, o_.name, UpPeers(), holders);
    std::set<std::string> down = DownHoldersLocked(r, holders);
    if (d.targets.empty()) {
      if (!down.empty()) {
        // Fail fast: the holders are known and down; waiting cannot help.
        counters_.Add("requests_unreachable");
        FinishLocked(sink, EndResult::kUnreachable, 0, 0, down);
        return;
      }
      counters_.Add("requests_not_found");
      FinishLocked(sink, EndResult::kNotFound, 0, 0);
      return;
    }
    if (pending_.size() >= o_.max_pending) {
      reject_.Reject(counters_, "pending-full", r.video_id,
                     "too many forwarded requests in flight");
      FinishLocked(sink, EndResult::kBusy, 0, 0);
      return;
    }
    PeerRequest fwd = r;
    fwd.hops = r.hops - 1;
    fwd.visited = d.visited;
    Pending& p = pending_[r.id];
    p.request = r;
    p.sink = sink;
    p.deadline = Clock::now() + o_.request_timeout;
    p.unreachable = std::move(down);
    const std::string body = EncodeRequest(fwd);
    for (const std::string& t : d.targets) {
      p.awaiting.insert(t);
      SendLocked(t, "request", {.payload = BytesOf(body)});
      counters_.Add("requests_forwarded");
    }
  }

  // The holders of a video that `r` could go to but that are down now.
  // REQUIRES: mu_ held.
  std::set<std::string> DownHoldersLocked(
      const PeerRequest& r, const std::set<std::string>& holders) {
    std::set<std::string> down;
    if (r.hops <= 0) return down;
    const std::set<std::string> visited(r.visited.begin(), r.visited.end());
    const auto now = Clock::now();
    for (const std::string& h : holders) {
      auto it = peers_.find(h);
      if (h == o_.name || visited.contains(h)) continue;
      if (it == peers_.end() || !Up(it->second, now)) down.insert(h);
    }
    return down;
  }

  // REQUIRES: mu_ held.
  void OnPeerReplyLocked(const std::string& from, const mqtt::Message& m) {
    auto it = pending_.find(m.UserProperty(kPropRequestId));
    if (it == pending_.end() || !it->second.awaiting.contains(from)) {
      counters_.Add("replies_late");
      return;
    }
    Pending& p = it->second;
    if (pending_bytes_ + m.payload.size() > o_.max_pending_bytes) {
      reject_.Reject(counters_, "pending-bytes", p.request.video_id,
                     "reply dropped: forwarded requests hold too many bytes");
      return;
    }
    pending_bytes_ += m.payload.size();
    p.bytes += m.payload.size();
    p.buffers[from].push_back(m.payload);
  }

  // REQUIRES: mu_ held.
  void OnPeerEndLocked(const std::string& from, const mqtt::Message& m) {
    auto it = pending_.find(m.UserProperty(kPropRequestId));
    if (it == pending_.end() || !it->second.awaiting.contains(from)) {
      counters_.Add("replies_late");
      return;
    }
    Pending& p = it->second;
    p.awaiting.erase(from);
    counters_.Add(std::string("peer_ends.") + m.UserProperty(kPropResult));
    if (m.UserProperty(kPropResult) == EndResultName(EndResult::kUnreachable)) {
      p.unreachable.merge(DecodeFogList(m.UserProperty(kPropUnreachable)));
    }
    const VerifiedPage page =
        VerifyPage(p.request.video_id, p.buffers[from], trust_);
    if (page.forged > 0) {
      counters_.Add("forged_packets", page.forged);
      reject_.Reject(counters_, "forged", from,
                     std::to_string(page.forged) + " packet(s) of " +
                         p.request.video_id +
                         " failed verification; not served, not cached");
    }
    if (page.unverifiable > 0) {
      counters_.Add("unverifiable_packets", page.unverifiable);
    }
    counters_.Add("packets_verified", page.valid.size());
    // A page with a forged packet is not cached at all: that peer's answer
    // is not trusted for later requests.
    if (page.forged == 0) cache_.InsertPage(p.request.video_id, page.valid);
    for (const auto& [n, payload] : page.valid) {
      if (p.sent.insert(n).second) RelayLocked(p.sink, n, payload);
    }
    try {
      const std::string next = m.UserProperty(kPropNext);
      if (!next.empty()) {
        const int64_t n = std::stoll(next);
        if (n > 0 && (p.next == 0 || n < p.next)) p.next = n;
      }
    } catch (const std::exception&) {
      counters_.Add("bad_next");
    }
    size_t bytes = 0;  // this peer's; others' stay buffered and counted
    for (const Bytes& b : p.buffers[from]) bytes += b.size();
    p.bytes -= bytes;
    pending_bytes_ -= bytes;
    p.buffers.erase(from);
    if (p.awaiting.empty()) CompleteLocked(it);
  }

  // REQUIRES: mu_ held.
  void CompleteLocked(std::map<std::string, Pending>::iterator it) {
    Pending& p = it->second;
    pending_bytes_ -= p.bytes;
    const EndResult r = !p.sent.empty()         ? EndResult::kFound
                        : p.unreachable.empty() ? EndResult::kNotFound
                                                : EndResult::kUnreachable;
    if (r == EndResult::kNotFound) counters_.Add("requests_not_found");
    if (r == EndResult::kUnreachable) counters_.Add("requests_unreachable");
    FinishLocked(
        p.sink, r, static_cast<int64_t>(p.sent.size()), p.next,
        r == EndResult::kUnreachable ? p.unreachable : std::set<std::string>{});
    pending_.erase(it);
  }

  // REQUIRES: mu_ held.
  void RelayLocked(const Sink& sink, int64_t n, const Bytes& payload) {
    switch (sink.kind) {
      case Sink::Kind::kLocalGet: {
        mqtt::Message m{.topic = sink.topic, .payload = payload, .qos = 1};
        m.correlation_data = sink.correlation;
        m.user_properties = {{"packet-number", std::to_string(n)},
                             {"worker", "federation/" + o_.name}};
        EnqueueLocked(&local_, std::move(m));
        counters_.Add("packets_served_local");
        break;
      }
      case Sink::Kind::kPeer: {
        mqtt::Message m{.payload = payload};
        m.user_properties = {{kPropRequestId, sink.request_id},
                             {kPropPacketNumber, std::to_string(n)}};
        SendLocked(sink.peer, "reply", std::move(m));
        break;
      }
      case Sink::Kind::kSeed: {
        if (n != sink.seed_number) break;
        Result<wire::Envelope> e = wire::DecodeEnvelope(payload);
        if (!e.ok()) break;
        EnqueueLocked(&local_, {.topic = sink.topic,
                                .payload = wire::EncodeVideoPacket(e->packet),
                                .qos = 1});
        counters_.Add("seed_requests_answered");
        break;
      }
      case Sink::Kind::kPin:
        if (auto it = pin_fetches_.find(sink.request_id);
            it != pin_fetches_.end()) {
          it->second.page.packets.emplace(n, payload);
        }
        break;
    }
  }

  // REQUIRES: mu_ held.
  // `unreachable`: the holders that were down (result kUnreachable).
  void FinishLocked(const Sink& sink, EndResult r, int64_t count, int64_t next,
                    const std::set<std::string>& unreachable = {}) {
    const std::string down = EncodeFogList(unreachable);
    switch (sink.kind) {
      case Sink::Kind::kLocalGet: {
        mqtt::Message m{.topic = sink.topic, .qos = 1};
        m.correlation_data = sink.correlation;
        m.user_properties = {{"end", std::to_string(count)},
                             {"worker", "federation/" + o_.name},
                             {"federation", EndResultName(r)}};
        if (count == 0) m.user_properties.push_back({"holds", "0"});
        if (next > 0)
          m.user_properties.push_back({"next", std::to_string(next)});
        if (!down.empty()) m.user_properties.push_back({"unreachable", down});
        EnqueueLocked(&local_, std::move(m));
        break;
      }
      case Sink::Kind::kPeer: {
        mqtt::Message m;
        m.user_properties = {{kPropRequestId, sink.request_id},
                             {kPropEnd, std::to_string(count)},
                             {kPropResult, EndResultName(r)}};
        if (next > 0)
          m.user_properties.push_back({kPropNext, std::to_string(next)});
        if (!down.empty())
          m.user_properties.push_back({kPropUnreachable, down});
        SendLocked(sink.peer, "end", std::move(m));
        break;
      }
      case Sink::Kind::kPin:
        if (auto it = pin_fetches_.find(sink.request_id);
            it != pin_fetches_.end()) {
          it->second.page.found = count > 0;
          it->second.done(std::move(it->second.page));
          pin_fetches_.erase(it);
        }
        break;
      case Sink::Kind::kSeed:
        if (count == 0) {
          counters_.Add("seed_requests_unanswered");
          spdlog::info(
              "federation {}: packet-request {} not found in the "
              "federation ({}{}{})",
              o_.name, sink.seed_number, EndResultName(r),
              down.empty() ? "" : ": held by ", down);
        }
        break;
    }
  }

  // A viewer's request on this fog's broker: answered by the federation only
  // for a video this fog does not hold.
  void OnLocalGet(const mqtt::Message& m) {
    if (m.response_topic.starts_with(fetch_reply_prefix_)) return;  // ours
    const std::string video_id(wire::topics::LastLevel(m.topic));
    if (!wire::ValidateVideoId(video_id).ok() ||
        !IsPlainReplyTopic(m.response_topic)) {
      return;  // the workers refuse and count it
    }
    Result<wire::GetRange> range = wire::DecodeGetRange(m.payload);
    if (!range.ok()) return;
    Section section(this);
    if (local_ids_.contains(video_id)) return;
    if (AnswerFromCacheLocked(video_id, *range, m)) return;
    counters_.Add("local_gets_forwarded");
    // The viewer waits for this component's end past its quiet period: the
    // peers' answer may take seconds (docs/topics.md, paging).
    mqtt::Message working{.topic = m.response_topic, .qos = 1};
    working.correlation_data = m.correlation_data;
    working.user_properties = {{"working", "1"},
                               {"worker", "federation/" + o_.name}};
    EnqueueLocked(&local_, std::move(working));
    // A page through the peers is at most the default page: a page is
    // fetched whole at the holder and verified here before any of it is
    // relayed, so a smaller page brings the first packet sooner; the viewer
    // follows `next`.
    PeerRequest r{.id = RandomId(),
                  .video_id = video_id,
                  .first = range->first,
                  .last = range->last,
                  .page_bytes = std::min(wire::PageBytes(*range),
                                         wire::kDefaultPageBytes),
                  .hops = o_.max_hops};
    dedup_.FirstSeen(r.id);
    ForwardLocked(r, {.kind = Sink::Kind::kLocalGet,
                      .topic = m.response_topic,
                      .correlation = m.correlation_data,
                      .request_id = r.id});
  }

  // A local get answered from the cache when it holds the whole page asked
  // (an open range is bounded by the total a catalog announced). REQUIRES:
  // mu_ held.
  bool AnswerFromCacheLocked(const std::string& video_id,
                             const wire::GetRange& range,
                             const mqtt::Message& m) {
    std::optional<CachedPage> page = cache_.LookupRange(
        video_id, range.first, range.last, KnownTotal(catalogs_, video_id),
        wire::PageBytes(range));
    if (!page) return false;
    const Sink sink{.kind = Sink::Kind::kLocalGet,
                    .topic = m.response_topic,
                    .correlation = m.correlation_data};
    for (const auto& [n, payload] : page->packets)
      RelayLocked(sink, n, payload);
    FinishLocked(sink, EndResult::kFound,
                 static_cast<int64_t>(page->packets.size()), page->next);
    return true;
  }

  void OnSeedRequest(const mqtt::Message& m) {
    Result<wire::SeedRequest> s = wire::DecodeSeedRequest(m.payload);
    if (!s.ok() || !IsPlainReplyTopic(s->channel_uuid) ||
        !wire::ValidateVideoId(s->video_id).ok() || s->packet_number < 1) {
      return;  // the master refuses and counts it
    }
    Section section(this);
    if (local_ids_.contains(s->video_id)) return;
    counters_.Add("seed_requests_forwarded");
    PeerRequest r{.id = RandomId(),
                  .video_id = s->video_id,
                  .first = s->packet_number,
                  .last = s->packet_number,
                  .hops = o_.max_hops};
    dedup_.FirstSeen(r.id);
    ForwardLocked(r, {.kind = Sink::Kind::kSeed,
                      .topic = s->channel_uuid,
                      .request_id = r.id,
                      .seed_number = s->packet_number});
  }

  // On a job thread: this fog's workers answer, and the answers go to the
  // peer that asked.
  void ServeLocal(const PeerRequest& r, const Sink& sink) {
    Result<viewer::FetchResult> f =
        fetcher_->Fetch({.video_id = r.video_id,
                         .first = r.first,
                         .last = r.last,
                         .timeout = o_.request_timeout / 2,
                         .quiet = o_.local_quiet,
                         .page_bytes = r.page_bytes,
                         .keep_payloads = true});
    Section section(this);
    if (!f.ok()) {
      spdlog::warn("federation {}: local fetch of {}: {}", o_.name, r.video_id,
                   f.status().ToString());
      FinishLocked(sink, EndResult::kNotFound, 0, 0);
      return;
    }
    std::map<int64_t, const Bytes*> order;
    for (size_t i = 0; i < f->envelopes.size(); ++i) {
      order[f->envelopes[i].packet.packet_number] = &f->payloads[i];
    }
    for (const auto& [n, payload] : order) {
      if (!o_.tamper_for_test) {
        RelayLocked(sink, n, *payload);
        continue;
      }
      Result<wire::Envelope> e = wire::DecodeEnvelope(*payload);
      if (!e.ok() || e->packet.data.empty()) continue;
      e->packet.data[0] ^= 0x01;
      RelayLocked(sink, n, wire::EncodeEnvelope(*e));
    }
    counters_.Add("requests_served", 1);
    counters_.Add("packets_served_peers", order.size());
    FinishLocked(sink, order.empty() ? EndResult::kNotFound : EndResult::kFound,
                 static_cast<int64_t>(order.size()), f->next);
  }

  // REQUIRES: mu_ held.
  bool PushJobLocked(std::function<void()> job) {
    if (job_queue_.size() >= o_.max_jobs) {
      reject_.Reject(counters_, "jobs-full", "",
                     "local fetches for peers: queue full");
      return false;
    }
    job_queue_.push_back(std::move(job));
    job_cv_.notify_one();
    return true;
  }

  void JobLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (running_) {
      if (job_queue_.empty()) {
        job_cv_.wait_for(lock, std::chrono::milliseconds(200));
        continue;
      }
      std::function<void()> job = std::move(job_queue_.front());
      job_queue_.pop_front();
      lock.unlock();
      job();
      lock.lock();
    }
  }

  void TickLoop() {
    auto next_hello = Clock::now();
    auto next_poll = Clock::now();
    auto next_resend = Clock::now() + o_.catalog_resend;
    while (running_) {
      const auto now = Clock::now();
      for (auto& d : dialed_) d->up = d->client->connected();
      if (now >= next_hello) {
        next_hello = now + o_.hello_period;
        DialAndGreet();
        (void)local_.Publish(StatusMessage(true), false);
      }
      if (now >= next_poll) {
        next_poll = now + o_.catalog_poll;
        PollCatalog();
      }
      {
        Section section(this);
        if (now >= next_resend) {
          next_resend = now + o_.catalog_resend;
          for (const auto& [name, p] : peers_) SendCatalogLocked(name);
        }
        MarkDownLocked(now);
        ExpirePinWaitsLocked(now);
        for (auto it = pending_.begin(); it != pending_.end();) {
          auto cur = it++;
          if (DropLostPeersLocked(cur->second, now)) {
            CompleteLocked(cur);
            continue;
          }
          if (now >= cur->second.deadline) {
            counters_.Add("requests_timed_out");
            spdlog::warn("federation {}: request {} for {} timed out", o_.name,
                         cur->first, cur->second.request.video_id);
            CompleteLocked(cur);
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  // Logs each peer once when it goes down (Up() is what decides).
  // REQUIRES: mu_ held.
  void MarkDownLocked(Clock::time_point now) {
    for (auto& [name, p] : peers_) {
      if (!p.ever_heard || p.marked_down || Up(p, now)) continue;
      p.marked_down = true;
      counters_.Add("peer_downs");
      spdlog::warn(
          "federation {}: {} is down (last heard {:.1f} s ago, link {}): no "
          "request goes to it until it is heard again",
          o_.name, name,
          std::chrono::duration<double>(now - p.last_heard).count(),
          p.dialed >= 0 && !dialed_[p.dialed]->up ? "lost" : "open");
    }
  }

  // A request stops waiting for peers that went down while asked (their
  // partial answers, unverified, are dropped): it ends when the down
  // timeout says so, not at its own deadline. Returns whether nobody is
  // left to wait for. REQUIRES: mu_ held.
  bool DropLostPeersLocked(Pending& p, Clock::time_point now) {
    bool dropped = false;
    for (auto a = p.awaiting.begin(); a != p.awaiting.end();) {
      auto peer = peers_.find(*a);
      if (peer != peers_.end() && Up(peer->second, now)) {
        ++a;
        continue;
      }
      size_t bytes = 0;
      for (const Bytes& b : p.buffers[*a]) bytes += b.size();
      p.buffers.erase(*a);
      p.bytes -= bytes;
      pending_bytes_ -= bytes;
      p.unreachable.insert(*a);
      counters_.Add("requests_peer_lost");
      a = p.awaiting.erase(a);
      dropped = true;
    }
    return dropped && p.awaiting.empty();
  }

  void DialAndGreet() {
    for (auto& d : dialed_) {
      // A first connect that timed out may still complete in the
      // background; the inbox subscription follows whenever it does (and
      // the client renews it after every reconnection).
      if (!d->client->connected() && !d->connect_started) {
        Status s = d->client->Connect(std::chrono::seconds(2));
        if (!s.ok()) {
          counters_.Add("peer_dial_failures");
          spdlog::info("federation {}: dialing {}: {}", o_.name,
                       d->endpoint.address, s.message());
          if (s.code() == Status::Code::kUnauthenticated) continue;
        }
        d->connect_started = s.ok();
      }
      if (!d->subscribed && d->client->connected()) {
        d->subscribed = d->client->Subscribe(InboxFilter(o_.name), 1).ok();
        d->connect_started = true;
      }
      if (d->peer.empty() && d->subscribed && d->client->connected()) {
        (void)d->client->Publish(
            {.topic = HelloTopic(o_.name),
             .payload = BytesOf(EncodeHello({NowMs(), false})),
             .qos = 1},
            false);
      }
    }
    Section section(this);
    for (const auto& [name, p] : peers_) {
      SendLocked(name, "hello",
                 {.payload = BytesOf(EncodeHello({NowMs(), false}))});
    }
  }

  void PollCatalog() {
    if (o_.api_url.empty()) return;
    // Over HTTPS when the fog runs TLS, checked against the same CA as the
    // broker (and with the same client certificate).
    std::unique_ptr<httplib::Client> http = tls::MakeHttpClient(
        o_.api_url, {o_.local.ca_file, o_.local.cert_file, o_.local.key_file});
    http->set_connection_timeout(1);
    http->set_read_timeout(5);
    auto res = http->Get("/videos?limit=1000");
    if (!res || res->status != 200) {
      PollFailed(!res ? "GET /videos: " + httplib::to_string(res.error())
                      : "GET /videos: HTTP " + std::to_string(res->status));
      return;
    }
    Result<std::vector<CatalogEntry>> entries = CatalogFromRegistry(res->body);
    if (!entries.ok()) {
      PollFailed("GET /videos: " + entries.status().message());
      return;
    }
    Section section(this);
    if (*entries == local_catalog_) return;
    local_catalog_ = std::move(*entries);
    local_ids_.clear();
    for (const CatalogEntry& e : local_catalog_) local_ids_.insert(e.video_id);
    ++local_seq_;
    for (const auto& [name, p] : peers_) SendCatalogLocked(name);
  }

  // Counts a failed catalog poll and logs it, at most once per
  // kPollLogEvery with the number of failures since (the registry may be
  // down for long; each poll would log otherwise). On the ticker only.
  void PollFailed(const std::string& why) {
    counters_.Add("catalog_poll_errors");
    ++poll_failures_unlogged_;
    const auto now = Clock::now();
    if (now < next_poll_log_) return;
    next_poll_log_ = now + kPollLogEvery;
    spdlog::warn(
        "federation {}: catalog poll of {} failed ({} time(s) since the last "
        "report): {}; peers keep the last catalog sent",
        o_.name, o_.api_url, poll_failures_unlogged_, why);
    poll_failures_unlogged_ = 0;
  }

  // REQUIRES: mu_ held.
  void SendCatalogLocked(const std::string& peer) {
    Catalog c{.fog = o_.name, .seq = local_seq_, .videos = local_catalog_};
    SendLocked(peer, "catalog", {.payload = BytesOf(EncodeCatalog(c))});
  }

  const FederationOptions o_;
  const trust::TrustStore trust_;
  mqtt::Client local_;
  std::unique_ptr<viewer::PacketFetcher> fetcher_;
  std::string fetch_reply_prefix_;
  std::vector<std::unique_ptr<Dialed>> dialed_;
  Counters counters_;
  RejectLog reject_;
  std::atomic<bool> running_{false};
  std::thread ticker_;
  static constexpr std::chrono::seconds kPollLogEvery{30};
  Clock::time_point next_poll_log_{};    // ticker only
  uint64_t poll_failures_unlogged_ = 0;  // ticker only
  std::vector<std::thread> jobs_;

  std::mutex mu_;
  std::deque<Outgoing> outbox_;  // guarded by mu_
  bool sending_ = false;         // guarded by mu_: a thread drains outbox_
  std::condition_variable job_cv_;
  std::deque<std::function<void()>> job_queue_;
  std::map<std::string, Peer> peers_;
  PeerCatalogs catalogs_;
  std::vector<CatalogEntry> local_catalog_;
  std::set<std::string> local_ids_;
  int64_t local_seq_ = 0;
  RequestDedup dedup_;
  PulledPacketCache cache_;  // its own lock; used under mu_ too
  std::map<std::string, Pending> pending_;
  size_t pending_bytes_ = 0;
  // Pinning (pins.h, federation_pins.cc).
  struct PinWait {  // a local pin command awaiting the peer's answer
    std::string response_topic;
    Bytes correlation;
    PinReply reply;  // video_id and to filled in
    Clock::time_point deadline;
  };
  struct PinFetch {  // a page fetched for the pinner
    PinPage page;
    std::function<void(PinPage)> done;
  };
  static constexpr size_t kMaxPinWaits = 256;
  std::map<std::string, PinWait> pin_waits_;     // by pin id
  std::map<std::string, PinFetch> pin_fetches_;  // by request id
  std::unique_ptr<Pinner> pinner_;

  // --- Pinning (docs/federation.md, "Pinning"; pins.h) ---

 public:
  // Made with the node, started by Start(): pinner_ is never reassigned, so
  // the message and metrics threads may read it from the first message on.
  std::unique_ptr<Pinner> MakePinner() {
    mqtt::ConnectOptions c = o_.local;
    c.client_id = o_.local.client_id + "-pin";
    c.will.reset();
    return std::make_unique<Pinner>(
        PinnerOptions{
            .name = o_.name,
            .local = c,
            .state_file = o_.pins_file,
            .max_pins = o_.max_pins,
            .page_timeout = o_.request_timeout + std::chrono::seconds(4)},
        [this](const std::string& id, int64_t first, int64_t page_bytes,
               std::function<void(PinPage)> done) {
          FetchForPin(id, first, page_bytes, std::move(done));
        },
        counters_);
  }

  Status StartPinner() { return pinner_->Start(); }

 private:
  // One page for the pinner, through the same verified path as a viewer's.
  void FetchForPin(const std::string& id, int64_t first, int64_t page_bytes,
                   std::function<void(PinPage)> done) {
    Section section(this);
    PeerRequest r{.id = RandomId(),
                  .video_id = id,
                  .first = first,
                  .page_bytes = page_bytes,
                  .hops = o_.max_hops};
    dedup_.FirstSeen(r.id);
    pin_fetches_[r.id] = {.done = std::move(done)};
    ForwardLocked(r, {.kind = Sink::Kind::kPin, .request_id = r.id});
  }

  // `fog pin` (or the API) on this fog's broker: checked here, then sent to
  // the fog named; its answer goes back on the response topic.
  void OnPinCommand(const mqtt::Message& m) {
    if (!IsPlainReplyTopic(m.response_topic)) {
      reject_.Reject(counters_, "bad-pin-command", m.response_topic,
                     "pin command without a usable response topic");
      return;
    }
    Section section(this);
    Result<PinCommand> c = DecodePinCommand(m.payload);
    PinReply reply{.video_id = c.ok() ? c->video_id : "",
                   .to = c.ok() ? c->to : "",
                   .status = 400,
                   .result = "refused"};
    if (!c.ok()) {
      reject_.Reject(counters_, "bad-pin-command", "", c.status().message());
      reply.reason = c.status().message();
      return ReplyPinLocked(m.response_topic, m.correlation_data, reply);
    }
    auto peer = peers_.find(c->to);
    const bool known = local_ids_.contains(c->video_id) ||
                       !catalogs_.Holders(c->video_id).empty();
    if (c->to == o_.name) {
      reply.status = 409;
      reply.reason = "fog " + o_.name + " is this fog: pin to a peer";
    } else if (peer == peers_.end()) {
      reply.status = 404;
      reply.reason = "unknown fog '" + c->to + "': not a peer of " + o_.name;
    } else if (!known) {
      reply.status = 404;
      reply.reason = "no fog of the federation holds video " + c->video_id;
    } else if (!Up(peer->second, Clock::now())) {
      reply.status = 503;
      reply.reason = "fog " + c->to + " is down";
    } else if (pin_waits_.size() >= kMaxPinWaits) {
      reply.status = 503;
      reply.reason = "too many pin commands waiting for an answer";
    }
    if (!reply.reason.empty()) {
      counters_.Add("pin_commands_refused");
      return ReplyPinLocked(m.response_topic, m.correlation_data, reply);
    }
    const std::string id = RandomId();
    pin_waits_[id] = {.response_topic = m.response_topic,
                      .correlation = m.correlation_data,
                      .reply = reply,
                      .deadline = Clock::now() + o_.request_timeout};
    counters_.Add("pin_commands");
    SendLocked(c->to, "pin",
               {.payload = BytesOf(EncodePinAsk({id, c->video_id}))});
  }

  // A peer asks this fog to hold a video. REQUIRES: mu_ held.
  void OnPeerPinLocked(const std::string& from, const mqtt::Message& m) {
    Result<PinAsk> a = DecodePinAsk(m.payload);
    if (!a.ok()) {
      reject_.Reject(counters_, "bad-pin", from, a.status().message());
      return;
    }
    PinReply reply{.id = a->id,
                   .video_id = a->video_id,
                   .to = o_.name,
                   .status = 200,
                   .result = "accepted"};
    bool pinned_here = false;
    for (const PinRecord& p : pinner_->pins()) {
      pinned_here = pinned_here || p.video_id == a->video_id;
    }
    if (!pinned_here && local_ids_.contains(a->video_id)) {
      reply.status = 409;
      reply.reason = "fog " + o_.name + " holds video " + a->video_id +
                     " already (its own, not a pin)";
    } else if (!pinned_here && catalogs_.Holders(a->video_id).empty()) {
      reply.status = 404;
      reply.reason =
          "no fog linked to " + o_.name + " holds video " + a->video_id;
    } else if (Status s = pinner_->Accept(a->video_id, from); !s.ok()) {
      reply.status = 429;
      reply.reason = s.message();
    }
    if (reply.status != 200) {
      reply.result = "refused";
      spdlog::info("federation {}: pin of {} asked by {} refused: {}", o_.name,
                   a->video_id, from, reply.reason);
    }
    SendLocked(from, "pinned", {.payload = BytesOf(EncodePinReply(reply))});
  }

  // The peer's answer to a pin this fog sent. REQUIRES: mu_ held.
  void OnPeerPinnedLocked(const std::string& from, const mqtt::Message& m) {
    Result<PinReply> r = DecodePinReply(m.payload);
    if (!r.ok()) {
      reject_.Reject(counters_, "bad-pinned", from, r.status().message());
      return;
    }
    auto it = pin_waits_.find(r->id);
    if (it == pin_waits_.end() || it->second.reply.to != from) {
      counters_.Add("replies_late");
      return;
    }
    PinReply out = *r;
    out.id.clear();
    out.to = from;
    ReplyPinLocked(it->second.response_topic, it->second.correlation, out);
    pin_waits_.erase(it);
  }

  // REQUIRES: mu_ held.
  void ExpirePinWaitsLocked(Clock::time_point now) {
    for (auto it = pin_waits_.begin(); it != pin_waits_.end();) {
      if (now < it->second.deadline) {
        ++it;
        continue;
      }
      PinReply r = it->second.reply;
      r.status = 504;
      r.reason = "fog " + r.to + " did not answer the pin";
      ReplyPinLocked(it->second.response_topic, it->second.correlation, r);
      it = pin_waits_.erase(it);
    }
  }

  // REQUIRES: mu_ held.
  void ReplyPinLocked(const std::string& topic, const Bytes& correlation,
                      const PinReply& r) {
    mqtt::Message m{
        .topic = topic, .payload = BytesOf(EncodePinReply(r)), .qos = 1};
    m.correlation_data = correlation;
    EnqueueLocked(&local_, std::move(m));
  }
};

Federation::Federation(FederationOptions options, trust::TrustStore trust)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(trust))) {}
Federation::~Federation() = default;
Status Federation::Start() { return impl_->Start(); }
void Federation::Stop() { impl_->Stop(); }
std::vector<PeerState> Federation::Peers() const { return impl_->Peers(); }
FederationLoad Federation::Load() const { return impl_->Load(); }
const Counters& Federation::counters() const { return impl_->counters(); }
const mqtt::Client& Federation::local_client() const {
  return impl_->local_client();
}
const PulledPacketCache& Federation::cache() const { return impl_->cache(); }
std::string Federation::StatusJson() const { return impl_->StatusJson(); }
size_t Federation::PinsActive() const { return impl_->PinsActive(); }

}  // namespace fog::federation
