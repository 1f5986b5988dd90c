// Strict msgpack reading and compact writing shared by the wire codecs.
// Internal to the wire library: other components see only the codecs.
//
// Thread-safety: reentrant.

#ifndef FOG_WIRE_MSGPACK_UTIL_H_
#define FOG_WIRE_MSGPACK_UTIL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <msgpack.hpp>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace fog::wire {

// A decoded top-level msgpack map whose keys are all strings. Holds the zone
// that owns the objects, so the objects stay valid as long as this does.
struct DecodedMap {
  msgpack::object_handle handle;
  std::map<std::string, msgpack::object, std::less<>> fields;

  const msgpack::object* Find(std::string_view key) const;
};

// Decodes `data` as exactly one msgpack map with distinct string keys and
// nothing after it. The objects point into `data`: REQUIRES that `data`
// outlives the result. Sizes are bounded (bin/str at most `max_bytes`, at most
// 64 keys, nesting depth 4) so hostile input cannot make us allocate wildly.
Result<DecodedMap> DecodeMap(ByteView data, size_t max_bytes);

// Field readers: each fails with InvalidArgument naming `key` when the field
// is absent or of the wrong msgpack type.
Result<std::string> GetString(const DecodedMap& m, std::string_view key);
Result<Bytes> GetBin(const DecodedMap& m, std::string_view key);
Result<ByteView> GetBinView(const DecodedMap& m, std::string_view key);
Result<int64_t> GetInt(const DecodedMap& m, std::string_view key);

using Packer = msgpack::packer<msgpack::sbuffer>;
void PackStr(Packer& p, std::string_view s);
void PackBin(Packer& p, ByteView b);

}  // namespace fog::wire

#endif  // FOG_WIRE_MSGPACK_UTIL_H_
