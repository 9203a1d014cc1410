// Joins per second at saturation in shared mode (issue 16): one instance against two, each instance pinned to its
// own CPU with taskset. `node bench/joins.mjs [seconds] [in-flight]` (default 5 s, 64 joins in flight).
// A join = POST /api/rooms/{room}/join + the WebSocket with its ticket → OPEN; the socket is then closed (its seat
// released), so the server sees a steady churn instead of a growing crowd. Closed loop: each of the in-flight workers
// joins again as soon as its last join opened and closed, always in its own room and (two instances) always on the
// same instance (worker w on instance w mod 2) — the room affinity the load balancer gives. redis-server and this load process are not
// pinned by the script (the same in both setups; run it under taskset to pin them); on a 2-core machine they share
// the instances' cores, which the CPU figures show.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SHARED_SECRETS, TASKSET, cpuOf, instance, member, sleep, startRedis } from './lib/shared-procs.mjs';
import { percentile } from './lib/stats.mjs';

const WARMUP_MS = 1000;

async function measure(name, instances, redis, seconds, inFlight) {
  let counting = false;
  let stop = false;
  let failed = 0;
  const latencies = [];
  const worker = async (w) => {
    const target = instances[w % instances.length];
    const room = `joins-${name.replace(/\W/g, '')}-${w}`;
    while (!stop) {
      const t0 = performance.now();
      try {
        const { ws } = await member(target.port, room);
        if (counting) latencies.push(performance.now() - t0);
        await new Promise((resolve) => {
          ws.once('close', resolve);
          ws.close();
        });
      } catch {
        if (counting) failed++;
      }
    }
  };
  const running = Array.from({ length: inFlight }, (_, w) => worker(w));
  await sleep(WARMUP_MS);
  const pids = [...instances.map((s) => s.proc.pid), redis.proc.pid];
  const cpu0 = pids.map(cpuOf);
  const self0 = process.cpuUsage();
  counting = true;
  const start = performance.now();
  await sleep(seconds * 1000);
  counting = false;
  const elapsed = (performance.now() - start) / 1000;
  const cpu = pids.map((pid, i) => cpuOf(pid) - cpu0[i]);
  const self = process.cpuUsage(self0);
  stop = true;
  await Promise.all(running);
  const sorted = latencies.sort((a, b) => a - b);
  const share = (us) => Number(((us / 1e6 / elapsed) * 100).toFixed(0));
  return {
    setup: name,
    joins: latencies.length,
    failed,
    joinsPerSecond: Number((latencies.length / elapsed).toFixed(0)),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    // CPU % of one core over the window: each instance, redis-server, this load process.
    cpuPercent: { instances: cpu.slice(0, -1).map(share), redis: share(cpu.at(-1)), load: share(self.user + self.system) },
    // CPU µs per join: every instance together, redis-server, this load process (what a join costs wherever it runs).
    cpuUsPerJoin: [cpu.slice(0, -1).reduce((a, b) => a + b, 0), cpu.at(-1), self.user + self.system].map((us) => Math.round(us / Math.max(1, latencies.length))),
  };
}

export async function runJoins({ seconds = 5, inFlight = 64 } = {}) {
  if (!TASKSET) throw new Error('taskset is not installed (util-linux)');
  const cores = cpus().length;
  const loadAtStart = Number(loadavg()[0].toFixed(1));
  const redis = await startRedis();
  const env = { REDIS_URL: redis.url, ...SHARED_SECRETS, MAX_PEERS: '8' };
  const setups = [];
  const started = [];
  try {
    const one = await instance({ ...env, INSTANCE_ID: 'joins-1' }, '0');
    started.push(one);
    setups.push(await measure('one instance (CPU 0)', [one], redis, seconds, inFlight));
    const two = await instance({ ...env, INSTANCE_ID: 'joins-2' }, String(1 % cores));
    started.push(two);
    setups.push(await measure(`two instances (CPU 0 and ${1 % cores})`, [one, two], redis, seconds, inFlight));
  } finally {
    for (const s of started) s.stop();
    redis.stop();
  }
  // Where this process (and redis-server, its child) may run: all CPUs unless started under taskset.
  const loadCpus = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'all';
  const result = { seconds, inFlight, cores, loadCpus, loadAtStart, loadAtEnd: Number(loadavg()[0].toFixed(1)), setups, ratio: Number((setups[1].joinsPerSecond / setups[0].joinsPerSecond).toFixed(2)) };
  console.log(`\nJoins (POST + WebSocket → OPEN, then closed) at saturation, ${inFlight} in flight, ${seconds} s; ${cores} cores; load average ${loadAtStart} at start, ${result.loadAtEnd} at end`);
  console.log(`redis-server and the load process on CPUs ${result.loadCpus} (not pinned by this script; \`taskset -c 1 node bench/joins.mjs\` puts both on CPU 1); CPU % of one core over the window\n`);
  console.log('| setup | joins/s | joins | failed | p50 ms | p99 ms | CPU % instances | CPU % redis | CPU % load | CPU µs/join instances, redis, load |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of setups) console.log(`| ${r.setup} | ${r.joinsPerSecond} | ${r.joins} | ${r.failed} | ${r.p50?.toFixed(1)} | ${r.p99?.toFixed(1)} | ${r.cpuPercent.instances.join(' + ')} | ${r.cpuPercent.redis} | ${r.cpuPercent.load} | ${r.cpuUsPerJoin.join(', ')} |`);
  console.log(`\nTwo instances / one: ${result.ratio}× (goal ≥ 1.7×)`);
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runJoins({ seconds: Number(process.argv[2] ?? 5), inFlight: Number(process.argv[3] ?? 64) });
  process.exit(0);
}
