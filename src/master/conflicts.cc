// The master's handling of conflicts and refusals: a second, different
// payload claiming a packet number already placed, and the acks by which
// workers refuse a copy. Nothing here drops a packet without an ack reason,
// a counter and a log line naming the video and the packet number.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "master/master.h"
#include "wire/ack.h"

namespace fog::master {

namespace {

// RejectLog logs the first occurrence per key: keying by packet makes the
// first conflict of every packet a log line of its own.
std::string PacketName(const PacketKey& key) {
  return fmt::format("video {} packet {}", key.first, key.second);
}

}  // namespace

bool Master::TakeConflict(const PacketKey& key, const Payload& payload) {
  const Fingerprints::Digest digest = fingerprints_.Of(AsBytes(*payload));
  const std::optional<Fingerprints::Digest> placed = fingerprints_.Get(key);
  const std::vector<std::string> holders = placements_.Holders(key);
  // Held while no worker is live counts as taken too (a scan of at most
  // max_pending_packets, only for a payload that differs).
  const bool taken =
      placed && *placed != digest &&
      (copies_in_flight_.contains(key) || !holders.empty() ||
       std::any_of(pending_.begin(), pending_.end(),
                   [&](const Pending& p) { return p.key == key; }));
  if (!taken) {
    // New, a repeat, or the number's earlier payload was refused
    // everywhere: this payload is the packet's now.
    fingerprints_.Set(key, digest);
    return false;
  }
  counters_.Add("packets_conflicting");
  // The holders verify it as they verify any dispatch: a native payload
  // with a bad signature is refused for that; a valid one (or a legacy one,
  // whose check anyone can recompute) meets the stored packet and is
  // refused as `conflict`, unless the holder had refused the first one.
  const std::vector<std::string> live =
      membership_.Live(Membership::Clock::now());
  auto judge = std::find_if(holders.begin(), holders.end(), [&](auto& w) {
    return std::find(live.begin(), live.end(), w) != live.end();
  });
  if (judge == holders.end()) {
    reject_log_.Reject(counters_, "conflict-unjudged", PacketName(key),
                       PacketName(key) +
                           ": a different payload than the one placed, and "
                           "no live worker holds the number to judge it");
    return true;
  }
  spdlog::warn(
      "master: conflict: {}: a different payload than the one placed; sent "
      "to {} for its verdict",
      PacketName(key), *judge);
  Send(key, payload, std::nullopt, *judge, digest);
  return true;
}

void Master::OnRejected(const InFlight& copy, const wire::WorkerAck& ack) {
  const std::string reason = ack.reason.empty() ? "unspecified" : ack.reason;
  counters_.Add("copies_rejected");
  if (copy.conflict) counters_.Add("conflicts_refused");
  reject_log_.Reject(
      counters_, copy.conflict ? "conflict-refused" : "worker-refused",
      PacketName(copy.key) + " " + reason,
      fmt::format("{}: worker {} refused {}copy: {}", PacketName(copy.key),
                  copy.worker, copy.conflict ? "the conflicting " : "",
                  reason));
  // `conflict`: the worker holds a different payload for the number, and
  // keeps it; every other reason means it holds nothing from this copy.
  if (reason != "conflict" && !copy.conflict) {
    placements_.Remove(copy.key, copy.worker);
  }
}

void Master::OnConflictStored(const InFlight& copy) {
  counters_.Add("conflicts_replaced");
  // A refusal of the first payload may have removed this worker meanwhile.
  placements_.Add(copy.key, copy.worker);
  fingerprints_.Set(copy.key, copy.digest);
  spdlog::warn(
      "master: conflict: {}: worker {} stored the later payload (it had "
      "refused or never stored the first)",
      PacketName(copy.key), copy.worker);
}

void Master::AbandonConflict(const InFlight& copy, const char* why) {
  reject_log_.Reject(counters_, "conflict-unjudged", PacketName(copy.key),
                     fmt::format("{}: the conflicting copy sent to {} got no "
                                 "verdict ({})",
                                 PacketName(copy.key), copy.worker, why));
  Finish(copy);
}

}  // namespace fog::master
