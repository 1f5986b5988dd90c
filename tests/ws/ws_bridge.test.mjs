// MQTT over WebSockets through a real `fog up`, whose WebSockets port is
// `fog ws-bridge` in front of Mosquitto: mqtt.js connects with the viewer
// credentials chosen on the command line, a 1 MiB QoS 1 message arrives
// intact, a wrong password gets the broker's CONNACK reason code, a foreign
// subprotocol gets HTTP 400 and an oversized WebSocket message close code
// 1009.
//
// Usage: FOG=build/src/cli/fog node --test   (tests/ws, after npm ci)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { freePort, startProcess, connect, subscribe, nextMessage } from './lib.mjs';

const fog = process.env.FOG;
const viewer = { username: 'web-viewer', password: 'fixed-front-end-secret' };
let dir;
let up;
let wsUrl;
let mqttUrl;

before(async () => {
  assert.ok(fog, 'set FOG to the fog binary');
  dir = mkdtempSync(path.join(os.tmpdir(), 'fog-ws-'));
  const [mqttPort, wsPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  up = await startProcess([fog, 'up', '--dir', dir, '--workers', '1', '--no-balancer',
    '--mqtt-port', `${mqttPort}`, '--ws-port', `${wsPort}`, '--http-port', `${httpPort}`,
    '--viewer-username', viewer.username, '--viewer-password', viewer.password],
  'fog is up', 90);
  wsUrl = `ws://127.0.0.1:${wsPort}`;
  mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
});

after(async () => {
  if (up) await up.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('fog.json names the bridge and the chosen viewer credentials', { timeout: 30000 }, () => {
  const desc = JSON.parse(readFileSync(path.join(dir, 'fog.json')));
  assert.equal(JSON.stringify(desc).includes(wsUrl), true, JSON.stringify(desc));
  assert.equal(JSON.stringify(desc).includes(viewer.password), true);
  assert.match(up.log(), new RegExp(`WebSockets\\s+${wsUrl}`));
});

test('the viewer subscribes through the bridge (SUBACK)', { timeout: 30000 }, async () => {
  const c = await connect(wsUrl, viewer);
  try {
    await subscribe(c, 'packet-request');
  } finally {
    c.end(true);
  }
});

test('a 1 MiB QoS 1 message goes through the bridge intact', { timeout: 30000 }, async () => {
  // A topic the viewer may both read and write that no component uses.
  const topic = `chat/ws-test-${process.pid}`;
  const sub = await connect(wsUrl, viewer);
  const pub = await connect(wsUrl, viewer);
  try {
    await subscribe(sub, topic);
    const payload = randomBytes(1 << 20);
    const got = nextMessage(sub, topic);
    await pub.publishAsync(topic, payload, { qos: 1 });
    assert.ok(payload.equals(await got), '1 MiB payload differs');
  } finally {
    sub.end(true);
    pub.end(true);
  }
});

test('the viewer credentials also work over plain MQTT', { timeout: 30000 }, async () => {
  const c = await connect(mqttUrl, viewer);
  c.end(true);
});

test('a wrong password is refused with the broker CONNACK reason code', { timeout: 30000 }, async () => {
  await assert.rejects(connect(wsUrl, { username: viewer.username, password: 'wrong' }),
    (e) => {
      // MQTT v5: 0x86 bad user name or password, 0x87 not authorized
      // (Mosquitto 2.0 answers a wrong password with 0x87).
      assert.ok(e.code === 0x86 || e.code === 0x87, `reason code ${e.code}: ${e.message}`);
      return true;
    });
});

test('a foreign subprotocol gets HTTP 400', { timeout: 30000 }, async () => {
  const status = await new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, 'chat');
    ws.once('unexpected-response', (req, res) => { resolve(res.statusCode); ws.terminate(); });
    ws.once('open', () => reject(new Error('upgrade accepted')));
    ws.once('error', () => {});
  });
  assert.equal(status, 400);
});

test('an oversized WebSocket message is closed with 1009', { timeout: 30000 }, async () => {
  // A bridge of its own with a small limit, in front of a TCP sink: a broker
  // would drop the connection on the garbage first.
  const sink = net.createServer((c) => { c.on('data', () => {}); c.on('error', () => {}); });
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  const port = await freePort();
  const bridge = await startProcess([fog, 'ws-bridge', '--listen', `127.0.0.1:${port}`,
    '--broker', `127.0.0.1:${sink.address().port}`, '--max-message-bytes', '65536'],
  'ws-bridge listening on', 20);
  try {
    const code = await new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, 'mqtt');
      ws.once('open', () => ws.send(Buffer.alloc(1 << 20), { binary: true }));
      ws.once('close', (c) => resolve(c));
      ws.once('error', (e) => { if (ws.readyState === WebSocket.CONNECTING) reject(e); });
    });
    assert.equal(code, 1009);
  } finally {
    await bridge.stop();
    sink.close();
  }
  assert.match(bridge.log(), /closed a client \(1009\)/);
  assert.match(bridge.log(), /1 too big \(1009\)/);
});
