// The project's one source of randomness for keys, seeds and hedged
// signatures: the operating system's CSPRNG.
//
// Thread-safety: safe to call from any thread.

#ifndef FOG_CRYPTO_RANDOM_H_
#define FOG_CRYPTO_RANDOM_H_

#include <cstdint>
#include <span>

#include "common/status.h"

namespace fog::crypto {

// Fills `out` from getrandom(2). An error means `out` holds no usable
// randomness; callers must not use it (nor sign, nor write a key with it),
// which is why the result may not be dropped: ignoring it is a compile
// warning (an error with -Werror), and `(void)` hides a bug.
[[nodiscard]] Status RandomBytes(std::span<uint8_t> out);

}  // namespace fog::crypto

#endif  // FOG_CRYPTO_RANDOM_H_
