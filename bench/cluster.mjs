// Shared-mode relay benchmark (issue 16): the `cluster` section of `npm run bench` (5k and 20k msg/s), or on its
// own: `node bench/cluster.mjs [rate] [seconds]`.
// Relay latency (p50/p99, ms) and server CPU per relayed message (µs, every instance plus redis-server) at a fixed
// offered rate (default 5000 msg/s for 5 s), over PAIRS pairs of raw PeerJS-protocol clients, in four setups:
// one instance without Redis (the reference), one with Redis, two instances with each pair on one instance, two
// with each pair split across the instances (every message crosses Redis). Needs a build and redis-server.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'server/dist/server/src/main.js');
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
const PAIRS = 50;
const TICK_MS = 10;
const DEADLINE_MS = 10_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
/** User + system CPU of a process so far, µs (from /proc; clock ticks of 10 ms). */
const cpuOf = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};

async function spawnUntil(cmd, args, env, ready) {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  proc.stderr.on('data', (c) => (out += c));
  const until = Date.now() + DEADLINE_MS;
  while (!ready(out)) {
    if (proc.exitCode !== null || Date.now() > until) throw new Error(`${cmd} did not start: ${out.slice(-500)}`);
    await sleep(20);
  }
  return { proc, out: () => out };
}

async function instance(env) {
  const dir = mkdtempSync(join(tmpdir(), 'vcw-bench-state-'));
  const port = await freePort();
  const base = { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', STATE_DIR: dir, MESSAGE_RATE_LIMIT: '100000', JOIN_RATE_LIMIT: '1000000', MAX_SOCKETS_PER_ADDRESS: '100000' };
  const s = await spawnUntil(process.execPath, [MAIN], { ...base, ...env }, () => true);
  // Ready when /healthz answers.
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (s.proc.exitCode !== null || Date.now() > until) throw new Error(`instance did not start: ${s.out().slice(-500)}`);
    await sleep(50);
  }
  return { ...s, port, stop: () => (s.proc.kill('SIGTERM'), rmSync(dir, { recursive: true, force: true })) };
}

async function member(port, room) {
  const res = await fetch(`http://127.0.0.1:${port}/api/rooms/${room}/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!res.ok) throw new Error(`join ${res.status}`);
  const { peerId, ticket } = await res.json();
  const ws = new WebSocket(`ws://127.0.0.1:${port}/signal/peerjs?${new URLSearchParams({ key: 'vcw', id: peerId, token: ticket })}`);
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no OPEN')), DEADLINE_MS);
    ws.on('message', function first(data) {
      if (JSON.parse(data.toString()).type === 'OPEN') {
        clearTimeout(t);
        ws.off('message', first);
        resolve();
      }
    });
    ws.once('error', reject);
  });
  return { ws, id: peerId };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function measure(name, instances, redisPid, split, rate, seconds) {
  const pairs = [];
  for (let i = 0; i < PAIRS; i++) {
    const room = `bench-${name.replace(/\W/g, '')}-${i}`;
    const n = instances.length;
    const a = await member(instances[i % n].port, room);
    const b = await member(instances[split ? (i + 1) % n : i % n].port, room);
    pairs.push([a, b]);
  }
  const latencies = [];
  let sent = 0;
  for (const [, b] of pairs) b.ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.type === 'CANDIDATE') latencies.push(performance.now() - m.payload.t);
  });
  const pids = [...instances.map((s) => s.proc.pid), ...(redisPid ? [redisPid] : [])];
  const cpu0 = pids.map(cpuOf);
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent < due; sent++) {
      const [a, b] = pairs[sent % PAIRS];
      a.ws.send(JSON.stringify({ type: 'CANDIDATE', dst: b.id, payload: { t: performance.now(), candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' }, connectionId: 'dc_bench' } }));
    }
    await sleep(TICK_MS);
  }
  const until = Date.now() + 3000;
  while (latencies.length < sent && Date.now() < until) await sleep(20);
  const cpu = pids.map(cpuOf).reduce((sum, v, i) => sum + v - cpu0[i], 0);
  for (const [a, b] of pairs) a.ws.close(), b.ws.close();
  const sorted = latencies.sort((x, y) => x - y);
  return { setup: name, sent, delivered: latencies.length, p50: pct(sorted, 50), p99: pct(sorted, 99), cpuUsPerMessage: cpu / Math.max(1, latencies.length) };
}

/** The four setups at one offered rate: { rate, seconds, loadAtStart, setups, valid, splitP99Met }. */
async function runRate(rate, seconds) {
  const redisDir = mkdtempSync(join(tmpdir(), 'vcw-bench-redis-'));
  const redisPort = await freePort();
  const redis = await spawnUntil(REDIS, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir], {}, (o) => o.includes('Ready to accept'));
  const shared = { REDIS_URL: `redis://127.0.0.1:${redisPort}`, TICKET_SECRET: 'bench-ticket-secret-0123456789abcdef0123', AGENT_KEY: 'bench-agent-key-0123456789' };
  const setups = [];
  const loadAtStart = Number(loadavg()[0].toFixed(1));
  const started = [];
  try {
    const single = await instance({});
    started.push(single);
    setups.push(await measure('one instance, no Redis', [single], null, false, rate, seconds));
    const one = await instance({ ...shared, INSTANCE_ID: 'bench-1' });
    started.push(one);
    setups.push(await measure('one instance with Redis', [one], redis.proc.pid, false, rate, seconds));
    const two = await instance({ ...shared, INSTANCE_ID: 'bench-2' });
    started.push(two);
    setups.push(await measure('two instances, pair on one', [one, two], redis.proc.pid, false, rate, seconds));
    setups.push(await measure('two instances, pair split', [one, two], redis.proc.pid, true, rate, seconds));
  } finally {
    for (const s of started) s.stop();
    redis.proc.kill('SIGTERM');
    rmSync(redisDir, { recursive: true, force: true });
  }
  // The load generator shares the machine: when it could not offer the rate, the latencies measure its own backlog.
  const planned = rate * seconds;
  const short = setups.filter((r) => r.sent < planned * 0.95 || r.delivered < r.sent);
  const reference = setups[0];
  for (const r of setups) {
    r.p99Ratio = reference.p99 ? Number((r.p99 / reference.p99).toFixed(2)) : null;
    r.cpuRatio = Number((r.cpuUsPerMessage / reference.cpuUsPerMessage).toFixed(2));
  }
  const result = { rate, seconds, pairs: PAIRS, loadAtStart, loadAtEnd: Number(loadavg()[0].toFixed(1)), setups, valid: short.length === 0, splitP99Met: setups[3].p99 <= reference.p99 + 1 };
  console.log(`\nRelay at ${rate} msg/s for ${seconds} s over ${PAIRS} pairs (latency ms; CPU µs per message, instances + redis-server; ratios to one instance without Redis); load average ${loadAtStart} at start, ${result.loadAtEnd} at end\n`);
  console.log('| setup | sent | delivered | p50 | p99 | p99 ratio | CPU µs/msg | CPU ratio |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of setups) console.log(`| ${r.setup} | ${r.sent} | ${r.delivered} | ${r.p50?.toFixed(2)} | ${r.p99?.toFixed(2)} | ${r.p99Ratio}× | ${r.cpuUsPerMessage.toFixed(1)} | ${r.cpuRatio}× |`);
  if (!result.valid) console.log(`\nNot a valid run: ${short.map((r) => `${r.setup} sent ${r.sent} of ${planned}, delivered ${r.delivered}`).join('; ')} (a busy machine); no verdict.`);
  else console.log(`\nGoal: split pair p99 ≤ single-instance p99 + 1 ms: ${setups[3].p99.toFixed(2)} vs ${(reference.p99 + 1).toFixed(2)} → ${result.splitP99Met ? 'met' : 'not met'}`);
  return result;
}

/** The `cluster` section: the four setups at each rate. Throws when it cannot run (no build, no redis-server). */
export async function runCluster({ rates = [5000, 20000], seconds = 5 } = {}) {
  if (!existsSync(MAIN)) throw new Error('build first: npm run build');
  if (!REDIS) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const out = [];
  for (const rate of rates) out.push(await runRate(rate, seconds));
  return {
    method: `${PAIRS} pairs of PeerJS-protocol clients send CANDIDATE frames (~0.15 KB) to their partner at a fixed offered rate for ${seconds} s, in four setups (one instance without Redis = the reference; one with Redis; two instances with each pair on one; two with each pair split, every message crossing Redis); latency = send → arrival (one clock); CPU = utime+stime of every instance and redis-server / messages delivered. A setup whose load process could not offer 95 % of the rate makes the run invalid (no verdict).`,
    rates: out,
  };
}

// Run alone: node bench/cluster.mjs [rate] [seconds] — exits 1 when the run is not valid.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runCluster({ rates: [Number(process.argv[2] ?? 5000)], seconds: Number(process.argv[3] ?? 5) });
  process.exit(r.rates.every((x) => x.valid) ? 0 : 1);
}
