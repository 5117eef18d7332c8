// Load on the sync server over loopback: 200 machines keeping WebSocket heartbeats going
// while 1,000 pairing codes are issued and claimed. The server runs in its own process
// (the built binary), and its memory is read from /health before and after. The yardstick
// is GET /health on the same server in the same run. Stops by itself (hard limit below).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { bytesForGroups, codeFromBytes } from '../dist/src/domain/short-code.js';
import { deriveCodeKeys, proofVerifier } from '../dist/src/server/code-keys.js';
import { payloadAssociatedData } from '../dist/src/server/client/code-exchange.js';
import { seal } from '../dist/src/server/e2e-envelope.js';
import { fmt, printTable } from './timing.mjs';

const BIN = fileURLToPath(new URL('../bin/happier', import.meta.url));
const MACHINES = 200;
const CYCLES = 1000;
const CONCURRENCY = 16;
const HEARTBEAT_MS = 250;
const HARD_LIMIT_MS = 180_000;

const dataDir = mkdtempSync(join(tmpdir(), 'happier-bench-server-'));
const hardStop = setTimeout(() => {
  console.error(`server-load: gave up after ${HARD_LIMIT_MS / 1000}s`);
  cleanup();
  process.exit(1);
}, HARD_LIMIT_MS);

// Every simulated machine shares 127.0.0.1, so the per-address claim limit is lifted;
// the per-machine limit stays at its default (10 per minute), and each machine claims 5.
const server = spawn(process.execPath, [BIN, 'server', 'start', '--port', '0', '--data', dataDir, '--json'], {
  env: { ...process.env, HAPPIER_HOME: join(dataDir, 'home'), HAPPIER_SERVER_IP_LIMIT: '100000/100000' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const sockets = [];

function cleanup() {
  for (const ws of sockets) ws.terminate();
  if (server.exitCode === null) server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}

const url = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]).data.url);
  });
  server.on('exit', (c) => reject(new Error(`server exited with ${c}`)));
});

let errors = 0;
async function call(method, path, body, token) {
  const t0 = performance.now();
  const res = await fetch(url + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  const ms = performance.now() - t0;
  if (!res.ok) {
    errors++;
    if (errors <= 3) console.error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  }
  return { ms, json, ok: res.ok };
}

const quantile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const mb = (n) => `${(n / 1048576).toFixed(1)} MB`;

try {
  const health = async () => (await call('GET', '/health')).json.memory;
  const before = await health();

  // Yardstick: the cheapest request the server answers.
  const healthMs = [];
  for (let i = 0; i < 300; i++) healthMs.push((await call('GET', '/health')).ms);

  const registerMs = [];
  const machines = [];
  for (let i = 0; i < MACHINES; i++) {
    const r = await call('POST', '/v1/accounts', { machineId: `bench-${i}-${randomBytes(4).toString('hex')}`, name: `bench-${i}` });
    registerMs.push(r.ms);
    machines.push(r.json);
  }

  // Heartbeats from every machine over WebSockets, timed from send to ack.
  const beatMs = [];
  await Promise.all(
    machines.map(
      (m) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url.replace('http', 'ws') + '/v1/ws', { headers: { Authorization: `Bearer ${m.token}` } });
          sockets.push(ws);
          let sentAt = 0;
          ws.on('open', () => {
            resolve();
            ws.timer = setInterval(() => {
              sentAt = performance.now();
              ws.send('{"type":"heartbeat"}');
            }, HEARTBEAT_MS);
            ws.timer.unref();
          });
          ws.on('message', (d) => {
            const msg = JSON.parse(String(d));
            if (msg.type === 'ack' && sentAt) beatMs.push(performance.now() - sentAt);
            if (msg.type === 'error') errors++;
          });
          ws.on('error', reject);
        }),
    ),
  );

  const issueMs = [];
  const claimMs = [];
  const cycleMs = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CYCLES) {
        const i = next++;
        const issuer = machines[i % MACHINES];
        const claimer = machines[(i * 7 + 3) % MACHINES];
        const c0 = performance.now();
        const code = codeFromBytes(randomBytes(bytesForGroups(3)), 3);
        const keys = await deriveCodeKeys('pair', code);
        const payload = seal(keys.payloadKey, JSON.stringify({ v: 1, n: i }), payloadAssociatedData('pair', keys));
        const issued = await call('POST', '/v1/pairings', { lookupHash: keys.lookupHash, verifier: proofVerifier(keys.proof), payload, ttlSec: 120 }, issuer.token);
        issueMs.push(issued.ms);
        if (!issued.ok) continue;
        const claimed = await call('POST', '/v1/pairings/claim', { lookupHash: keys.lookupHash, proof: keys.proof }, claimer.token);
        claimMs.push(claimed.ms);
        cycleMs.push(performance.now() - c0);
      }
    }),
  );
  const wall = performance.now() - t0;
  for (const ws of sockets) clearInterval(ws.timer);
  const after = await health();

  const yard = quantile(healthMs, 0.5);
  const row = (name, xs) => ({
    request: name,
    n: xs.length,
    p50: fmt(quantile(xs, 0.5)),
    p99: fmt(quantile(xs, 0.99)),
    'p50 ratio': `${(quantile(xs, 0.5) / yard).toFixed(2)}x`,
  });
  printTable([
    row('GET /health (yardstick)', healthMs),
    row('register machine', registerMs),
    row('ws heartbeat -> ack', beatMs),
    row('pairing issue', issueMs),
    row('pairing claim', claimMs),
    row('issue->claim cycle (incl. scrypt)', cycleMs),
  ]);
  console.log(`\n${CYCLES} issue->claim cycles in ${(wall / 1000).toFixed(1)} s with ${MACHINES} machines beating every ${HEARTBEAT_MS} ms`);
  console.log(`errors: ${errors} (target 0)`);
  console.log(`server memory: rss ${mb(before.rss)} -> ${mb(after.rss)}, heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)}`);
  process.exitCode = errors === 0 ? 0 : 1;
} finally {
  clearTimeout(hardStop);
  cleanup();
}
