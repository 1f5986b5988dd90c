// Benchmark: time to move one QoS 1 message publisher -> subscriber through
// (a) plain MQTT over TCP to Mosquitto, (b) fog ws-bridge in front of the same
// broker, (c) Mosquitto 2.0's own WebSockets listener. All three use mqtt.js
// (mqtt:// and ws://), against one throwaway broker started here. Prints
// JSON: medians in ms per path and size, and the ratio bridge / TCP.
//
// Usage: FOG=build/src/cli/fog node ws_bench.mjs [--reps N] [--native-reps N]
//   (tests/ws, after npm ci; Mosquitto's listener is slow for large
//   messages, so it gets fewer repetitions.)

import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { freePort, startProcess, connect, subscribe, nextMessage, waitForPort } from './lib.mjs';

const fog = process.env.FOG;
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const reps = arg('--reps', 7);
const nativeReps = arg('--native-reps', 3);
const sizes = [64 << 10, 691 << 10, 1 << 20];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function timeOne(url, size, topic) {
  const sub = await connect(url);
  const pub = await connect(url);
  try {
    await subscribe(sub, topic);
    const payload = Buffer.alloc(size, 7);
    const got = nextMessage(sub, topic);
    const t0 = process.hrtime.bigint();
    await pub.publishAsync(topic, payload, { qos: 1 });
    const received = await got;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (received.length !== size) throw new Error(`got ${received.length} bytes`);
    return ms;
  } finally {
    sub.end(true);
    pub.end(true);
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'fog-ws-bench-'));
const [tcpPort, nativePort, bridgePort] = [await freePort(), await freePort(), await freePort()];
writeFileSync(path.join(dir, 'mosquitto.conf'), [
  'allow_anonymous true', 'max_packet_size 17000000', 'log_dest stderr',
  'log_type error', 'log_type notice',
  `listener ${tcpPort} 127.0.0.1`, `listener ${nativePort} 127.0.0.1`,
  'protocol websockets', ''].join('\n'));
const broker = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
const brokerExited = new Promise((resolve) => broker.once('exit', resolve));
await waitForPort(tcpPort);
await waitForPort(nativePort);
const bridge = await startProcess([fog, 'ws-bridge', '--listen', `127.0.0.1:${bridgePort}`,
  '--broker', `127.0.0.1:${tcpPort}`], 'ws-bridge listening on', 20);
const paths = {
  tcp: [`mqtt://127.0.0.1:${tcpPort}`, reps],
  bridge: [`ws://127.0.0.1:${bridgePort}`, reps],
  mosquitto_ws: [`ws://127.0.0.1:${nativePort}`, nativeReps],
};
const result = { machine: `${os.cpus().length} cores, ${os.cpus()[0].model}`, qos: 1, median_ms: {}, bridge_over_tcp: {} };
try {
  for (const size of sizes) {
    for (const [name, [url, n]] of Object.entries(paths)) {
      const times = [];
      for (let i = 0; i < n; ++i) times.push(await timeOne(url, size, `bench/${name}/${i}`));
      (result.median_ms[name] ??= {})[size] = Number(median(times).toFixed(1));
    }
    result.bridge_over_tcp[size] =
      Number((result.median_ms.bridge[size] / result.median_ms.tcp[size]).toFixed(2));
  }
} finally {
  await bridge.stop();
  broker.kill('SIGTERM');
  await brokerExited;
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(result, null, 2));
process.exit(0);
