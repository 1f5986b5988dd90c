// Test helper: what an object leaves in its storage when it is destroyed.
// The object is placement-constructed in a buffer the test owns, filled by
// the caller, destroyed, and the buffer is read back. Used by the tests of
// every type that promises to wipe itself (Shake, ShakeX4, Secret<T>).
//
// Thread-safety: touches only its own stack buffer.

#ifndef FOG_CRYPTO_WIPE_PROBE_H_
#define FOG_CRYPTO_WIPE_PROBE_H_

#include <algorithm>
#include <cstdint>
#include <new>
#include <vector>

namespace fog::crypto {

inline bool AllZero(const std::vector<uint8_t>& bytes) {
  return std::all_of(bytes.begin(), bytes.end(),
                     [](uint8_t b) { return b == 0; });
}

struct WipeProbe {
  std::vector<uint8_t> before;  // the storage just before the destructor
  std::vector<uint8_t> after;   // and just after it
};

// Constructs a T in a 0xA5-filled buffer, lets use(T&) put data in it,
// destroys it, and returns the buffer before and after destruction. The
// storage is ours, so reading it after the destructor ran is fine; the
// empty asm statements tell the compiler that anything may have read or
// written the buffer there, so neither the destructor's stores nor the
// reads can be optimised away on the test's side.
template <typename T, typename Use>
WipeProbe ProbeWipe(Use use) {
  alignas(T) uint8_t storage[sizeof(T)];
  std::fill(storage, storage + sizeof(T), 0xA5);
  T* t = new (storage) T;
  use(*t);
  asm volatile("" : : "r"(storage) : "memory");
  WipeProbe probe;
  probe.before.assign(storage, storage + sizeof(T));
  t->~T();
  asm volatile("" : : "r"(storage) : "memory");
  probe.after.assign(storage, storage + sizeof(T));
  return probe;
}

}  // namespace fog::crypto

#endif  // FOG_CRYPTO_WIPE_PROBE_H_
