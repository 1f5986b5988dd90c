// The federation in the web UI, in Debian's headless Chromium against two
// real linked fogs (docs/federation.md): `fog up --name a`, and `fog up
// --name b --peer <a's peer_uri>`. At B the dashboard names this fog "b" and
// shows peer "a" connected with a round trip time, and lists a video
// streamed into A as held by "a"; the library's federation scope
// (GET /videos?scope=federation) lists it with its holder and links it to
// B's own player. A's dashboard shows B (a link configured on one side
// works in both directions).
//
// Usage: cd web && npm run build && FOG=../build/src/cli/fog npm run e2e

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, makeVideo, startFog, streamVideo, video, waitFor } from './lib.mjs';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fog-web-fed-'));
const id = 'fed-clip-1';
let a;
let b;
let browser;
const pageErrors = [];

async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return page;
}

before(async () => {
  const opts = { workers: 2, balancerPeriodMs: 2000 };
  a = await startFog(path.join(tmp, 'a'), { ...opts, args: ['--name', 'a'] });
  const peerUri = JSON.parse(readFileSync(path.join(a.dir, 'fog.json'), 'utf8')).peer_uri;
  assert.match(peerUri, /^mqtt:\/\//);
  // B trusts A's publisher key, the documented way (docs/federation.md).
  mkdirSync(path.join(tmp, 'b', 'trust'), { recursive: true });
  copyFileSync(path.join(a.dir, 'keys', 'publisher.pub'), path.join(tmp, 'b', 'trust', 'a.pub'));
  b = await startFog(path.join(tmp, 'b'), { ...opts, args: ['--name', 'b', '--peer', peerUri] });
  const src = path.join(tmp, 'clip.mp4');
  makeVideo(src, 3);
  streamVideo(a.dir, src, id);
  await waitFor('the video to complete at a', 60, async () => (await video(a.api, id))?.status === 'complete');
  browser = await launch();
}, { timeout: 180000 });

after(async () => {
  await browser?.close();
  await b?.stop();
  await a?.stop();
  if (!process.env.FOG_KEEP) rmSync(tmp, { recursive: true, force: true });
});

describe('federation in the web UI', { timeout: 120000 }, () => {
  test('B\'s dashboard shows peer a connected with an RTT and a\'s video held by a', async () => {
    const page = await newPage();
    await page.goto(`${b.api}/dashboard`);
    await page.waitForSelector('[data-federation="online"] [data-fog-name="b"]', { timeout: 15000 });
    const peer = '[data-peer="a"][data-state="connected"]';
    // Connected with a measured round trip (the field carries the number).
    await page.waitForFunction((sel) => {
      const rtt = document.querySelector(`${sel} [data-field="rtt"]`);
      return rtt && rtt.dataset.value !== '' && Number(rtt.dataset.value) >= 0;
    }, peer, { timeout: 20000 });
    assert.match(await page.textContent(`${peer} [data-field="rtt"]`), /^\d+(\.\d)? ms$/);
    assert.match(await page.textContent(`${peer} [data-field="last-heard"]`), /s ago$/);
    assert.match(await page.textContent(`${peer} [data-field="address"]`), /^127\.0\.0\.1:\d+$|:\d+$/);
    // a's catalog reaches b: the video, held by a (b holds no copy).
    const row = `[data-federation="online"] [data-federation-video="${id}"]`;
    await page.waitForSelector(`${row}[data-fogs="a"]`, { timeout: 20000 });
    assert.equal(await page.getAttribute(`${row} a`, 'href'), `/watch/${id}`);
    if (process.env.FOG_SCREENSHOT_DIR) {
      await page.locator('[data-federation]').screenshot({ path: path.join(process.env.FOG_SCREENSHOT_DIR, 'federation.png') });
    }
    console.log(`b's dashboard: peer a ${await page.textContent(`${peer} [data-field="rtt"]`)}, ` +
      `last heard ${await page.textContent(`${peer} [data-field="last-heard"]`)}`);
    await page.context().close();
  });

  test('B\'s library, federation scope, lists a\'s video with its holder and links it to B\'s player', async () => {
    const page = await newPage();
    await page.goto(`${b.api}/`);
    // Locally B holds nothing; the toggle switches to the federation's list.
    await page.waitForSelector('[role="status"]', { timeout: 15000 });
    assert.equal(await page.$(`[data-video-id="${id}"]`), null);
    await page.check('input[name="scope"][value="federation"]');
    const row = `[data-federation-video="${id}"]`;
    await page.waitForSelector(row, { timeout: 15000 });
    assert.ok(page.url().endsWith('?scope=federation'), page.url());
    assert.equal(await page.textContent(`${row} [data-field="fogs"]`), 'a');
    assert.equal(await page.textContent(`${row} [data-field="status"]`), 'complete');
    // The link opens B's own player page for it (B fetches it through a).
    await page.click(`${row} a`);
    await page.waitForURL(`${b.api}/watch/${id}`);
    await page.waitForSelector('#video-title', { timeout: 15000 });
    assert.equal(await page.textContent('#video-title'), id);
    await page.context().close();
  });

  test('A\'s dashboard shows peer b connected (the link works both ways)', async () => {
    const page = await newPage();
    await page.goto(`${a.api}/dashboard`);
    await page.waitForSelector('[data-fog-name="a"]', { timeout: 15000 });
    await page.waitForSelector('[data-peer="b"][data-state="connected"]', { timeout: 20000 });
    await page.waitForSelector(`[data-federation-video="${id}"][data-fogs="a"]`, { timeout: 15000 });
    await page.context().close();
    assert.deepEqual(pageErrors, []);
  });
});
