// Interoperability of fog::mldsa (through the test-only mldsa_tool) with
// @noble/post-quantum, for ML-DSA-44/65/87. Run with
//   MLDSA_TOOL=<build>/src/crypto/mldsa/mldsa_tool node --test
// (see README.md). A missing MLDSA_TOOL is a failure, not a skip.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';

const TOOL = process.env.MLDSA_TOOL;
const SETS = [
  ['ml-dsa-44', ml_dsa44],
  ['ml-dsa-65', ml_dsa65],
  ['ml-dsa-87', ml_dsa87],
];

const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (s) => new Uint8Array(Buffer.from(s, 'hex'));

// Runs the tool with one hex (or literal) line per input; returns its lines.
function tool(command, name, lines) {
  const out = execFileSync(TOOL, [command, name], {
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
  });
  return out.trim().split('\n');
}

const ours = {
  keygen: (name, seed) => {
    const [pk, sk] = tool('keygen', name, [hex(seed)]);
    return { publicKey: unhex(pk), secretKey: unhex(sk) };
  },
  // rnd: 32 bytes, or 'random' for fresh bytes (hedged).
  sign: (name, sk, msg, ctx, rnd) =>
    unhex(tool('sign', name, [hex(sk), hex(msg), hex(ctx),
      rnd === 'random' ? 'random' : hex(rnd)])[0]),
  verify: (name, pk, msg, ctx, sig) => {
    const [verdict] = tool('verify', name, [hex(pk), hex(msg), hex(ctx), hex(sig)]);
    assert.ok(verdict === 'valid' || verdict === 'invalid', verdict);
    return verdict === 'valid';
  },
};

// Copies `bytes` with byte `pos` changed.
function flip(bytes, pos, mask = 0x01) {
  const out = Uint8Array.from(bytes);
  out[pos] ^= mask;
  return out;
}

// A few positions spread over [0, n), both ends included.
const positions = (n, count) =>
  Array.from({ length: count }, (_, i) => Math.floor((i * (n - 1)) / (count - 1)));

test('MLDSA_TOOL points at the built mldsa_tool', () => {
  assert.ok(TOOL, 'set MLDSA_TOOL to <build>/src/crypto/mldsa/mldsa_tool');
  assert.ok(existsSync(TOOL), `MLDSA_TOOL=${TOOL} does not exist`);
});

for (const [name, noble] of SETS) {
  test(`${name}: same seed gives byte-identical keys`, () => {
    for (let i = 0; i < 3; i++) {
      const seed = randomBytes(32);
      const a = ours.keygen(name, seed);
      const b = noble.keygen(seed);
      assert.equal(hex(a.publicKey), hex(b.publicKey));
      assert.equal(hex(a.secretKey), hex(b.secretKey));
    }
  });

  test(`${name}: deterministic signatures with a context are identical`, () => {
    const { secretKey, publicKey } = noble.keygen(randomBytes(32));
    for (const [msgLen, ctxLen] of [[0, 0], [33, 1], [1000, 255]]) {
      const msg = randomBytes(msgLen);
      const context = randomBytes(ctxLen);
      const mine = ours.sign(name, secretKey, msg, context, new Uint8Array(32));
      const theirs = noble.sign(msg, secretKey, { context, extraEntropy: false });
      assert.equal(hex(mine), hex(theirs));
      assert.ok(noble.verify(mine, msg, publicKey, { context }));
    }
    // The same rnd gives the same hedged signature too.
    const msg = randomBytes(64);
    const context = randomBytes(8);
    const rnd = randomBytes(32);
    assert.equal(hex(ours.sign(name, secretKey, msg, context, rnd)),
      hex(noble.sign(msg, secretKey, { context, extraEntropy: rnd })));
  });

  test(`${name}: hedged signatures verify across implementations`, () => {
    const seed = randomBytes(32);
    const { secretKey, publicKey } = noble.keygen(seed);
    const msg = randomBytes(200);
    const context = randomBytes(5);
    const mine = ours.sign(name, secretKey, msg, context, 'random');
    assert.ok(noble.verify(mine, msg, publicKey, { context }));
    assert.ok(ours.verify(name, publicKey, msg, context, mine));
    const theirs = noble.sign(msg, secretKey, { context });  // hedged default
    assert.notEqual(hex(theirs), hex(mine));
    assert.ok(ours.verify(name, publicKey, msg, context, theirs));
    assert.ok(!ours.verify(name, publicKey, msg, new Uint8Array(0), theirs));
    assert.ok(!noble.verify(mine, msg, publicKey));  // wrong (empty) context
  });

  test(`${name}: any one-byte change fails verification in both`, () => {
    const { secretKey, publicKey } = ours.keygen(name, randomBytes(32));
    const msg = randomBytes(100);
    const context = Uint8Array.of(7, 7);
    const sigs = [
      ours.sign(name, secretKey, msg, context, 'random'),
      noble.sign(msg, secretKey, { context }),
    ];
    const both = (pk, m, s) =>
      [ours.verify(name, pk, m, context, s), noble.verify(s, m, pk, { context })];
    for (const sig of sigs) {
      assert.deepEqual(both(publicKey, msg, sig), [true, true]);
      for (const p of positions(msg.length, 4)) {
        assert.deepEqual(both(publicKey, flip(msg, p), sig), [false, false], `msg ${p}`);
      }
      for (const p of positions(sig.length, 8)) {
        assert.deepEqual(both(publicKey, msg, flip(sig, p, 0x80)), [false, false], `sig ${p}`);
      }
      for (const p of positions(publicKey.length, 5)) {
        assert.deepEqual(both(flip(publicKey, p, 0x04), msg, sig), [false, false], `pk ${p}`);
      }
    }
  });
}
