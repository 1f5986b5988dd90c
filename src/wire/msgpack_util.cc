#include "wire/msgpack_util.h"

#include <limits>

namespace fog::wire {

const msgpack::object* DecodedMap::Find(std::string_view key) const {
  auto it = fields.find(key);
  return it == fields.end() ? nullptr : &it->second;
}

namespace {

// Strings and binaries point into the caller's buffer instead of being
// copied into the zone: payloads are large and DecodeMap's callers keep the
// buffer alive while they read the map.
bool ReferenceAll(msgpack::type::object_type, size_t, void*) { return true; }

}  // namespace

Result<DecodedMap> DecodeMap(ByteView data, size_t max_bytes) {
  if (data.empty()) return Status::InvalidArgument("empty payload");
  const msgpack::unpack_limit limit(/*array=*/64, /*map=*/64, /*str=*/max_bytes,
                                    /*bin=*/max_bytes, /*ext=*/0, /*depth=*/4);
  DecodedMap out;
  size_t offset = 0;
  try {
    out.handle =
        msgpack::unpack(reinterpret_cast<const char*>(data.data()), data.size(),
                        offset, ReferenceAll, nullptr, limit);
  } catch (const msgpack::insufficient_bytes&) {
    return Status::InvalidArgument("msgpack: truncated input");
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("msgpack: ") + e.what());
  }
  if (offset != data.size()) {
    return Status::InvalidArgument(
        "msgpack: " + std::to_string(data.size() - offset) +
        " trailing bytes after the top-level object");
  }
  const msgpack::object& root = out.handle.get();
  if (root.type != msgpack::type::MAP) {
    return Status::InvalidArgument("msgpack: top-level object is not a map");
  }
  for (uint32_t i = 0; i < root.via.map.size; ++i) {
    const msgpack::object_kv& kv = root.via.map.ptr[i];
    if (kv.key.type != msgpack::type::STR) {
      return Status::InvalidArgument("msgpack: map key is not a string");
    }
    std::string key(kv.key.via.str.ptr, kv.key.via.str.size);
    if (!out.fields.emplace(key, kv.val).second) {
      return Status::InvalidArgument("msgpack: duplicate key \"" + key + "\"");
    }
  }
  return out;
}

Result<std::string> GetString(const DecodedMap& m, std::string_view key) {
  const msgpack::object* o = m.Find(key);
  if (o == nullptr) {
    return Status::InvalidArgument("missing field \"" + std::string(key) +
                                   "\"");
  }
  if (o->type != msgpack::type::STR) {
    return Status::InvalidArgument("field \"" + std::string(key) +
                                   "\" is not a string");
  }
  return std::string(o->via.str.ptr, o->via.str.size);
}

Result<ByteView> GetBinView(const DecodedMap& m, std::string_view key) {
  const msgpack::object* o = m.Find(key);
  if (o == nullptr) {
    return Status::InvalidArgument("missing field \"" + std::string(key) +
                                   "\"");
  }
  if (o->type != msgpack::type::BIN) {
    return Status::InvalidArgument("field \"" + std::string(key) +
                                   "\" is not binary");
  }
  return ByteView(reinterpret_cast<const uint8_t*>(o->via.bin.ptr),
                  o->via.bin.size);
}

Result<Bytes> GetBin(const DecodedMap& m, std::string_view key) {
  Result<ByteView> view = GetBinView(m, key);
  if (!view.ok()) return view.status();
  return Bytes(view->begin(), view->end());
}

Result<int64_t> GetInt(const DecodedMap& m, std::string_view key) {
  const msgpack::object* o = m.Find(key);
  if (o == nullptr) {
    return Status::InvalidArgument("missing field \"" + std::string(key) +
                                   "\"");
  }
  if (o->type == msgpack::type::NEGATIVE_INTEGER) return o->via.i64;
  if (o->type == msgpack::type::POSITIVE_INTEGER) {
    if (o->via.u64 >
        static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArgument("field \"" + std::string(key) +
                                     "\" does not fit a signed 64-bit integer");
    }
    return static_cast<int64_t>(o->via.u64);
  }
  return Status::InvalidArgument("field \"" + std::string(key) +
                                 "\" is not an integer");
}

void PackStr(Packer& p, std::string_view s) {
  p.pack_str(static_cast<uint32_t>(s.size()));
  p.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

void PackBin(Packer& p, ByteView b) {
  p.pack_bin(static_cast<uint32_t>(b.size()));
  p.pack_bin_body(reinterpret_cast<const char*>(b.data()),
                  static_cast<uint32_t>(b.size()));
}

}  // namespace fog::wire
