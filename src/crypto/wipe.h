// Wipe: clears secret intermediates before their storage is released, in a
// way the compiler may not drop as a dead store (explicit_bzero). For
// objects that should clear themselves when they die, see crypto/secret.h
// (stack values) and crypto/secret_bytes.h (heap buffers).
//
// Thread-safety: touches only the object passed in.

#ifndef FOG_CRYPTO_WIPE_H_
#define FOG_CRYPTO_WIPE_H_

#include <string.h>  // explicit_bzero

#include <cstddef>
#include <type_traits>

namespace fog::crypto {

// Zeroes the `size` bytes at `data`. explicit_bzero is an opaque library
// call, so the stores survive even when the memory is freed or goes out of
// scope right afterwards (where a plain memset is a dead store GCC removes).
inline void WipeBytes(void* data, size_t size) {
  if (size != 0) explicit_bzero(data, size);
}

// Zeroes every byte of `secret`, padding included.
template <typename T>
void Wipe(T& secret) {
  static_assert(std::is_trivially_copyable_v<T>);
  WipeBytes(&secret, sizeof(secret));
}

}  // namespace fog::crypto

#endif  // FOG_CRYPTO_WIPE_H_
