// MQTT topic names of the fog (docs/topics.md). One place, so no component
// builds a topic string by hand.
//
// Thread-safety: pure functions.

#ifndef FOG_WIRE_TOPICS_H_
#define FOG_WIRE_TOPICS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fog::wire::topics {

// Publisher -> master: one payload per packet, QoS 1.
inline constexpr char kStreamFilter[] = "video/stream/+";
std::string Stream(std::string_view video_id);
// The video id of a stream topic, or nullopt when `topic` is not one.
std::optional<std::string> VideoIdOfStream(std::string_view topic);

// The seed client's end-of-stream marker topic ("EOSTREAMING").
inline constexpr char kSeedEndOfStream[] = "go-streaming";
// Master -> workers: a seed video ended; JSON {"video_id", "total_packets"}
// (the highest packet number the master received), QoS 1.
inline constexpr char kSeedEnd[] = "fog/seed-end";

// Master -> worker: a packet to store (payload unchanged, metadata in the
// user property "dispatch", wire/dispatch_tag.h).
std::string Dispatch(std::string_view worker);
inline constexpr char kDispatchFilter[] = "fog/dispatch/+";

// Worker -> master: store acknowledgements (JSON, QoS 1), on the worker's
// own topic fog/ack/<worker>, which the broker lets only that worker's login
// write; the master takes an ack only when its "worker" field names the
// topic's worker (docs/topics.md). The single fog/ack of earlier versions
// is read by no one.
std::string Ack(std::string_view worker);
inline constexpr char kAckFilter[] = "fog/ack/+";

// Membership: retained status with a last will, and a heartbeat.
inline constexpr char kMasterStatus[] = "fog/status/master";
inline constexpr char kApiStatus[] = "fog/status/api";
std::string WorkerStatus(std::string_view worker);
inline constexpr char kWorkerStatusFilter[] = "fog/status/worker/+";
std::string Heartbeat(std::string_view worker);
inline constexpr char kHeartbeatFilter[] = "fog/heartbeat/+";
// The worker name of a status or heartbeat topic (last level).
std::string_view LastLevel(std::string_view topic);

// True when a status payload is JSON with "state": "online" (anything
// else, including garbage, counts as offline).
bool IsOnlineStatus(std::span<const uint8_t> payload);

// Load balancer: a ping to every worker each period (JSON {"seq": n}); each
// worker answers with its stats on fog/stats/<worker>. The balancer's own
// retained status, as for the master.
inline constexpr char kPing[] = "fog/ping";
// The fog key's signed revocation list (wire/certificate.h), retained;
// published by `fog publisher revoke` and `fog up`, read by workers.
inline constexpr char kRevocations[] = "fog/revocations";
std::string Stats(std::string_view worker);
inline constexpr char kStatsFilter[] = "fog/stats/+";
inline constexpr char kBalancerStatus[] = "fog/status/balancer";

// Master -> publishers: the master's backlog (wire/backlog.h), retained,
// QoS 1; `fog stream` waits while it says "over".
inline constexpr char kBacklog[] = "fog/backlog";

// Load-balancing policy, retained (JSON; docs/balancer.md).
inline constexpr char kPolicy[] = "fog/policy";

// The seed's viewer protocol: JSON request on "packet-request", the answer
// (a msgpack VideoPacket) on the topic named by its channel_uuid.
inline constexpr char kSeedPacketRequest[] = "packet-request";
// Master -> worker: a packet-request the master routed to one live holder
// (the payload unchanged), so each request is answered once.
std::string SeedRequest(std::string_view worker);

// Our viewer protocol: MQTT v5 request with response topic and correlation
// data on fog/get/<video_id>.
std::string Get(std::string_view video_id);
inline constexpr char kGetFilter[] = "fog/get/+";

}  // namespace fog::wire::topics

#endif  // FOG_WIRE_TOPICS_H_
