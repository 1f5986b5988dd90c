// Secret<T>: a value of trivially copyable type T (a seed, a std::array, a
// struct of polynomials) that is wiped when it goes out of scope, on every
// path out of the scope, early returns included.
//
// It cannot be copied or moved: a secret lives in one place, and a copy
// would be a second place to wipe. Pass it on by reference (`*s`, `s->`).
// The contents start uninitialised, as a plain T would.
//
// Thread-safety: a plain value; one owner.

#ifndef FOG_CRYPTO_SECRET_H_
#define FOG_CRYPTO_SECRET_H_

#include <type_traits>

#include "crypto/wipe.h"

namespace fog::crypto {

template <typename T>
class Secret {
  static_assert(std::is_trivially_copyable_v<T> &&
                std::is_trivially_destructible_v<T>);

 public:
  Secret() = default;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret() { Wipe(value_); }

  T& operator*() { return value_; }
  const T& operator*() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }

 private:
  T value_;
};

}  // namespace fog::crypto

#endif  // FOG_CRYPTO_SECRET_H_
