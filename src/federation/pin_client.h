// Asks this fog's federation to pin a video to a peer (`fog pin`, the API's
// POST /videos/{id}/pin): an MQTT v5 request on fog/federation/pin,
// answered on a reply topic of the caller's own client id
// (docs/federation.md, "Pinning").
//
// Thread-safety: reentrant (each call has its own connection).

#ifndef FOG_FEDERATION_PIN_CLIENT_H_
#define FOG_FEDERATION_PIN_CLIENT_H_

#include <chrono>

#include "common/status.h"
#include "federation/pins.h"
#include "mqtt/client.h"

namespace fog::federation {

// The federation's answer (accepted, or refused with an HTTP-like status
// and a reason). Errors: Unavailable when the broker or the federation
// does not answer within `timeout`, Unauthenticated when the login may not
// send the command. `login.client_id` is replaced by a fresh one.
Result<PinReply> RequestPin(mqtt::ConnectOptions login, const PinCommand& cmd,
                            std::chrono::milliseconds timeout);

}  // namespace fog::federation

#endif  // FOG_FEDERATION_PIN_CLIENT_H_
