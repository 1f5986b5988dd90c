/* global process, Buffer, console, window */
// Benchmark: the WebAssembly verifier in Debian's headless Chromium. Signs a
// 64 KiB and a 1 MiB packet with the fog binary, serves the generated module
// and the packets from a local HTTP server, and times, in the page, what
// StreamVerifier.push does (copy in, decode, SIS digest, chain link,
// ML-DSA-44 verify, verdict JSON, media copied out) through the module's C
// functions as web/src/verify/verifier.ts calls them. Prints JSON.
// Usage: node wasm/bench_browser.mjs [FOG_BINARY]   (after npm run wasm)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const generated = path.join(here, '..', 'src', 'verify', 'generated');
const fog = process.argv[2] ?? process.env.FOG_BIN ?? path.join(here, '..', '..', 'build', 'src', 'cli', 'fog');
const dir = mkdtempSync(path.join(tmpdir(), 'fog-wasm-bench-'));

execFileSync(fog, ['keygen', '--out', path.join(dir, 'k')]);
const files = { 'k.pub': readFileSync(path.join(dir, 'k.pub')) };
for (const [name, size] of [['64k', 64 << 10], ['1m', 1 << 20]]) {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; ++i) data[i] = (i * 2654435761) >>> 24;
  writeFileSync(path.join(dir, `${name}.bin`), data);
  files[name] = execFileSync(fog, ['packet', 'sign', '--key', path.join(dir, 'k.key'), '--video-id', 'bench',
    '--number', '1', '--total', '1', path.join(dir, `${name}.bin`)], { maxBuffer: 8 << 20 });
}

const page = `<!doctype html><script type="module">
import create from './fog_verify.mjs';
const m = await create();
const get = async (n) => new Uint8Array(await (await fetch(n)).arrayBuffer());
const pk = await get('k.pub');
const enc = new TextEncoder().encode('bench');
function verifyOnce(env) {
  const id = m._fog_alloc(enc.length); m.HEAPU8.set(enc, id);
  const s = m._fog_stream_new(id, enc.length); m._fog_free(id);
  const p = m._fog_alloc(pk.length); m.HEAPU8.set(pk, p);
  const out = m._fog_alloc(16);
  if (m._fog_stream_add_key(s, p, pk.length, out) !== 0) throw new Error('key');
  m._fog_free(p); m._fog_free(out);
  const e = m._fog_alloc(env.length); m.HEAPU8.set(env, e);
  const v = JSON.parse(m.UTF8ToString(m._fog_stream_push(s, 1, e, env.length)))[0];
  const media = m.HEAPU8.slice(v.mediaPtr, v.mediaPtr + v.mediaLen);
  m._fog_free(e); m._fog_stream_delete(s);
  if (v.status !== 'verified' || !media.length) throw new Error(v.reason);
}
const result = {};
for (const name of ['64k', '1m']) {
  const env = await get(name);
  for (let i = 0; i < 3; ++i) verifyOnce(env);  // warm up
  const times = [];
  const until = performance.now() + 3000;
  while (times.length < 20 || (performance.now() < until && times.length < 200)) {
    const t = performance.now(); verifyOnce(env); times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  result[name] = { runs: times.length, min_ms: times[0], median_ms: times[times.length >> 1] };
}
window.benchResult = result;
</script>`;
const types = { '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  const name = req.url.slice(1);
  if (name === '' || name === 'index.html') return res.end(page);
  if (files[name]) return res.end(files[name]);
  try {
    const body = readFileSync(path.join(generated, path.basename(name)));
    res.setHeader('Content-Type', types[path.extname(name)] ?? 'application/octet-stream');
    res.end(body);
  } catch {
    res.statusCode = 404;
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (e) => console.error('page error:', e.message));
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => window.benchResult, null, { timeout: 120000 });
  const result = await tab.evaluate(() => window.benchResult);
  console.log(JSON.stringify({ browser: `chromium ${browser.version()}`, ...result }, null, 1));
} finally {
  await browser.close();
  server.close();
}
