#include "crypto/sis/legacy_check.h"

#include <openssl/sha.h>

#include <array>

namespace fog::sis::legacy {

namespace {

// SHA-512 of the empty string: Go's hasher.Sum(packet) appends this to the
// packet instead of hashing it (the seed's hasher is never written to).
std::array<uint8_t, 64> EmptySha512() {
  std::array<uint8_t, 64> out;
  SHA512(nullptr, 0, out.data());
  return out;
}

// Reads one Go zig-zag varint at `*pos`. Returns false at end of input or on
// a varint longer than 10 bytes (Go's overflow error).
bool ReadVarint(ByteView in, size_t* pos, int64_t* value) {
  uint64_t u = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= in.size()) return false;
    uint8_t b = in[(*pos)++];
    u |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) {
      *value = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
      return true;
    }
  }
  return false;
}

// (A·x)[row] mod q for one row of A (kCols entries in [0, q), x < 256).
// Each term is < 4099 * 256 and there are 1537 of them: the sum stays below
// 2^31, so 32-bit lanes hold it (and the loop vectorises 8 or 16 wide); one
// reduction at the end equals Go's reduction after every term.
static_assert(uint64_t{kQ} * 256 * kCols < (uint64_t{1} << 31));
int32_t RowTimesX(const int32_t* a_row, const std::vector<uint16_t>& x) {
  uint32_t acc = 0;
  for (size_t k = 0; k < kCols; ++k) {
    acc += static_cast<uint32_t>(a_row[k]) * x[k];
  }
  return static_cast<int32_t>(acc % kQ);
}

std::string Describe(const char* field, size_t index, const char* what) {
  return std::string(field) + "[" + std::to_string(index) + "] " + what;
}

}  // namespace

std::vector<uint16_t> DeriveX(ByteView packet) {
  static const std::array<uint8_t, 64> kTail = EmptySha512();
  const size_t period = packet.size() + kTail.size();
  std::vector<uint16_t> x(kCols);
  for (size_t i = 0; i < kCols; ++i) {
    size_t j = i % period;
    x[i] = j < packet.size() ? packet[j] : kTail[j - packet.size()];
  }
  return x;
}

Result<std::vector<int32_t>> DecodeVarints(ByteView in, size_t count,
                                           const char* field) {
  std::vector<int32_t> out(count);
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    int64_t value;
    if (!ReadVarint(in, &pos, &value)) {
      return Status::Corruption(
          Describe(field, i,
                   pos >= in.size() ? "missing: field truncated"
                                    : "is a varint longer than 10 bytes"));
    }
    if (value < 0 || value >= kQ) {
      return Status::Corruption(Describe(field, i, "is outside [0, 4099)"));
    }
    out[i] = static_cast<int32_t>(value);
  }
  if (pos != in.size()) {
    return Status::Corruption(
        std::string(field) + " has " + std::to_string(in.size() - pos) +
        " trailing bytes after its " + std::to_string(count) + " values");
  }
  return out;
}

Verdict Verify(ByteView packet, ByteView a, ByteView v) {
  Result<std::vector<int32_t>> v_ints = DecodeVarints(v, kRows, "V");
  if (!v_ints.ok()) return {false, v_ints.status().message()};
  Result<std::vector<int32_t>> a_ints = DecodeVarints(a, kMatrixEntries, "A");
  if (!a_ints.ok()) return {false, a_ints.status().message()};
  const std::vector<uint16_t> x = DeriveX(packet);
  for (size_t row = 0; row < kRows; ++row) {
    if (RowTimesX(a_ints->data() + row * kCols, x) != (*v_ints)[row]) {
      return {false, "V[" + std::to_string(row) + "] does not equal (A·x)[" +
                         std::to_string(row) + "] mod 4099"};
    }
  }
  return {true,
          "unauthenticated legacy check; only the first 1537 bytes covered"};
}

Bytes EncodeVarints(const std::vector<int32_t>& values) {
  Bytes out;
  out.reserve(values.size() * 2);
  for (int64_t x : values) {
    uint64_t u =
        (static_cast<uint64_t>(x) << 1) ^ static_cast<uint64_t>(x >> 63);
    while (u >= 0x80) {
      out.push_back(static_cast<uint8_t>(u | 0x80));
      u >>= 7;
    }
    out.push_back(static_cast<uint8_t>(u));
  }
  return out;
}

Check Generate(ByteView packet, std::mt19937_64& rng) {
  std::uniform_int_distribution<int32_t> entry(0, kQ - 1);
  std::vector<int32_t> a(kMatrixEntries);
  for (int32_t& e : a) e = entry(rng);
  const std::vector<uint16_t> x = DeriveX(packet);
  std::vector<int32_t> v(kRows);
  for (size_t row = 0; row < kRows; ++row) {
    v[row] = RowTimesX(a.data() + row * kCols, x);
  }
  return {EncodeVarints(a), EncodeVarints(v)};
}

}  // namespace fog::sis::legacy
