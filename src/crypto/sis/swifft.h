// The SWIFFT compression function (Lyubashevsky, Micciancio, Peikert, Rosen,
// FSE 2008) with n = 64, m = 16, p = 257 and the pi-derived key.
//
// z[e] = sum_{i<16} key[64i+e] * sum_{p<64} bit(i,p) * w^((2e+1)*bitrev6(p))
//        mod 257, with w = 42, for e = 0..63.
//
// Finding two inputs with the same output is as hard as finding short
// vectors in ideal lattices of the ring Z_257[a]/(a^64+1) (ring-SIS); see
// docs/sis-digest.md.
//
// Thread-safety: all functions are pure and reentrant.

#ifndef FOG_CRYPTO_SIS_SWIFFT_H_
#define FOG_CRYPTO_SIS_SWIFFT_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace fog::sis {

inline constexpr int kSwifftN = 64;               // ring degree
inline constexpr int kSwifftM = 16;               // input polynomials
inline constexpr int kSwifftP = 257;              // modulus
inline constexpr size_t kSwifftInputBytes = 128;  // m * n bits
inline constexpr size_t kSwifftOutputBytes = 72;  // 64 values of 9 bits

// The 64 output values, each in [0, 257).
using SwifftValues = std::array<uint16_t, kSwifftN>;

// Computes SWIFFT on exactly kSwifftInputBytes bytes at `in`.
SwifftValues SwifftCompress(const uint8_t* in);

// The implementations. Every available path computes the same function.
enum class SwifftPath {
  kPortable,  // plain C++
  kAvx2,      // 256-bit AVX2 kernel
  kAvx512,    // 512-bit AVX-512F/BW kernel
};

// True if `path` is compiled in (not under FOG_PORTABLE) and this CPU runs it.
bool SwifftPathAvailable(SwifftPath path);

// The fastest available path; SwifftCompress() and the SIS digest use it.
SwifftPath SwifftBestPath();

// "portable", "avx2" or "avx512".
const char* SwifftPathName(SwifftPath path);

// SwifftCompress() on a chosen path, for tests and benchmarks.
// REQUIRES: SwifftPathAvailable(path).
SwifftValues SwifftCompressWith(SwifftPath path, const uint8_t* in);

// The 72-byte encoding of the reference code: bytes 0..63 hold z[e] & 0xff;
// byte 64+i has bit (7-j) set iff z[8j+i] == 256.
std::array<uint8_t, kSwifftOutputBytes> EncodeSwifft72(const SwifftValues& z);

}  // namespace fog::sis

#endif  // FOG_CRYPTO_SIS_SWIFFT_H_
