/**
 * Hostile input never takes the server down. For 20 seconds (FUZZ_MS; longer runs find more), sockets send garbage frames, floods and
 * oversized queues, raw TCP connections send broken WebSocket frames and broken HTTP, join floods come from many
 * addresses and mutated requests hit the API, signaling URLs come with repeated, odd and missing parameters, and
 * waiting visitors and a desk send hostile support-queue frames — while a legitimate pair keeps relaying OFFER/ANSWER/CANDIDATE.
 * The server's memory stays bounded (RSS sampled from /proc). Seeded: set FUZZ_SEED to replay a run.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connect as tcpConnect, type Socket } from 'node:net';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import {
  connect,
  health,
  join,
  joinOk,
  logged,
  nestedJson,
  prng,
  send,
  serve,
  waitFor,
  wsUrl,
  type Client,
  type JoinResponse,
  type Msg,
  type TestServer,
} from './helpers.js';

const FUZZ_MS = Number(process.env.FUZZ_MS ?? 20_000);
/** Hard bound on every attack loop, whatever the clock does. */
const MAX_ITERATIONS = 1_000_000;
/** The server's resident memory may grow by at most this much over the fuzz (peak), and keep at most RSS_KEPT. */
const RSS_PEAK_GROWTH = 160 * 1024 * 1024;
const RSS_KEPT = 120 * 1024 * 1024;

/** The server's memory after a full GC, through the test-only heap probe (SIGUSR2 → one JSON line on stderr). */
async function heap(server: TestServer): Promise<{ rss: number; heapUsed: number }> {
  const before = server.logs().length;
  server.proc.kill('SIGUSR2');
  return waitFor(() => {
    const line = server.logs().slice(before).split('\n').find((l) => l.startsWith('{"heapProbe"'));
    return line ? (JSON.parse(line) as { heapProbe: { rss: number; heapUsed: number } }).heapProbe : undefined;
  }, 5000, 'no heap probe answer');
}
const PROBE = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url));
/** What the V8 heap may hold beyond its start (after a full GC), during and after the attack. */
const HEAP_KEPT = 24 * 1024 * 1024;

/** Resident set size of a process, in bytes (Linux /proc). */
function rss(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}
const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const xff = (address: string) => ({ 'x-forwarded-for': address });

test(
  'malformed frames, requests and bytes never crash the server',
  { timeout: FUZZ_MS + 90_000 },
  logged(async (t) => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const rand = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const int = (n: number) => Math.floor(rand() * n);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
    const where = `(FUZZ_SEED=${seed})`;

    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    t.after(() => process.off('unhandledRejection', onRejection));

    // Behind a "proxy": every attacker gets its own address (X-Forwarded-For), the legitimate pair another.
    const server = await serve(t, { TRUST_PROXY: '1', NODE_OPTIONS: `--expose-gc --import=${PROBE}` });
    const LEGIT = xff('203.0.113.10');

    // The legitimate pair: A offers and sends a candidate, B answers with a candidate, paced like a real call.
    const a = await joinOk(server, 'legit', 'A', LEGIT);
    const ca = await connect(server, a.peerId, a.ticket, { t, headers: LEGIT });
    const b = await joinOk(server, 'legit', 'B', LEGIT);
    const cb = await connect(server, b.peerId, b.ticket, { t, headers: LEGIT });
    cb.ws.on('message', (data) => {
      let m: Msg;
      try {
        m = JSON.parse(data.toString()) as Msg;
      } catch {
        return;
      }
      if (m.type === 'OFFER' && m.src === a.peerId && cb.open) {
        cb.send({ type: 'ANSWER', dst: a.peerId, payload: m.payload });
        cb.send({ type: 'CANDIDATE', dst: a.peerId, payload: { candidate: 'candidate:2 1 udp 2122260223 127.0.0.1 50002 typ host', seq: (m.payload as { seq?: number })?.seq } });
      }
    });
    let seq = 0;
    const roundTrip = async (timeoutMs: number) => {
      const mine = ++seq;
      const from = ca.messages.length;
      ca.send({ type: 'OFFER', dst: b.peerId, payload: { seq: mine, sdp: 'v=0' } });
      ca.send({ type: 'CANDIDATE', dst: b.peerId, payload: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50001 typ host' } });
      await ca.next((m) => m.type === 'ANSWER' && m.src === b.peerId && (m.payload as { seq?: number })?.seq === mine, timeoutMs, from);
      await ca.next((m) => m.type === 'CANDIDATE' && m.src === b.peerId && (m.payload as { seq?: number })?.seq === mine, timeoutMs, from);
    };

    // Same-room attackers (may legitimately reach B) and other-room attackers (must never reach A or B).
    const sameRoom = [await joinOk(server, 'legit', 'M1', xff('198.51.100.1')), await joinOk(server, 'legit', 'M2', xff('198.51.100.2'))];
    const otherRoom = [await joinOk(server, 'evil-1', 'E1', xff('198.51.100.3')), await joinOk(server, 'evil-2', 'E2', xff('198.51.100.4'))];
    const rawSeats = [await joinOk(server, 'raw-1', 'R1', xff('198.51.100.5')), await joinOk(server, 'raw-2', 'R2', xff('198.51.100.6'))];
    const flooders = [await joinOk(server, 'flood', 'F1', xff('198.51.100.7')), await joinOk(server, 'flood', 'F2', xff('198.51.100.8'))];
    const otherIds = new Set([...otherRoom, ...rawSeats, ...flooders].map((j) => j.peerId));

    const deadline = Date.now() + FUZZ_MS;
    const running = () => Date.now() < deadline;
    const stats = {
      roundTrips: 0, frames: 0, reconnects: 0, refused: 0, rawFrames: 0, http: 0, httpAnswered: 0, tcp: 0, api: 0,
      floodFrames: 0, rateClosed: 0, queuedBytesSent: 0, ghosts: 0, hogSockets: 0, hogRefused: 0, joinFlood: 0, join429: 0,
      queries: 0, query400: 0, queryUpgraded: 0, knocks: 0, supportFrames: 0, deskFrames: 0, deskResults: 0,
    };
    /** A seat in the query attacker's room whose socket comes only at the end: the ids the attacker names are its and B's. */
    const victim = await joinOk(server, 'query-room', 'Victim', xff('203.0.113.11'));

    // Memory: sampled through the whole run.
    const pid = server.proc.pid!;
    const heapBefore = await heap(server);
    const rssBefore = rss(pid);
    let rssPeak = rssBefore;
    let heapMid: { rss: number; heapUsed: number } | undefined;
    const sampler = (async () => {
      while (running()) {
        rssPeak = Math.max(rssPeak, rss(pid));
        // Three quarters in, with every attacker busy: what the heap holds after a full GC.
        if (!heapMid && deadline - Date.now() < FUZZ_MS / 4) heapMid = await heap(server);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const hostileMessages = (targets: string[]): Array<() => string | { data: Buffer; binary: boolean }> => {
      const dst = () => pick(targets);
      const valid = () => JSON.stringify({ type: pick(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']), dst: dst(), payload: { x: int(1000) } });
      return [
        () => bytes(1 + int(512)).toString('latin1'),
        () => ({ data: bytes(1 + int(2048)), binary: true }),
        () => ({ data: Buffer.from([0xff, 0xfe, 0xfd]), binary: false }),
        () => ({ data: Buffer.from('{"type":"OFFER","dst":"\xc3\x28"}', 'latin1'), binary: false }),
        () => 'not json at all',
        () => pick(['5', 'null', '"x"', '[]', 'true', '{}', '[{"type":"OFFER"}]', '1e999', '-0', '""', '{"":""}']),
        () => JSON.stringify({ type: 123, dst: dst() }),
        () => JSON.stringify({ type: 'OFFER', dst: {} }),
        () => JSON.stringify({ type: 'OFFER', dst: [dst()] }),
        () => JSON.stringify({ type: 'OFFER', dst: dst(), payload: 'x'.repeat(20_000 + int(40_000)) }),
        () => JSON.stringify({ type: 'OFFER', dst: dst(), payload: Array.from({ length: 3000 }, () => ({})) }),
        () => `{"type":"OFFER","dst":"${dst()}","payload":${nestedJson(100 + int(6000))}}`,
        () => `{"type":${nestedJson(3000)},"dst":"${dst()}"}`,
        () => '{"type":{"toString":1},"dst":"x"}',
        () => '{"__proto__":{"type":"OFFER"},"dst":"' + dst() + '"}',
        () => JSON.stringify({ type: '__proto__', dst: dst() }),
        () => JSON.stringify({ type: 'OFFER', dst: pick(['constructor', '__proto__', 'toString', '', 'x'.repeat(5000)]) }),
        () => JSON.stringify({ type: pick(['EXPIRE', 'OPEN', 'ID-TAKEN', 'ERROR', 'VCW-LEAVE', 'HEARTBEAT', 'DROPPED']), dst: dst(), payload: {} }),
        () => JSON.stringify({ type: 'LEAVE' }),
        () => JSON.stringify({ type: 'OFFER', dst: dst(), src: a.peerId, payload: { spoof: true } }),
        () => 'x'.repeat(70 * 1024),
        () => {
          const text = valid();
          const chars = [...text];
          for (let i = 0; i < 1 + int(4); i++) chars[int(chars.length)] = String.fromCharCode(int(128));
          return chars.join('');
        },
        valid,
      ];
    };

    /** A WebSocket attacker: sends hostile frames; reconnects with its ticket whenever the server closes it. */
    const wsAttacker = async (seat: JoinResponse, targets: string[], address: string) => {
      const menu = hostileMessages(targets);
      let client: Client | undefined;
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        if (!client || client.closed) {
          if (client) stats.reconnects++;
          // No OPEN is awaited: a reconnect that races the server noticing the old socket is re-attached silently.
          client = await connect(server, seat.peerId, seat.ticket, { expectOpen: false, headers: xff(address) }).catch(() => undefined);
          if (!client) {
            stats.refused++;
            await new Promise((r) => setTimeout(r, 20));
            continue;
          }
        }
        const ws = client.ws;
        const item = pick(menu)();
        const action = int(40);
        if (ws.readyState !== WebSocket.OPEN) {
          const closing = client;
          await waitFor(() => closing.closed, 3000).catch(() => closing.ws.terminate());
          continue;
        }
        if (action === 0) ws.ping(bytes(int(100)));
        else if (action === 1) ws.pong(bytes(int(100)));
        else if (action === 2) {
          ws.send('{"type":"OFF', { fin: false });
          ws.send(`ER","dst":"${pick(targets)}"}`, { fin: true });
        } else if (action === 3) ws.close(pick([1000, 3000, 4999, 4009]));
        else if (typeof item === 'string') ws.send(item);
        else ws.send(item.data, { binary: item.binary });
        stats.frames++;
        // Let the socket drain now and then so the loop does not just fill buffers.
        if (i % 8 === 0) await new Promise((r) => setImmediate(r));
        if (ws.bufferedAmount > 1024 * 1024) await waitFor(() => ws.bufferedAmount < 256 * 1024 || ws.readyState !== WebSocket.OPEN, 3000).catch(() => {});
      }
      await client?.close();
    };

    /** Raw TCP: a genuine upgrade, then broken WebSocket framing. */
    const frame = (first: number, payload: Buffer, masked = true, lengthOverride?: Buffer) => {
      const head = [first];
      const len = payload.length;
      let lenBytes: Buffer;
      if (lengthOverride) lenBytes = lengthOverride;
      else if (len < 126) lenBytes = Buffer.from([(masked ? 0x80 : 0) | len]);
      else lenBytes = Buffer.from([(masked ? 0x80 : 0) | 126, len >> 8, len & 0xff]);
      const mask = masked ? randomBytes(4) : Buffer.alloc(0);
      const body = Buffer.from(payload.map((byte, i) => (masked ? byte ^ mask[i % 4]! : byte)));
      return Buffer.concat([Buffer.from(head), lenBytes, mask, body]);
    };
    const brokenFrames: Array<() => Buffer> = [
      () => bytes(1 + int(300)),
      () => frame(0xc1, Buffer.from('{"type":"OFFER"}')), // RSV1 without an extension
      () => frame(0xa1, Buffer.from('{}')), // RSV2
      () => frame(0x83, Buffer.from('x')), // reserved opcode
      () => frame(0x8b, Buffer.from('x')), // reserved control opcode
      () => frame(0x81, Buffer.from('{"type":"HEARTBEAT"}'), false), // unmasked client frame
      () => frame(0x81, Buffer.from([0xff, 0xfe, 0x80])), // invalid UTF-8
      () => frame(0x89, Buffer.alloc(200, 1)), // control frame > 125 bytes
      () => frame(0x09, Buffer.from('p')), // fragmented ping
      () => frame(0x80, Buffer.from('continuation with no start')),
      () => frame(0x81, Buffer.alloc(0), true, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), // 2^63 length
      () => Buffer.concat([frame(0x01, Buffer.from('{"type":')), frame(0x81, Buffer.from('"x"}'))]), // new message inside a fragment
      () => frame(0x88, Buffer.from([0x03, 0xe8, 0xff, 0xfe])), // close with bad UTF-8 reason
      () => frame(0x88, Buffer.from([0x00, 0x05])), // close with invalid code
    ];
    const rawAttacker = async (seat: JoinResponse) => {
      const url = new URL(wsUrl(server, seat.peerId, seat.ticket));
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        const socket: Socket = tcpConnect(server.port, '127.0.0.1');
        socket.on('error', () => {});
        let received = '';
        let closed = false;
        socket.on('data', (d: Buffer) => {
          if (received.length < 4096) received += d.toString('latin1');
        });
        socket.on('close', () => (closed = true));
        socket.write(
          `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
        const upgraded = await waitFor(() => received.includes('\r\n\r\n') || closed, 2000).then(
          () => received.startsWith('HTTP/1.1 101'),
          () => false,
        );
        if (upgraded) {
          for (let k = 0; k < 1 + int(3) && !closed; k++) {
            socket.write(pick(brokenFrames)());
            stats.rawFrames++;
          }
          await waitFor(() => closed, 1000).catch(() => {});
        }
        socket.destroy();
      }
    };

    /** Broken HTTP over raw TCP, and plain TCP garbage. */
    const httpAttacker = async () => {
      const paths = [
        () => `/api/rooms/${pick(['r', 'legit', 'x'.repeat(70), '%00', '%E0%A4%A', '..%2F..', '%', 'a b'])}/join`,
        () => pick(['/healthz', '/api/', '/api/rooms', '/signal/', '/signal/peerjs', '/signal/vcw/id', '/signal/vcw/peers', '/signal/peerjs/id', '/csp-report', '/csp.html']),
        () => pick(['/%', '/%%', '/../../etc/passwd', '/video-call-widget.js', '/index.html', '/?' + 'q='.repeat(2000), '*']),
        () => '/' + bytes(int(64)).toString('latin1').replace(/[\r\n ]/g, 'x'),
        () => '/' + 'a'.repeat(int(20_000)),
      ];
      const bodies = [
        () => '{"name":"Eve"}',
        () => '{"name":' + '['.repeat(int(3000)),
        () => nestedJson(int(5000)),
        () => bytes(int(6000)).toString('latin1'),
        () => JSON.stringify({ name: 'x'.repeat(int(200)) }),
        () => '',
      ];
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        const kind = int(10);
        const socket: Socket = tcpConnect(server.port, '127.0.0.1');
        socket.on('error', () => {});
        let received = '';
        let closed = false;
        socket.on('data', (d: Buffer) => {
          if (received.length < 1024) received += d.toString('latin1');
        });
        socket.on('close', () => (closed = true));
        if (kind === 0) {
          stats.tcp++;
          socket.write(bytes(1 + int(4096)));
          if (rand() < 0.5) socket.end();
        } else {
          stats.http++;
          const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'BREW', 'CONNECT', 'G\x00T']);
          const body = pick(bodies)();
          const headers: string[] = [`Host: ${pick([`127.0.0.1:${server.port}`, 'evil.example', '[::1', 'a b', ''])}`];
          if (rand() < 0.7) headers.push(`Content-Type: ${pick(['application/json', 'text/plain', 'application/json; charset=utf-16', 'application/json; charset=foo', 'multipart/form-data; boundary=x', '*/*'])}`);
          const cl = pick(['right', 'right', 'short', 'long', 'negative', 'huge', 'none', 'chunked', 'both']);
          const length = Buffer.byteLength(body, 'latin1');
          if (cl === 'right') headers.push(`Content-Length: ${length}`);
          if (cl === 'short') headers.push(`Content-Length: ${Math.max(0, length - 3)}`);
          if (cl === 'long') headers.push(`Content-Length: ${length + 10}`);
          if (cl === 'negative') headers.push('Content-Length: -1');
          if (cl === 'huge') headers.push('Content-Length: 99999999999999999999');
          if (cl === 'chunked' || cl === 'both') headers.push('Transfer-Encoding: chunked');
          if (cl === 'both') headers.push(`Content-Length: ${length}`);
          if (rand() < 0.3) headers.push(`Origin: ${pick(['https://a.example', 'null', 'x', 'https://' + 'o'.repeat(300)])}`);
          if (rand() < 0.3) headers.push(`Authorization: ${pick(['Bearer ', 'Bearer a.b.c', 'Bearer ' + bytes(40).toString('base64'), 'Basic x'])}`);
          if (rand() < 0.2) headers.push(`Content-Encoding: ${pick(['gzip', 'deflate', 'br', 'identity', 'foo'])}`);
          if (rand() < 0.2) headers.push('Connection: Upgrade', 'Upgrade: websocket', `Sec-WebSocket-Version: ${pick(['13', '8', 'x'])}`);
          if (rand() < 0.1) headers.push('X-Big: ' + 'h'.repeat(20_000));
          if (rand() < 0.1) headers.push('Bad Header Name: x');
          const payload = cl === 'chunked' || cl === 'both' ? `${pick([length.toString(16), 'zz', '-1', 'ffffffffffff'])}\r\n${body}\r\n0\r\n\r\n` : body;
          socket.write(Buffer.from(`${method} ${pick(paths)()} ${pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'FOO'])}\r\n${headers.join('\r\n')}\r\n\r\n${payload}`, 'latin1'));
        }
        await waitFor(() => closed || received.includes('\r\n\r\n'), 300).catch(() => {});
        if (received.startsWith('HTTP/1.')) stats.httpAnswered++;
        socket.destroy();
      }
    };

    /** Mutated JSON bodies through fetch: always a 2xx/4xx, never a 5xx. */
    const apiAttacker = async () => {
      const base = JSON.stringify({ name: 'Mutant', extra: [1, 2, { deep: true }] });
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        const chars = [...base];
        for (let k = 0; k < 1 + int(5); k++) {
          const op = int(3);
          const at = int(chars.length);
          if (op === 0) chars[at] = String.fromCharCode(int(0x3000));
          else if (op === 1) chars.splice(at, 1);
          else chars.splice(at, 0, pick(['{', '}', '"', ',', ':', '[', '\\', '\u0000', '\ud800']));
        }
        const room = pick(['mut', 'mut-2', 'bad room', '%41', 'x'.repeat(64)]);
        const res = await join(server, room, chars.join('')).catch((e: Error) => ({ status: -1, text: e.message }));
        stats.api++;
        assert.ok([200, 400, 409, 413, 429].includes(res.status), `mutated join answered ${res.status}: ${res.text} ${where}`);
      }
    };

    /** Floods valid relay messages as fast as the socket takes them; gets closed for it, comes back, again. */
    const floodAttacker = async (seat: JoinResponse, targets: string[], address: string) => {
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        const client = await connect(server, seat.peerId, seat.ticket, { expectOpen: false, headers: xff(address) }).catch(() => undefined);
        if (!client) {
          stats.refused++;
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        while (client.open && running()) {
          client.send({ type: 'CANDIDATE', dst: pick(targets), payload: { candidate: 'x'.repeat(int(2000)) } });
          stats.floodFrames++;
          if (stats.floodFrames % 16 === 0) await new Promise((r) => setImmediate(r));
          if (client.ws.bufferedAmount > 256 * 1024) await waitFor(() => client.ws.bufferedAmount < 64 * 1024 || !client.open, 3000).catch(() => {});
        }
        const closed = running() ? await client.waitClosed(3000).catch(() => null) : null;
        if (closed?.code === 1008) stats.rateClosed++;
        await client.close();
      }
    };

    /** Fills the queues of seats it reserves in its own room and never connects (60 KiB offers, within its rate). */
    const queueAttacker = async (address: string, room: string) => {
      const me = await joinOk(server, room, 'Q', xff(address));
      let client: Client | undefined;
      const ghosts: string[] = [];
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        if (!client || client.closed) client = await connect(server, me.peerId, me.ticket, { expectOpen: false, headers: xff(address) }).catch(() => undefined);
        if (!client) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        if (i % 20 === 0) {
          const ghost = await join<JoinResponse>(server, room, { name: 'ghost' }, xff(address));
          if (ghost.status === 200) {
            ghosts.push(ghost.body.peerId);
            stats.ghosts++;
          }
        }
        if (ghosts.length > 0 && client.open) {
          client.send({ type: 'OFFER', dst: pick(ghosts), payload: { sdp: 'x'.repeat(60 * 1024) } });
          stats.queuedBytesSent += 60 * 1024;
        }
        await new Promise((r) => setTimeout(r, 30));
      }
      await client?.close();
    };

    /** Opens sockets from one address for as many seats as it can get, and holds them. */
    const socketHog = async (address: string) => {
      const held: Client[] = [];
      let seat: JoinResponse | undefined;
      for (let i = 0; i < 10_000 && running() && stats.hogRefused < 5; i++) {
        if (!seat) {
          const res = await join<JoinResponse>(server, `hog-${i >> 2}`, {}, xff(address));
          if (res.status !== 200) {
            await new Promise((r) => setTimeout(r, 500));
            continue;
          }
          seat = res.body;
        }
        const attempt = await connect(server, seat.peerId, seat.ticket, { expectOpen: false, headers: xff(address) }).then(
          (client) => ({ client, error: '' }),
          (error: Error) => ({ client: undefined, error: error.message }),
        );
        if (attempt.client) {
          held.push(attempt.client);
          stats.hogSockets++;
          seat = undefined;
        } else if (/Too many open connections/.test(attempt.error)) stats.hogRefused++;
        else {
          // The connect budget ran out (try again in a moment), or the seat expired meanwhile (take another).
          if (/HTTP 40[19]/.test(attempt.error)) seat = undefined;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      await waitFor(() => !running(), FUZZ_MS + 1000).catch(() => {});
      await Promise.all(held.map((c) => c.close()));
    };

    /** Join floods from many addresses, some spoofing extra X-Forwarded-For entries. */
    const joinFlood = async () => {
      // First one address keeps joining, eight at a time, until it is refused: its bucket (JOIN_RATE_LIMIT 120,
      // refilled at 2/s) runs out however slowly a loaded machine answers. The random flood after it may stay under.
      const drain = async () => {
        while (running() && stats.join429 === 0) {
          const res = await join(server, `flood-${int(1000)}`, { name: 'J' }, xff('192.0.2.200')).catch(() => ({ status: -1, text: '' }));
          stats.joinFlood++;
          if (res.status === 429) stats.join429++;
          else assert.ok(res.status === 200 || res.status === 409, `join flood answered ${res.status}: ${res.text} ${where}`);
        }
      };
      await Promise.all(Array.from({ length: 8 }, drain));
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        const address = `192.0.2.${int(2)}`;
        const headers = xff(rand() < 0.5 ? address : `${int(256)}.${int(256)}.0.1, ${address}`);
        const res = await join(server, `flood-${int(1000)}`, { name: 'J' }, headers).catch(() => ({ status: -1, text: '' }));
        stats.joinFlood++;
        if (res.status === 429) stats.join429++;
        else assert.ok(res.status === 200 || res.status === 409, `join flood answered ${res.status}: ${res.text} ${where}`);
      }
    };

    /**
     * Signaling URLs with repeated, escaped, unknown, empty and missing parameters (its own id and ticket first, a
     * victim's id among them), from many addresses: refused before the upgrade, unless the URL names exactly its own
     * id and ticket once each.
     */
    const queryAttacker = async (address: () => string) => {
      const own = await joinOk(server, 'query-room', 'Q', xff(address()));
      const targets = [victim.peerId, b.peerId, a.peerId];
      const enc = encodeURIComponent;
      const extras: Array<() => string> = [
        () => `id=${pick(targets)}`,
        () => `token=${enc(own.ticket)}`,
        () => `key=${pick(['vcw', 'peerjs', ''])}`,
        () => `%69d=${pick(targets)}`,
        () => `ID=${pick(targets)}`,
        () => `id%00=${pick(targets)}`,
        () => `version=${pick(['1.5.5', '9'.repeat(int(60)), ''])}`,
        () => pick(['', '=', 'id', 'token=', 'id=', '=x', '%', '%zz=1', 'token=%E0%A4%A', 'x=1', 'id[]=1', '+id=1', 'id =1', ';id=1']),
        () => `token=${bytes(int(48)).toString('base64url')}`,
        () => `${'q'.repeat(int(3000))}=1`,
      ];
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        const params = ['key=vcw', `id=${own.peerId}`, `token=${enc(own.ticket)}`];
        for (let k = int(3); k > 0; k--) params.splice(int(params.length + 1), 0, pick(extras)());
        if (rand() < 0.15) params.splice(int(params.length), 1);
        const search = params.join(pick(['&', '&', '&', '&&']));
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/signal/peerjs?${search}`, { headers: xff(address()) });
        ws.on('error', () => {});
        const outcome = await new Promise<number>((resolve) => {
          const timer = setTimeout(() => resolve(-1), 3000);
          ws.once('unexpected-response', (_req, res) => {
            clearTimeout(timer);
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          ws.once('open', () => {
            clearTimeout(timer);
            resolve(101);
          });
          ws.once('error', () => {
            clearTimeout(timer);
            resolve(0);
          });
        });
        ws.terminate();
        stats.queries++;
        if (outcome === 400) stats.query400++;
        if (outcome === 101) {
          stats.queryUpgraded++;
          const read = new URLSearchParams(search);
          assert.deepEqual([read.getAll('id'), read.getAll('token'), read.getAll('key')], [[own.peerId], [own.ticket], ['vcw']], `upgraded with ${search.slice(0, 300)} ${where}`);
        } else assert.ok([400, 401, 409, 429].includes(outcome), `a signaling URL was answered ${outcome}: ${search.slice(0, 300)} ${where}`);
        if (i % 4 === 0) await new Promise((r) => setTimeout(r, 5));
      }
    };

    /** Support-queue frames from a waiting visitor: previews, desk requests it may not make, junk; knocks again when closed. */
    const visitorAttacker = async () => {
      const junk = (): unknown =>
        pick([
          () => ({ type: 'VCW-PREVIEW', payload: { image: pick([`data:image/jpeg;base64,${'A'.repeat(int(70_000))}`, 'data:text/html,<script>', 42, null, `data:image/jpeg;base64,${bytes(30).toString('base64')}`]) } }),
          () => ({ type: 'VCW-PREVIEW', payload: { id: victim.peerId, image: 'data:image/jpeg;base64,AAAA' } }),
          () => ({ type: pick(['VCW-ADMIT', 'VCW-DECLINE', 'VCW-REMOVE']), payload: { req: int(10), id: pick([victim.peerId, a.peerId, 'x']) } }),
          () => ({ type: pick(['VCW-QUEUE', 'VCW-ADMITTED', 'VCW-WAITING', 'VCW-RESULT', 'VCW-', 'VCW-X'.repeat(int(100))]), payload: { position: -1 } }),
          () => ({ type: 'VCW-PREVIEW', payload: JSON.parse(nestedJson(20 + int(60))) as unknown }),
          () => ({ type: 'OFFER', dst: pick([victim.peerId, a.peerId, b.peerId]), payload: { sdp: 'x' } }),
        ])();
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        const address = `198.51.100.${60 + int(40)}`;
        const res = await send(`${server.url}/api/rooms/fuzz-queue/knock`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...xff(address) },
          body: pick([JSON.stringify({ name: 'Fuzz', page: 'https://shop.example/p', context: { order: int(1000) } }), '{"context":' + nestedJson(int(10)) + '}', '{}']),
        }).catch(() => undefined);
        if (!res) continue;
        const body = (await res.json().catch(() => null)) as { peerId?: string; ticket?: string } | null;
        assert.ok(res.status < 500, `a knock was answered ${res.status} ${where}`);
        if (res.status !== 200 || !body?.peerId || !body.ticket) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        stats.knocks++;
        const client = await connect(server, body.peerId, body.ticket, { expectOpen: false, headers: xff(address) }).catch(() => undefined);
        for (let k = 0; client?.open && k < 20 + int(40) && running(); k++) {
          client.send(junk());
          stats.supportFrames++;
          if (k % 4 === 0) await new Promise((r) => setTimeout(r, 10));
        }
        // Some stay in the queue (the desk admits or declines them), most go.
        if (rand() < 0.7) await client?.close(pick([1000, 1001, 4000]));
      }
    };

    /** A desk on the fuzzed queue: malformed requests, requests for strangers, and real admits and declines. */
    const deskAttacker = async () => {
      const agentKey = readFileSync(`${server.stateDir}/agent-key`, 'utf8').trim();
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        const res = await send(`${server.url}/api/rooms/fuzz-queue/desk`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...xff('203.0.113.12') },
          body: JSON.stringify({ name: 'Agent', agentKey }),
        }).catch(() => undefined);
        const desk = res?.status === 200 ? ((await res.json()) as { peerId: string; ticket: string }) : undefined;
        if (!desk) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        const client = await connect(server, desk.peerId, desk.ticket, { expectOpen: false, headers: xff('203.0.113.12') }).catch(() => undefined);
        for (let k = 0; client?.open && k < MAX_ITERATIONS && running(); k++) {
          const waiting = client.messages.filter((m) => m.type === 'VCW-WAITING').at(-1)?.payload as { visitors?: Array<{ id: string }> } | undefined;
          const someone = waiting?.visitors?.length ? pick(waiting.visitors).id : victim.peerId;
          client.send(
            pick([
              () => ({ type: 'VCW-ADMIT', payload: { req: int(1e6), id: someone } }),
              () => ({ type: 'VCW-DECLINE', payload: { req: int(1e6), id: someone, message: pick(['', 'busy', 'x'.repeat(int(400)), 7]) } }),
              () => ({ type: 'VCW-REMOVE', payload: { req: int(1e6), id: pick([someone, a.peerId, victim.peerId]) } }),
              () => ({ type: pick(['VCW-ADMIT', 'VCW-DECLINE', 'VCW-REMOVE']), payload: pick([{}, { req: -1, id: someone }, { req: 1.5 }, { req: 2 ** 60, id: 'x' }, null, []]) }),
              () => ({ type: 'VCW-ADMIT', payload: JSON.parse(nestedJson(10 + int(50))) as unknown }),
              () => ({ type: 'VCW-PREVIEW', payload: { image: 'data:image/jpeg;base64,AAAA' } }),
            ])(),
          );
          stats.deskFrames++;
          await new Promise((r) => setTimeout(r, 25));
        }
        stats.deskResults += client?.messages.filter((m) => m.type === 'VCW-RESULT').length ?? 0;
        await client?.close();
      }
    };

    const relayLoop = async () => {
      let beat = 0;
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        // PeerJS's own heartbeat (every 5 s): PeerServer drops a client that stays silent for alive_timeout.
        if (Date.now() - beat > 5000) {
          beat = Date.now();
          ca.send({ type: 'HEARTBEAT' });
          cb.send({ type: 'HEARTBEAT' });
        }
        await roundTrip(3000);
        stats.roundTrips++;
        await new Promise((r) => setTimeout(r, 40));
      }
    };

    await Promise.all([
      relayLoop(),
      wsAttacker(sameRoom[0]!, [a.peerId, b.peerId], '198.51.100.1'),
      wsAttacker(sameRoom[1]!, [b.peerId, sameRoom[0]!.peerId], '198.51.100.2'),
      wsAttacker(otherRoom[0]!, [a.peerId, b.peerId], '198.51.100.3'),
      wsAttacker(otherRoom[1]!, [b.peerId, randomBytes(16).toString('hex')], '198.51.100.4'),
      rawAttacker(rawSeats[0]!),
      rawAttacker(rawSeats[1]!),
      floodAttacker(flooders[0]!, [flooders[1]!.peerId, a.peerId], '198.51.100.7'),
      floodAttacker(flooders[1]!, [flooders[0]!.peerId, b.peerId], '198.51.100.8'),
      queueAttacker('198.51.100.20', 'queue-1'),
      queueAttacker('198.51.100.21', 'queue-2'),
      socketHog('198.51.100.30'),
      joinFlood(),
      queryAttacker(() => `198.51.100.${120 + int(100)}`),
      visitorAttacker(),
      deskAttacker(),
      httpAttacker(),
      apiAttacker(),
      sampler,
    ]);
    // Attackers are gone: what the server keeps now is what it keeps for good.
    await waitFor(async () => (await health(server)).peers <= 40, 20_000, 'seats of the attack were not released').catch(() => {});
    const rssAfter = rss(pid);
    const heapAfter = await heap(server);
    t.diagnostic(
      `server RSS: before ${MiB(rssBefore)}, peak ${MiB(rssPeak)}, after ${MiB(rssAfter)}; ` +
        `heapUsed after GC: before ${MiB(heapBefore.heapUsed)}, during ${MiB(heapMid?.heapUsed ?? NaN)}, after ${MiB(heapAfter.heapUsed)}`,
    );
    assert.ok(heapMid, 'the heap was measured during the attack');
    assert.ok(heapMid.heapUsed - heapBefore.heapUsed < HEAP_KEPT, `the heap held ${MiB(heapMid.heapUsed - heapBefore.heapUsed)} more during the attack ${where}`);
    assert.ok(heapAfter.heapUsed - heapBefore.heapUsed < HEAP_KEPT, `the heap kept ${MiB(heapAfter.heapUsed - heapBefore.heapUsed)} after the attack ${where}`);
    assert.ok(rssPeak - rssBefore < RSS_PEAK_GROWTH, `RSS grew from ${MiB(rssBefore)} to a peak of ${MiB(rssPeak)} ${where}`);
    assert.ok(rssAfter - rssBefore < RSS_KEPT, `RSS kept ${MiB(rssAfter - rssBefore)} after the attack ${where}`);

    // The server is alive and well.
    assert.equal(server.exited(), false, `the server process died ${where}`);
    assert.deepEqual(Object.keys(await health(server)).sort(), ['ok', 'peers', 'rooms']);
    assert.equal((await health(server)).ok, true);
    assert.doesNotMatch(server.logs(), /"level":60/, 'nothing fatal was logged');
    // The legitimate pair kept relaying throughout, and still does.
    assert.ok(stats.roundTrips >= 10, `only ${stats.roundTrips} round trips during the fuzz ${where}`);
    assert.ok(ca.open && cb.open, `the legitimate pair lost its sockets: A ${JSON.stringify(ca.closed)}, B ${JSON.stringify(cb.closed)}, ${stats.roundTrips} round trips ${where}`);
    await roundTrip(3000);
    // Nobody outside the room reached A or B.
    for (const m of [...ca.messages, ...cb.messages]) {
      assert.ok(!otherIds.has(m.src ?? ''), `a message from another room got through: ${JSON.stringify(m).slice(0, 200)} ${where}`);
      assert.ok(m.type !== 'ERROR' && m.type !== 'ID-TAKEN' && m.type !== 'EXPIRE', `unexpected ${m.type} ${where}`);
    }
    // The attack surface was really exercised.
    assert.ok(stats.frames > 200, `only ${stats.frames} hostile frames: ${JSON.stringify(stats)}`);
    assert.ok(stats.reconnects > 0, 'no attacker was ever disconnected: the closing cases did not run');
    assert.ok(stats.rawFrames > 10, `only ${stats.rawFrames} raw frames`);
    assert.ok(stats.http > 50 && stats.httpAnswered > 20, `HTTP: ${stats.http} sent, ${stats.httpAnswered} answered`);
    assert.ok(stats.api > 20, `only ${stats.api} API calls`);
    assert.ok(stats.rateClosed > 0, `no flooder was closed for its rate: ${JSON.stringify(stats)}`);
    assert.ok(stats.ghosts > 0 && stats.queuedBytesSent > 1024 * 1024, `queues not exercised: ${JSON.stringify(stats)}`);
    assert.equal(stats.hogSockets, 64, `the socket hog held ${stats.hogSockets} sockets (MAX_SOCKETS_PER_ADDRESS is 64)`);
    assert.ok(stats.hogRefused > 0 && stats.join429 > 0, `limits not reached: ${JSON.stringify(stats)}`);
    assert.ok(stats.queries > 50 && stats.query400 > 10, `signaling URLs not exercised: ${JSON.stringify(stats)}`);
    assert.ok(stats.knocks > 5 && stats.supportFrames > 100 && stats.deskFrames > 100, `support queue not exercised: ${JSON.stringify(stats)}`);
    // Nobody took the victim's id: its own ticket registers.
    const cv = await connect(server, victim.peerId, victim.ticket, { t, headers: xff('203.0.113.11'), expectOpen: false });
    assert.deepEqual(await cv.next(() => true), { type: 'OPEN' }, `the victim's id was taken ${where}`);
    // A newcomer can still join and relay.
    const fresh = xff('203.0.113.99');
    const n = await joinOk(server, 'legit-after', 'N', fresh);
    const cn = await connect(server, n.peerId, n.ticket, { t, headers: fresh });
    const o = await joinOk(server, 'legit-after', 'O', fresh);
    const co = await connect(server, o.peerId, o.ticket, { t, headers: fresh });
    co.send({ type: 'OFFER', dst: n.peerId, payload: {} });
    await cn.next((m) => m.type === 'OFFER');
    assert.deepEqual(rejections, [], 'no unhandled promise rejections in the test process');
    t.diagnostic(`seed ${seed}; ${JSON.stringify(stats)}`);
  }),
);
