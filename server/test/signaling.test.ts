/**
 * The signaling WebSocket of the real server: tickets checked before the upgrade, room-scoped relay, hostile
 * frames, room notices, ping/pong liveness and surviving a restart.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Tickets } from '../src/tickets.js';
import {
  connect,
  health,
  joinOk,
  logged,
  member,
  nestedJson,
  serve,
  sleep,
  startServer,
  startShared,
  ticketSecretOf,
  upgradeStatus,
  waitFor,
  wsUrl,
  type Msg,
  type TestServer,
} from './helpers.js';

/** How long we watch for something that must NOT arrive. */
const QUIET_MS = 400;

const isFrom = (src: string, type = 'OFFER') => (m: Msg) => m.type === type && m.src === src;

describe('default configuration', () => {
  let server: TestServer;
  before(async () => {
    server = await startShared();
  });
  after(() => server.stop());

  test(
    'a valid ticket connects and receives OPEN',
    logged(async (t) => {
      const a = await joinOk(server, 'open-room', 'A');
      const client = await connect(server, a.peerId, a.ticket, { t });
      assert.deepEqual(client.messages[0], { type: 'OPEN' });
      assert.ok(client.open);
    }),
  );

  test(
    'the server vouches for who is who (VCW-IDENTITY): members hear a newcomer before its offers, the newcomer hears everyone',
    logged(async (t) => {
      const a = await member(server, 'identity-room', 'Ada', t);
      const early = await joinOk(server, 'identity-room', 'Reserved');
      const b = await joinOk(server, 'identity-room', '  Ben  ');
      const cb = await connect(server, b.peerId, b.ticket, { t });
      // B heard of everyone holding a seat (connected or only reserved), with the names and roles the server gave them.
      await waitFor(() => cb.identities.length > 0, 3000, 'B hears who is who');
      assert.deepEqual(cb.identities[0]!.payload, { members: [{ peerId: a.join.peerId, name: 'Ada', role: 'guest' }, { peerId: early.peerId, name: 'Reserved', role: 'guest' }] });
      // A heard of B, before B's first offer reached it.
      cb.send({ type: 'OFFER', dst: a.join.peerId, payload: { name: 'I am the host' } });
      await a.client.next((m) => m.type === 'OFFER');
      const kinds = a.client.raw.map((text) => (JSON.parse(text) as Msg).type);
      assert.ok(kinds.indexOf('VCW-IDENTITY') >= 0 && kinds.indexOf('VCW-IDENTITY') < kinds.indexOf('OFFER'), `the identity came first: ${kinds.join(' ')}`);
      assert.equal(a.client.identities.length, 1);
      assert.deepEqual(a.client.identities[0]!.payload, { members: [{ peerId: b.peerId, name: 'Ben', role: 'guest' }] });
    }),
  );

  test(
    'refused upgrades get an HTTP status before the upgrade',
    logged(async () => {
      const a = await joinOk(server, 'auth-room', 'A');
      const b = await joinOk(server, 'auth-room', 'B');
      const base = `ws://127.0.0.1:${server.port}/signal/peerjs`;
      const q = (params: Record<string, string>) => `${base}?${new URLSearchParams(params).toString()}`;

      assert.equal(await upgradeStatus(q({ key: 'vcw', id: a.peerId })), 401, 'no token');
      assert.equal(await upgradeStatus(q({ key: 'vcw', id: a.peerId, token: '' })), 401, 'empty token');
      assert.equal(await upgradeStatus(q({ key: 'vcw', token: a.ticket })), 401, 'no id');
      assert.equal(await upgradeStatus(wsUrl(server, a.peerId, a.ticket, 'peerjs')), 401, 'wrong key');
      assert.equal(await upgradeStatus(q({ id: a.peerId, token: a.ticket })), 401, 'no key');
      assert.equal(await upgradeStatus(wsUrl(server, b.peerId, a.ticket)), 401, "A's ticket used with B's id");
      assert.equal(await upgradeStatus(wsUrl(server, randomBytes(16).toString('hex'), a.ticket)), 401, "A's ticket with a random id");

      // Tampered: claims changed (A's ticket body re-targeted at B), signature kept.
      const [body, sig] = a.ticket.split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
      const retargeted = Buffer.from(JSON.stringify({ ...claims, p: b.peerId })).toString('base64url');
      assert.equal(await upgradeStatus(wsUrl(server, b.peerId, `${retargeted}.${sig}`)), 401, 'tampered claims');
      const renamed = Buffer.from(JSON.stringify({ ...claims, n: 'Mallory' })).toString('base64url');
      assert.equal(await upgradeStatus(wsUrl(server, a.peerId, `${renamed}.${sig}`)), 401, 'tampered name');
      // Tampered signature: flip the first character (changes the decoded bytes for sure).
      const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
      assert.equal(await upgradeStatus(wsUrl(server, a.peerId, `${body}.${flipped}`)), 401, 'tampered signature');
      assert.equal(await upgradeStatus(wsUrl(server, a.peerId, body)), 401, 'no signature');
      // Forged: well-formed claims signed with some other secret.
      const forged = new Tickets(randomBytes(32), 3600).issue('auth-room', b.peerId, 'B');
      assert.equal(await upgradeStatus(wsUrl(server, b.peerId, forged)), 401, 'forged ticket');
      // Genuine secret, but expired.
      const expired = new Tickets(ticketSecretOf(server), 60).issue('auth-room', a.peerId, 'A', Date.now() - 120_000);
      assert.equal(await upgradeStatus(wsUrl(server, a.peerId, expired)), 401, 'expired ticket');
      // A path PeerServer does not serve.
      assert.ok((await upgradeStatus(`ws://127.0.0.1:${server.port}/signal/other?key=vcw&id=${a.peerId}&token=${a.ticket}`)) >= 400);

      // None of this cost A its seat: the genuine ticket still connects.
      const client = await connect(server, a.peerId, a.ticket);
      await client.close();
    }),
  );

  test(
    'relay inside a room: A→B arrives with src=A, and answers flow back',
    logged(async (t) => {
      const { join: a, client: ca } = await member(server, 'relay-room', 'A', t);
      const { join: b, client: cb } = await member(server, 'relay-room', 'B', t);
      const payload = { sdp: { type: 'offer', sdp: 'v=0\r\n' }, type: 'media', connectionId: 'mc_1', metadata: { n: [1, 2, 3] } };
      // A claims to be someone else: the server sets src itself.
      ca.send({ type: 'OFFER', dst: b.peerId, src: 'f'.repeat(32), payload });
      const offer = await cb.next(isFrom(a.peerId));
      assert.deepEqual(offer, { type: 'OFFER', src: a.peerId, dst: b.peerId, payload });
      cb.send({ type: 'ANSWER', dst: a.peerId, payload: { sdp: 'answer' } });
      cb.send({ type: 'CANDIDATE', dst: a.peerId, payload: { candidate: 'c1' } });
      assert.deepEqual(await ca.next(isFrom(b.peerId, 'ANSWER')), { type: 'ANSWER', src: b.peerId, dst: a.peerId, payload: { sdp: 'answer' } });
      assert.deepEqual(await ca.next(isFrom(b.peerId, 'CANDIDATE')), {
        type: 'CANDIDATE',
        src: b.peerId,
        dst: a.peerId,
        payload: { candidate: 'c1' },
      });
      // Only relay types are relayed.
      ca.send({ type: 'EXPIRE', dst: b.peerId, payload: {} });
      ca.send({ type: 'ID-TAKEN', dst: b.peerId, payload: {} });
      ca.send({ type: 'OPEN', dst: b.peerId });
      ca.send({ type: 'VCW-LEAVE', dst: b.peerId, payload: { peerId: a.peerId, reason: 'disconnected' } });
      ca.send({ type: 'OFFER', dst: b.peerId, payload: { marker: 'last' } });
      await cb.next((m) => m.type === 'OFFER' && (m.payload as { marker?: string })?.marker === 'last');
      assert.deepEqual(
        cb.messages.map((m) => m.type),
        ['OPEN', 'OFFER', 'OFFER'],
        'nothing but the relay types reached B',
      );
    }),
  );

  test(
    'relay to another room or to an unknown id is dropped',
    logged(async (t) => {
      const { join: a, client: ca } = await member(server, 'scope-1', 'A', t);
      const { join: b2, client: cb2 } = await member(server, 'scope-2', 'B2', t);
      const { join: c2, client: cc2 } = await member(server, 'scope-2', 'C2', t);
      for (const type of ['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']) ca.send({ type, dst: b2.peerId, payload: { from: 'other room' } });
      // An unknown id that later connects (with a ticket for A's room) must not get a queued message either.
      const ghost = randomBytes(16).toString('hex');
      ca.send({ type: 'OFFER', dst: ghost, payload: { queued: true } });
      await sleep(QUIET_MS);
      assert.deepEqual(cb2.messages, [{ type: 'OPEN' }], 'B2 in room 2 received nothing from room 1');
      assert.ok(cb2.open && ca.open);
      const ghostTicket = new Tickets(ticketSecretOf(server), 3600).issue('scope-1', ghost, 'Ghost');
      const cg = await connect(server, ghost, ghostTicket, { t });
      await sleep(QUIET_MS / 2);
      assert.deepEqual(
        cg.messages.filter((m) => m.type === 'OFFER'),
        [],
        'a message to an unknown id is not queued for it',
      );
      // Room 2 itself still relays, and room 1 to room 1 too.
      cc2.send({ type: 'OFFER', dst: b2.peerId, payload: { ok: 1 } });
      await cb2.next(isFrom(c2.peerId));
      ca.send({ type: 'OFFER', dst: ghost, payload: { ok: 2 } });
      await cg.next(isFrom(a.peerId));
    }),
  );

  test(
    '{"type":"LEAVE"} without dst does not deregister the sender',
    logged(async (t) => {
      const { join: a, client: ca } = await member(server, 'leave-room', 'A', t);
      const { join: b, client: cb } = await member(server, 'leave-room', 'B', t);
      ca.send({ type: 'LEAVE' });
      ca.send({ type: 'LEAVE', payload: {} });
      ca.send({ type: 'LEAVE', dst: null });
      await sleep(200);
      cb.send({ type: 'OFFER', dst: a.peerId, payload: { after: 'leave' } });
      const got = await ca.next(isFrom(b.peerId));
      assert.deepEqual(got.payload, { after: 'leave' });
      assert.deepEqual(
        cb.messages.filter((m) => m.type !== 'OPEN'),
        [],
        'B got no LEAVE / VCW-LEAVE: A is still there',
      );
      // And nobody can take A's id meanwhile (without A's ticket there is no upgrade at all).
      assert.equal(await upgradeStatus(wsUrl(server, a.peerId, b.ticket)), 401);
    }),
  );

  test(
    'a deeply nested payload is dropped and does not cost the receiver its socket',
    logged(async (t) => {
      const { join: a, client: ca } = await member(server, 'deep-room', 'A', t);
      const { join: b, client: cb } = await member(server, 'deep-room', 'B', t);
      const deep = `{"type":"OFFER","dst":"${b.peerId}","payload":${nestedJson(5000)}}`;
      assert.ok(Buffer.byteLength(deep) < 64 * 1024);
      ca.send(deep);
      // 32 levels is the most that is relayed; 33 is too deep.
      ca.send(`{"type":"OFFER","dst":"${b.peerId}","payload":${nestedJson(33)}}`);
      ca.send(`{"type":"OFFER","dst":"${b.peerId}","payload":${nestedJson(32)}}`);
      ca.send({ type: 'OFFER', dst: b.peerId, payload: { marker: 'after-deep' } });
      await cb.next((m) => (m.payload as { marker?: string } | undefined)?.marker === 'after-deep');
      const offers = cb.messages.filter((m) => m.type === 'OFFER');
      assert.equal(offers.length, 2, 'only the 32-level payload and the marker were relayed');
      assert.equal(JSON.stringify(offers[0]!.payload), nestedJson(32));
      await sleep(100);
      assert.ok(cb.open, 'B is still connected');
      assert.ok(ca.open, 'A is still connected');
      cb.send({ type: 'ANSWER', dst: a.peerId, payload: {} });
      await ca.next(isFrom(b.peerId, 'ANSWER'));
    }),
  );

  test(
    'a frame over 64 KiB closes only the sender',
    logged(async (t) => {
      const { join: a, client: ca } = await member(server, 'big-room', 'A', t);
      const { join: b, client: cb } = await member(server, 'big-room', 'B', t);
      ca.send({ type: 'OFFER', dst: b.peerId, payload: { sdp: 'x'.repeat(60 * 1024) } });
      await cb.next(isFrom(a.peerId), 3000);
      ca.send({ type: 'OFFER', dst: b.peerId, payload: { sdp: 'x'.repeat(65 * 1024) } });
      const closed = await ca.waitClosed(3000);
      assert.equal(closed.code, 1009, 'message too big');
      const leave = await cb.next((m) => m.type === 'VCW-LEAVE');
      assert.deepEqual(leave.payload, { peerId: a.peerId, reason: 'disconnected' });
      assert.equal(cb.messages.filter((m) => m.type === 'OFFER').length, 1, 'the big frame was not relayed');
      assert.ok(cb.open);
      assert.equal(server.exited(), false);
      assert.equal((await health(server)).ok, true);
      const { join: c, client: cc } = await member(server, 'big-room', 'C', t);
      cc.send({ type: 'OFFER', dst: b.peerId, payload: {} });
      await cb.next(isFrom(c.peerId));
    }),
  );

  test(
    'reconnecting with the same ticket while the old socket is still registered gets OPEN',
    async (t) => {
      const { join: a, client: first } = await member(server, 'reattach-room', 'A', t);
      const second = await connect(server, a.peerId, a.ticket, { expectOpen: false, t });
      try {
        await second.next((m) => m.type === 'OPEN', 1000);
      } finally {
        await first.close();
      }
    },
  );

  test(
    'a second socket with the same ticket takes over relay for that id',
    logged(async (t) => {
      const { join: a, client: first } = await member(server, 'takeover-room', 'A', t);
      const { join: b, client: cb } = await member(server, 'takeover-room', 'B', t);
      const second = await connect(server, a.peerId, a.ticket, { expectOpen: false, t });
      cb.send({ type: 'OFFER', dst: a.peerId, payload: { to: 'newest' } });
      await second.next((m) => m.type === 'OFFER' && m.src === b.peerId);
      await first.close();
      await sleep(QUIET_MS / 2);
      assert.equal(cb.messages.filter((m) => m.type === 'VCW-LEAVE').length, 0, 'closing the replaced socket does not free the seat');
      second.send({ type: 'ANSWER', dst: b.peerId, payload: {} });
      await cb.next((m) => m.type === 'ANSWER' && m.src === a.peerId);
      await second.close();
      const leave = await cb.next((m) => m.type === 'VCW-LEAVE');
      assert.deepEqual(leave.payload, { peerId: a.peerId, reason: 'disconnected' });
    }),
  );

  test(
    'an emoji name that the API accepts can also connect',
    async () => {
      const name = '😀'.repeat(40);
      const joined = await joinOk(server, 'emoji-room', name);
      const client = await connect(server, joined.peerId, joined.ticket);
      await client.close();
    },
  );
});

test(
  'VCW-LEAVE, /healthz counts and room deletion follow the sockets',
  logged(async (t) => {
    const server = await serve(t);
    const a = await joinOk(server, 'count-room', 'A');
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 1 }, 'a reserved seat counts');
    const ca = await connect(server, a.peerId, a.ticket, { t });
    const { join: b, client: cb } = await member(server, 'count-room', 'B', t);
    const { client: cc } = await member(server, 'count-room-2', 'C', t);
    assert.deepEqual(await health(server), { ok: true, rooms: 2, peers: 3 });

    await ca.close();
    const leave = await cb.next((m) => m.type === 'VCW-LEAVE');
    assert.deepEqual(leave, { type: 'VCW-LEAVE', payload: { peerId: a.peerId, reason: 'disconnected' } });
    await waitFor(async () => (await health(server)).peers === 2, 3000, 'peers did not drop to 2');
    assert.equal((await health(server)).rooms, 2);
    assert.equal(cc.messages.filter((m) => m.type === 'VCW-LEAVE').length, 0, 'another room hears nothing');

    await cb.close();
    await waitFor(async () => (await health(server)).rooms === 1, 3000, 'the empty room was not deleted');
    await cc.close();
    await waitFor(async () => {
      const h = await health(server);
      return h.rooms === 0 && h.peers === 0;
    }, 3000);

    // A widget that comes back with its ticket gets a seat in a fresh room.
    const cb2 = await connect(server, b.peerId, b.ticket, { t });
    assert.ok(cb2.open);
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 1 });
  }),
);

test(
  'a socket closed "going away" (1001, a page that went away) is released as gone; any other close as disconnected',
  logged(async (t) => {
    const server = await serve(t);
    const { client: ca } = await member(server, 'gone-room', 'A', t);
    const { join: b, client: cb } = await member(server, 'gone-room', 'B', t);
    const { join: c, client: cc } = await member(server, 'gone-room', 'C', t);
    await cb.close(1001);
    assert.deepEqual(await ca.next((m) => m.type === 'VCW-LEAVE'), { type: 'VCW-LEAVE', payload: { peerId: b.peerId, reason: 'gone' } });
    await cc.close(1000);
    const leaves = () => ca.messages.filter((m) => m.type === 'VCW-LEAVE');
    await waitFor(() => leaves().length === 2, 3000, 'the second release was not heard');
    assert.deepEqual(leaves()[1], { type: 'VCW-LEAVE', payload: { peerId: c.peerId, reason: 'disconnected' } });
  }),
);

test(
  'an unclaimed seat expires and the connected members hear it',
  logged(async (t) => {
    const server = await serve(t, { SEAT_TIMEOUT_MS: '1000' });
    const { client: ca } = await member(server, 'exp-room', 'A', t);
    const ghost = await joinOk(server, 'exp-room', 'never comes');
    const leave = await ca.next((m) => m.type === 'VCW-LEAVE', 4000);
    assert.deepEqual(leave.payload, { peerId: ghost.peerId, reason: 'expired' });
    await sleep(QUIET_MS);
    assert.ok(ca.open, 'a connected seat does not expire');
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 1 });
  }),
);

test(
  'a full room refuses the upgrade of a peer that has no seat (409)',
  logged(async (t) => {
    const server = await serve(t, { MAX_PEERS: '2' });
    await member(server, 'full', 'A', t);
    await joinOk(server, 'full', 'B');
    const stranger = randomBytes(16).toString('hex');
    const ticket = new Tickets(ticketSecretOf(server), 3600).issue('full', stranger, 'S');
    assert.equal(await upgradeStatus(wsUrl(server, stranger, ticket)), 409);
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 2 });
  }),
);

test(
  'ALLOWED_ORIGINS applies to the WebSocket too',
  logged(async (t) => {
    const server = await serve(t, { ALLOWED_ORIGINS: 'https://a.example' });
    const a = await joinOk(server, 'orig-room', 'A', { origin: 'https://a.example' });
    assert.equal(await upgradeStatus(wsUrl(server, a.peerId, a.ticket), { origin: 'https://b.example' }), 403);
    const client = await connect(server, a.peerId, a.ticket, { origin: 'https://a.example', t });
    assert.ok(client.open);
  }),
);

test(
  'liveness: a socket that stops answering pings is dropped, the others stay',
  logged(async (t) => {
    const server = await serve(t, { PING_INTERVAL_MS: '500' });
    const { join: a, client: ca } = await member(server, 'live-room', 'A', t);
    const { client: cc } = await member(server, 'live-room', 'C', t);
    const b = await joinOk(server, 'live-room', 'Frozen');
    const cb = await connect(server, b.peerId, b.ticket, { autoPong: false, t });
    const since = Date.now();
    await cb.waitClosed(2500);
    const took = Date.now() - since;
    assert.ok(took <= 1750, `the frozen socket was dropped after ${took} ms`);
    assert.ok(cb.pings >= 1, 'the server pinged before dropping');
    const leave = await ca.next((m) => m.type === 'VCW-LEAVE');
    assert.deepEqual(leave.payload, { peerId: b.peerId, reason: 'disconnected' });
    await cc.next((m) => m.type === 'VCW-LEAVE');
    // The answering sockets stay over the same span and more.
    await waitFor(() => Date.now() - since >= 1500, 2000);
    await sleep(QUIET_MS);
    assert.ok(ca.open && cc.open, 'sockets that answer pings stay connected');
    assert.ok(ca.pings >= 2, `A saw ${ca.pings} pings`);
    cc.send({ type: 'OFFER', dst: a.peerId, payload: {} });
    await ca.next((m) => m.type === 'OFFER');
    assert.equal((await health(server)).peers, 2);
  }),
);

test(
  'liveness: a slow client that answers each ping late (but before the next) keeps its seat',
  logged(async (t) => {
    const server = await serve(t, { PING_INTERVAL_MS: '500' });
    const { client: ca } = await member(server, 'slow-room', 'A', t);
    const b = await joinOk(server, 'slow-room', 'Slow');
    const cb = await connect(server, b.peerId, b.ticket, { autoPong: false, t });
    // Answer every ping 300 ms late: 60% of the interval.
    cb.ws.on('ping', (data) => setTimeout(() => cb.open && cb.ws.pong(data), 300));
    await waitFor(() => cb.pings >= 6, 6000, 'six pings answered late');
    assert.ok(cb.open, 'the slow socket is still connected after six intervals');
    assert.equal(ca.messages.filter((m) => m.type === 'VCW-LEAVE').length, 0, 'nobody was told it left');
    assert.equal((await health(server)).peers, 2, 'its seat is kept');
    ca.send({ type: 'OFFER', dst: b.peerId, payload: {} });
    await cb.next((m) => m.type === 'OFFER');
  }),
);

test(
  'restart: the same STATE_DIR keeps tickets valid, another one does not',
  logged(async (t) => {
    const stateDir = mkdtempSync(pathJoin(tmpdir(), 'vcw-restart-'));
    t.after(() => rmSync(stateDir, { recursive: true, force: true }));
    const first = await startServer({ STATE_DIR: stateDir });
    t.after(() => first.stop());
    assert.equal(statSync(pathJoin(stateDir, 'ticket-secret')).mode & 0o777, 0o600, 'the secret file is private');
    const a = await joinOk(first, 'survive', 'A');
    const b = await joinOk(first, 'survive', 'B');
    const ca1 = await connect(first, a.peerId, a.ticket);
    const cb1 = await connect(first, b.peerId, b.ticket);
    await first.stop();
    await Promise.all([ca1.waitClosed(3000), cb1.waitClosed(3000)]);

    const second = await serve(t, { STATE_DIR: stateDir });
    assert.deepEqual(await health(second), { ok: true, rooms: 0, peers: 0 });
    const ca2 = await connect(second, a.peerId, a.ticket, { t });
    assert.deepEqual(ca2.messages[0], { type: 'OPEN' });
    assert.deepEqual(await health(second), { ok: true, rooms: 1, peers: 1 });
    // A newcomer joins before B is back: its member list has A only, so B must hear of it when it returns.
    const early = await joinOk(second, 'survive', 'Early');
    assert.deepEqual(early.members.map((m) => m.peerId), [a.peerId]);
    const cb2 = await connect(second, b.peerId, b.ticket, { t });
    assert.deepEqual(await health(second), { ok: true, rooms: 1, peers: 3 });
    const told = await cb2.next((m) => m.type === 'VCW-MEMBERS');
    assert.deepEqual(told.payload, { members: [{ peerId: a.peerId, name: 'A', role: 'guest' }, { peerId: early.peerId, name: 'Early', role: 'guest' }] });
    assert.ok(!ca2.messages.some((m) => m.type === 'VCW-MEMBERS'), 'the first one back had nobody to hear of');
    // The room is whole again: relay works, and a newcomer sees both with their names.
    ca2.send({ type: 'OFFER', dst: b.peerId, payload: { again: true } });
    await cb2.next(isFrom(a.peerId));
    const c = await joinOk(second, 'survive', 'C');
    assert.deepEqual(
      c.members.map((m) => [m.peerId, m.name]).sort(),
      [
        [a.peerId, 'A'],
        [b.peerId, 'B'],
        [early.peerId, 'Early'],
      ].sort(),
    );

    const otherDir = mkdtempSync(pathJoin(tmpdir(), 'vcw-restart-other-'));
    t.after(() => rmSync(otherDir, { recursive: true, force: true }));
    const other = await serve(t, { STATE_DIR: otherDir });
    assert.equal(await upgradeStatus(wsUrl(other, a.peerId, a.ticket)), 401, 'a ticket from another secret is refused');
    assert.deepEqual(await health(other), { ok: true, rooms: 0, peers: 0 });
  }),
);
