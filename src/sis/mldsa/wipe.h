// Wipe: clears secret intermediates before their storage is released, in a
// way the compiler may not drop as a dead store (explicit_bzero).
//
// Thread-safety: touches only the object passed in.

#ifndef FOG_SIS_MLDSA_WIPE_H_
#define FOG_SIS_MLDSA_WIPE_H_

#include <string.h>  // explicit_bzero

#include <type_traits>

namespace fog::mldsa {

template <typename T>
void Wipe(T& secret) {
  static_assert(std::is_trivially_copyable_v<T>);
  explicit_bzero(&secret, sizeof(secret));
}

}  // namespace fog::mldsa

#endif  // FOG_SIS_MLDSA_WIPE_H_
