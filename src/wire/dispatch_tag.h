// What a dispatch says about itself, besides its payload: which copy it is,
// when the master sent it and of which video (docs/topics.md).
//
// It travels as the one user property "dispatch" of a fog/dispatch/<worker>
// message, "<dispatch id> <dispatched at, µs since the Unix epoch> <video
// id>". One property rather than one per field: Paho C allocates, copies and
// frees each property several times on every publish and delivery, under
// its heap-tracking lock, and the master sends R of these per packet.
//
// Thread-safety: plain functions over values; safe from any thread.

#ifndef FOG_WIRE_DISPATCH_TAG_H_
#define FOG_WIRE_DISPATCH_TAG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace fog::wire {

// The user property's name.
inline constexpr char kDispatchTagProperty[] = "dispatch";

struct DispatchTag {
  std::string dispatch_id;       // non-empty, no space
  int64_t dispatched_at_us = 0;  // 0: not known
  std::string video_id;          // the rest of the text, spaces and all
};

// The property's value. `tag.dispatch_id` must hold no space.
std::string FormatDispatchTag(const DispatchTag& tag);

// Parses a property's value. Corruption, naming the fault, when it lacks a
// field, a field is empty or the time is not a non-negative decimal integer.
Result<DispatchTag> ParseDispatchTag(std::string_view text);

}  // namespace fog::wire

#endif  // FOG_WIRE_DISPATCH_TAG_H_
