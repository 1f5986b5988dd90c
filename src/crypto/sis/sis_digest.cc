// The SIS digest: Merkle-Damgard with length strengthening over the SWIFFT
// compression function (format and security argument: docs/sis-digest.md).
//
//   pad(M) = M || 0x80 || 0x00^k || be64(8 |M| mod 2^64),
//            k >= 0 minimal with |pad(M)| a multiple of 56
//   s_0 = kSisDigestIv,  s_{t+1} = EncodeSwifft72(SWIFFT(s_t || c_t))
//   digest = s_T for the 56-byte chunks c_0 .. c_{T-1} of pad(M).

#include "crypto/sis/sis_digest.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "crypto/sis/swifft_internal.h"

namespace fog::sis {

using internal::kChunkBytes;

static_assert(kSisDigestBytes == internal::kStateBytes);
static_assert(kSwifftInputBytes == internal::kStateBytes + kChunkBytes);

SisHasher::SisHasher() : SisHasher(SwifftBestPath()) {}

SisHasher::SisHasher(SwifftPath path) : kernel_(internal::KernelFor(path)) {
  assert(kernel_ != nullptr);
  std::memcpy(state_, internal::kSisDigestIv, sizeof(state_));
}

void SisHasher::Update(std::span<const uint8_t> data) {
  const uint8_t* in = data.data();
  size_t n = data.size();
  if (n == 0) return;  // an empty span may carry a null pointer
  length_ += n;
  if (buffered_ > 0) {
    const size_t take = std::min(n, kChunkBytes - buffered_);
    std::memcpy(buffer_ + buffered_, in, take);
    buffered_ += take;
    in += take;
    n -= take;
    if (buffered_ < kChunkBytes) return;
    kernel_->chain(state_, buffer_, 1);
    buffered_ = 0;
  }
  // Whole chunks straight from the caller's buffer.
  const size_t chunks = n / kChunkBytes;
  kernel_->chain(state_, in, chunks);
  in += chunks * kChunkBytes;
  n -= chunks * kChunkBytes;
  if (n > 0) std::memcpy(buffer_, in, n);
  buffered_ = n;
}

Digest SisHasher::Final() {
  // Length strengthening: 0x80, zeros, then the bit length in big-endian,
  // ending on a chunk boundary (one or two more chunks).
  uint8_t tail[2 * kChunkBytes] = {};
  std::memcpy(tail, buffer_, buffered_);
  tail[buffered_] = 0x80;
  const size_t total =
      buffered_ + 1 + 8 <= kChunkBytes ? kChunkBytes : 2 * kChunkBytes;
  const uint64_t bits = length_ * 8;
  for (int b = 0; b < 8; ++b) {
    tail[total - 1 - b] = static_cast<uint8_t>(bits >> (8 * b));
  }
  kernel_->chain(state_, tail, total / kChunkBytes);
  Digest out;
  std::memcpy(out.data(), state_, out.size());
  return out;
}

Digest SisDigestWith(SwifftPath path, std::span<const uint8_t> message) {
  SisHasher hasher(path);
  hasher.Update(message);
  return hasher.Final();
}

Digest SisDigest(std::span<const uint8_t> message) {
  SisHasher hasher;
  hasher.Update(message);
  return hasher.Final();
}

}  // namespace fog::sis
