// Writes X.br and X.gz beside every file of dist/ of 1 kB or more, compressed
// once at build time with the best settings, so the fog can serve them as
// they are instead of compressing each answer itself.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'dist');
const walk = (dir) =>
  readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });

let n = 0;
for (const f of walk(dist)) {
  if (f.endsWith('.br') || f.endsWith('.gz') || f.endsWith('.html')) continue;
  const data = readFileSync(f);
  if (data.length < 1024) continue;
  writeFileSync(`${f}.br`, brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }));
  writeFileSync(`${f}.gz`, gzipSync(data, { level: 9 }));
  n++;
}
console.log(`compress: ${n} files in dist/ have .br and .gz twins`);
