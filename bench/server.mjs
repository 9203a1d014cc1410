// Server benchmarks (capacity and relay): our built server (server/dist/server/src/main.js) beside stock PeerServer
// (bench/stock-peerserver.mjs), each a child process on a free loopback port, load from a separate process
// (bench/load-client.mjs). Memory is VmRSS and CPU is utime+stime of the server's pid, read from /proc.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { cpuSeconds, freePort, rssKiB, settledRss } from './lib/proc.mjs';
import { mmm, printTable, ratio, round, summarize } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OURS = join(ROOT, 'server/dist/server/src/main.js');
const STOCK = join(ROOT, 'bench/stock-peerserver.mjs');
const LOAD = join(ROOT, 'bench/load-client.mjs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * The whole load comes from one address (127.0.0.1), so per-address limits are raised for our server; a server
 * without such limits ignores these variables. Their cost per request is still paid and measured.
 */
const PER_ADDRESS_LIMITS = { JOIN_RATE_LIMIT: '1000000', MAX_SOCKETS_PER_ADDRESS: '1000000', MESSAGE_RATE_LIMIT: '100000' };

/**
 * Extra environment for our server, e.g. to raise per-address limits for the load that comes from one
 * address: VCW_BENCH_SERVER_ENV="SOME_LIMIT=100000 OTHER=1".
 */
function extraServerEnv() {
  const out = {};
  for (const pair of (process.env.VCW_BENCH_SERVER_ENV ?? '').split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`VCW_BENCH_SERVER_ENV: "${pair}" is not NAME=value`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function httpGet(port, path) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/** Start one server kind; resolves { kind, pid, port, stop() } once it answers HTTP (deadline 15 s). */
export async function startServer(kind) {
  const port = await freePort();
  const stateDir = kind === 'ours' ? mkdtempSync(join(tmpdir(), 'vcw-bench-')) : null;
  const env =
    kind === 'ours'
      ? { ...process.env, MAX_PEERS: '8', LOG_LEVEL: 'warn', STATE_DIR: stateDir, ...PER_ADDRESS_LIMITS, ...extraServerEnv(), PORT: String(port), HOST: '127.0.0.1' }
      : { ...process.env, PORT: String(port) };
  // The inspector (loopback, random port) lets the bench run a full GC in either server before reading memory.
  const proc = spawn(process.execPath, ['--inspect=127.0.0.1:0', kind === 'ours' ? OURS : STOCK], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  let inspectorUrl = null;
  proc.stdout.on('data', (d) => (logs = (logs + d).slice(-4000)));
  proc.stderr.on('data', (d) => {
    logs = (logs + d).slice(-4000);
    inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(logs)?.[1] ?? null;
  });
  let exited = null;
  proc.on('exit', (code, signal) => (exited = { code, signal }));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`${kind} server exited (${exited.code ?? exited.signal}) before listening:\n${logs}`);
    if ((await httpGet(port, kind === 'ours' ? '/healthz' : '/')) !== null) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${kind} server did not answer within 15 s:\n${logs}`);
    }
    await sleep(100);
  }
  return {
    kind,
    pid: proc.pid,
    port,
    logs: () => logs,
    /** Full garbage collection (V8 low-memory notification), then { rssKiB, heapUsedKiB }. */
    gcMemory: () => gcMemory(inspectorUrl, proc.pid),
    alive: () => !exited,
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        if ((await Promise.race([gone.then(() => 'exited'), sleep(6000)])) !== 'exited') {
          proc.kill('SIGKILL');
          await Promise.race([gone, sleep(2000)]);
        }
      }
      if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Through the inspector: HeapProfiler.collectGarbage, then process.memoryUsage() and RSS from /proc. */
function gcMemory(url, pid) {
  if (!url) return Promise.reject(new Error('no inspector URL'));
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('inspector: no answer within 20 s'))), 20_000);
    let heapUsed = null;
    ws.on('error', (e) => (clearTimeout(timer), reject(e)));
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.id === 1) ws.send(JSON.stringify({ id: 2, method: 'Runtime.evaluate', params: { expression: 'process.memoryUsage().heapUsed', returnByValue: true } }));
      if (msg.id === 2) {
        heapUsed = msg.result?.result?.value ?? null;
        clearTimeout(timer);
        ws.close();
        resolve({ rssKiB: rssKiB(pid), heapUsedKiB: heapUsed === null ? null : heapUsed / 1024 });
      }
    });
  });
}

/** Fork the load generator; `call(cmd, args)` runs one of its commands (deadline per call). */
export function startLoadClient() {
  const child = fork(LOAD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  let seq = 0;
  const pending = new Map();
  child.on('message', ({ id, result, error }) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(new Error(`load client: ${error}`));
    else p.resolve(result);
  });
  child.on('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`load client exited (${code})`));
    pending.clear();
  });
  return {
    pid: child.pid,
    call(cmd, args, timeoutMs = 180_000) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`load client: ${cmd} took over ${timeoutMs / 1000} s`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        child.send({ id, cmd, args });
      });
    },
    async stop() {
      const gone = new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      try {
        await this.call('exit', {}, 5000);
      } catch {
        /* killed below */
      }
      if ((await Promise.race([gone.then(() => 'exited'), sleep(3000)])) !== 'exited') child.kill('SIGKILL');
    },
  };
}

/** CPU% (of one core) used by `pid` over `ms`. */
async function cpuPercentOver(pid, ms) {
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  await sleep(ms);
  return ((cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000)) * 100;
}

const STEPS = [1000, 5000, 10000];
/**
 * Warm-up clients, connected and closed before the baseline: enough for V8 to optimise the connection paths, so the
 * compiled code (a fixed cost of the process, ≈ 1 MB for ours) is in the baseline and not spread over the clients.
 */
const WARM_CLIENTS = 1000;
/**
 * Memory is read once every client is idle the way it stays: each has sent a HEARTBEAT (every 5 s, as PeerJS) and,
 * on ours, answered a ping (every 4 s). Read right after the connects, the clients that had not yet sent anything
 * had not yet grown their server-side receive buffers — most of stock's, whose connects are faster.
 */
const IDLE_MS = 6000;
const JOIN_RATE = 500;
const JOIN_SECONDS = 6;

async function capacityOf(kind, load, steps) {
  const server = await startServer(kind);
  try {
    const target = { kind, port: server.port };
    // Warm-up: compile the connection paths, then drop those clients, so the baseline is a warm process.
    await load.call('connect', { target, count: WARM_CLIENTS, roomPrefix: 'warm' });
    await sleep(IDLE_MS);
    await load.call('closeAll', {});
    const baseKiB = await settledRss(server.pid);
    const baseGc = await server.gcMemory();
    const rows = [];
    let heldNow = 0;
    for (const clients of steps) {
      const cpu0 = cpuSeconds(server.pid);
      const r = await load.call('connect', { target, count: clients - heldNow, window: 100, roomPrefix: `cap${clients}` });
      const connectCpuMs = ((cpuSeconds(server.pid) - cpu0) * 1000) / Math.max(1, r.ok);
      heldNow += r.ok;
      await sleep(IDLE_MS);
      const rssKiB = await settledRss(server.pid);
      const idleCpu = await cpuPercentOver(server.pid, 2000);
      const gc = await server.gcMemory();
      rows.push({
        clients,
        held: heldNow,
        failed: r.failed,
        notConnectedInTime: r.notStarted,
        errors: r.errors,
        rssMiB: round(rssKiB / 1024, 1),
        kibPerClient: round((rssKiB - baseKiB) / heldNow, 2),
        afterGc: {
          rssMiB: round(gc.rssKiB / 1024, 1),
          kibPerClient: round((gc.rssKiB - baseGc.rssKiB) / heldNow, 2),
          heapMiB: round(gc.heapUsedKiB / 1024, 1),
          heapKiBPerClient: round((gc.heapUsedKiB - baseGc.heapUsedKiB) / heldNow, 2),
        },
        connectsPerSecond: Math.round(r.perSecond),
        cpuMsPerConnect: round(connectCpuMs, 3),
        idleCpuPercent: round(idleCpu, 1),
      });
    }
    // Joins at a steady rate while the last step's clients stay connected (and heartbeat).
    const joinCpu0 = cpuSeconds(server.pid);
    const j = await load.call('joinRate', { target, rate: JOIN_RATE, seconds: JOIN_SECONDS, roomPrefix: 'joinrate' });
    const joinCpuSeconds = cpuSeconds(server.pid) - joinCpu0;
    const joinResult = {
      rate: JOIN_RATE,
      seconds: JOIN_SECONDS,
      heldClients: heldNow,
      launched: j.launched,
      ok: j.ok,
      failed: j.failed,
      errors: j.errors,
      achievedPerSecond: round(j.ok / j.seconds, 0),
      serverCpuPercent: round((joinCpuSeconds / j.seconds) * 100, 1),
      totalMs: roundSummary(summarize(j.total), 2),
      postMs: j.post.length ? roundSummary(summarize(j.post), 2) : null,
    };
    await load.call('closeAll', {});
    if (!server.alive()) throw new Error(`${kind} server died during the capacity run:\n${server.logs()}`);
    return { baselineMiB: round(baseKiB / 1024, 1), baselineAfterGc: { rssMiB: round(baseGc.rssKiB / 1024, 1), heapMiB: round(baseGc.heapUsedKiB / 1024, 1) }, steps: rows, join: joinResult };
  } finally {
    await server.stop();
  }
}

const roundSummary = (s, d) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'n' ? v : round(v, d)]));

/** Section 3: concurrent clients held, memory per client, connects/s, joins under load. */
export async function runCapacity({ steps = STEPS } = {}) {
  const load = startLoadClient();
  try {
    const stock = await capacityOf('stock', load, steps);
    const ours = await capacityOf('ours', load, steps);
    const rows = steps.map((clients, i) => {
      const s = stock.steps[i];
      const o = ours.steps[i];
      return {
        clients,
        memoryRatio: ratio(o.afterGc.kibPerClient, s.afterGc.kibPerClient),
        heapRatio: ratio(o.afterGc.heapKiBPerClient, s.afterGc.heapKiBPerClient),
        rssNoGcRatio: ratio(o.kibPerClient, s.kibPerClient),
        connectsRatio: ratio(o.connectsPerSecond, s.connectsPerSecond),
      };
    });
    const result = {
      method:
        `Clients are PeerJS-protocol WebSockets from one separate load process. Ours: POST /api/rooms/{room}/join (8 per room) then the WebSocket; stock: the WebSocket with a random id. Connected = OPEN received. Warm-up: ${WARM_CLIENTS} clients connected and closed before the baseline. Memory is read ${IDLE_MS / 1000} s after a step's connects (every client has sent a heartbeat and answered a ping). Memory per client = (RSS with the clients held − RSS of the warm idle process) / clients, read twice: as it stands once RSS settles, and right after a full GC in the server (V8 low-memory notification through the inspector), which drops floating garbage; the goal uses the after-GC figure. Heap = V8 heapUsed after the same GC. Join = ours POST + WebSocket until OPEN; stock WebSocket until OPEN; open-loop at the rate while the largest step stays connected. Server CPU (utime+stime from /proc) per connect and during the joins.`,
      stock,
      ours,
      ratios: rows,
    };
    printCapacity(result);
    return result;
  } finally {
    await load.stop();
  }
}

function printCapacity(r) {
  printTable(
    'Server capacity (held clients; s = stock PeerServer, o = ours, same run; RSS from /proc)',
    ['clients', 'RSS MiB s/o', 'KiB/client s/o', 'after GC: RSS KiB/client s/o', 'ratio', 'heap KiB/client s/o', 'ratio', 'conn/s s/o', 'CPU ms/conn s/o', 'idle CPU% s/o', 'not held s/o'],
    r.ratios.map((x, i) => {
      const s = r.stock.steps[i];
      const o = r.ours.steps[i];
      return [x.clients, `${s.rssMiB} / ${o.rssMiB}`, `${s.kibPerClient} / ${o.kibPerClient}`, `${s.afterGc.kibPerClient} / ${o.afterGc.kibPerClient}`, `${x.memoryRatio}×`, `${s.afterGc.heapKiBPerClient} / ${o.afterGc.heapKiBPerClient}`, `${x.heapRatio}×`, `${s.connectsPerSecond} / ${o.connectsPerSecond}`, `${s.cpuMsPerConnect} / ${o.cpuMsPerConnect}`, `${s.idleCpuPercent} / ${o.idleCpuPercent}`, `${s.failed + s.notConnectedInTime}/${o.failed + o.notConnectedInTime}`];
    }),
  );
  const j = (x) => `p50 ${x.p50} ms, p99 ${x.p99} ms, max ${x.max} ms (n=${x.n})`;
  printTable(
    `Join under load (${r.ours.join.rate} joins/s for ${r.ours.join.seconds} s while ${r.ours.join.heldClients} clients stay connected)`,
    ['server', 'what is timed', 'latency', 'achieved/s', 'failed', 'server CPU%'],
    [
      ['stock', 'WebSocket → OPEN', j(r.stock.join.totalMs), r.stock.join.achievedPerSecond, r.stock.join.failed, r.stock.join.serverCpuPercent],
      ['ours', 'POST join', j(r.ours.join.postMs), '', '', ''],
      ['ours', 'POST join + WebSocket → OPEN', j(r.ours.join.totalMs), r.ours.join.achievedPerSecond, r.ours.join.failed, r.ours.join.serverCpuPercent],
    ],
  );
  for (const kind of ['stock', 'ours']) {
    const errors = [...r[kind].steps.map((s) => s.errors), r[kind].join.errors].flatMap((e) => Object.entries(e));
    if (errors.length) console.log(`${kind} errors: ${errors.map(([k, v]) => `${v}× ${k}`).join('; ')}`);
  }
}

const RATES = [5000, 20000];
const REPS = 3;
const RELAY_SECONDS = 4;
const PAIRS = 100;

/** Section 4: relay throughput and latency at fixed offered rates; CPU per relayed message. */
export async function runRelay({ rates = RATES, reps = REPS, seconds = RELAY_SECONDS } = {}) {
  const load = startLoadClient();
  const servers = {};
  try {
    for (const kind of ['stock', 'ours']) {
      servers[kind] = await startServer(kind);
      await load.call('relaySetup', { target: { kind, port: servers[kind].port }, pairs: PAIRS, roomPrefix: 'relay' });
    }
    let run = 0;
    const out = [];
    for (const rate of rates) {
      const runs = { stock: [], ours: [] };
      for (let rep = 0; rep < reps; rep++) {
        // Alternate who goes first so drift in machine load hits both alike.
        for (const kind of rep % 2 === 0 ? ['stock', 'ours'] : ['ours', 'stock']) {
          const pid = servers[kind].pid;
          const c0 = cpuSeconds(pid);
          const r = await load.call('relay', { kind, rate, seconds, run: ++run });
          const cpu = cpuSeconds(pid) - c0;
          runs[kind].push({ ...r, serverCpuSeconds: cpu });
        }
      }
      const agg = (list) => {
        const latencies = list.flatMap((r) => r.latencies);
        const sent = list.reduce((a, r) => a + r.sent, 0);
        const received = list.reduce((a, r) => a + r.received, 0);
        const cpuPerMsg = summarize(list.map((r) => (r.serverCpuSeconds * 1e6) / Math.max(1, r.received)));
        return {
          reps: list.length,
          sent,
          received,
          lost: sent - received,
          deliveredPerSecond: round(summarize(list.map((r) => r.received / r.seconds)).median, 0),
          latencyMs: roundSummary(summarize(latencies), 2),
          serverCpuPercent: round(summarize(list.map((r) => (r.serverCpuSeconds / r.seconds) * 100)).median, 1),
          serverCpuMicrosPerMessage: roundSummary(cpuPerMsg, 1),
          loadClientCpuPercent: round(summarize(list.map((r) => r.clientCpuPercent)).median, 0),
        };
      };
      const stock = agg(runs.stock);
      const ours = agg(runs.ours);
      out.push({
        offeredPerSecond: rate,
        seconds,
        stock,
        ours,
        cpuPerMessageRatio: ratio(ours.serverCpuMicrosPerMessage.median, stock.serverCpuMicrosPerMessage.median),
        p50Ratio: ratio(ours.latencyMs.p50, stock.latencyMs.p50),
        p99Ratio: ratio(ours.latencyMs.p99, stock.latencyMs.p99),
      });
    }
    for (const kind of ['stock', 'ours']) if (!servers[kind].alive()) throw new Error(`${kind} server died during the relay run`);
    const result = {
      method: `${PAIRS} pairs of signaling clients (ours: 4 pairs per room) send CANDIDATE (~0.35 KB) and every 10th an OFFER (~3.5 KB) to their partner at a fixed offered rate for ${seconds} s, ${reps} runs per server alternating; latency = send → arrival at the partner (same process clock); CPU = server utime+stime / messages delivered.`,
      rates: out,
    };
    printRelay(result);
    return result;
  } finally {
    await load.stop();
    for (const s of Object.values(servers)) await s.stop();
  }
}

function printRelay(r) {
  printTable(
    'Relay under load (ours vs stock PeerServer, same run; latency pooled over runs, CPU median of runs)',
    ['offered/s', 'server', 'delivered/s', 'lost', 'p50 ms', 'p99 ms', 'max ms', 'server CPU%', 'µs CPU/msg (min–max)', 'ratio', 'load CPU%'],
    r.rates.flatMap((x) => [
      [x.offeredPerSecond, 'stock', x.stock.deliveredPerSecond, x.stock.lost, x.stock.latencyMs.p50, x.stock.latencyMs.p99, x.stock.latencyMs.max, x.stock.serverCpuPercent, mmm(x.stock.serverCpuMicrosPerMessage, 1), '', x.stock.loadClientCpuPercent],
      [x.offeredPerSecond, 'ours', x.ours.deliveredPerSecond, x.ours.lost, x.ours.latencyMs.p50, x.ours.latencyMs.p99, x.ours.latencyMs.max, x.ours.serverCpuPercent, mmm(x.ours.serverCpuMicrosPerMessage, 1), `${x.cpuPerMessageRatio}×`, x.ours.loadClientCpuPercent],
    ]),
  );
}

// Run alone: node bench/server.mjs [capacity|relay]
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const which = process.argv[2] ?? 'all';
  if (which === 'all' || which === 'capacity') await runCapacity();
  if (which === 'all' || which === 'relay') await runRelay();
}
