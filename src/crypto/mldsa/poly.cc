#include "crypto/mldsa/poly.h"

#include "crypto/mldsa/ntt.h"
#include "crypto/mldsa/reduce.h"

namespace fog::mldsa {

void PolyAdd(Poly& r, const Poly& a, const Poly& b) {
  for (int i = 0; i < kN; ++i) r.coeffs[i] = a.coeffs[i] + b.coeffs[i];
}

void PolySub(Poly& r, const Poly& a, const Poly& b) {
  for (int i = 0; i < kN; ++i) r.coeffs[i] = a.coeffs[i] - b.coeffs[i];
}

void PolyShiftL(Poly& a) {
  for (int32_t& x : a.coeffs)
    x = static_cast<int32_t>(static_cast<uint32_t>(x) << kD);
}

void PolyReduce(Poly& a) {
  for (int32_t& x : a.coeffs) x = Reduce32(x);
}

void PolyCAddQ(Poly& a) {
  for (int32_t& x : a.coeffs) x = CAddQ(x);
}

void PolyNtt(Poly& a) { Ntt(a.coeffs); }

void PolyInvNttToMont(Poly& a) { InvNttToMont(a.coeffs); }

void PolyPointwiseMontgomery(Poly& c, const Poly& a, const Poly& b) {
  for (int i = 0; i < kN; ++i) {
    c.coeffs[i] =
        MontgomeryReduce(static_cast<int64_t>(a.coeffs[i]) * b.coeffs[i]);
  }
}

bool PolyExceedsNorm(const Poly& a, int32_t bound) {
  uint32_t exceeds = 0;
  for (const int32_t x : a.coeffs) {
    const int32_t abs = x - ((x >> 31) & (2 * x));  // |x| without a branch
    exceeds |= static_cast<uint32_t>(bound - 1 - abs) >> 31;  // abs >= bound
  }
  return exceeds != 0;
}

}  // namespace fog::mldsa
