// hls.js plays a video from a real fog in Debian's headless Chromium: the
// test starts `fog up` on free ports, streams a generated H.264 + AAC video,
// serves hls.js and a page from its own HTTP server, and loads the API's
// playlist (the API allows any origin). Passing means more than 3 s of the
// video were played, not merely that the playlist loaded.
//
// Usage: FOG=build/src/cli/fog node --test   (tests/browser, after npm ci)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const fog = process.env.FOG;
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Starts `fog up` in `dir`; resolves with the API's URL and a stop function.
async function startFog(dir) {
  const [mqtt, ws, http] = [await freePort(), await freePort(), await freePort()];
  const up = spawn(fog, ['up', '--dir', dir, '--mqtt-port', `${mqtt}`,
    '--ws-port', `${ws}`, '--http-port', `${http}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  up.stdout.on('data', (d) => { log += d; });
  up.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => up.once('exit', resolve));
  const stop = async () => {
    if (up.exitCode === null) up.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor('fog up', 60, () => {
      if (up.exitCode !== null) throw new Error('exited');
      return log.includes('fog is up');
    });
  } catch (e) {
    await stop();
    throw new Error(`fog did not come up: ${log}`);
  }
  return { api: `http://127.0.0.1:${http}`, stop };
}

function pageServer(playlistUrl) {
  const hlsJs = readFileSync(require.resolve('hls.js/dist/hls.min.js'));
  const page = `<!doctype html><meta charset="utf-8"><title>fog hls</title>
<video id="v" muted autoplay playsinline></video>
<script src="/hls.min.js"></script>
<script>
  window.hlsEvents = [];
  const v = document.getElementById('v');
  const hls = new Hls({ enableWorker: false });
  hls.on(Hls.Events.ERROR, (_, d) =>
    window.hlsEvents.push('error ' + d.type + ' ' + d.details + (d.fatal ? ' fatal' : '')));
  hls.on(Hls.Events.MANIFEST_PARSED, (_, d) => {
    window.hlsEvents.push('manifest ' + d.levels.length);
    v.play().catch((e) => window.hlsEvents.push('play ' + e));
  });
  hls.loadSource(${JSON.stringify(playlistUrl)});
  hls.attachMedia(v);
</script>`;
  return createServer((req, res) => {
    if (req.url === '/hls.min.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(hlsJs);
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(page);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
}

test('hls.js plays a fog video past 3 s in headless Chromium', { timeout: 180000 }, async () => {
  assert.ok(fog, 'set FOG to the fog binary');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'fog-browser-'));
  const { api, stop } = await startFog(path.join(tmp, 'fog'));
  let server;
  let context;
  try {
    const src = path.join(tmp, 'src.mp4');
    // As tests/e2e/lib.sh make_video: H.264 High + AAC-LC, keyframe every s.
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '8',
      '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
      '-g', '25', '-keyint_min', '25', '-sc_threshold', '0',
      '-c:a', 'aac', '-b:a', '96k', src]);
    const id = execFileSync(fog, ['stream', src, '--dir', path.join(tmp, 'fog')],
      { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
    assert.ok(id.length > 0, 'fog stream printed no id');
    await waitFor('the video to complete', 30, async () => {
      const r = await fetch(`${api}/videos/${id}`);
      return r.ok && (await r.json()).status === 'complete';
    });

    server = pageServer(`${api}/videos/${id}/index.m3u8`);
    const pagePort = await freePort();
    await new Promise((r) => server.listen(pagePort, '127.0.0.1', r));
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
        '--autoplay-policy=no-user-gesture-required'],
    });
    const page = await context.newPage();
    const consoleLines = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    await page.goto(`http://127.0.0.1:${pagePort}/`);
    let state;
    try {
      await page.waitForFunction(() => document.getElementById('v').currentTime > 3,
        null, { timeout: 60000, polling: 250 });
    } finally {
      state = await page.evaluate(() => {
        const v = document.getElementById('v');
        return {
          currentTime: v.currentTime,
          error: v.error && v.error.message,
          events: window.hlsEvents,
          h264: MediaSource.isTypeSupported('video/mp4; codecs="avc1.64001e"'),
          aac: MediaSource.isTypeSupported('audio/mp4; codecs="mp4a.40.2"'),
        };
      });
      console.log(JSON.stringify({ ...state, console: consoleLines.slice(-10) }));
    }
    assert.ok(state.currentTime > 3, `played ${state.currentTime} s`);
    assert.equal(state.error, null);
    assert.ok(!state.events.some((e) => e.includes('fatal')), state.events.join('; '));
  } finally {
    if (context) await context.close();
    if (server) server.close();
    await stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
