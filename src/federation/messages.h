// The messages fogs exchange over their peer links (docs/federation.md):
// topic names and the JSON bodies of hello, catalog and request. Packet
// replies carry the stored payload unchanged with user properties, and end
// replies carry only user properties; their names are here too.
//
// Every decoder bounds what it accepts (sizes, counts, names) and returns
// InvalidArgument for anything else; nothing a peer sends can throw.
//
// Thread-safety: reentrant.

#ifndef FOG_FEDERATION_MESSAGES_H_
#define FOG_FEDERATION_MESSAGES_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::federation {

// Fog names: 1..64 of [A-Za-z0-9._-], not starting with '_' or '.'.
Status ValidateFogName(std::string_view name);

// fog/peer/<to>/<from>/<kind>: on whichever broker links the two fogs.
std::string PeerTopic(std::string_view to, std::string_view from,
                      std::string_view kind);
// fog/peer/_hello/<from>: a dialing fog's first word, before it knows the
// name of the fog it dialed.
std::string HelloTopic(std::string_view from);
// What a fog subscribes to, on its own broker and on each peer's.
std::string InboxFilter(std::string_view self);
inline constexpr char kHelloFilter[] = "fog/peer/_hello/+";

struct PeerTopicParts {
  std::string to;  // empty for a first hello
  std::string from;
  std::string kind;  // hello, catalog, request, reply, end
};
// InvalidArgument for any other topic or a bad fog name.
Result<PeerTopicParts> ParsePeerTopic(std::string_view topic);

// hello: a ping with the sender's clock, or the pong that echoes it.
struct Hello {
  int64_t t_ms = 0;
  bool pong = false;
};
std::string EncodeHello(const Hello& h);
Result<Hello> DecodeHello(ByteView body);

// A request for packets first..last of a video, forwarded from fog to fog.
struct PeerRequest {
  std::string id;  // 1..64 chars, unique per origin request
  std::string video_id;
  int64_t first = 1;
  int64_t last = INT64_MAX;
  int64_t page_bytes = 0;  // 0: the workers' default page
  int hops = 0;            // hops it may still take beyond the receiver
  std::vector<std::string> visited;  // fogs that were asked already
};
inline constexpr int kMaxHops = 8;
inline constexpr size_t kMaxVisited = 64;
std::string EncodeRequest(const PeerRequest& r);
Result<PeerRequest> DecodeRequest(ByteView body);

// One video a fog holds.
struct CatalogEntry {
  std::string video_id;
  std::string status;  // live, complete
  int64_t packets = 0;
  int64_t total_packets = 0;
  std::string ranges;         // packet ranges held, "1-20,22"; may be empty
  std::string publisher_key;  // key id, empty when unknown
  std::string chain_head;     // link of the newest packet, empty when unknown
  bool operator==(const CatalogEntry&) const = default;
};
struct Catalog {
  std::string fog;
  int64_t seq = 0;  // grows with every change; older catalogs are ignored
  std::vector<CatalogEntry> videos;
};
inline constexpr size_t kMaxCatalogVideos = 100000;
std::string EncodeCatalog(const Catalog& c);
Result<Catalog> DecodeCatalog(ByteView body);

// User properties of reply and end messages.
inline constexpr char kPropRequestId[] = "request-id";
inline constexpr char kPropPacketNumber[] = "packet-number";
inline constexpr char kPropEnd[] = "end";        // packets sent
inline constexpr char kPropResult[] = "result";  // see EndResult
inline constexpr char kPropNext[] = "next";      // where the page was cut
// With result `unreachable`: the fogs that hold the video and are down.
inline constexpr char kPropUnreachable[] = "unreachable";

// kUnreachable: nothing found, and some fog whose catalog lists the video
// was down (not heard from within the down timeout) or went down while
// asked.
enum class EndResult {
  kFound,
  kNotFound,
  kDuplicate,
  kBusy,
  kTimeout,
  kUnreachable
};
const char* EndResultName(EndResult r);
std::optional<EndResult> ParseEndResult(std::string_view s);

// A list of fog names as one property value, "a,b". Decoding keeps the
// valid names only, at most kMaxVisited of them (a peer's list is not
// trusted).
std::string EncodeFogList(const std::set<std::string>& fogs);
std::set<std::string> DecodeFogList(std::string_view value);

}  // namespace fog::federation

#endif  // FOG_FEDERATION_MESSAGES_H_
