// Wipe: clears secret intermediates before their storage is released, in a
// way the compiler may not drop as a dead store (explicit_bzero).
//
// Thread-safety: touches only the object passed in.

#ifndef FOG_CRYPTO_WIPE_H_
#define FOG_CRYPTO_WIPE_H_

#include <string.h>  // explicit_bzero

#include <type_traits>

namespace fog::crypto {

template <typename T>
void Wipe(T& secret) {
  static_assert(std::is_trivially_copyable_v<T>);
  explicit_bzero(&secret, sizeof(secret));
}

}  // namespace fog::crypto

#endif  // FOG_CRYPTO_WIPE_H_
