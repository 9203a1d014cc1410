// Load generator for the server benchmarks, forked by bench/server.mjs and driven over IPC. It holds many
// PeerJS-protocol WebSocket clients (the same frames the browser library sends) against one of two targets:
//   ours:  POST /api/rooms/{room}/join → ticket, then ws /signal/peerjs?key=vcw&id=<peerId>&token=<ticket>
//   stock: ws /peerjs?key=peerjs&id=<random>&token=<random> (stock PeerServer lets the client pick its id)
// A client counts as connected when the server's OPEN message arrives. Every wait here has a deadline.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const OP_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 5_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** @type {Array<{ ws: WebSocket, kind: string }>} */
let held = [];
const relayPairs = new Map(); // kind → [[a, b], …] ({ ws, id })
let recorder = null; // active relay latency recorder
const roomCounters = new Map();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function countError(errors, error) {
  const key = String(error?.message ?? error).slice(0, 80);
  errors[key] = (errors[key] ?? 0) + 1;
}

function post(port, path, body) {
  return new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new Error(`join HTTP ${res.statusCode} ${text.slice(0, 40)}`));
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new Error('join: response is not JSON'));
          }
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(OP_TIMEOUT_MS, () => req.destroy(new Error('join: timeout')));
    req.on('error', reject);
    req.end(data);
  });
}

/** Open a signaling socket and resolve once OPEN arrives. */
function openSocket(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => fail(new Error('ws: no OPEN within 10 s')), OP_TIMEOUT_MS);
    const fail = (error) => {
      clearTimeout(timer);
      ws.removeAllListeners('message');
      ws.on('error', () => undefined);
      ws.terminate();
      reject(error);
    };
    ws.on('error', (e) => fail(new Error(`ws: ${e.message}`)));
    ws.on('unexpected-response', (_req, res) => fail(new Error(`ws upgrade HTTP ${res.statusCode}`)));
    ws.on('close', (code) => fail(new Error(`ws closed ${code} before OPEN`)));
    // Our server tells a member its ICE servers (VCW-ICE) before PeerServer's OPEN; other VCW-* notices may come too.
    ws.on('message', function first(data) {
      let msg;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return fail(new Error('ws: frame before OPEN not JSON'));
      }
      if (typeof msg.type === 'string' && msg.type.startsWith('VCW-')) return;
      ws.off('message', first);
      if (msg.type !== 'OPEN') return fail(new Error(`ws: ${msg.type} ${JSON.stringify(msg.payload ?? '').slice(0, 40)}`));
      clearTimeout(timer);
      ws.removeAllListeners('close');
      ws.removeAllListeners('unexpected-response');
      resolve(ws);
    });
  });
}

function nextRoom(prefix) {
  const n = roomCounters.get(prefix) ?? 0;
  roomCounters.set(prefix, n + 1);
  return `${prefix}-${Math.floor(n / 8)}`; // 8 = MAX_PEERS given to our server by the bench
}

/** One join: { ws, id, postMs?, totalMs }. */
async function join(target, roomPrefix) {
  const started = performance.now();
  if (target.kind === 'ours') {
    const room = nextRoom(roomPrefix);
    const grant = await post(target.port, `/api/rooms/${room}/join`, { name: 'bench' });
    const postMs = performance.now() - started;
    const ws = await openSocket(`ws://127.0.0.1:${target.port}/signal/peerjs?key=vcw&id=${grant.peerId}&token=${grant.ticket}`);
    return { ws, id: grant.peerId, postMs, totalMs: performance.now() - started };
  }
  const id = randomBytes(16).toString('hex');
  const token = randomBytes(9).toString('base64url');
  const ws = await openSocket(`ws://127.0.0.1:${target.port}/peerjs?key=peerjs&id=${id}&token=${token}`);
  return { ws, id, totalMs: performance.now() - started };
}

// Relayed messages end with `"run":<n>,"t":<ms>}}` (PeerServer keeps the payload's key order): read those
// two numbers from the raw frame instead of parsing 0.35–3.5 KB of JSON per message.
function onRelayMessage(data) {
  if (!recorder) return;
  const at = performance.now();
  const i = data.lastIndexOf('"run":');
  if (i < 0) return;
  const tail = data.toString('latin1', i + 6, data.length);
  const comma = tail.indexOf(',"t":');
  if (Number(tail.slice(0, comma)) !== recorder.run) return;
  recorder.latencies.push(at - Number.parseFloat(tail.slice(comma + 5)));
}

function hold(ws, kind) {
  ws.on('error', () => undefined);
  held.push({ ws, kind });
}

// PeerJS clients send a HEARTBEAT every 5 s; so do ours, spread evenly over the period.
let beat = 0;
const heartbeat = setInterval(() => {
  const slice = 50;
  for (let i = beat % slice; i < held.length; i += slice) {
    const { ws } = held[i];
    if (ws.readyState === WebSocket.OPEN) ws.send('{"type":"HEARTBEAT"}');
  }
  beat++;
}, HEARTBEAT_MS / 50);

const commands = {
  /** Connect `count` more clients, `window` at a time; stops starting new ones after `deadlineMs`. */
  async connect({ target, count, window = 100, roomPrefix, deadlineMs = 60_000 }) {
    const errors = {};
    let ok = 0;
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < count && performance.now() - started < deadlineMs) {
        next++;
        try {
          const { ws } = await join(target, roomPrefix);
          hold(ws, target.kind);
          ok++;
        } catch (error) {
          countError(errors, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, count) }, worker));
    const seconds = (performance.now() - started) / 1000;
    return { ok, failed: next - ok, notStarted: count - next, errors, seconds, perSecond: ok / seconds, held: held.length };
  },

  /** Open-loop joins at `rate`/s for `seconds`; each joiner leaves as soon as it is registered. */
  async joinRate({ target, rate, seconds, roomPrefix }) {
    const errors = {};
    const post = [];
    const total = [];
    const inflight = new Set();
    let launched = 0;
    let skipped = 0;
    const started = performance.now();
    await new Promise((resolve) => {
      const tick = setInterval(() => {
        const elapsed = (performance.now() - started) / 1000;
        const due = Math.min(Math.floor(rate * elapsed), Math.floor(rate * seconds));
        while (launched < due) {
          launched++;
          if (inflight.size >= 2000) {
            skipped++;
            continue;
          }
          const p = join(target, roomPrefix)
            .then((r) => {
              if (r.postMs !== undefined) post.push(r.postMs);
              total.push(r.totalMs);
              r.ws.on('error', () => undefined);
              r.ws.close();
            })
            .catch((error) => countError(errors, error))
            .finally(() => inflight.delete(p));
          inflight.add(p);
        }
        if (elapsed >= seconds) {
          clearInterval(tick);
          resolve();
        }
      }, 5);
    });
    await Promise.all(inflight); // each join has its own 10 s deadline
    const wall = (performance.now() - started) / 1000;
    return { launched, ok: total.length, failed: launched - total.length, skipped, errors, seconds: wall, post, total };
  },

  /** Connect `pairs` pairs for the relay test (ours: consecutive joins share a room of 8, so pairs do too). */
  async relaySetup({ target, pairs, roomPrefix }) {
    const list = [];
    for (let i = 0; i < pairs; i++) {
      const a = await join(target, roomPrefix);
      const b = await join(target, roomPrefix);
      for (const c of [a, b]) {
        c.ws.on('error', () => undefined);
        c.ws.on('message', onRelayMessage);
        hold(c.ws, target.kind);
      }
      list.push([a, b]);
    }
    relayPairs.set(target.kind, list);
    return { pairs: list.length };
  },

  /** Relay `rate` msg/s for `seconds` between the pairs of `kind` (both directions), measure delivery latency. */
  async relay({ kind, rate, seconds, run }) {
    const pairs = relayPairs.get(kind);
    if (!pairs) throw new Error(`no relay pairs for ${kind}`);
    recorder = { run, latencies: [] };
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    let sent = 0;
    // Frames as PeerJS sends them, built from fixed text around the destination and the send time.
    const candidate = JSON.stringify({ candidate: { candidate: `candidate:842163049 1 udp 1677729535 127.0.0.1 54321 typ host generation 0 ufrag abcd network-id 1 ${'x'.repeat(120)}`, sdpMid: '0', sdpMLineIndex: 0 }, type: 'media', connectionId: 'mc_bench0000' }).slice(0, -1);
    const sdp = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n${'a=candidate:1 1 udp 2113937151 127.0.0.1 50000 typ host generation 0\r\n'.repeat(44)}`;
    const offer = JSON.stringify({ sdp: { type: 'offer', sdp }, type: 'media', connectionId: 'mc_bench0000', metadata: {} }).slice(0, -1);
    await new Promise((resolve) => {
      const tick = setInterval(() => {
        const elapsed = (performance.now() - started) / 1000;
        const due = Math.min(Math.floor(rate * elapsed), Math.floor(rate * seconds));
        while (sent < due) {
          const [a, b] = pairs[sent % pairs.length];
          const [from, to] = (sent / pairs.length) % 2 < 1 ? [a, b] : [b, a];
          const isOffer = sent % 10 === 9;
          const msg = `{"type":"${isOffer ? 'OFFER' : 'CANDIDATE'}","dst":"${to.id}","payload":${isOffer ? offer : candidate},"run":${run},"t":${performance.now()}}}`;
          from.ws.send(msg);
          sent++;
        }
        if (elapsed >= seconds) {
          clearInterval(tick);
          resolve();
        }
      }, 5);
    });
    const sendDone = performance.now();
    const deadline = sendDone + 3000;
    while (recorder.latencies.length < sent && performance.now() < deadline) await sleep(20);
    const wall = (sendDone - started) / 1000;
    const latencies = recorder.latencies;
    recorder = null;
    const cpu = process.cpuUsage(cpu0);
    return { sent, received: latencies.length, seconds: wall, latencies, clientCpuPercent: ((cpu.user + cpu.system) / 1e4 / ((performance.now() - started) / 1000)) };
  },

  /** Close every held client (of `kind`, or all); bounded wait for the close handshakes. */
  async closeAll({ kind } = {}) {
    const closing = held.filter((h) => !kind || h.kind === kind);
    held = held.filter((h) => !closing.includes(h));
    if (kind) relayPairs.delete(kind);
    else relayPairs.clear();
    const done = closing.map(
      ({ ws }) => new Promise((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : (ws.once('close', resolve), ws.close()))),
    );
    await Promise.race([Promise.all(done), sleep(5000)]);
    for (const { ws } of closing) ws.terminate();
    return { closed: closing.length };
  },

  async exit() {
    clearInterval(heartbeat);
    agent.destroy();
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    const result = await commands[cmd](args ?? {});
    process.send({ id, result });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
