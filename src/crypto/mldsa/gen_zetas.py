#!/usr/bin/env python3
"""Generates the NTT constants in ntt.cc and reduce.h for ML-DSA (FIPS 204).

kZetas[i] = zeta^BitRev8(i) * 2^32 mod q, as a centered representative in
(-q/2, q/2], where zeta = 1753 is the 512th root of unity mod q = 8380417
(FIPS 204 Appendix B lists zeta^BitRev8(i) mod q without the Montgomery
factor). Also prints q^-1 mod 2^32 and the final scaling factor of the
inverse NTT, 2^64 / 256 mod q.

Usage: python3 src/crypto/mldsa/gen_zetas.py
"""

Q = 8380417
ZETA = 1753
N = 256
MONT = 2**32


def bitrev8(i):
    return int(format(i, "08b")[::-1], 2)


def centered(x):
    x %= Q
    return x - Q if x > Q // 2 else x


def main():
    assert pow(ZETA, 512, Q) == 1 and pow(ZETA, 256, Q) == Q - 1
    zetas = [centered(pow(ZETA, bitrev8(i), Q) * MONT) for i in range(N)]
    print("// kQInv = %d" % pow(Q, -1, MONT))
    print("// kInvNttScale = %d" % centered(MONT * MONT * pow(N, -1, Q)))
    print("constexpr std::array<int32_t, kN> kZetas = {")
    for row in range(0, N, 8):
        print("    " + " ".join("%d," % z for z in zetas[row:row + 8]))
    print("};")


if __name__ == "__main__":
    main()
