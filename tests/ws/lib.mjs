// Shared by the WebSockets test and benchmark: free ports, child processes
// waited on by a line they print, and mqtt.js clients that resolve once
// connected.

import { spawn } from 'node:child_process';
import net from 'node:net';
import mqtt from 'mqtt';

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

// Spawns argv and resolves once its output contains `ready` (or rejects
// when it exits first or `seconds` pass). Returns { child, log(), stop() }.
export function startProcess(argv, ready, seconds = 60) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${argv[0]}: no '${ready}' in ${seconds} s:\n${log}`));
    }, seconds * 1000);
    const onData = (d) => {
      log += d;
      if (log.includes(ready)) {
        clearTimeout(timer);
        resolve({ child, log: () => log, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${argv[0]} exited (${code}) before '${ready}':\n${log}`));
    });
  });
}

// Connects an MQTT v5 client; resolves with it after the CONNACK, rejects
// with the broker's error (err.code is the CONNACK reason code).
export function connect(url, options = {}) {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: 10000,
      ...options,
    });
    client.once('connect', () => resolve(client));
    client.once('error', (e) => {
      client.end(true);
      reject(e);
    });
    client.once('close', () => reject(new Error(`connection to ${url} closed`)));
  });
}

// Subscribes and resolves after the SUBACK granted QoS 1.
export async function subscribe(client, topic) {
  const granted = await client.subscribeAsync(topic, { qos: 1 });
  if (!granted.length || granted[0].qos !== 1) {
    throw new Error(`subscription to ${topic} refused: ${JSON.stringify(granted)}`);
  }
}

// Resolves with the payload of the next message on `topic`.
export function nextMessage(client, topic) {
  return new Promise((resolve) => {
    const onMessage = (t, payload) => {
      if (t !== topic) return;
      client.off('message', onMessage);
      resolve(payload);
    };
    client.on('message', onMessage);
  });
}

// Resolves once a TCP connect to 127.0.0.1:port succeeds (within `seconds`).
export async function waitForPort(port, seconds = 20) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on port ${port} after ${seconds} s`);
}
