/**
 * Abuse limits of the real server: join and connect rate per address, open sockets per address, message rate
 * per socket, the bounded queue for members that have not connected yet, a receiver that does not read, and
 * which address counts behind a proxy (TRUST_PROXY).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import { test } from 'node:test';
import {
  connect,
  health,
  join,
  joinOk,
  logged,
  member,
  serve,
  sleep,
  upgradeRefusal,
  waitFor,
  wsUrl,
  type Client,
  type Msg,
} from './helpers.js';

const QUIET_MS = 400;
const xff = (address: string) => ({ 'x-forwarded-for': address });

function assertRateLimited(res: { status: number; text: string; headers: Headers; body: unknown }) {
  assert.equal(res.status, 429, res.text);
  assert.deepEqual(Object.keys(res.body as object).sort(), ['error', 'message']);
  assert.equal((res.body as { error: string }).error, 'rate-limited');
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  assert.ok(Number(res.headers.get('retry-after')) >= 1, `Retry-After: ${res.headers.get('retry-after')}`);
}

test(
  'JOIN_RATE_LIMIT: an address gets 429 rate-limited (JSON, Retry-After) once its joins are spent; others still join',
  logged(async (t) => {
    const server = await serve(t, { JOIN_RATE_LIMIT: '5' });
    for (let i = 0; i < 5; i++) assert.equal((await join(server, `rate-${i}`, { name: `P${i}` })).status, 200);
    const refused = await join(server, 'rate-9', { name: 'P5' });
    assertRateLimited(refused);
    assert.deepEqual(await health(server), { ok: true, rooms: 5, peers: 5 }, 'a refused join reserves no seat');
    // Without TRUST_PROXY, X-Forwarded-For is ignored: a forged header does not buy new joins.
    assertRateLimited(await join(server, 'rate-9', {}, xff('198.51.100.7')));
  }),
);

test(
  'JOIN_RATE_LIMIT counts WebSocket connects too, refused with 429 before the upgrade',
  logged(async (t) => {
    const server = await serve(t, { JOIN_RATE_LIMIT: '4' });
    const a = await joinOk(server, 'ws-rate', 'A'); // 1
    const c1 = await connect(server, a.peerId, a.ticket, { t }); // 2
    await c1.close();
    const c2 = await connect(server, a.peerId, a.ticket, { t }); // 3
    await c2.close();
    const c3 = await connect(server, a.peerId, a.ticket, { t, expectOpen: false }); // 4
    const refusal = await upgradeRefusal(wsUrl(server, a.peerId, a.ticket));
    assert.equal(refusal.status, 429);
    assert.match(String(refusal.headers['content-type']), /application\/json/);
    assert.equal((JSON.parse(refusal.body) as { error: string }).error, 'rate-limited');
    assert.ok(Number(refusal.headers['retry-after']) >= 1);
    assert.ok(c3.open, 'the open socket is not affected');
  }),
);

test(
  'TRUST_PROXY=1: the last X-Forwarded-For entry is the client; earlier (client-written) entries do not count',
  logged(async (t) => {
    const server = await serve(t, { JOIN_RATE_LIMIT: '2', TRUST_PROXY: '1' });
    assert.equal((await join(server, 'px', {}, xff('203.0.113.1'))).status, 200);
    assert.equal((await join(server, 'px', {}, xff('203.0.113.1'))).status, 200);
    assertRateLimited(await join(server, 'px', {}, xff('203.0.113.1')));
    // A client prepending addresses of its own is still 203.0.113.1 to us.
    assertRateLimited(await join(server, 'px', {}, xff('192.0.2.50, 203.0.113.1')));
    // Another client behind the same proxy has its own budget.
    assert.equal((await join(server, 'px', {}, xff('192.0.2.50, 203.0.113.2'))).status, 200);
    // IPv6: one /64 is one client.
    assert.equal((await join(server, 'px6', {}, xff('2001:db8:1:2::1'))).status, 200);
    assert.equal((await join(server, 'px6', {}, xff('2001:db8:1:2:ffff::9'))).status, 200);
    assertRateLimited(await join(server, 'px6', {}, xff('2001:db8:1:2:abcd:0:0:7')));
    assert.equal((await join(server, 'px6', {}, xff('2001:db8:1:3::1'))).status, 200, 'another /64');
  }),
);

test(
  'MAX_SOCKETS_PER_ADDRESS: one more socket than allowed gets 429 before the upgrade; closing one frees a place',
  logged(async (t) => {
    const server = await serve(t, { MAX_SOCKETS_PER_ADDRESS: '3', TRUST_PROXY: '1' });
    const seats = await Promise.all([0, 1, 2, 3].map((i) => joinOk(server, 'cap-room', `P${i}`)));
    const opts = { headers: xff('198.51.100.1'), t };
    const clients: Client[] = [];
    for (const seat of seats.slice(0, 3)) clients.push(await connect(server, seat.peerId, seat.ticket, opts));
    const refusal = await upgradeRefusal(wsUrl(server, seats[3]!.peerId, seats[3]!.ticket), { headers: xff('198.51.100.1') });
    assert.equal(refusal.status, 429, refusal.body);
    assert.deepEqual(JSON.parse(refusal.body), { error: 'rate-limited', message: 'Too many open connections from your address.' });
    // The same peer from another address is fine (counted per address, not per room).
    const other = await connect(server, seats[3]!.peerId, seats[3]!.ticket, { headers: xff('198.51.100.2'), t });
    await other.close();
    await clients[0]!.close();
    // The count drops when the TCP connection closes: a new socket from that address now gets in.
    const again = await waitFor(
      () => connect(server, seats[3]!.peerId, seats[3]!.ticket, opts).catch(() => undefined),
      3000,
      'a freed place was not given back',
    );
    assert.ok(again.open);
    // A refused upgrade (bad ticket) does not hold a place either.
    for (let i = 0; i < 5; i++) assert.equal((await upgradeRefusal(wsUrl(server, seats[0]!.peerId, 'x.y'), { headers: xff('198.51.100.1') })).status, 401);
    await again.close();
    const last = await waitFor(
      () => connect(server, seats[0]!.peerId, seats[0]!.ticket, opts).catch(() => undefined),
      3000,
      'refused upgrades leaked socket places',
    );
    assert.ok(last.open);
  }),
);

test(
  'MESSAGE_RATE_LIMIT: a socket over its rate is closed (1008 rate-limited); what it sent over the limit is not relayed',
  logged(async (t) => {
    const server = await serve(t, { MESSAGE_RATE_LIMIT: '5' }); // bursts of 50
    const { join: a, client: ca } = await member(server, 'flood', 'A', t);
    const { join: b, client: cb } = await member(server, 'flood', 'B', t);
    for (let i = 0; i < 200; i++) ca.send({ type: 'CANDIDATE', dst: b.peerId, payload: { i } });
    const closed = await ca.waitClosed(3000);
    assert.deepEqual(closed, { code: 1008, reason: 'rate-limited' });
    await cb.next((m) => m.type === 'VCW-LEAVE', 3000);
    const relayed = cb.messages.filter((m) => m.type === 'CANDIDATE').length;
    assert.ok(relayed <= 51 && relayed >= 45, `${relayed} of 200 relayed (burst is 50)`);
    assert.ok(cb.open, 'the receiver keeps its socket');
    // The flooder can come back with its ticket, and a paced sender is never limited.
    const again = await connect(server, a.peerId, a.ticket, { t });
    for (let i = 0; i < 10; i++) {
      again.send({ type: 'CANDIDATE', dst: b.peerId, payload: { paced: i } });
      await sleep(50);
    }
    await cb.next((m) => (m.payload as { paced?: number })?.paced === 9);
    assert.ok(again.open);
  }),
);

test(
  'MESSAGE_RATE_LIMIT also counts WebSocket pings (browsers never send them): a ping flood closes the socket',
  logged(async (t) => {
    const server = await serve(t, { MESSAGE_RATE_LIMIT: '5' });
    const { client: ca } = await member(server, 'pings', 'A', t);
    const { client: cb } = await member(server, 'pings', 'B', t);
    for (let i = 0; i < 200; i++) ca.ws.ping();
    assert.deepEqual(await ca.waitClosed(3000), { code: 1008, reason: 'rate-limited' });
    assert.ok(cb.open);
  }),
);

test(
  'a socket closed for its rate that ignores the close frame is cut within about a second, and nothing more is relayed',
  logged(async (t) => {
    const server = await serve(t, { MESSAGE_RATE_LIMIT: '5' });
    const a = await joinOk(server, 'cut', 'A (raw)');
    const { client: cb } = await member(server, 'cut', 'B', t);
    // A raw client: a genuine upgrade, then 200 masked text frames, and it never answers the close frame.
    const socket = tcpConnect(server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    let received = Buffer.alloc(0);
    let closedAt = 0;
    socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d]).subarray(0, 65536)));
    socket.on('close', () => (closedAt = Date.now()));
    const url = new URL(wsUrl(server, a.peerId, a.ticket));
    socket.write(
      `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await waitFor(() => received.includes('\r\n\r\n'), 3000);
    assert.match(received.toString('latin1'), /^HTTP\/1.1 101/);
    const frame = (text: string) => {
      const payload = Buffer.from(text);
      const mask = randomBytes(4);
      return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((byte, k) => byte ^ mask[k % 4]!)]);
    };
    const sentAt = Date.now();
    for (let i = 0; i < 200; i++) socket.write(frame(JSON.stringify({ type: 'CANDIDATE', dst: cb.id, payload: { i } })));
    await waitFor(() => closedAt, 4000, 'the server did not cut the connection');
    t.diagnostic(`cut after ${closedAt - sentAt} ms`);
    assert.ok(closedAt - sentAt < 2500, `cut after ${closedAt - sentAt} ms`);
    assert.ok(received.includes(Buffer.from([0x88])), 'a close frame was sent first');
    await cb.next((m) => m.type === 'VCW-LEAVE', 3000);
    const relayed = cb.messages.filter((m) => m.type === 'CANDIDATE').length;
    assert.ok(relayed >= 40 && relayed <= 51, `${relayed} of 200 relayed (burst is 50)`);
  }),
);

test(
  'OFFLINE_QUEUE_LIMIT / OFFLINE_QUEUE_BYTES: messages for a member not connected yet are kept in order, up to the bounds',
  logged(async (t) => {
    const server = await serve(t, { OFFLINE_QUEUE_LIMIT: '5', OFFLINE_QUEUE_BYTES: '4000' });
    const { join: a, client: ca } = await member(server, 'queue-room', 'A', t);
    const b = await joinOk(server, 'queue-room', 'B');
    for (let i = 0; i < 8; i++) ca.send({ type: i % 2 ? 'CANDIDATE' : 'OFFER', dst: b.peerId, payload: { i } });
    ca.send({ type: 'LEAVE', dst: b.peerId }); // never queued
    await sleep(QUIET_MS);
    const cb = await connect(server, b.peerId, b.ticket, { t });
    await cb.next((m) => (m.payload as { i?: number })?.i === 4);
    await sleep(QUIET_MS / 2);
    assert.deepEqual(
      cb.messages.map((m) => [m.type, m.src, (m.payload as { i?: number } | undefined)?.i]),
      [['OPEN', undefined, undefined], ...[0, 1, 2, 3, 4].map((i) => [i % 2 ? 'CANDIDATE' : 'OFFER', a.peerId, i])],
      'OPEN, then the first five, in order',
    );

    // The byte bound: three 1.5 KB messages, 4000 bytes allowed → two kept.
    const c = await joinOk(server, 'queue-room', 'C');
    for (let i = 0; i < 3; i++) ca.send({ type: 'OFFER', dst: c.peerId, payload: { i, sdp: 'x'.repeat(1500) } });
    await sleep(QUIET_MS);
    const cc = await connect(server, c.peerId, c.ticket, { t });
    await cc.next((m) => (m.payload as { i?: number })?.i === 1);
    await sleep(QUIET_MS / 2);
    assert.deepEqual(cc.messages.filter((m) => m.type === 'OFFER').map((m) => (m.payload as { i: number }).i), [0, 1]);
  }),
);

test(
  'the queue of a seat that expires is dropped with it',
  logged(async (t) => {
    const server = await serve(t, { SEAT_TIMEOUT_MS: '1000' });
    const { client: ca } = await member(server, 'gone-room', 'A', t);
    const b = await joinOk(server, 'gone-room', 'B');
    ca.send({ type: 'OFFER', dst: b.peerId, payload: { stale: true } });
    await ca.next((m) => m.type === 'VCW-LEAVE', 4000);
    // B comes back late with its ticket: it takes a seat anew (and hears who is there), and the stale offer is gone.
    const cb = await connect(server, b.peerId, b.ticket, { t });
    await sleep(QUIET_MS);
    assert.deepEqual(cb.messages.map((m) => m.type), ['OPEN', 'VCW-MEMBERS']);
  }),
);

test(
  'a receiver that does not read is not buffered for without end, and keeps its socket; the sender and others are fine',
  logged(async (t) => {
    const server = await serve(t, { MESSAGE_RATE_LIMIT: '10000', PING_INTERVAL_MS: '60000' });
    const { client: ca } = await member(server, 'slow-room', 'A', t);
    const { join: b, client: cb } = await member(server, 'slow-room', 'B (stops reading)', t);
    const { client: cc } = await member(server, 'slow-room', 'C', t);
    cb.ws.pause();
    const big = 'x'.repeat(60 * 1024);
    const SENT = 600; // 36 MiB
    for (let i = 0; i < SENT; i++) {
      ca.send({ type: 'OFFER', dst: b.peerId, payload: { i, sdp: big } });
      if (ca.ws.bufferedAmount > 2 * 1024 * 1024) await waitFor(() => ca.ws.bufferedAmount < 512 * 1024, 5000);
      if (i % 8 === 0) await new Promise((r) => setImmediate(r));
    }
    // Everything A sent has reached the server: a message to C after it arrives.
    ca.send({ type: 'OFFER', dst: cc.id, payload: { marker: 1 } });
    await cc.next((m) => (m.payload as { marker?: number })?.marker === 1, 10_000);
    cb.ws.resume();
    // B reads its backlog (kernel buffers plus the server's bounded one), then hears new messages again.
    await waitFor(async () => {
      ca.send({ type: 'OFFER', dst: b.peerId, payload: { marker: 2 } });
      await sleep(100);
      return cb.messages.some((m) => (m.payload as { marker?: number })?.marker === 2);
    }, 15_000, 'B never heard from A again');
    const received = cb.messages.filter((m) => typeof (m.payload as { i?: number })?.i === 'number').length;
    t.diagnostic(`B received ${received} of ${SENT} × 60 KiB sent while it did not read`);
    assert.ok(received < SENT / 2, `${received} of ${SENT} were buffered for B`);
    assert.ok(ca.open && cb.open && cc.open, 'nobody lost its socket');
    assert.deepEqual(cc.messages.filter((m) => m.type === 'VCW-LEAVE'), []);
    assert.equal((await health(server)).peers, 3);
  }),
);
