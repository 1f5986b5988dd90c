// Shared helpers of the web UI's browser tests: a real `fog up` on free
// ports, videos made with ffmpeg and published with `fog stream`, and
// Debian's headless Chromium driven by playwright-core (from web/'s
// node_modules).

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'web', 'package.json'));
export const { chromium } = require('playwright-core');

export const fog = process.env.FOG || path.join(root, 'build/src/cli/fog');
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Polls `check` until it returns a truthy value (which is returned): for the
// fog's HTTP answers, which have no event to wait on. Pages use
// waitForSelector / waitForFunction instead.
export async function waitFor(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

// Starts `fog up` in `dir`; resolves once it says it is up. `args`: more
// flags of `fog up` (e.g. --name, --peer, --no-balancer).
export async function startFog(dir, { workers = 3, balancerPeriodMs = 1000, args = [] } = {}) {
  const [mqtt, ws, http] = [await freePort(), await freePort(), await freePort()];
  const up = spawn(
    fog,
    ['up', '--dir', dir, '--workers', `${workers}`, '--mqtt-port', `${mqtt}`, '--ws-port', `${ws}`,
      '--http-port', `${http}`, '--balancer-period-ms', `${balancerPeriodMs}`, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  up.stdout.on('data', (d) => { log += d; });
  up.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => up.once('exit', resolve));
  const stop = async () => {
    if (up.exitCode === null) up.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor('fog up', 90, () => {
      if (up.exitCode !== null) throw new Error('exited');
      return log.includes('fog is up');
    });
  } catch {
    await stop();
    throw new Error(`fog did not come up: ${log}`);
  }
  const api = `http://127.0.0.1:${http}`;
  return { api, dir, pid: up.pid, stop, log: () => log, balancerPeriodMs, workers };
}

// The pid of the fog's worker process named `name` (a child of `fog up`).
export function workerPid(upPid, name) {
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== upPid) continue;
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (cmd.includes('worker') && cmd.some((a) => a.includes(name))) return Number(p);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

export function makeVideo(file, seconds) {
  // As tests/e2e/lib.sh make_video: H.264 High + AAC-LC, a keyframe every second.
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', `${seconds}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
    '-g', '25', '-keyint_min', '25', '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '96k', file]);
}

export function streamVideo(dir, file, id) {
  return execFileSync(fog, ['stream', file, '--dir', dir, '--video-id', id],
    { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
}

// Publishes at the video's own pace; resolves when `fog stream` exits.
export function streamLive(dir, file, id) {
  const p = spawn(fog, ['stream', file, '--dir', dir, '--video-id', id, '--realtime'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  p.stderr.on('data', (d) => { err += d; });
  const done = new Promise((resolve, reject) => p.once('exit', (code) =>
    code === 0 ? resolve() : reject(new Error(`fog stream exited ${code}: ${err}`))));
  return { proc: p, done };
}

export async function video(api, id) {
  const r = await fetch(`${api}/videos/${encodeURIComponent(id)}`);
  return r.ok ? r.json() : null;
}

export async function launch() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required'],
  });
}

export function apiToken(dir) {
  const f = path.join(dir, 'roles', 'api-token');
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : '';
}
