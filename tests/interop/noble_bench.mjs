// Medians (microseconds) of @noble/post-quantum ML-DSA keygen, deterministic
// sign of a 1 KB message, and verify: the same workload as
// bench/crypto_bench.cc, which runs this script and compares.
//   node noble_bench.mjs <iterations> [<dir holding node_modules>]
// Prints one JSON object.

import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';

const iterations = Number(process.argv[2] ?? 200);
const dir = process.argv[3] ?? dirname(fileURLToPath(import.meta.url));
const pkgDir = join(dir, 'node_modules/@noble/post-quantum');
const { ml_dsa44, ml_dsa65, ml_dsa87 } = await import(
  pathToFileURL(join(pkgDir, 'ml-dsa.js')).href);
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function time(f) {
  const start = process.hrtime.bigint();
  const out = f();
  return [Number(process.hrtime.bigint() - start) / 1000, out];
}

function measure(dsa) {
  const keygen = [], sign = [], verify = [];
  const msg = new Uint8Array(1024).fill(0x5a);
  let ok = true;
  for (let i = -1; i < iterations; i++) {  // i = -1 warms up
    const seed = new Uint8Array(32).fill(i & 0xff);
    for (let b = 0; b < 4; b++) msg[b] = (i >> (8 * b)) & 0xff;
    const [k, keys] = time(() => dsa.keygen(seed));
    const [s, sig] = time(() => dsa.sign(msg, keys.secretKey, { extraEntropy: false }));
    const [v, valid] = time(() => dsa.verify(sig, msg, keys.publicKey));
    ok &&= valid;
    if (i < 0) continue;
    keygen.push(k);
    sign.push(s);
    verify.push(v);
  }
  return { keygen_us: median(keygen), sign_us: median(sign), verify_us: median(verify), ok };
}

console.log(JSON.stringify({
  implementation: `@noble/post-quantum ${version}`,
  node: process.version,
  'ml-dsa-44': measure(ml_dsa44),
  'ml-dsa-65': measure(ml_dsa65),
  'ml-dsa-87': measure(ml_dsa87),
}));
