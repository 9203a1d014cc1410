/**
 * Hostile input never takes the server down. For a few seconds, sockets send garbage frames, raw TCP
 * connections send broken WebSocket frames and broken HTTP, and mutated requests hit the API — while a
 * legitimate pair keeps relaying. Seeded: set FUZZ_SEED to replay a run.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import {
  connect,
  health,
  join,
  joinOk,
  logged,
  member,
  nestedJson,
  prng,
  serve,
  waitFor,
  wsUrl,
  type Client,
  type JoinResponse,
  type Msg,
} from './helpers.js';

const FUZZ_MS = 5000;
const MAX_ITERATIONS = 3000;

test(
  'malformed frames, requests and bytes never crash the server',
  { timeout: 40_000 },
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

    const server = await serve(t);

    // The legitimate pair: A offers, B answers, over and over.
    const { join: a, client: ca } = await member(server, 'legit', 'A', t);
    const { join: b, client: cb } = await member(server, 'legit', 'B', t);
    cb.ws.on('message', (data) => {
      let m: Msg;
      try {
        m = JSON.parse(data.toString()) as Msg;
      } catch {
        return;
      }
      if (m.type === 'OFFER' && m.src === a.peerId && cb.open) cb.send({ type: 'ANSWER', dst: a.peerId, payload: m.payload });
    });
    let seq = 0;
    const roundTrip = async (timeoutMs: number) => {
      const mine = ++seq;
      const from = ca.messages.length;
      ca.send({ type: 'OFFER', dst: b.peerId, payload: { seq: mine, sdp: 'v=0' } });
      await ca.next((m) => m.type === 'ANSWER' && m.src === b.peerId && (m.payload as { seq?: number })?.seq === mine, timeoutMs, from);
    };

    // Same-room attackers (may legitimately reach B) and other-room attackers (must never reach A or B).
    const sameRoom = [await joinOk(server, 'legit', 'M1'), await joinOk(server, 'legit', 'M2')];
    const otherRoom = [await joinOk(server, 'evil-1', 'E1'), await joinOk(server, 'evil-2', 'E2')];
    const rawSeats = [await joinOk(server, 'raw-1', 'R1'), await joinOk(server, 'raw-2', 'R2')];
    const otherIds = new Set(otherRoom.map((j) => j.peerId).concat(rawSeats.map((j) => j.peerId)));

    const deadline = Date.now() + FUZZ_MS;
    const running = () => Date.now() < deadline;
    const stats = { roundTrips: 0, frames: 0, reconnects: 0, refused: 0, rawFrames: 0, http: 0, httpAnswered: 0, tcp: 0, api: 0 };

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
    const wsAttacker = async (seat: JoinResponse, targets: string[]) => {
      const menu = hostileMessages(targets);
      let client: Client | undefined;
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        if (!client || client.closed) {
          if (client) stats.reconnects++;
          // No OPEN is awaited: a reconnect that races the server noticing the old socket is re-attached silently.
          client = await connect(server, seat.peerId, seat.ticket, { expectOpen: false }).catch(() => undefined);
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
      for (let i = 0; i < 200 && running(); i++) {
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
        () => pick(['/healthz', '/api/', '/api/rooms', '/signal/', '/signal/peerjs', '/signal/vcw/id', '/signal/vcw/peers', '/signal/peerjs/id']),
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
        assert.ok([200, 400, 409, 413].includes(res.status), `mutated join answered ${res.status}: ${res.text} ${where}`);
      }
    };

    const relayLoop = async () => {
      for (let i = 0; i < MAX_ITERATIONS && running(); i++) {
        await roundTrip(3000);
        stats.roundTrips++;
      }
    };

    await Promise.all([
      relayLoop(),
      wsAttacker(sameRoom[0]!, [a.peerId, b.peerId]),
      wsAttacker(sameRoom[1]!, [b.peerId, sameRoom[0]!.peerId]),
      wsAttacker(otherRoom[0]!, [a.peerId, b.peerId]),
      wsAttacker(otherRoom[1]!, [b.peerId, randomBytes(16).toString('hex')]),
      rawAttacker(rawSeats[0]!),
      rawAttacker(rawSeats[1]!),
      httpAttacker(),
      apiAttacker(),
    ]);

    // The server is alive and well.
    assert.equal(server.exited(), false, `the server process died ${where}`);
    assert.deepEqual(Object.keys(await health(server)).sort(), ['ok', 'peers', 'rooms']);
    assert.equal((await health(server)).ok, true);
    assert.doesNotMatch(server.logs(), /"level":60/, 'nothing fatal was logged');
    // The legitimate pair kept relaying throughout, and still does.
    assert.ok(stats.roundTrips >= 10, `only ${stats.roundTrips} round trips during the fuzz ${where}`);
    assert.ok(ca.open && cb.open, `the legitimate pair lost its sockets ${where}`);
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
    // A newcomer can still join and relay.
    const { join: n, client: cn } = await member(server, 'legit-after', 'N', t);
    const { client: co } = await member(server, 'legit-after', 'O', t);
    co.send({ type: 'OFFER', dst: n.peerId, payload: {} });
    await cn.next((m) => m.type === 'OFFER');
    assert.deepEqual(rejections, [], 'no unhandled promise rejections in the test process');
    t.diagnostic(`seed ${seed}; ${JSON.stringify(stats)}`);
  }),
);
