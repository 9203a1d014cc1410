// Print bench/results.json as Markdown (the "Latest results" part of BENCHMARKS.md): node bench/report.mjs
import { readFileSync } from 'node:fs';

const r = JSON.parse(readFileSync(new URL('results.json', import.meta.url), 'utf8'));
const out = [];
const table = (header, rows) => {
  out.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
  for (const row of rows) out.push(`| ${row.map((c) => (c === null || c === undefined ? '–' : String(c))).join(' | ')} |`);
  out.push('');
};
const mmm = (s, unit = '', d = 0) => (s ? `${s.median.toFixed(d)}${unit} (${s.min.toFixed(d)}–${s.max.toFixed(d)})` : 'n/a');
const load = (name) => (r.sections?.[name] ? ` — load average ${r.sections[name].load1AtStart} at start` : '');

const m = r.machine;
out.push(`Last written ${m.date.slice(0, 16).replace("T", " ")} UTC on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.chromium}, open-file limit ${m.openFileLimit}, commit ${m.commit}; whole run ${r.wallSeconds} s.`, '');
if (r.partialRun) out.push(`Measured again on their own afterwards: ${r.partialRun.sections.join(', ')} (${r.partialRun.wallSeconds} s); each section's date and load average are in results.json.`, '');

if (r.weight) {
  const w = r.weight;
  out.push('### 1. Embed weight (gzip -9 bytes)', '');
  table(['what', 'bytes', 'budget', 'reference'], [
    ['JavaScript loaded before Join', w.prejoin.bytes, w.prejoin.budget, "Whereby's iframe wrapper ≈ 10,000 (quoted)"],
    ['everything needed to be in a call (UI in the biggest translated language)', w.inCall.bytes, w.inCall.budget, `peerjs.min.js alone ${w.reference.peerjsMinJs.bytes} (measured, ratio ${w.ratios.inCallToPeerjs}×); daily-js ≈ 68,000 (quoted)`],
    ...(w.inCallEnglish ? [['everything needed to be in a call (English page)', w.inCallEnglish.bytes, w.inCallEnglish.goal, '']] : []),
  ]);
}
if (r.joinLatency) {
  const j = r.joinLatency;
  out.push(`### 2. Join latency (ms, n=${j.widget.n}, median (min–max))${load('join')}`, '');
  table(['click Join → first remote frame', 'ms', 'ratio'], [
    ['two widgets on loopback', mmm(j.widget), `${j.ratio}×`],
    ['floor: two raw RTCPeerConnections, in the page the widget joins from', mmm(j.floor), '1×'],
    ...(j.floorIdle ? [['floor in an idle page (the widget against it)', mmm(j.floorIdle), `${j.ratioIdle}×`]] : []),
  ]);
}
if (r.guest) {
  const { untouched: u, join: j } = r.guest;
  out.push(`### 2b. A guest on any page (an untouched two-line embed over ${u.windowMs / 1000} s; a guest join after intent)${load('guest')}`, '');
  table(['untouched page', 'JS bytes gzip', 'JS files', 'requests', 'WebSockets', 'getUserMedia', 'enumerateDevices'], [
    ['two-line embed, nobody touches it', u.jsBytes, u.jsFiles.length, u.requests, u.sockets, u.getUserMedia, u.enumerateDevices],
  ]);
  table([`pointer rests ${j.restMs} ms, click Join → first remote frame (n=${j.widget.n})`, 'ms', 'ratio'], [
    ['guest: preview="click", call chunk fetched on intent, camera asked after the click', mmm(j.widget), `${j.ratio}×`],
    ['floor: two raw RTCPeerConnections in one page', mmm(j.floor), '1×'],
  ]);
}
if (r.capacity) {
  const c = r.capacity;
  out.push(`### 3. Server capacity (stock PeerServer / ours, same run)${load('capacity')}`, '');
  table(['clients', 'RSS MiB', 'RSS KiB/client', 'after full GC: RSS KiB/client', 'ratio', 'V8 heap KiB/client', 'ratio', 'connects/s', 'server CPU ms per connect', 'idle CPU %'], c.ratios.map((x, i) => {
    const s = c.stock.steps[i];
    const o = c.ours.steps[i];
    return [x.clients, `${s.rssMiB} / ${o.rssMiB}`, `${s.kibPerClient} / ${o.kibPerClient}`, `${s.afterGc.kibPerClient} / ${o.afterGc.kibPerClient}`, `**${x.memoryRatio}×**`, `${s.afterGc.heapKiBPerClient} / ${o.afterGc.heapKiBPerClient}`, `${x.heapRatio}×`, `${s.connectsPerSecond} / ${o.connectsPerSecond}`, `${s.cpuMsPerConnect} / ${o.cpuMsPerConnect}`, `${s.idleCpuPercent} / ${o.idleCpuPercent}`];
  }));
  const jl = (x) => (x ? `${x.p50} / ${x.p99} / ${x.max}` : 'n/a');
  table([`${c.ours.join.rate} joins/s for ${c.ours.join.seconds} s, ${c.ours.join.heldClients} clients held`, 'p50 / p99 / max ms', 'n', 'achieved/s', 'failed', 'server CPU %'], [
    ['stock: WebSocket → OPEN', jl(c.stock.join.totalMs), c.stock.join.totalMs.n, c.stock.join.achievedPerSecond, c.stock.join.failed, c.stock.join.serverCpuPercent],
    ['ours: POST join', jl(c.ours.join.postMs), c.ours.join.postMs?.n, '', '', ''],
    ['ours: POST join + WebSocket → OPEN', jl(c.ours.join.totalMs), c.ours.join.totalMs.n, c.ours.join.achievedPerSecond, c.ours.join.failed, c.ours.join.serverCpuPercent],
  ]);
}
if (r.relay) {
  out.push(`### 4. Relay under load (${r.relay.rates[0]?.stock.reps} runs × ${r.relay.rates[0]?.seconds} s per server and rate)${load('relay')}`, '');
  table(['offered msg/s', 'server', 'delivered/s', 'lost', 'p50 ms', 'p99 ms', 'server CPU %', 'µs CPU per message', 'ratio'], r.relay.rates.flatMap((x) => [
    [x.offeredPerSecond, 'stock', x.stock.deliveredPerSecond, x.stock.lost, x.stock.latencyMs.p50, x.stock.latencyMs.p99, x.stock.serverCpuPercent, mmm(x.stock.serverCpuMicrosPerMessage, '', 1), ''],
    [x.offeredPerSecond, 'ours', x.ours.deliveredPerSecond, x.ours.lost, x.ours.latencyMs.p50, x.ours.latencyMs.p99, x.ours.serverCpuPercent, mmm(x.ours.serverCpuMicrosPerMessage, '', 1), `**${x.cpuPerMessageRatio}×**`],
  ]));
}
if (r.cluster) {
  const valid = r.cluster.rates.every((x) => x.valid);
  out.push(`### 4b. Shared mode relay (${r.cluster.rates[0]?.pairs} pairs, ${r.cluster.rates[0]?.seconds} s per setup and rate)${load('cluster')}${valid ? '' : ' — not a valid run (the load process could not offer the rate)'}`, '');
  const f = (v) => (typeof v === 'number' ? v.toFixed(2) : v);
  table(['offered msg/s', 'setup', 'sent', 'delivered', 'p50 ms', 'p99 ms', 'p99 ratio', 'CPU µs per message', 'CPU ratio'], r.cluster.rates.flatMap((x) =>
    x.setups.map((s) => [x.rate, s.setup, s.sent, s.delivered, f(s.p50), f(s.p99), `${s.p99Ratio}×`, s.cpuUsPerMessage.toFixed(1), `${s.cpuRatio}×`]),
  ));
  const j = r.cluster.joins;
  if (j) {
    out.push('', `Joins (POST + WebSocket → OPEN, then closed) at saturation, ${j.inFlight} in flight, ${j.seconds} s; ${j.cores} cores; load process and redis-server on CPUs ${j.loadCpus}; load average ${j.loadAtStart} → ${j.loadAtEnd}; two instances / one: **${j.ratio}×** (goal ≥ 1.7×)`, '');
    table(['setup', 'joins/s', 'failed', 'p50 ms', 'p99 ms', 'CPU % instances', 'CPU % redis', 'CPU % load', 'CPU µs per join: instances, redis, load'], j.setups.map((s) => [s.setup, s.joinsPerSecond, s.failed, f(s.p50), f(s.p99), s.cpuPercent.instances.join(' + '), s.cpuPercent.redis, s.cpuPercent.load, s.cpuUsPerJoin.join(', ')]));
  }
}
if (r.chat) {
  const c = r.chat;
  out.push(`### 5. Chat between 3 peers${load('chat')}`, '');
  table(['what', 'widget', 'floor: raw RTCDataChannel mesh', 'ratio'], [
    [`round trip A→B→A, ms (n=${c.roundTripMs.widget.n})`, mmm(c.roundTripMs.widget), mmm(c.roundTripMs.floor), `${c.roundTripMs.ratio}×`],
    [`fan-out A→B and C, ms (n=${c.fanOutMs.widget.n})`, mmm(c.fanOutMs.widget), '', ''],
    [`messages/s, ${c.messagesPerSecond.burst} (n=${c.messagesPerSecond.widget.n})`, mmm(c.messagesPerSecond.widget), mmm(c.messagesPerSecond.floor), `${c.messagesPerSecond.ratio}×`],
    ...(c.signedPerSecond ? [['messages/s until their signatures (made when the page is idle) arrived too', mmm(c.signedPerSecond.widget), '', `${c.signedPerSecond.ratio}×`]] : []),
    ...(c.signing ? [[`signing, µs per message: sign (sender) / verify (each receiver) — ${c.signing.what}`, `${mmm(c.signing.signUs, '', 0)} / ${mmm(c.signing.verifyUs, '', 0)}`, '', '']] : []),
    c.fileThroughput?.widget
      ? [`file throughput, MB/s (n=${c.fileThroughput.widget.n}): ${c.fileThroughput.what}`, mmm(c.fileThroughput.widget, '', 1), mmm(c.fileThroughput.floor, '', 1), `${c.fileThroughput.ratio}×`]
      : ['file throughput', 'n/a (not measured in this run)', 'n/a', ''],
  ]);
}
if (r.reliability) {
  const x = r.reliability;
  out.push(`### Reliability: recovery and detection times (ms, median (min–max); \`--only reliability\`)${load('reliability')}`, '');
  const rows = [
    ['server killed (SIGKILL, down 10 s): "reconnecting" shown after the kill', x.restartReconnectingShownMs],
    ['server killed: registered again after the server is back', x.restartRegisteredAfterBackMs],
    ['`leave()` → tile gone at the others', x.leaveNoticedMs],
    ['page gone without `leave()` (iframe removed) → tile gone', x.closedPageNoticedMs],
    ['browser killed (SIGKILL) → tile gone', x.killedBrowserNoticedMs],
    ['network cut (nftables drop in a namespace) → tile gone', x.cutNetworkNoticedMs],
    ['short media outage: tile shows "reconnecting" after the cut', x.mediaOutageReconnectingShownMs],
    ['short media outage: connected again after the path is back (same call)', x.mediaOutageRecoveredMs],
    ['lasting media failure: re-dial after the cut', x.mediaFailureRedialAfterCutMs],
    ['lasting media failure: connected again after the path is back (new call)', x.mediaFailureConnectedAfterPathBackMs],
  ].filter(([, s]) => s);
  table(['what', 'ms', 'n'], rows.map(([what, s]) => [what, mmm(s), s.n]));
}
if (r.mesh) {
  const x = r.mesh;
  out.push(`### 6. Mesh cost: one headless Chromium, ${x.people} people, 30 s${load('mesh')}`, '');
  const row = (what, s) => [what, s.seconds, s.cpuPercent, s.cpuSeconds, s.pssMiB, s.rssSumMiB, s.processes];
  table(['what', 's', 'CPU %', 'CPU s', 'PSS MiB', 'RSS sum MiB', 'processes'], [
    row('idle page (floor run)', x.idle.floorRun),
    row('idle page (widget run)', x.idle.widgetRun),
    row(`floor: raw ${x.people}-way RTCPeerConnection mesh`, x.floor),
    row(`${x.people} widgets in one call`, x.widget),
  ]);
  out.push(`Widget / floor: CPU ${x.cpuRatio}×, PSS ${x.memoryRatio}× (above the idle page ${x.memoryAboveIdleRatio}×).`, '');
}
if (r.goals) {
  out.push('### Goals', '');
  table(['goal', 'measured', 'met'], r.goals.map((g) => [g.goal, g.value, g.met ? 'yes' : '**no**']));
}
console.log(out.join('\n'));
