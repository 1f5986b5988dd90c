// libFuzzer target: every JSON body a component accepts from the broker or
// over HTTP. The first input byte picks the decoder, the rest is the body:
//   0  worker acks on fog/ack (master)            wire::DecodeAcks
//   1  a packet request on fog/get/<id> (worker)  wire::DecodeGetRange
//   2  a status on fog/status/... (master)        wire::topics::IsOnlineStatus
//   3  a holdings report, POST /videos (API)      api::ParseHoldingsReport
//   4  a policy on fog/policy (master)            master::Dispatcher::SetPolicy
//   5  a stats answer on fog/stats/<w> (balancer)
//   balancer::WorkerTable::OnStats
//   6  the seed's packet-request (master, worker) wire::DecodeSeedRequest
// Each must refuse bad input with a Status, never crash or throw; what the
// encoders write decodes back to the same value.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/internal/video_json.h"
#include "balancer/worker_table.h"
#include "master/dispatcher.h"
#include "wire/ack.h"
#include "wire/get_range.h"
#include "wire/seed_request.h"
#include "wire/topics.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  fog::ByteView body(data + 1, size - 1);
  std::string_view text(reinterpret_cast<const char*>(body.data()),
                        body.size());
  switch (data[0] % 7) {
    case 0: {
      auto acks = fog::wire::DecodeAcks(body);
      if (acks.ok()) {
        auto again = fog::wire::DecodeAcks(fog::wire::EncodeAcks(*acks));
        if (!again.ok() || again->size() != acks->size()) __builtin_trap();
      }
      break;
    }
    case 1: {
      auto range =
          fog::wire::DecodeGetRange(fog::Bytes(body.begin(), body.end()));
      if (range.ok()) {
        auto again =
            fog::wire::DecodeGetRange(fog::wire::EncodeGetRange(*range));
        if (!again.ok() || again->first != range->first ||
            again->last != range->last) {
          __builtin_trap();
        }
      }
      break;
    }
    case 2:
      (void)fog::wire::topics::IsOnlineStatus(body);
      break;
    case 3:
      (void)fog::api::ParseHoldingsReport(text);
      break;
    case 4: {
      fog::master::Dispatcher dispatcher;
      if (dispatcher.SetPolicy(text).ok()) {
        (void)dispatcher.Choose({"worker-1", "worker-2"});
      }
      break;
    }
    case 5: {
      fog::balancer::WorkerTable table(3);
      (void)table.OnStats("worker-1", body, /*current_round=*/5);
      break;
    }
    case 6:
      (void)fog::wire::DecodeSeedRequest(body);
      break;
  }
  return 0;
}
