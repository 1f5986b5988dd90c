#include "bench/mosquitto_client.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

namespace fog::bench {
namespace {

// mosquitto_lib_init() once per process; never cleaned up, as other clients
// may still run when one goes away.
void InitLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

struct HostPort {
  std::string host;
  int port = 0;
  bool tls = false;
};

Result<HostPort> ParseUri(const std::string& uri) {
  HostPort hp;
  std::string_view rest = uri;
  bool known = false;
  for (const auto& [scheme, tls] :
       {std::pair{"tcp://", false}, std::pair{"mqtt://", false},
        std::pair{"ssl://", true}, std::pair{"mqtts://", true}}) {
    if (!rest.starts_with(scheme)) continue;
    rest.remove_prefix(std::string_view(scheme).size());
    hp.tls = tls;
    known = true;
    break;
  }
  if (!known) return Status::InvalidArgument("unsupported MQTT URI: " + uri);
  const size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return Status::InvalidArgument("MQTT URI without host:port: " + uri);
  hp.host = std::string(rest.substr(0, colon));
  int port = 0;
  for (char c : rest.substr(colon + 1)) {
    if (c < '0' || c > '9' || port > 65535)
      return Status::InvalidArgument("bad port in MQTT URI: " + uri);
    port = port * 10 + (c - '0');
  }
  if (port <= 0 || port > 65535)
    return Status::InvalidArgument("bad port in MQTT URI: " + uri);
  hp.port = port;
  return hp;
}

std::string Error(int rc) { return mosquitto_strerror(rc); }

}  // namespace

class MosquittoClient::Impl {
 public:
  Impl(MosquittoOptions options, Handler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {
    InitLibrary();
    mosq_ = mosquitto_new(
        options_.client_id.empty() ? nullptr : options_.client_id.c_str(),
        /*clean_session=*/true, this);
    if (mosq_ == nullptr) return;
    mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    // Paho sets TCP_NODELAY on its sockets too: same wire behaviour.
    mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_int_option(mosq_, MOSQ_OPT_SEND_MAXIMUM, options_.max_inflight);
    mosquitto_connect_v5_callback_set(mosq_, &Impl::OnConnect);
    mosquitto_disconnect_v5_callback_set(mosq_, &Impl::OnDisconnect);
    mosquitto_subscribe_v5_callback_set(mosq_, &Impl::OnSubscribe);
    mosquitto_publish_v5_callback_set(mosq_, &Impl::OnPublish);
    mosquitto_message_v5_callback_set(mosq_, &Impl::OnMessage);
  }

  ~Impl() {
    Disconnect();
    if (mosq_ != nullptr) mosquitto_destroy(mosq_);
  }

  Status Connect(std::chrono::milliseconds timeout) {
    if (mosq_ == nullptr)
      return Status::Internal("mosquitto_new failed (out of memory?)");
    Result<HostPort> hp = ParseUri(options_.uri);
    if (!hp.ok()) return hp.status();
    if (!options_.username.empty()) {
      const int rc = mosquitto_username_pw_set(
          mosq_, options_.username.c_str(),
          options_.password.empty() ? nullptr : options_.password.c_str());
      if (rc != MOSQ_ERR_SUCCESS)
        return Status::InvalidArgument("credentials: " + Error(rc));
    }
    if (hp->tls) {
      auto opt = [](const std::string& s) {
        return s.empty() ? nullptr : s.c_str();
      };
      const int rc = mosquitto_tls_set(
          mosq_, opt(options_.ca_file),
          options_.ca_file.empty() ? "/etc/ssl/certs" : nullptr,
          opt(options_.cert_file), opt(options_.key_file), nullptr);
      if (rc != MOSQ_ERR_SUCCESS)
        return Status::InvalidArgument("TLS settings: " + Error(rc));
    }
    int rc = mosquitto_connect_bind_v5(mosq_, hp->host.c_str(), hp->port,
                                       options_.keep_alive_seconds, nullptr,
                                       nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      return Status::Unavailable("cannot connect to " + options_.uri + ": " +
                                 Error(rc));
    rc = mosquitto_loop_start(mosq_);
    if (rc != MOSQ_ERR_SUCCESS)
      return Status::Internal("mosquitto_loop_start: " + Error(rc));
    loop_running_ = true;
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return connack_.has_value(); }))
      return Status::Unavailable("no CONNACK from " + options_.uri);
    connected_ = *connack_ == 0;
    if (!connected_)
      return Status::Unavailable(
          "broker refused the connection: " +
          std::string(mosquitto_reason_string(*connack_)) + " (reason code " +
          std::to_string(*connack_) + ")");
    return Status::OK();
  }

  Status Subscribe(const std::string& filter, int qos,
                   std::chrono::milliseconds timeout) {
    int mid = 0;
    const int rc =
        mosquitto_subscribe_v5(mosq_, &mid, filter.c_str(), qos, 0, nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      return Status::Unavailable("subscribe " + filter + ": " + Error(rc));
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return subacks_.contains(mid); }))
      return Status::Unavailable("no SUBACK for " + filter);
    const int granted = subacks_[mid];
    subacks_.erase(mid);
    if (granted >= 0x80)
      return Status::Unauthenticated(
          "broker refused the subscription to " + filter + ": " +
          mosquitto_reason_string(granted) + " (reason code " +
          std::to_string(granted) + ")");
    return Status::OK();
  }

  Status Publish(const std::string& topic, ByteView payload, int qos) {
    if (payload.size() > INT_MAX)
      return Status::InvalidArgument("payload too large");
    const int rc = mosquitto_publish_v5(
        mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
        payload.data(), qos, /*retain=*/false, nullptr);
    if (rc != MOSQ_ERR_SUCCESS)
      return Status::Unavailable("publish to " + topic + ": " + Error(rc));
    return Status::OK();
  }

  void Disconnect() {
    if (mosq_ == nullptr || !loop_running_) return;
    mosquitto_disconnect_v5(mosq_, MQTT_RC_NORMAL_DISCONNECTION, nullptr);
    // The network thread ends once the DISCONNECT went out. Without a
    // connection it would keep reconnecting: cancel it then.
    mosquitto_loop_stop(mosq_, /*force=*/!connected_);
    loop_running_ = false;
  }

  uint64_t acknowledged() const { return acknowledged_; }
  uint64_t refused() const { return refused_; }

 private:
  static Impl* Self(void* obj) { return static_cast<Impl*>(obj); }

  static void OnConnect(mosquitto*, void* obj, int rc, int,
                        const mosquitto_property*) {
    Impl* self = Self(obj);
    std::lock_guard<std::mutex> lock(self->mu_);
    if (!self->connack_) self->connack_ = rc;
    self->cv_.notify_all();
  }

  static void OnDisconnect(mosquitto*, void*, int, const mosquitto_property*) {}

  static void OnSubscribe(mosquitto*, void* obj, int mid, int count,
                          const int* granted, const mosquitto_property*) {
    Impl* self = Self(obj);
    std::lock_guard<std::mutex> lock(self->mu_);
    self->subacks_[mid] = count > 0 ? granted[0] : 0x80;
    self->cv_.notify_all();
  }

  static void OnPublish(mosquitto*, void* obj, int, int reason,
                        const mosquitto_property*) {
    Impl* self = Self(obj);
    if (reason >= 0x80)
      ++self->refused_;
    else
      ++self->acknowledged_;
  }

  static void OnMessage(mosquitto*, void* obj, const mosquitto_message* m,
                        const mosquitto_property*) {
    Impl* self = Self(obj);
    if (!self->handler_ || m->topic == nullptr) return;
    self->handler_(m->topic,
                   ByteView(static_cast<const uint8_t*>(m->payload),
                            static_cast<size_t>(std::max(m->payloadlen, 0))));
  }

  const MosquittoOptions options_;
  const Handler handler_;
  mosquitto* mosq_ = nullptr;
  bool loop_running_ = false;
  bool connected_ = false;  // the CONNACK said success
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<int> connack_;
  std::map<int, int> subacks_;  // mid -> first granted QoS / reason code
  std::atomic<uint64_t> acknowledged_{0};
  std::atomic<uint64_t> refused_{0};
};

MosquittoClient::MosquittoClient(MosquittoOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
MosquittoClient::~MosquittoClient() = default;

Status MosquittoClient::Connect(std::chrono::milliseconds timeout) {
  return impl_->Connect(timeout);
}
Status MosquittoClient::Subscribe(const std::string& filter, int qos,
                                  std::chrono::milliseconds timeout) {
  return impl_->Subscribe(filter, qos, timeout);
}
Status MosquittoClient::Publish(const std::string& topic, ByteView payload,
                                int qos) {
  return impl_->Publish(topic, payload, qos);
}
void MosquittoClient::Disconnect() { impl_->Disconnect(); }
uint64_t MosquittoClient::acknowledged() const { return impl_->acknowledged(); }
uint64_t MosquittoClient::refused() const { return impl_->refused(); }

}  // namespace fog::bench
