// `npm run bench`: every benchmark in one bounded run on loopback, each figure beside its reference measured
// in the same run. Prints a table per section and writes bench/results.json (see BENCHMARKS.md).
//   node bench/run.mjs [--only weight,capacity,relay,cluster,join,guest,chat,mesh,reliability] [--no-build]
// `reliability` (recovery and detection times, ~5 min, needs root for a network namespace) runs only when named.
// With --only, the other sections of an existing results.json are kept (each section has its own date).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from '../test/support/chromium.mjs';
import { runCluster } from './cluster.mjs';
import { runJoins } from './joins.mjs';
import { runCapacity, runRelay } from './server.mjs';
import { mmm, printTable } from './lib/stats.mjs';
import { runWeight } from './weight.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench/results.json');
const SECTIONS = ['weight', 'capacity', 'relay', 'cluster', 'join', 'guest', 'chat', 'mesh'];
/** Sections that run only when asked for with --only (they would push the default run past 10 minutes). */
const OPTIONAL = ['reliability'];
// Each browser benchmark runs in a fresh browser; the mesh floor and the widget mesh in two, one after the other.
const BROWSER_RUNS = {
  join: [['bench/join-latency.bench.ts', 'joinLatency']],
  guest: [['bench/guest.bench.ts', 'guest']],
  chat: [['bench/chat.bench.ts', 'chat']],
  mesh: [['bench/mesh-floor.bench.ts', 'meshFloor'], ['bench/mesh.bench.ts', 'meshWidget']],
  reliability: [['bench/reliability.bench.ts', 'reliability']],
};
const BROWSER_KEYS = { join: 'joinLatency', guest: 'guest', chat: 'chat', mesh: 'mesh', reliability: 'reliability' };
const BROWSER_RUN_LIMIT_MS = 4 * 60_000;
/** The opt-in reliability section waits out real outages (a server down 10 s five times, cut networks). */
const RELIABILITY_RUN_LIMIT_MS = 12 * 60_000;

const args = process.argv.slice(2);
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : args[args.indexOf(onlyArg) + 1]).split(',') : SECTIONS;
for (const s of only) if (![...SECTIONS, ...OPTIONAL].includes(s)) throw new Error(`unknown section "${s}" (sections: ${[...SECTIONS, ...OPTIONAL].join(', ')})`);

function machine() {
  const chromium = (() => {
    try {
      return execFileSync(chromiumPath(), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch (error) {
      return `unknown (${error.message.split('\n')[0]})`;
    }
  })();
  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  })();
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium,
    openFileLimit: (() => {
      try {
        return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
      } catch {
        return null;
      }
    })(),
    commit,
    date: new Date().toISOString(),
  };
}

const load1 = () => Math.round(loadavg()[0] * 100) / 100;

function runBrowserFile(file, key) {
  const limit = key === 'reliability' ? RELIABILITY_RUN_LIMIT_MS : BROWSER_RUN_LIMIT_MS;
  const out = join(mkdtempSync(join(tmpdir(), 'vcw-bench-')), 'browser.json');
  const bin = join(ROOT, 'node_modules/.bin/web-test-runner');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--config', 'bench/web-test-runner.bench.mjs'], {
      cwd: ROOT,
      env: { ...process.env, VCW_BENCH_FILES: file, VCW_BENCH_OUT: out },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => {
      console.error(`${file}: web-test-runner ran over ${limit / 60_000} min, stopping it (pid ${child.pid})`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, limit);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      let data = null;
      try {
        data = JSON.parse(readFileSync(out, 'utf8'))[key] ?? null;
      } catch {
        /* no result recorded */
      }
      rmSync(join(out, '..'), { recursive: true, force: true });
      if (!data) reject(new Error(`${file}: the browser benchmark recorded no result (exit ${code})`));
      else resolve(data);
    });
  });
}

async function runBrowserBench(section) {
  const parts = {};
  for (const [file, key] of BROWSER_RUNS[section]) parts[key] = await runBrowserFile(file, key);
  if (section !== 'mesh') return parts[BROWSER_RUNS[section][0][1]];
  const { meshFloor: f, meshWidget: w } = parts;
  const r = (a, b) => Math.round((a / b) * 100) / 100;
  return {
    people: w.people,
    method: 'Each in a fresh headless Chromium, floor first: load the page and the widget bundle, 5 s idle, then the call held 30 s. CPU% = CPU seconds of all Chromium processes / wall seconds × 100 (one core = 100%); PSS = proportional set size summed over the processes at the end; RSS sum double-counts shared pages.',
    idle: { floorRun: f.idle, widgetRun: w.idle },
    floor: f.floor,
    widget: w.widget,
    videosPlaying: w.videosPlaying,
    cpuRatio: r(w.widget.cpuPercent, f.floor.cpuPercent),
    memoryRatio: r(w.widget.pssMiB, f.floor.pssMiB),
    memoryAboveIdleRatio: r(w.widget.pssMiB - w.idle.pssMiB, f.floor.pssMiB - f.idle.pssMiB),
  };
}

const ms = (s) => mmm(s, 0, ' ms');

function printBrowser(section, r) {
  if (section === 'join') {
    printTable(`Join latency: click Join → first remote video frame (two widgets on loopback; n=${r.widget.n})`, ['what', 'median (min–max)', 'ratio to floor', 'goal'], [
      ['widget', ms(r.widget), `${r.ratio}×`, `≤ ${r.goalRatio}×`],
      ['floor: two raw RTCPeerConnections, in the page the widget joins from', ms(r.floor), '1×', ''],
      ...(r.floorIdle ? [['floor in an idle page (the widget against it)', ms(r.floorIdle), `${r.ratioIdle}×`, '']] : []),
    ]);
  } else if (section === 'guest') {
    const u = r.untouched;
    printTable(`An untouched two-line embed over ${u.windowMs / 1000} s`, ['JS bytes (gzip -9)', 'JS files', 'requests', 'WebSockets', 'getUserMedia', 'enumerateDevices'], [
      [u.jsBytes, u.jsFiles.length, u.requests, u.sockets, u.getUserMedia, u.enumerateDevices],
    ]);
    printTable(`Guest join: pointer rests ${r.join.restMs} ms on the widget, click Join → first remote frame (camera asked after the click; n=${r.join.widget.n})`, ['what', 'median (min–max)', 'ratio to floor', 'goal'], [
      ['guest (preview="click", intent prefetch)', ms(r.join.widget), `${r.join.ratio}×`, `≤ ${r.join.goalRatio}×`],
      ['floor: two raw RTCPeerConnections, one page', ms(r.join.floor), '1×', ''],
    ]);
  } else if (section === 'chat') {
    printTable(`Chat between 3 peers (round trip n=${r.roundTripMs.widget.n}, bursts n=${r.messagesPerSecond.widget.n})`, ['what', 'widget', 'floor (raw RTCDataChannel mesh)', 'ratio'], [
      ['round trip A→B→A', ms(r.roundTripMs.widget), ms(r.roundTripMs.floor), `${r.roundTripMs.ratio}×`],
      ['fan-out A→B and C', ms(r.fanOutMs.widget), '', ''],
      [`messages/s (${r.messagesPerSecond.burst})`, mmm(r.messagesPerSecond.widget, 0), mmm(r.messagesPerSecond.floor, 0), `${r.messagesPerSecond.ratio}×`],
      ...(r.signedPerSecond ? [['messages/s until their signatures arrived too', mmm(r.signedPerSecond.widget, 0), '', `${r.signedPerSecond.ratio}×`]] : []),
      [`file throughput, MB/s (${r.fileThroughput.widget.n} runs)`, mmm(r.fileThroughput.widget, 1), mmm(r.fileThroughput.floor, 1), `${r.fileThroughput.ratio}×`],
      ...(r.signing ? [['signing per message, µs: sign / verify', `${mmm(r.signing.signUs, 0)} / ${mmm(r.signing.verifyUs, 0)}`, '', '']] : []),
    ]);
  } else if (section === 'mesh') {
    const row = (what, x) => [what, x.seconds, x.cpuPercent, x.cpuSeconds, x.pssMiB, x.rssSumMiB, x.processes];
    printTable(`Mesh cost: one headless Chromium, ${r.people} people in one page (CPU% of one core, summed over processes)`, ['what', 's', 'CPU%', 'CPU s', 'PSS MiB', 'RSS sum MiB', 'procs'], [
      row('page idle (no call), floor run', r.idle.floorRun),
      row('page idle (no call), widget run', r.idle.widgetRun),
      row(`floor: raw ${r.people}-way RTCPeerConnection mesh`, r.floor),
      row(`widget: ${r.people} widgets in one call`, r.widget),
    ]);
    console.log(`ratio widget/floor: CPU ${r.cpuRatio}×, PSS ${r.memoryRatio}× (above the idle page: ${r.memoryAboveIdleRatio}×)`);
  } else if (section === 'reliability') {
    const row = (what, x, goal) => [what, `${x.n}`, ms(x), goal];
    printTable('Reliability: detection and recovery (real Chromium, real server; the far browser in a network namespace)', ['what', 'n', 'median (min–max)', 'goal'], [
      row('server killed: "reconnecting" shown', r.restartReconnectingShownMs, '< 2,000 ms'),
      row('server back after 10 s down: registered again', r.restartRegisteredAfterBackMs, '< 5,000 ms'),
      row('leave(): tile gone at the other side', r.leaveNoticedMs, '< 1,000 ms'),
      row('page gone without leave() (pagehide bye)', r.closedPageNoticedMs, '< 3,000 ms'),
      row('browser killed', r.killedBrowserNoticedMs, '< 10,000 ms'),
      row('network cut (signaling too)', r.cutNetworkNoticedMs, '< 10,000 ms'),
      row('media cut: tile shows reconnecting', r.mediaOutageReconnectingShownMs, ''),
      row('short media outage: same call again after the path is back', r.mediaOutageRecoveredMs, ''),
      row('lasting media failure: re-dial after the cut', r.mediaFailureRedialAfterCutMs, ''),
      row('lasting media failure: connected after the path is back', r.mediaFailureConnectedAfterPathBackMs, ''),
    ]);
  }
}

/** Which goals hold, from whatever sections are present. */
function goals(results) {
  const out = [];
  const w = results.weight;
  if (w) {
    out.push({ goal: 'pre-join JavaScript ≤ 12,000 B gzip', value: `${w.prejoin.bytes} B`, met: w.prejoin.withinBudget });
    out.push({ goal: 'in-call JavaScript ≤ 40,000 B gzip (biggest language)', value: `${w.inCall.bytes} B`, met: w.inCall.withinGoal });
    if (w.inCallEnglish) out.push({ goal: 'in-call JavaScript ≤ 40,000 B gzip (English page)', value: `${w.inCallEnglish.bytes} B`, met: w.inCallEnglish.withinGoal });
  }
  const j = results.joinLatency;
  if (j) out.push({ goal: 'join → first remote frame ≤ 1.2× raw floor', value: `${j.ratio}×`, met: j.ratio <= 1.2 });
  const g = results.guest;
  if (g) {
    out.push({ goal: 'untouched embed: ≤ 12,000 B gzip JavaScript in 10 s', value: `${g.untouched.jsBytes} B`, met: g.untouched.jsBytes <= 12_000 });
    out.push({ goal: 'untouched embed: no WebSocket, no device call', value: `${g.untouched.sockets} sockets, ${g.untouched.getUserMedia + g.untouched.enumerateDevices} device calls`, met: g.untouched.sockets + g.untouched.getUserMedia + g.untouched.enumerateDevices === 0 });
    out.push({ goal: 'guest join after intent ≤ 1.2× raw floor', value: `${g.join.ratio}×`, met: g.join.ratio <= 1.2 });
  }
  const c = results.capacity;
  if (c) {
    for (const x of c.ratios) out.push({ goal: `memory per client ≤ 1.2× stock at ${x.clients} clients`, value: `${x.memoryRatio}×`, met: x.memoryRatio <= 1.2 });
    out.push({ goal: `join p99 < 50 ms at ${c.ours.join.rate} joins/s (POST + WebSocket → OPEN)`, value: `${c.ours.join.totalMs.p99} ms`, met: c.ours.join.totalMs.p99 < 50 && c.ours.join.failed === 0 });
  }
  const rel = results.reliability;
  if (rel) {
    out.push({ goal: 'server back → registered again < 5 s', value: `${rel.restartRegisteredAfterBackMs.max} ms max`, met: rel.restartRegisteredAfterBackMs.max < 5000 });
    out.push({ goal: 'leave() noticed < 1 s', value: `${rel.leaveNoticedMs.max} ms max`, met: rel.leaveNoticedMs.max < 1000 });
    out.push({ goal: 'closed page noticed < 3 s', value: `${rel.closedPageNoticedMs.max} ms max`, met: rel.closedPageNoticedMs.max < 3000 });
    out.push({ goal: 'killed browser / cut network noticed < 10 s', value: `${Math.max(rel.killedBrowserNoticedMs.max, rel.cutNetworkNoticedMs.max)} ms max`, met: Math.max(rel.killedBrowserNoticedMs.max, rel.cutNetworkNoticedMs.max) < 10_000 });
  }
  const r = results.relay;
  if (r) {
    for (const x of r.rates) out.push({ goal: `room check costs < 20% CPU per relayed message at ${x.offeredPerSecond} msg/s`, value: `${x.cpuPerMessageRatio}×`, met: x.cpuPerMessageRatio < 1.2 });
  }
  return out;
}

const started = Date.now();
let previous = {};
if (onlyArg && existsSync(RESULTS)) {
  try {
    previous = JSON.parse(readFileSync(RESULTS, 'utf8'));
  } catch {
    previous = {};
  }
}
const results = { ...previous, machine: machine(), sections: { ...(previous.sections ?? {}) } };
const stamp = (name) => (results.sections[name] = { date: new Date().toISOString(), load1AtStart: load1() });

if (!args.includes('--no-build')) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
console.log(`video-call-widget benchmarks — ${results.machine.cpuModel}, ${results.machine.cores} cores, node ${results.machine.node}, ${results.machine.chromium}; load average ${load1()}`);

const failures = [];
for (const section of only) {
  const t0 = Date.now();
  try {
    stamp(section);
    if (section === 'weight') results.weight = runWeight();
    else if (section === 'capacity') results.capacity = await runCapacity();
    else if (section === 'relay') results.relay = await runRelay();
    else if (section === 'cluster') {
      results.cluster = await runCluster();
      // Joins/s at saturation, one instance against two pinned to their own CPUs (bench/joins.mjs).
      results.cluster.joins = await runJoins();
      // A run the load process could not offer is no figure (see bench/cluster.mjs).
      if (!results.cluster.rates.every((r) => r.valid)) throw new Error('the load process could not offer the rate (a busy machine): no valid figures');
    }
    else {
      const data = await runBrowserBench(section);
      results[BROWSER_KEYS[section]] = data;
      printBrowser(section, data);
    }
  } catch (error) {
    failures.push(section);
    console.error(`\n${section} FAILED: ${error.stack ?? error}`);
  }
  results.sections[section].seconds = Math.round((Date.now() - t0) / 1000);
}

results.goals = goals(results);
// A partial run (--only) keeps the full run's wall time and records its own beside it.
if (onlyArg) results.partialRun = { sections: only, wallSeconds: Math.round((Date.now() - started) / 1000), date: results.machine.date };
else {
  results.wallSeconds = Math.round((Date.now() - started) / 1000);
  delete results.partialRun;
}
writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
printTable('Goals', ['goal', 'measured', 'met'], results.goals.map((g) => [g.goal, g.value, g.met ? 'yes' : 'NO']));
console.log(`\nwrote ${RESULTS} (${Math.round((Date.now() - started) / 1000)} s${failures.length ? `; failed: ${failures.join(', ')}` : ''})`);
process.exit(failures.length ? 1 : 0);
