// The WebSocket subprotocol the bridge answers with. MQTT over WebSockets
// clients offer "mqtt" (MQTT 3.1.1 and 5, MQTT 5 spec section 6) or the
// older "mqttv3.1" in Sec-WebSocket-Protocol; the server must echo exactly
// one of the offered tokens, or the client drops the connection.
//
// Thread-safety: reentrant (pure functions).

#ifndef FOG_WSBRIDGE_SUBPROTOCOL_H_
#define FOG_WSBRIDGE_SUBPROTOCOL_H_

#include <optional>
#include <string>
#include <string_view>

namespace fog::wsbridge {

// What to do with an upgrade request's Sec-WebSocket-Protocol header.
struct SubprotocolChoice {
  bool accept = false;   // false: refuse the upgrade (HTTP 400)
  std::string protocol;  // echoed back; empty: the header is left out
};

// `offered` is the header's value (a comma-separated token list; empty when
// the header is absent). No header: accept without a subprotocol (a plain
// WebSocket client that still speaks MQTT). "mqtt" wins over "mqttv3.1";
// tokens compare exactly (RFC 6455 section 4.2.2). Offers without either:
// refuse, since the client would speak something the broker does not.
SubprotocolChoice ChooseSubprotocol(std::string_view offered);

}  // namespace fog::wsbridge

#endif  // FOG_WSBRIDGE_SUBPROTOCOL_H_
