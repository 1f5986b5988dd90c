#include "experiment/network.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

namespace fog::experiment {

namespace {

// The link's qdiscs on `dev`: tbf with a bucket of 64 KiB at least (or 10 ms
// at the rate) so that one packet of the MTU always passes, and at most
// 400 ms of queue; with delay or loss, netem at the root and the tbf below.
std::vector<std::string> Shape(const std::string& prefix,
                               const std::string& dev, double mbit,
                               double delay_ms, double loss_pct) {
  const long rate_kbit = static_cast<long>(mbit * 1000);
  const long burst = std::max<long>(65536, rate_kbit * 1000 / 8 / 100);
  const std::string tbf = "tbf rate " + std::to_string(rate_kbit) +
                          "kbit burst " + std::to_string(burst) +
                          " latency 400ms";
  if (delay_ms <= 0 && loss_pct <= 0)
    return {prefix + "tc qdisc add dev " + dev + " root " + tbf};
  std::ostringstream netem;
  netem << "netem";
  if (delay_ms > 0) netem << " delay " << delay_ms << "ms";
  if (loss_pct > 0) netem << " loss " << loss_pct << "%";
  return {prefix + "tc qdisc add dev " + dev + " root handle 1: " + netem.str(),
          prefix + "tc qdisc add dev " + dev + " parent 1:1 handle 10: " + tbf};
}

}  // namespace

Status FogHost::Run(const std::string& command) {
  const std::string quiet = command + " >/dev/null 2>&1";
  if (std::system(quiet.c_str()) != 0)
    return Status::Unavailable("network: '" + command +
                               "' failed (emulation needs root and iproute2)");
  return Status::OK();
}

namespace {

// The namespaces, bridges and veth pairs of earlier runs whose process is
// gone (killed before it could remove them): removed, so their addresses
// and names do not linger.
void RemoveStale() {
  std::error_code ec;
  for (const auto& e :
       std::filesystem::directory_iterator("/var/run/netns", ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("fog-exp-", 0) != 0) continue;
    const std::string pid = name.substr(8, name.find('-', 8) - 8);
    if (pid.empty() ||
        pid.find_first_not_of("0123456789") != std::string::npos ||
        std::filesystem::exists("/proc/" + pid))
      continue;
    // The host ends of the veth pairs go with the namespaces.
    (void)std::system(("ip link del fgh" + pid + " >/dev/null 2>&1").c_str());
    (void)std::system(("ip link del fgb" + pid + " >/dev/null 2>&1").c_str());
    (void)std::system(("ip netns del " + name + " >/dev/null 2>&1").c_str());
  }
}

}  // namespace

Result<std::unique_ptr<FogHost>> FogHost::Create(double bandwidth_mbit,
                                                 double delay_ms,
                                                 double loss_pct, int index) {
  if (index == 0) RemoveStale();
  if (index < 0 || index > 200)
    return Status::InvalidArgument("network: at most 201 fog hosts");
  std::unique_ptr<FogHost> h(new FogHost());
  const std::string id = std::to_string(::getpid());
  const std::string suffix = index == 0 ? "" : "x" + std::to_string(index);
  h->ns_ = "fog-exp-" + id + (index == 0 ? "" : "-" + std::to_string(index));
  h->bridge_ = "fgb" + id;  // interface names: at most 15 characters
  h->veth_host_ = "fgh" + id + suffix;
  h->veth_fog_ = "fgf" + id + suffix;
  const std::string net = "10.77." + std::to_string(::getpid() % 250) + ".";
  h->host_address_ = net + "1";
  h->fog_address_ = net + std::to_string(2 + index);
  h->bandwidth_mbit_ = bandwidth_mbit;
  h->delay_ms_ = delay_ms;
  h->loss_pct_ = loss_pct;
  h->root_fd_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (h->root_fd_ < 0)
    return Status::Unavailable(
        std::string("network: /proc/thread-self/ns/net: ") +
        std::strerror(errno));
  Status s = h->Run("ip netns add " + h->ns_);
  h->made_ns_ = s.ok();
  if (s.ok() && index == 0) {
    s = h->Run("ip link add " + h->bridge_ + " type bridge");
    h->made_bridge_ = s.ok();
  }
  if (s.ok()) {
    s = h->Run("ip link add " + h->veth_host_ + " type veth peer name " +
               h->veth_fog_);
    h->made_veth_ = s.ok();
  }
  const std::string in_ns = "ip netns exec " + h->ns_ + " ";
  std::vector<std::string> commands = {
      "ip link set " + h->veth_fog_ + " netns " + h->ns_,
      "ip link set " + h->veth_host_ + " master " + h->bridge_};
  if (index == 0) {
    commands.push_back("ip addr add " + h->host_address_ + "/24 dev " +
                       h->bridge_);
    commands.push_back("ip link set " + h->bridge_ + " up");
  }
  commands.insert(
      commands.end(),
      {"ip link set " + h->veth_host_ + " up",
       in_ns + "ip addr add " + h->fog_address_ + "/24 dev " + h->veth_fog_,
       in_ns + "ip link set " + h->veth_fog_ + " up",
       in_ns + "ip link set lo up"});
  // Toward the fog (publishes, requests) and back (answers, acks).
  for (const std::string& prefix : {std::string(), in_ns}) {
    for (std::string& c :
         Shape(prefix, prefix.empty() ? h->veth_host_ : h->veth_fog_,
               bandwidth_mbit, delay_ms, loss_pct))
      commands.push_back(std::move(c));
  }
  for (const std::string& c : commands) {
    if (!s.ok()) break;
    s = h->Run(c);
  }
  if (!s.ok()) return s;  // the destructor removes what was made
  h->ns_fd_ =
      ::open(("/var/run/netns/" + h->ns_).c_str(), O_RDONLY | O_CLOEXEC);
  if (h->ns_fd_ < 0)
    return Status::Unavailable("network: cannot open the namespace " + h->ns_);
  return h;
}

FogHost::~FogHost() {
  // Deleting the namespace removes the veth end inside it and with it the
  // pair; the bridge is removed on its own.
  if (made_veth_) (void)Run("ip link del " + veth_host_);
  if (made_bridge_) (void)Run("ip link del " + bridge_);
  if (made_ns_) (void)Run("ip netns del " + ns_);
  if (ns_fd_ >= 0) ::close(ns_fd_);
  if (root_fd_ >= 0) ::close(root_fd_);
}

Status FogHost::Enter() {
  if (::setns(ns_fd_, CLONE_NEWNET) != 0)
    return Status::IoError(std::string("setns into ") + ns_ + ": " +
                           std::strerror(errno));
  return Status::OK();
}

Status FogHost::Leave() {
  if (::setns(root_fd_, CLONE_NEWNET) != 0)
    return Status::IoError(std::string("setns back: ") + std::strerror(errno));
  return Status::OK();
}

namespace {

std::string RateText(double mbit) {
  std::ostringstream out;
  out << "tbf " << mbit << " Mbit/s each way";
  return out.str();
}

}  // namespace

nlohmann::json FogHost::Describe() const {
  return {
      {"network", "the fog in network namespace " + ns_ + " at " +
                      fog_address_ + ", joined by a veth pair through bridge " +
                      bridge_ + " (" + host_address_ +
                      "); the experiment's publishers and viewers outside it"},
      {"bandwidth_limit", RateText(bandwidth_mbit_)},
      {"delay_ms", delay_ms_ > 0 ? nlohmann::json(delay_ms_) : nullptr},
      {"loss_pct", loss_pct_ > 0 ? nlohmann::json(loss_pct_) : nullptr}};
}

Status FogHost::SetLink(FogHost& a, FogHost& b, bool cut) {
  Status first = Status::OK();
  for (auto [from, to] : {std::pair<FogHost*, FogHost*>{&a, &b}, {&b, &a}}) {
    const std::string c = "ip netns exec " + from->ns_ + " ip route " +
                          (cut ? "add" : "del") + " blackhole " +
                          to->fog_address_ + "/32";
    Status s = from->Run(c);
    if (!s.ok() && first.ok() && cut) first = s;  // restoring twice is fine
  }
  return first;
}

bool NetemAvailable() {
  const std::string ns = "fog-netem-probe-" + std::to_string(::getpid());
  if (std::system(("ip netns add " + ns + " >/dev/null 2>&1").c_str()) != 0)
    return false;
  const bool ok =
      std::system(("ip netns exec " + ns +
                   " tc qdisc add dev lo root netem delay 1ms >/dev/null 2>&1")
                      .c_str()) == 0;
  (void)std::system(("ip netns del " + ns + " >/dev/null 2>&1").c_str());
  return ok;
}

}  // namespace fog::experiment
