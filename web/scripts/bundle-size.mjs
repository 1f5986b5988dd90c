// Prints the production bundle's size (raw and gzipped) from dist/: every
// file the page can load, and the total. Run after `npm run build`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'dist');

function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

let raw = 0;
let gz = 0;
const rows = [];
for (const f of walk(dist).filter((x) => !x.endsWith('.br') && !x.endsWith('.gz'))) {
  const data = readFileSync(f);
  const g = gzipSync(data, { level: 9 }).length;
  raw += data.length;
  gz += g;
  rows.push([path.relative(dist, f), data.length, g]);
}
rows.sort((a, b) => b[2] - a[2]);
const kb = (n) => (n / 1000).toFixed(1).padStart(8);
for (const [f, r, g] of rows) console.log(`${kb(r)} kB ${kb(g)} kB gz  ${f}`);
console.log(`bundle total: ${(raw / 1000).toFixed(1)} kB, gzipped ${(gz / 1000).toFixed(1)} kB (kB = 1000 bytes)`);
