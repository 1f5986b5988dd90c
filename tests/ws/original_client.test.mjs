// The original (seed) front end against a real `fog up --accept-legacy
// --replicas 2`, over WebSockets through the fog's ws endpoint (`fog
// ws-bridge`): a seed video (the published legacy-sis vectors, packets 1..4
// and EOSTREAMING on go-streaming) completes; a viewer with client id X
// subscribed to stream-X gets exactly one msgpack VideoPacket per
// packet-request, of the packet it asked for (counted against the master's
// routed and the workers' answered counters); a second viewer Y sees
// neither X's requests nor X's answers.
//
// Usage: FOG=build/src/cli/fog node --test   (tests/ws, after npm ci)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, connect, nextMessage } from './lib.mjs';

const fog = process.env.FOG;
const here = path.dirname(fileURLToPath(import.meta.url));
const viewer = { username: 'seed-front-end', password: 'seed-front-end-secret' };
// The seed video of the vectors: packets 1..4, all valid under the seed's
// check, in these cases.
const videoId = '3f1c9a52-7d4e-4b1a-9c2f-0e8d6b5a4c31';
const seedCases = ['pos-data-0', 'pos-data-1', 'pos-pkt-1536', 'pos-pkt-1537'];
let dir;
let up;
let wsUrl;
let apiUrl;
let metrics;  // fog.json's "metrics": component -> URL
let requestsSent = 0;

function vectorsPath() {
  const candidates = [
    process.env.FOG_VECTORS && path.join(process.env.FOG_VECTORS, 'legacy-sis/vectors.json'),
    path.join(here, '../../../shared/vectors/legacy-sis/vectors.json'),
    '/work/wt/shared/vectors/legacy-sis/vectors.json',
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  assert.ok(found, `no legacy-sis vectors in ${candidates.join(', ')}`);
  return found;
}

// Polls `check` (async, truthy = done) every 100 ms until `seconds` pass;
// returns its last value or throws with `what` and that value.
async function waitFor(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  for (;;) {
    try {
      last = await check();
    } catch (e) {
      last = e.message;
    }
    if (last === true) return;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${seconds} s (${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The last lines of every component's log, for a failure's message.
function logTails(lines = 15) {
  const logs = path.join(dir, 'logs');
  if (!existsSync(logs)) return '(no logs)';
  return readdirSync(logs).map((name) => {
    const text = readFileSync(path.join(logs, name), 'utf8').trimEnd().split('\n');
    return `--- ${name}\n${text.slice(-lines).join('\n')}`;
  }).join('\n');
}

async function video() {
  const res = await fetch(`${apiUrl}/videos/${videoId}`);
  if (res.status !== 200) return { status: `HTTP ${res.status}` };
  return res.json();
}

// Sums `name` (a counter without labels) over the components whose key in
// fog.json's "metrics" passes `which`; a component that has not counted it
// yet adds 0.
async function counter(which, name) {
  let sum = 0;
  for (const [component, url] of Object.entries(metrics)) {
    if (!which(component)) continue;
    const text = await (await fetch(url)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    if (line) sum += Number(line.split(' ')[1]);
  }
  return sum;
}

// The value stored under the string key `key` of a msgpack map, read
// minimally: strings and integers, the only kinds asked for here.
function msgpackField(buf, key) {
  const k = Buffer.from(key);
  assert.ok(k.length < 32);
  const at = buf.indexOf(Buffer.concat([Buffer.from([0xa0 | k.length]), k]));
  if (at < 0) return undefined;
  let i = at + 1 + k.length;
  const t = buf[i++];
  if (t < 0x80) return t;
  if ((t & 0xe0) === 0xa0) return buf.subarray(i, i + (t & 0x1f)).toString();
  switch (t) {
    case 0xd9: return buf.subarray(i + 1, i + 1 + buf[i]).toString();
    case 0xcc: return buf.readUInt8(i);
    case 0xcd: return buf.readUInt16BE(i);
    case 0xce: return buf.readUInt32BE(i);
    case 0xcf: return Number(buf.readBigUInt64BE(i));
    case 0xd0: return buf.readInt8(i);
    case 0xd1: return buf.readInt16BE(i);
    case 0xd2: return buf.readInt32BE(i);
    case 0xd3: return Number(buf.readBigInt64BE(i));
    default: return `msgpack type 0x${t.toString(16)}`;
  }
}

// The original front end: connects with a uuid client id X and listens on
// stream-X. Records every message by topic.
async function frontEnd(extraTopics = []) {
  const id = randomUUID();
  const client = await connect(wsUrl, { ...viewer, clientId: id });
  const got = {};
  client.on('message', (topic, payload) => { (got[topic] ??= []).push(payload); });
  const channel = `stream-${id}`;
  const granted = await client.subscribeAsync([channel, ...extraTopics], { qos: 1 });
  return { id, client, channel, got, granted };
}

function request(fe, n) {
  requestsSent += 1;
  return fe.client.publishAsync('packet-request',
    JSON.stringify({ video_id: videoId, packet_number: n, channel_uuid: fe.channel }), { qos: 1 });
}

// Asks for packet n and resolves with the answer's payload.
async function ask(fe, n) {
  const answer = nextMessage(fe.client, fe.channel);
  await request(fe, n);
  return answer;
}

before(async () => {
  assert.ok(fog, 'set FOG to the fog binary');
  dir = mkdtempSync(path.join(os.tmpdir(), 'fog-ws-seed-'));
  const [mqttPort, wsPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  up = await startProcess([fog, 'up', '--dir', dir, '--accept-legacy', '--replicas', '2',
    '--no-balancer', '--mqtt-port', `${mqttPort}`, '--ws-port', `${wsPort}`,
    '--http-port', `${httpPort}`,
    '--viewer-username', viewer.username, '--viewer-password', viewer.password],
  'fog is up', 90);
  wsUrl = `ws://127.0.0.1:${wsPort}`;
  apiUrl = `http://127.0.0.1:${httpPort}`;
  metrics = JSON.parse(readFileSync(path.join(dir, 'fog.json'))).metrics;
  assert.ok(metrics && metrics.master, `fog.json names no master metrics: ${JSON.stringify(metrics)}`);

  // The original streaming client's packets and end, as the publisher, over
  // WebSockets too.
  const cases = Object.fromEntries(JSON.parse(readFileSync(vectorsPath())).cases.map((c) => [c.id, c]));
  const roles = JSON.parse(readFileSync(path.join(dir, 'mosquitto', 'roles.json')));
  const pub = await connect(wsUrl, roles.publisher);
  try {
    for (const id of seedCases) {
      await pub.publishAsync(`video/stream/${videoId}`,
        Buffer.from(cases[id].sis_msgpack_b64, 'base64'), { qos: 1 });
    }
    await pub.publishAsync('go-streaming', 'EOSTREAMING', { qos: 1 });
  } finally {
    pub.end(true);
  }
  try {
    await waitFor('the seed video completes', 20, async () => {
      const v = await video();
      return v.status === 'complete' && v.total_packets === 4 || v;
    });
    // Every packet on both workers: the master then routes each request to one holder.
    await waitFor('every packet has 2 copies', 20, async () => {
      const v = await video();
      return v.copies === 8 || v;
    });
  } catch (e) {
    e.message += `\n${logTails()}`;
    throw e;
  }
});

after(async () => {
  if (up) await up.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('each packet-request on stream-X is answered exactly once, with its packet',
  { timeout: 30000 }, async () => {
    const x = await frontEnd();
    try {
      assert.deepEqual(x.granted.map((g) => g.qos), [1], `SUBACK ${JSON.stringify(x.granted)}`);
      for (let n = 1; n <= 4; n++) {
        const answer = await ask(x, n);
        assert.equal(msgpackField(answer, 'video_id'), videoId);
        assert.equal(msgpackField(answer, 'packet_number'), n);
      }
      // Each request went to one worker (no broadcast) and each worker's
      // answer is counted: once both counts reach the number of requests,
      // no further answer is on its way.
      const want = requestsSent;
      await waitFor('the master routed every request', 10, async () => {
        const routed = await counter((c) => c === 'master', 'fog_master_seed_requests_routed_total');
        return routed === want || { routed, want };
      });
      assert.equal(await counter((c) => c === 'master', 'fog_master_seed_requests_broadcast_total'), 0);
      await waitFor('the workers answered every request', 10, async () => {
        const answered = await counter((c) => c.startsWith('worker'),
          'fog_worker_seed_requests_answered_total');
        return answered === want || { answered, want };
      });
      assert.equal(x.got[x.channel].length, 4, 'answers on stream-X');
    } finally {
      x.client.end(true);
    }
  });

test('a second front end sees neither the requests nor the answers of the first',
  { timeout: 30000 }, async (t) => {
    const x = await frontEnd();
    // Y also tries X's channel and the request topic: the broker may refuse
    // those subscriptions (a viewer reads only its own channels) or grant
    // them and deliver nothing; either way nothing may arrive.
    const y = await frontEnd();
    try {
      const yGranted = await y.client.subscribeAsync(['packet-request', x.channel], { qos: 1 });
      t.diagnostic(`Y's SUBACK codes for packet-request, stream-X: ${yGranted.map((g) => g.qos)}`);
      for (const g of yGranted) {
        assert.ok(g.qos === 1 || g.qos === 0x87 || g.qos === 0x80,
          `SUBACK ${JSON.stringify(yGranted)}`);
      }
      // X's request and answer go through the broker before Y's request is
      // even sent: X has its answer first.
      const xAnswer = await ask(x, 1);
      assert.equal(msgpackField(xAnswer, 'packet_number'), 1);
      const yAnswer = await ask(y, 2);
      assert.equal(msgpackField(yAnswer, 'packet_number'), 2);
      assert.equal(y.got['packet-request'], undefined, 'Y got requests');
      assert.equal(y.got[x.channel], undefined, "Y got X's answers");
      assert.equal(y.got[y.channel].length, 1);
    } finally {
      x.client.end(true);
      y.client.end(true);
    }
  });
