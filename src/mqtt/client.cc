#include "mqtt/client.h"

#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <utility>

namespace fog::mqtt {

namespace paho = ::mqtt;

std::string Message::UserProperty(std::string_view key) const {
  for (const auto& [k, v] : user_properties) {
    if (k == key) return v;
  }
  return "";
}

namespace {

// Paho keeps this many publishes queued while reconnecting.
constexpr int kMaxBufferedMessages = 10000;

// A publish in flight each time the connection dropped this often fails:
// the broker may be closing the connection because of it (Mosquitto does
// so for a topic with a wildcard).
constexpr int kMaxSendAttempts = 5;

paho::message_ptr ToPaho(const Message& m) {
  // A shared payload goes to Paho by reference (Paho C still copies it once
  // per publish, until the broker's PUBACK).
  auto msg =
      m.shared_payload
          ? paho::make_message(m.topic, paho::binary_ref(m.shared_payload),
                               m.qos, m.retained)
          : paho::make_message(m.topic, m.payload.data(), m.payload.size(),
                               m.qos, m.retained);
  paho::properties props;
  if (!m.response_topic.empty()) {
    props.add({paho::property::RESPONSE_TOPIC, m.response_topic});
  }
  if (!m.correlation_data.empty()) {
    props.add(
        {paho::property::CORRELATION_DATA,
         std::string(m.correlation_data.begin(), m.correlation_data.end())});
  }
  for (const auto& [k, v] : m.user_properties) {
    props.add({paho::property::USER_PROPERTY, k, v});
  }
  msg->set_properties(std::move(props));
  return msg;
}

Message FromPaho(const paho::const_message_ptr& msg, bool shared) {
  Message m;
  m.topic = msg->get_topic();
  if (shared) {
    m.shared_payload = msg->get_payload_ref().ptr();
  } else {
    const auto& payload = msg->get_payload();
    m.payload.assign(payload.begin(), payload.end());
  }
  m.qos = msg->get_qos();
  m.retained = msg->is_retained();
  const paho::properties& props = msg->get_properties();
  if (props.contains(paho::property::RESPONSE_TOPIC)) {
    m.response_topic =
        paho::get<std::string>(props, paho::property::RESPONSE_TOPIC);
  }
  if (props.contains(paho::property::CORRELATION_DATA)) {
    std::string c =
        paho::get<std::string>(props, paho::property::CORRELATION_DATA);
    m.correlation_data.assign(c.begin(), c.end());
  }
  size_t n = props.count(paho::property::USER_PROPERTY);
  for (size_t i = 0; i < n; ++i) {
    auto [key, value] =
        paho::get<paho::string_pair>(props, paho::property::USER_PROPERTY, i);
    m.user_properties.emplace_back(std::move(key), std::move(value));
  }
  return m;
}

Status FromException(const std::string& what, const paho::exception& e) {
  return Status::Unavailable("MQTT " + what + ": " + e.what());
}

}  // namespace

class Client::Impl {
 public:
  explicit Impl(ConnectOptions options)
      : options_(std::move(options)),
        listener_(this),
        client_(MakeClient(options_)) {}

  static std::unique_ptr<paho::async_client> MakeClient(
      const ConnectOptions& o) {
    // Paho takes both ssl:// and mqtts://; the one spelling keeps logs
    // alike.
    std::string uri = o.uri;
    if (uri.rfind("mqtts://", 0) == 0) uri = "ssl://" + uri.substr(8);
    return std::make_unique<paho::async_client>(uri, o.client_id,
                                                CreateOptions(), nullptr);
  }

  static paho::create_options CreateOptions() {
    paho::create_options opts(MQTTVERSION_5, kMaxBufferedMessages);
    opts.set_send_while_disconnected(true, true);
    return opts;
  }

  paho::connect_options BuildConnectOptions() const {
    // Set field by field: built through Paho 1.2's connect_options_builder,
    // the session expiry never reached the broker (sessions ended at
    // disconnect; ClientTest.PersistentSessionKeepsQos1MessagesWhileAway).
    paho::connect_options o;
    o.set_mqtt_version(MQTTVERSION_5);
    o.set_clean_start(options_.clean_start);
    o.set_keep_alive_interval(options_.keep_alive);
    o.set_automatic_reconnect(1, 30);
    o.set_max_inflight(options_.max_inflight);
    if (!options_.username.empty()) {
      o.set_user_name(options_.username);
      o.set_password(options_.password);
    }
    paho::properties props;
    if (options_.session_expiry_seconds > 0) {
      props.add({paho::property::SESSION_EXPIRY_INTERVAL,
                 static_cast<int>(options_.session_expiry_seconds)});
    }
    if (options_.receive_maximum > 0) {
      props.add({paho::property::RECEIVE_MAXIMUM,
                 static_cast<int>(options_.receive_maximum)});
    }
    if (!props.empty()) o.set_properties(props);
    if (options_.will) o.set_will_message(ToPaho(*options_.will));
    if (IsTlsUri(options_.uri)) o.set_ssl(SslOptions());
    return o;
  }

  // The broker's certificate is checked against the CA and the URI's host
  // name, always: a TLS connection without it would trust anyone who
  // answers.
  paho::ssl_options SslOptions() const {
    paho::ssl_options ssl;
    if (!options_.ca_file.empty()) ssl.set_trust_store(options_.ca_file);
    if (!options_.cert_file.empty()) ssl.set_key_store(options_.cert_file);
    if (!options_.key_file.empty()) ssl.set_private_key(options_.key_file);
    ssl.set_enable_server_cert_auth(true);
    ssl.set_verify(true);
    return ssl;
  }

  void Install(Handler handler, std::function<void()> on_reconnect) {
    handler_ = std::move(handler);
    on_reconnect_ = std::move(on_reconnect);
    client_->set_message_callback([this](paho::const_message_ptr msg) {
      if (handler_) handler_(FromPaho(msg, options_.shared_payloads));
    });
    client_->set_connected_handler([this](const std::string&) {
      // Re-subscribe after every (re)connection: with a clean start the
      // broker forgot our subscriptions; with a session it ignores repeats.
      std::set<std::pair<std::string, int>> subs;
      {
        std::lock_guard<std::mutex> lock(mu_);
        subs = subscriptions_;
      }
      for (const auto& [filter, qos] : subs) {
        try {
          client_->subscribe(filter, qos);
        } catch (const paho::exception&) {
          // The next reconnection retries.
        }
      }
      if (connected_once_.exchange(true)) {
        ++reconnects_;
        if (on_reconnect_) on_reconnect_();
      }
    });
  }

  Status Connect(std::chrono::milliseconds timeout) {
    {
      std::lock_guard<std::mutex> lock(flow_mu_);
      closing_ = false;
    }
    try {
      auto token = client_->connect(BuildConnectOptions());
      if (!token->wait_for(timeout)) {
        return Status::Unavailable("MQTT connect to " + options_.uri +
                                   " timed out");
      }
    } catch (const paho::exception& e) {
      return FromException("connect to " + options_.uri, e);
    }
    return Status::OK();
  }

  Status Subscribe(const std::string& filter, int qos) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      subscriptions_.insert({filter, qos});
    }
    try {
      auto token = client_->subscribe(filter, qos);
      if (!token->wait_for(std::chrono::seconds(10))) {
        return Status::Unavailable("MQTT subscribe " + filter + " timed out");
      }
      // A v5 broker refuses a subscription (e.g. by ACL) through the reason
      // code of the SUBACK, not an exception. (For one filter Paho reports it
      // as the token's reason code.)
      int rc = token->get_reason_code();
      if (rc >= 0x80) {
        return Status::Unauthenticated("MQTT subscribe " + filter +
                                       " refused, reason " +
                                       std::to_string(rc));
      }
    } catch (const paho::exception& e) {
      return FromException("subscribe " + filter, e);
    }
    return Status::OK();
  }

  Status Unsubscribe(const std::string& filter) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = subscriptions_.begin(); it != subscriptions_.end();) {
        it = it->first == filter ? subscriptions_.erase(it) : std::next(it);
      }
    }
    try {
      client_->unsubscribe(filter)->wait_for(std::chrono::seconds(10));
    } catch (const paho::exception& e) {
      return FromException("unsubscribe " + filter, e);
    }
    return Status::OK();
  }

  Status Publish(const Message& m, bool wait) {
    auto done = std::make_shared<std::promise<Status>>();
    std::future<Status> result = done->get_future();
    {
      std::unique_lock<std::mutex> lock(flow_mu_);
      if (waiting_.size() >= static_cast<size_t>(kMaxBufferedMessages)) {
        return Status::Unavailable("MQTT publish to " + m.topic + ": " +
                                   std::to_string(waiting_.size()) +
                                   " publishes already waiting");
      }
      waiting_.push_back(
          {ToPaho(m), m.topic.size() + m.payload_view().size(), done, wait});
      Drain(lock);
    }
    if (wait) return result.get();
    if (result.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
      return result.get();
    return Status::OK();
  }

  Status Flush(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(flow_mu_);
    if (!flow_cv_.wait_for(lock, timeout, [this] {
          return waiting_.empty() && sent_.empty();
        }))
      return Status::Unavailable("MQTT: publishes still unacknowledged after " +
                                 std::to_string(timeout.count()) + " ms");
    if (unwaited_failures_ == 0) return Status::OK();
    Status first = std::move(first_unwaited_failure_);
    const uint64_t n = std::exchange(unwaited_failures_, 0);
    return Status::Unavailable(
        std::to_string(n) + " publishes failed; the first: " + first.message());
  }

  void Disconnect() {
    {
      // From now on a publish the disconnection fails is not sent again:
      // Paho would only hold it, and keep it past its own destruction.
      std::lock_guard<std::mutex> lock(flow_mu_);
      closing_ = true;
    }
    try {
      if (client_->is_connected()) {
        client_->disconnect()->wait_for(std::chrono::seconds(5));
      }
    } catch (const paho::exception&) {
      // Going away anyway; the broker will notice.
    }
    // Nothing settles these any more; release whoever waits for them.
    std::lock_guard<std::mutex> lock(flow_mu_);
    const Status gone = Status::Unavailable("MQTT: disconnected");
    for (Outgoing& o : waiting_) o.done->set_value(gone);
    waiting_.clear();
    for (auto& [id, sent] : sent_) sent.done->set_value(gone);
    sent_.clear();
    inflight_bytes_ = 0;
    flow_cv_.notify_all();
  }

  // Publish flow control (ConnectOptions::max_inflight_bytes).
  struct Outgoing {
    paho::message_ptr message;
    size_t bytes;
    std::shared_ptr<std::promise<Status>> done;
    bool waited;       // the caller holds the result; else Flush() reports
    uint64_t id = 0;   // set once handed to Paho; kept when sent again
    int attempts = 0;  // handed to Paho this often
  };

  class Listener : public paho::iaction_listener {
   public:
    explicit Listener(Impl* impl) : impl_(impl) {}
    void on_success(const paho::token& t) override {
      impl_->Completed(t, Status::OK(), /*send_again=*/false);
    }
    void on_failure(const paho::token& t) override {
      // Paho fails a publish that the connection's end cut short: written
      // into a broken socket (MQTTASYNC_FAILURE), or held unacknowledged
      // when the connection dropped and the new session does not carry it
      // on (a clean start, or a broker that lost the session). It may never
      // have reached the broker, so it is sent again. A broker's refusal (a
      // v5 reason code) is final.
      const int rc = t.get_return_code();
      const bool lost_with_connection =
          t.get_reason_code() < paho::ReasonCode::UNSPECIFIED_ERROR &&
          (rc == MQTTASYNC_FAILURE || rc == MQTTASYNC_DISCONNECTED ||
           rc == MQTTASYNC_OPERATION_INCOMPLETE);
      impl_->Completed(t,
                       Status::Unavailable("MQTT publish failed, code " +
                                           std::to_string(rc) + ", reason " +
                                           std::to_string(t.get_reason_code())),
                       lost_with_connection);
    }

   private:
    Impl* impl_;
  };

  // Hands waiting publishes to Paho, oldest first, while the budget allows.
  // One thread at a time does it (draining_), with flow_mu_ released around
  // each Paho call: Paho's callback thread holds Paho's lock when it calls
  // Completed(), which takes flow_mu_.
  void Drain(std::unique_lock<std::mutex>& lock) {
    if (draining_ || closing_) return;
    draining_ = true;
    while (!waiting_.empty() &&
           (sent_.empty() || inflight_bytes_ + waiting_.front().bytes <=
                                 options_.max_inflight_bytes)) {
      Outgoing o = std::move(waiting_.front());
      waiting_.pop_front();
      if (o.id == 0) o.id = next_id_++;
      const uint64_t id = o.id;
      const paho::message_ptr message = o.message;
      inflight_bytes_ += o.bytes;
      ++o.attempts;
      sent_.emplace(id, std::move(o));
      lock.unlock();
      Status refused;
      try {
        client_->publish(message, reinterpret_cast<void*>(id), listener_);
      } catch (const paho::exception& e) {
        refused = FromException("publish to " + message->get_topic(), e);
      }
      lock.lock();
      if (!refused.ok()) Settle(id, refused);
    }
    draining_ = false;
    flow_cv_.notify_all();
  }

  void Completed(const paho::token& t, Status status, bool send_again) {
    std::unique_lock<std::mutex> lock(flow_mu_);
    const auto id = reinterpret_cast<uint64_t>(t.get_user_context());
    auto it = sent_.find(id);
    if (it != sent_.end()) {
      if (!send_again || closing_) {
        Settle(id, std::move(status));
      } else if (it->second.attempts < kMaxSendAttempts) {
        SendAgain(id);
      } else {
        Settle(id,
               Status::Unavailable(
                   status.message() + "; the connection dropped with it " +
                   "in flight " + std::to_string(kMaxSendAttempts) + " times"));
      }
    }
    Drain(lock);
  }

  // Puts a publish back in line, ahead of every later one, to be handed to
  // Paho again (which holds it while disconnected). Only publishes that
  // were in flight together can overtake one another this way.
  void SendAgain(uint64_t id) {
    auto it = sent_.find(id);
    if (it == sent_.end()) return;
    inflight_bytes_ -= it->second.bytes;
    auto at = std::find_if(
        waiting_.begin(), waiting_.end(),
        [id](const Outgoing& o) { return o.id == 0 || o.id > id; });
    waiting_.insert(at, std::move(it->second));
    sent_.erase(it);
    ++sent_again_;
  }

  void Settle(uint64_t id, Status status) {
    auto it = sent_.find(id);
    if (it == sent_.end()) return;
    Outgoing& o = it->second;
    inflight_bytes_ -= o.bytes;
    if (!status.ok()) {
      ++failed_;
      if (!o.waited && unwaited_failures_++ == 0) {
        first_unwaited_failure_ = status;
      }
    }
    o.done->set_value(std::move(status));
    sent_.erase(it);
  }

  const ConnectOptions options_;
  // Before client_, so that they outlive Paho's last callback.
  Listener listener_;
  mutable std::mutex flow_mu_;
  std::condition_variable flow_cv_;    // a publish settled
  std::deque<Outgoing> waiting_;       // not yet handed to Paho
  std::map<uint64_t, Outgoing> sent_;  // handed to Paho, not yet settled
  size_t inflight_bytes_ = 0;
  // Failed publishes whose callers did not wait; reported by Flush().
  uint64_t unwaited_failures_ = 0;
  Status first_unwaited_failure_;
  uint64_t sent_again_ = 0;
  uint64_t failed_ = 0;
  uint64_t next_id_ = 1;
  bool draining_ = false;
  bool closing_ = false;  // Disconnect() began
  std::unique_ptr<paho::async_client> client_;
  Handler handler_;
  std::function<void()> on_reconnect_;
  std::mutex mu_;
  std::set<std::pair<std::string, int>> subscriptions_;
  std::atomic<bool> connected_once_{false};
  std::atomic<uint64_t> reconnects_{0};
};

bool IsTlsUri(std::string_view uri) {
  return uri.starts_with("ssl://") || uri.starts_with("mqtts://");
}

size_t InflightBytesUnderSendBuffer(size_t ceiling) {
  size_t max_buffer = size_t{4} << 20;  // the kernel's default
  std::ifstream wmem("/proc/sys/net/ipv4/tcp_wmem");
  size_t min = 0, initial = 0, max = 0;
  if (wmem >> min >> initial >> max && max > 0) max_buffer = max;
  return std::clamp(max_buffer / 4 * 3, size_t{1} << 20,
                    std::max(ceiling, size_t{1} << 20));
}

Client::Client(ConnectOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

Client::~Client() { impl_->Disconnect(); }

void Client::OnMessage(Handler handler) {
  impl_->Install(std::move(handler), impl_->on_reconnect_);
}

void Client::OnReconnect(std::function<void()> callback) {
  impl_->Install(impl_->handler_, std::move(callback));
}

Status Client::Connect(std::chrono::milliseconds timeout) {
  if (!impl_->handler_ && !impl_->on_reconnect_)
    impl_->Install(nullptr, nullptr);
  return impl_->Connect(timeout);
}

Status Client::Subscribe(const std::string& filter, int qos) {
  return impl_->Subscribe(filter, qos);
}

Status Client::Unsubscribe(const std::string& filter) {
  return impl_->Unsubscribe(filter);
}

Status Client::Publish(const Message& message, bool wait) {
  return impl_->Publish(message, wait);
}

Status Client::Flush(std::chrono::milliseconds timeout) {
  return impl_->Flush(timeout);
}

void Client::Disconnect() { impl_->Disconnect(); }

bool Client::connected() const { return impl_->client_->is_connected(); }

uint64_t Client::reconnects() const { return impl_->reconnects_; }

Client::PublishQueue Client::publish_queue() const {
  std::lock_guard<std::mutex> lock(impl_->flow_mu_);
  return {impl_->waiting_.size(), impl_->inflight_bytes_, impl_->sent_again_,
          impl_->failed_};
}

const std::string& Client::client_id() const {
  return impl_->options_.client_id;
}

}  // namespace fog::mqtt
