// The web UI in Debian's headless Chromium against a real `fog up`: the
// library, verified playback, a packet altered in flight, a revoked
// publisher's packets refused with the reason, a live stream,
// the dashboard (a frozen worker turns offline), chat between two pages,
// and hostile strings shown as text. Takes the screenshots of the README
// (FOG_SCREENSHOT_DIR, default a temporary directory) and prints the time to
// the first frame.
//
// Usage: cd web && npm run build && FOG=../build/src/cli/fog npm run e2e

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  apiToken, fog, launch, makeVideo, startFog, streamLive, streamVideo, video, waitFor, workerPid,
} from './lib.mjs';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fog-web-'));
const shots = process.env.FOG_SCREENSHOT_DIR || path.join(tmp, 'screenshots');
mkdirSync(shots, { recursive: true });
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
// Video ids are printable ASCII without space, / \ + #: markup still fits.
const XSS_ID = `xss-<b>bold<i>it"'&amp;<img_src=x_onerror=window.__xss=3>`;

let fogUp;
let browser;
const id = 'clip-1';
const pageErrors = [];

async function newPage(width = 1280, height = 860) {
  const ctx = await browser.newContext({ viewport: { width, height } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return page;
}

before(async () => {
  fogUp = await startFog(path.join(tmp, 'fog'), { balancerPeriodMs: 2000 });
  const src = path.join(tmp, 'clip.mp4');
  makeVideo(src, 8);
  streamVideo(fogUp.dir, src, id);
  await waitFor('the video to complete', 60, async () => (await video(fogUp.api, id))?.status === 'complete');
  browser = await launch();
}, { timeout: 180000 });

after(async () => {
  await browser?.close();
  await fogUp?.stop();
  if (!process.env.FOG_KEEP) rmSync(tmp, { recursive: true, force: true });
});

describe('web UI', { timeout: 600000 }, () => {
  test('the library lists the video with a poster and its facts', async () => {
    const page = await newPage();
    await page.goto(`${fogUp.api}/`);
    const card = `[data-video-id="${id}"][data-status="complete"]`;
    await page.waitForSelector(card, { timeout: 30000 });
    await page.waitForFunction((sel) => {
      const img = document.querySelector(`${sel} img`);
      return img && img.complete && img.naturalWidth > 0;
    }, card, { timeout: 60000 });
    assert.equal(await page.getAttribute(`${card} img`, 'src'), `/videos/${id}/poster.jpg`);
    const duration = await page.textContent(`${card} [data-field="duration"]`);
    assert.match(duration, /^0:0[78]$/);
    await page.screenshot({ path: path.join(shots, 'library.png') });
    await page.context().close();
  });

  test('the player plays past 5 s and every cell ends verified', async () => {
    const meta = await video(fogUp.api, id);
    const page = await newPage();
    await page.goto(`${fogUp.api}/watch/${id}`);
    await page.waitForFunction(() => window.fogPlayer?.firstFrameMs !== undefined, null, { timeout: 30000 });
    const firstFrame = await page.evaluate(() => window.fogPlayer.firstFrameMs);
    // Again with the app's files in the browser's cache (they are immutable):
    // the time a returning viewer waits.
    await page.reload();
    await page.waitForFunction(() => window.fogPlayer?.firstFrameMs !== undefined, null, { timeout: 30000 });
    const warm = await page.evaluate(() => window.fogPlayer);
    const m = warm.marks;
    console.log(`first frame after opening /watch/${id}: ${firstFrame.toFixed(0)} ms (empty cache), ` +
      `${warm.firstFrameMs.toFixed(0)} ms (cached app: player started ${m.pipeline.toFixed(0)} ms, ` +
      `playlist ${m.manifest?.toFixed(0)} ms, packet 1 handed over ${m['delivered-1']?.toFixed(0)} ms, ` +
      `first fragment buffered ${m.buffered?.toFixed(0)} ms)`);
    await page.waitForFunction(() => document.querySelector('video').currentTime > 5, null, { timeout: 60000 });
    // Keyboard: space pauses, the left arrow seeks back 5 s, space plays on.
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelector('video').paused);
    const t = await page.evaluate(() => document.querySelector('video').currentTime);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((t0) => document.querySelector('video').currentTime <= t0 - 4, t);
    await page.keyboard.press('Space');
    await page.waitForFunction(() => !document.querySelector('video').paused);
    await page.waitForFunction((total) => {
      const cells = [...document.querySelectorAll('[data-packet]')];
      return cells.length === total && cells.every((c) => c.dataset.status === 'verified');
    }, meta.total_packets, { timeout: 60000 });
    assert.equal(await page.textContent('[data-counter="verified"] strong'), String(meta.total_packets));
    assert.match(await page.textContent('[data-verified-upto]'), /Verified up to 0:0[78] by key [0-9a-f]{16}/);
    // A cell's details: number, digest, chain link, holders.
    await page.click('[data-packet="3"]');
    await page.waitForSelector('[data-details="3"]');
    assert.match(await page.textContent('[data-details="3"] [data-field="digest"]'), /^[0-9a-f]{32}…$/);
    assert.match(await page.textContent('[data-details="3"] [data-field="holders"]'), /worker-\d/);
    await page.screenshot({ path: path.join(shots, 'player.png'), fullPage: true });
    await page.context().close();
  });

  test('a packet altered in flight turns invalid and never reaches the media element', async () => {
    const page = await newPage();
    const altered = 4;
    await page.route(`**/videos/${id}/packets/${altered}`, async (route) => {
      const res = await route.fetch();
      const body = Buffer.from(await res.body());
      body[Math.floor(body.length / 2)] ^= 0x55; // in the media data
      await route.fulfill({ response: res, body });
    });
    await page.goto(`${fogUp.api}/watch/${id}`);
    const cell = `[data-packet="${altered}"][data-status="invalid"]`;
    await page.waitForSelector(cell, { timeout: 60000 });
    await page.waitForSelector('[data-player-stopped]');
    assert.match(await page.textContent('[data-player-stopped]'), new RegExp(`packet ${altered}: it is invalid`));
    await page.click(cell);
    const reason = await page.textContent(`[data-details="${altered}"] [data-field="reason"]`);
    assert.ok(reason.length > 0, 'an invalid packet shows its reason');
    console.log(`altered packet ${altered}: ${reason}`);
    // The packets before it play; hls.js asks for it and the loader refuses.
    await page.waitForFunction((n) => window.fogPlayer?.refused.includes(n), altered, { timeout: 30000 });
    // Nothing of its media time was ever buffered.
    const { delivered, buffered, start, end } = await page.evaluate(async (n) => {
      const pl = await (await fetch(location.pathname.replace('/watch/', '/videos/') + '/index.m3u8')).text();
      const d = [...pl.matchAll(/#EXTINF:([0-9.]+),\s*\n(\d+)\.m4s/g)].map((m) => [Number(m[2]), Number(m[1])]);
      const start = d.filter(([k]) => k < n).reduce((a, [, s]) => a + s, 0);
      const end = start + d.find(([k]) => k === n)[1];
      const b = document.querySelector('video').buffered;
      const buffered = [];
      for (let i = 0; i < b.length; i++) buffered.push([b.start(i), b.end(i)]);
      return { delivered: window.fogPlayer.delivered, buffered, start, end };
    }, altered);
    assert.ok(delivered.includes(1) && delivered.includes(altered - 1), `delivered ${delivered}`);
    assert.ok(!delivered.includes(altered), `packet ${altered} was handed to the player: ${delivered}`);
    // (fragments overlap by up to one audio frame at their cut: 0.1 s of slack)
    for (const [a, b] of buffered) {
      assert.ok(b <= start + 0.1 || a >= end - 0.1, `buffered ${a}-${b} s overlaps packet ${altered} (${start}-${end} s)`);
    }
    await page.context().close();
  });

  test('a certified publisher is named; once revoked, the browser refuses its packets with the reason', async () => {
    // `fog publisher add` on the running fog (its broker login is issued);
    // the packets carry the certificate; the API serves the fog key and,
    // after `fog publisher revoke`, the signed list the browser checks.
    const pid = 'cert-1';
    execFileSync(fog, ['publisher', 'add', 'cam', '--prefix', 'cert-', '--dir', fogUp.dir], { stdio: 'pipe' });
    const src = path.join(tmp, 'cert.mp4');
    makeVideo(src, 3);
    execFileSync(fog, ['stream', src, '--dir', fogUp.dir, '--video-id', pid, '--publisher', 'cam'], { stdio: 'pipe' });
    await waitFor('the certified video to complete', 60, async () => (await video(fogUp.api, pid))?.status === 'complete');

    const page = await newPage();
    await page.goto(`${fogUp.api}/watch/${pid}`);
    await page.waitForSelector('[data-packet="1"][data-status="verified"]', { timeout: 60000 });
    await page.waitForSelector('[data-verified-publisher]');
    assert.equal(await page.textContent('[data-verified-publisher]'), 'cam');
    await page.click('[data-packet="1"]');
    assert.equal(await page.textContent('[data-details="1"] [data-field="publisher"]'), 'cam');

    execFileSync(fog, ['publisher', 'revoke', 'cam', '--dir', fogUp.dir], { stdio: 'pipe' });
    await page.reload();
    await page.waitForSelector('[data-packet="1"][data-status="invalid"]', { timeout: 60000 });
    await page.waitForSelector('[data-player-stopped]');
    assert.match(await page.textContent('[data-player-stopped]'), /packet 1: it is invalid \(revoked: publisher cam/);
    await page.click('[data-packet="1"]');
    const reason = await page.textContent('[data-details="1"] [data-field="reason"]');
    assert.match(reason, /^revoked: publisher cam \(serial \d+\): certificate revoked$/);
    console.log(`revoked publisher: ${reason}`);
    assert.deepEqual(await page.evaluate(() => window.fogPlayer.delivered), []);
    await page.context().close();
  });

  test('a live stream’s timeline grows while it is published; the library turns it complete', async () => {
    const liveId = 'live-1';
    const src = path.join(tmp, 'live.mp4');
    makeVideo(src, 14);
    const live = streamLive(fogUp.dir, src, liveId);
    try {
      await waitFor('the live video', 30, async () => (await video(fogUp.api, liveId))?.packets > 0);
      // The library shows it live, and turns it complete without a reload.
      const library = await newPage();
      await library.goto(`${fogUp.api}/`);
      await library.waitForSelector(`[data-video-id="${liveId}"][data-status="live"]`, { timeout: 15000 });
      const page = await newPage();
      await page.goto(`${fogUp.api}/watch/${liveId}`);
      await page.waitForFunction(() => document.querySelectorAll('[data-packet][data-status="verified"]').length >= 2,
        null, { timeout: 30000 });
      const first = await page.evaluate(() => document.querySelectorAll('[data-packet]').length);
      const stillLive = (await video(fogUp.api, liveId)).status === 'live';
      await page.waitForFunction((n) => document.querySelectorAll('[data-packet][data-status="verified"]').length >= n + 3,
        first, { timeout: 30000 });
      assert.ok(stillLive, 'the stream was live while the timeline was read');
      await page.context().close();
      await live.done;
      await library.waitForSelector(`[data-video-id="${liveId}"][data-status="complete"]`, { timeout: 30000 });
      await library.context().close();
    } finally {
      await live.done.catch(() => undefined);
    }
  });

  test('the dashboard shows every worker online with CPU, and a frozen worker offline', async () => {
    const page = await newPage(1280, 1100);
    await page.goto(`${fogUp.api}/dashboard`);
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('[data-worker]')];
      return rows.length === n && rows.every((r) => r.dataset.state === 'online' &&
        Number(r.querySelector('[data-field="cpu"]').dataset.value) > 0);
    }, fogUp.workers, { timeout: 30000 });
    await page.waitForFunction(() => Number(document.querySelector('.charts').dataset.points) >= 8,
      null, { timeout: 30000 });
    await page.screenshot({ path: path.join(shots, 'dashboard.png'), fullPage: true });
    // A frozen worker sends nothing, not even a goodbye, and fog up does not
    // restart it: only its silence tells. Three balancer periods, plus the
    // page's one-second poll, is the bound.
    const pid = workerPid(fogUp.pid, 'worker-2');
    assert.ok(pid, 'worker-2 runs');
    process.kill(pid, 'SIGSTOP');
    const t0 = Date.now();
    try {
      await page.waitForSelector('[data-worker="worker-2"][data-state="offline"]',
        { timeout: 3 * fogUp.balancerPeriodMs + 1000 });
      console.log(`worker-2 offline on the dashboard ${Date.now() - t0} ms after it froze ` +
        `(balancer period ${fogUp.balancerPeriodMs} ms)`);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await page.waitForSelector('[data-worker="worker-2"][data-state="online"]', { timeout: 30000 });
    await page.context().close();
  });

  test('a chat message typed in one page appears in another, as text', async () => {
    const a = await newPage();
    const b = await newPage();
    await Promise.all([a.goto(`${fogUp.api}/watch/${id}`), b.goto(`${fogUp.api}/watch/${id}`)]);
    await Promise.all([a.waitForSelector('[data-chat-state="connected"]', { timeout: 30000 }),
      b.waitForSelector('[data-chat-state="connected"]', { timeout: 30000 })]);
    await a.fill('[data-chat-input]', 'hello from a');
    await a.press('[data-chat-input]', 'Enter');
    await b.waitForFunction(() => [...document.querySelectorAll('[data-chat-message] .text')]
      .some((m) => m.textContent === 'hello from a'), null, { timeout: 15000 });
    await a.fill('[data-chat-input]', XSS);
    await a.press('[data-chat-input]', 'Enter');
    await b.waitForFunction((x) => [...document.querySelectorAll('[data-chat-message] .text')]
      .some((m) => m.textContent === x), XSS, { timeout: 15000 });
    assert.equal(await b.evaluate(() => window.__xss), undefined);
    assert.equal(await b.evaluate(() => document.querySelectorAll('.messages img, .messages script').length), 0);
    await a.context().close();
    await b.context().close();
  });

  test('a hostile video id shows as text in the library and the player', async () => {
    const res = await fetch(`${fogUp.api}/create?video_id=${encodeURIComponent(XSS_ID)}`,
      { headers: { Authorization: `Bearer ${apiToken(fogUp.dir)}` } });
    assert.equal(res.status, 200, await res.text());
    const page = await newPage();
    await page.goto(`${fogUp.api}/?q=${encodeURIComponent(XSS_ID)}`);
    const card = await page.waitForSelector('.card .card-title', { timeout: 15000 });
    assert.equal(await card.textContent(), XSS_ID);
    assert.equal(await page.evaluate(() => document.querySelectorAll('.card b, .card i, .card script').length), 0);
    await page.click('.card .card-link');
    await page.waitForSelector('#video-title');
    assert.equal(await page.textContent('#video-title'), XSS_ID);
    assert.equal(await page.evaluate(() => document.querySelectorAll('main b, main i').length), 0);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    await page.context().close();
    assert.deepEqual(pageErrors, []);
  });
});
