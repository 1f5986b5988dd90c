#include "viewer/packet_fetcher.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

#include "crypto/mldsa/mldsa.h"
#include "crypto/random.h"
#include "mqtt/client.h"
#include "wire/get_range.h"
#include "wire/topics.h"

namespace fog::viewer {

namespace {

// The answers to one request, decoding each envelope once as it arrives.
class Collector {
 public:
  explicit Collector(const FetchRequest& request) : request_(request) {}

  void Add(const mqtt::Message& m) {
    std::lock_guard<std::mutex> lock(mu_);
    last_activity_ = std::chrono::steady_clock::now();
    if (!m.UserProperty("end").empty()) {
      ++result_.ends;
    } else if (Result<wire::Envelope> e = wire::DecodeEnvelope(m.payload);
               e.ok() && e->packet.video_id == request_.video_id) {
      numbers_.insert(e->packet.packet_number);
      total_ = std::max(total_, e->packet.total_packets);
      result_.envelopes.push_back(std::move(*e));
    } else {
      ++result_.undecodable;
    }
    cv_.notify_all();
  }

  FetchResult Wait() {
    auto deadline = std::chrono::steady_clock::now() + request_.timeout;
    std::unique_lock<std::mutex> lock(mu_);
    while (std::chrono::steady_clock::now() < deadline && !Done()) {
      cv_.wait_for(lock, std::chrono::milliseconds(20));
    }
    return std::move(result_);
  }

 private:
  // REQUIRES: mu_ held.
  bool Done() const {
    int64_t last = request_.last;
    if (total_ > 0) last = std::min(last, total_);
    if (last != INT64_MAX && last >= request_.first) {
      auto lo = numbers_.lower_bound(request_.first);
      auto hi = numbers_.upper_bound(last);
      if (std::distance(lo, hi) == last - request_.first + 1) return true;
    }
    if (request_.expected_ends > 0 && result_.ends >= request_.expected_ends)
      return true;
    return result_.ends > 0 &&
           std::chrono::steady_clock::now() - last_activity_ > request_.quiet;
  }

  const FetchRequest& request_;
  std::mutex mu_;
  std::condition_variable cv_;
  FetchResult result_;
  std::set<int64_t> numbers_;
  int64_t total_ = 0;
  std::chrono::steady_clock::time_point last_activity_ =
      std::chrono::steady_clock::now();
};

Bytes RandomToken() {
  Bytes b(16);
  (void)crypto::RandomBytes(b);
  return b;
}

}  // namespace

class PacketFetcher::Impl {
 public:
  explicit Impl(const mqtt::ConnectOptions& options)
      : client_(options), reply_topic_("reply/" + ToHex(RandomToken())) {
    client_.OnMessage([this](const mqtt::Message& m) { Route(m); });
  }

  Status Connect(std::chrono::milliseconds timeout) {
    Status s = client_.Connect(timeout);
    if (s.ok()) s = client_.Subscribe(reply_topic_, 1);
    return s;
  }

  Result<FetchResult> Fetch(const FetchRequest& request) {
    Status valid = wire::ValidateVideoId(request.video_id);
    if (!valid.ok()) return valid;
    if (request.first < 1 || request.last < request.first) {
      return Status::InvalidArgument("bad packet range");
    }
    Collector collector(request);
    const Bytes token = RandomToken();
    const std::string key(token.begin(), token.end());
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_[key] = &collector;
    }
    mqtt::Message m{.topic = wire::topics::Get(request.video_id), .qos = 1};
    m.response_topic = reply_topic_;
    m.correlation_data = token;
    m.payload = wire::EncodeGetRange({request.first, request.last});
    Status s = client_.Publish(m);
    FetchResult result;
    if (s.ok()) result = collector.Wait();
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_.erase(key);
    }
    if (!s.ok()) return s;
    return result;
  }

  bool connected() const { return client_.connected(); }
  void Disconnect() { client_.Disconnect(); }

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
  const std::string reply_topic_;
  std::mutex mu_;
  std::map<std::string, Collector*> pending_;  // by correlation data
};

PacketFetcher::PacketFetcher(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

PacketFetcher::~PacketFetcher() { impl_->Disconnect(); }

Result<std::unique_ptr<PacketFetcher>> PacketFetcher::Connect(
    const mqtt::ConnectOptions& options, std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>(options);
  Status s = impl->Connect(timeout);
  if (!s.ok()) return s;
  return std::unique_ptr<PacketFetcher>(new PacketFetcher(std::move(impl)));
}

Result<FetchResult> PacketFetcher::Fetch(const FetchRequest& request) {
  return impl_->Fetch(request);
}

bool PacketFetcher::connected() const { return impl_->connected(); }

}  // namespace fog::viewer
