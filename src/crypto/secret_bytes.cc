// SecretBytes (secret_bytes.h).

#include "crypto/secret_bytes.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "crypto/wipe.h"

namespace fog::crypto {
namespace {

// Read on every release; relaxed is enough, since a test sets it before it
// creates the buffers it watches.
std::atomic<SecretBytesReleaseHook> release_hook{nullptr};

}  // namespace

SecretBytes::SecretBytes(size_t size)
    : data_(size == 0 ? nullptr : new uint8_t[size]()), size_(size) {}

SecretBytes SecretBytes::CopyOf(std::span<const uint8_t> bytes) {
  SecretBytes copy(bytes.size());
  std::copy(bytes.begin(), bytes.end(), copy.data_);
  return copy;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() { Release(); }

SecretBytes SecretBytes::Clone() const {
  return CopyOf(std::span<const uint8_t>(data_, size_));
}

void SecretBytes::Release() {
  if (data_ == nullptr) return;
  WipeBytes(data_, size_);
  if (SecretBytesReleaseHook hook =
          release_hook.load(std::memory_order_relaxed)) {
    hook(data_, size_);
  }
  delete[] data_;
  data_ = nullptr;
  size_ = 0;
}

void TEST_SetSecretBytesReleaseHook(SecretBytesReleaseHook hook) {
  release_hook.store(hook, std::memory_order_relaxed);
}

}  // namespace fog::crypto
