#include "experiment/store_faults.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "trust/packet_signer.h"
#include "wire/dispatch_tag.h"
#include "wire/envelope.h"
#include "wire/get_range.h"
#include "wire/topics.h"
#include "worker/store/record_format.h"
#include "worker/store/segment_file.h"
#include "worker/store/segment_scanner.h"

namespace fog::experiment {

namespace fs = std::filesystem;

void AckMailbox::Offer(const mqtt::Message& m) {
  Result<std::vector<wire::WorkerAck>> acks = wire::DecodeAcks(m.payload);
  if (!acks.ok()) return;
  bool any = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const wire::WorkerAck& a : *acks) {
      if (a.dispatch_id.rfind(kPrefix, 0) != 0) continue;
      if (acks_.size() >= kMaxPending) acks_.erase(acks_.begin());
      acks_[a.dispatch_id] = a;
      any = true;
    }
  }
  if (any) cv_.notify_all();
}

bool AckMailbox::Wait(const std::string& dispatch_id,
                      std::chrono::milliseconds timeout, wire::WorkerAck* ack) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, timeout, [&] { return acks_.count(dispatch_id); }))
    return false;
  *ack = acks_[dispatch_id];
  acks_.erase(dispatch_id);
  return true;
}

FillResult FillQuota(mqtt::Client* as_master, AckMailbox* acks,
                     const trust::SecretKey& key, const std::string& worker,
                     const std::string& video_prefix, size_t packet_bytes,
                     uint64_t quota_bytes) {
  FillResult out{.video = video_prefix};
  const uint64_t limit = quota_bytes / std::max<size_t>(packet_bytes, 1) + 8;
  Bytes data(packet_bytes, 0xf1);
  for (uint64_t i = 1; i <= limit; ++i) {
    // One single-packet stream per filler packet: each is signed on its own
    // and refused or stored on its own.
    const std::string video = video_prefix + "-" + std::to_string(i);
    trust::PacketSigner signer(key.Clone(), {});
    Result<wire::Envelope> e = signer.Next({.video_id = video,
                                            .packet_number = 1,
                                            .total_packets = 1,
                                            .data = data},
                                           /*last=*/true);
    if (!e.ok()) {
      out.status = "signing a filler packet: " + e.status().message();
      return out;
    }
    const std::string id =
        std::string(AckMailbox::kPrefix) + worker + "-" + std::to_string(i);
    mqtt::Message m{.topic = wire::topics::Dispatch(worker), .qos = 1};
    m.payload = wire::EncodeEnvelope(*e);
    m.user_properties = {
        {wire::kDispatchTagProperty,
         wire::FormatDispatchTag({.dispatch_id = id, .video_id = video})}};
    if (Status s = as_master->Publish(m, /*wait=*/true); !s.ok()) {
      out.status = "dispatching a filler packet: " + s.message();
      return out;
    }
    wire::WorkerAck ack;
    if (!acks->Wait(id, std::chrono::seconds(10), &ack)) {
      out.status =
          "no ack for filler packet " + std::to_string(i) + " within 10 s";
      return out;
    }
    if (ack.result == "error" && ack.reason == "store-full") {
      out.status = "ok";
      return out;
    }
    if (ack.result != "stored") {
      out.status = "filler packet " + std::to_string(i) + ": " + ack.result +
                   " " + ack.reason;
      return out;
    }
    ++out.stored;
    out.bytes += packet_bytes;
  }
  out.status = "not full after " + std::to_string(limit) + " filler packets";
  return out;
}

std::string CorruptStoredPacket(const std::string& store_dir,
                                const std::string& video, int64_t packet) {
  std::error_code ec;
  std::map<uint64_t, std::string> segments;  // by sequence number
  for (const auto& entry : fs::directory_iterator(store_dir, ec)) {
    uint64_t seq = 0;
    if (worker::ParseSegmentFileName(entry.path().filename().string(), &seq))
      segments[seq] = entry.path().string();
  }
  if (ec) return "cannot list " + store_dir + ": " + ec.message();
  for (auto it = segments.begin(); it != segments.end(); ++it) {
    std::ifstream in(it->second, std::ios::binary);
    const Bytes data((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    const worker::SegmentScan scan =
        worker::ScanSegment(data, std::next(it) == segments.end());
    for (const worker::ScanEvent& ev : scan.events) {
      if (ev.kind != worker::ScanEvent::Kind::kRecord ||
          ev.meta.video_id != video || ev.meta.packet_number != packet ||
          ev.payload_size == 0)
        continue;
      const uint64_t at = ev.offset + ev.size - worker::format::kTrailerSize -
                          ev.payload_size + ev.payload_size / 2;
      const int fd = ::open(it->second.c_str(), O_RDWR | O_CLOEXEC);
      if (fd < 0) return it->second + ": " + std::strerror(errno);
      uint8_t byte = data[at] ^ 0xff;
      const bool ok = ::pwrite(fd, &byte, 1, static_cast<off_t>(at)) == 1;
      ::close(fd);
      if (!ok) return it->second + ": write failed";
      return "ok";
    }
  }
  return "no record of " + video + "/" + std::to_string(packet) + " in " +
         store_dir;
}

Status RequestRead(mqtt::Client* as_master, const std::string& tag,
                   const std::string& video, int64_t packet) {
  mqtt::Message ask{.topic = wire::topics::Get(video),
                    .payload = wire::EncodeGetRange({packet, packet}),
                    .qos = 1};
  ask.response_topic = "reply/master/" + tag;
  ask.correlation_data = Bytes(video.begin(), video.end());
  return as_master->Publish(ask, /*wait=*/true);
}

}  // namespace fog::experiment
