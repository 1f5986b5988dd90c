// Test helpers: hand-built ISO-BMFF boxes.
//
// Thread-safety: pure functions.

#ifndef FOG_MEDIA_BOX_TEST_UTIL_H_
#define FOG_MEDIA_BOX_TEST_UTIL_H_

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>

#include "common/bytes.h"

namespace fog::media::testing {

// Appends the n low bytes of v, big-endian. Written with resize() and
// indexing because GCC 12 reports false -Wstringop-overflow warnings for
// push_back loops inlined into callers.
inline void PutBe(Bytes* out, uint64_t v, int n) {
  size_t at = out->size();
  out->resize(at + static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    (*out)[at + static_cast<size_t>(i)] =
        static_cast<uint8_t>(v >> (8 * (n - 1 - i)));
  }
}

// A box with a 32-bit size (or a 64-bit largesize when `large`).
inline Bytes MakeBox(const std::string& type, const Bytes& payload,
                     bool large = false) {
  uint64_t size = payload.size() + (large ? 16 : 8);
  Bytes box;
  box.reserve(size);
  PutBe(&box, large ? 1 : size, 4);
  for (char c : type) PutBe(&box, static_cast<uint8_t>(c), 1);
  if (large) PutBe(&box, size, 8);
  box.resize(size - payload.size());
  std::copy(payload.begin(), payload.end(), std::back_inserter(box));
  return box;
}

inline Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes all;
  for (const Bytes& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

}  // namespace fog::media::testing

#endif  // FOG_MEDIA_BOX_TEST_UTIL_H_
