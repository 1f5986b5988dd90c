// SecretBytes: a heap buffer for secret bytes of any length (an ML-DSA
// secret key read from a file), wiped before its memory is released.
//
// Move-only. A move hands the buffer over without copying it, so the
// source is left empty and no second copy of the secret exists; moving
// into a non-empty SecretBytes wipes the buffer it held. Copies are made
// only on purpose, through Clone(), and each copy wipes itself.
//
// Thread-safety: a plain value; one owner.

#ifndef FOG_CRYPTO_SECRET_BYTES_H_
#define FOG_CRYPTO_SECRET_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <span>

namespace fog::crypto {

class SecretBytes {
 public:
  SecretBytes() = default;
  // `size` zero bytes.
  explicit SecretBytes(size_t size);
  // A copy of `bytes`. The caller remains responsible for its own copy.
  static SecretBytes CopyOf(std::span<const uint8_t> bytes);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  // An independent copy, for the rare holder that needs its own.
  SecretBytes Clone() const;

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint8_t* begin() { return data_; }
  uint8_t* end() { return data_ + size_; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }

 private:
  void Release();  // wipes and frees the buffer; leaves *this empty

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Test hook: when set, `hook` sees every SecretBytes buffer after it has
// been wiped and just before it is freed, so a test can check that the
// memory really is zero at that point (it cannot read freed memory). Pass
// nullptr to remove it. REQUIRES: no SecretBytes is released concurrently
// with the call.
using SecretBytesReleaseHook = void (*)(const uint8_t* data, size_t size);
void TEST_SetSecretBytesReleaseHook(SecretBytesReleaseHook hook);

}  // namespace fog::crypto

#endif  // FOG_CRYPTO_SECRET_BYTES_H_
