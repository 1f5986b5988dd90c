// @vitest-environment node
// Verification cost of one signed packet in the WebAssembly verifier, as the
// player pays it: decode, SIS digest of the data, chain link, ML-DSA-44
// verify, media copied out. Run: npx vitest bench --run src/verify/
// (numbers in docs/performance.md).
import { bench, describe } from 'vitest';

import { Fog, patterned } from './test_support';
import { loadVerifier } from './verifier';

const verifier = await loadVerifier();
const fog = new Fog();
const alice = fog.publisher('bench');
const keys = [{ keyIdHex: alice.keyIdHex, publicKey: alice.publicKey }];

for (const [label, size] of [
  ['64 KiB', 64 << 10],
  ['1 MiB', 1 << 20],
] as const) {
  const packet = fog.sign(alice, 'bench-video', 1, 1, patterned(size, 1));
  describe(`one signed ${label} packet`, () => {
    bench(`verify ${label} (push: decode, digest, chain, ML-DSA-44, media out)`, () => {
      const s = verifier.newStream('bench-video', keys);
      const [v] = s.push(1, packet.envelope);
      s.dispose();
      if (v?.status !== 'verified') throw new Error(`not verified: ${v?.reason}`);
    });
    bench(`SIS digest only, ${label}`, () => {
      verifier.sisDigest(packet.data);
    });
  });
}
