// Shared-mode relay benchmark (issue 16): the `cluster` section of `npm run bench` (5k and 20k msg/s), or on its
// own: `node bench/cluster.mjs [rate] [seconds]`.
// Relay latency (p50/p99, ms) and server CPU per relayed message (µs, every instance plus redis-server) at a fixed
// offered rate (default 5000 msg/s for 5 s), over PAIRS pairs of raw PeerJS-protocol clients, in four setups:
// one instance without Redis (the reference), one with Redis, two instances with each pair on one instance, two
// with each pair split across the instances (every message crosses Redis). Needs a build and redis-server.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MAIN, REDIS, SHARED_SECRETS, cpuOf, instance, member, sleep, startRedis } from './lib/shared-procs.mjs';

const PAIRS = 50;
const TICK_MS = 10;

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
  const redis = await startRedis();
  const shared = { REDIS_URL: redis.url, ...SHARED_SECRETS };
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
    redis.stop();
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
