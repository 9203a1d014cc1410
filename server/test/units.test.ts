/**
 * Unit tests, no server process: tickets, rooms, room tokens, nestsDeeper and config.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { after, describe, test } from 'node:test';
import { PEER_ID } from '../../src/protocol/limits.js';
import type { Member } from '../../src/protocol/wire.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { iceServersFor, TurnGrants } from '../src/ice.js';
import { Rooms } from '../src/rooms.js';
import { newPeerId, Tickets } from '../src/tickets.js';
import { CLOCK_SKEW_SECONDS, signRoomToken, TokenError, verifyRoomToken } from '../src/tokens.js';
import { clientAddress, normalise } from '../src/util/client-address.js';
import { nestsDeeper } from '../src/util/json-depth.js';
import { Bucket, KeyedLimiter, SocketCounter } from '../src/util/rate-limits.js';
import { waitFor } from './helpers.js';

describe('tickets', () => {
  const secret = randomBytes(32);
  const tickets = new Tickets(secret, 3600);
  const id = newPeerId();
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);
  /** A ticket with arbitrary claims in the wire format (one-letter keys, see tickets.ts), correctly signed with `secret`. */
  const signed = (claims: unknown, key: Buffer = secret) => {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
  };

  test('peer ids are 32 hex digits and distinct', () => {
    const ids = new Set(Array.from({ length: 200 }, newPeerId));
    assert.equal(ids.size, 200);
    for (const p of ids) assert.match(p, PEER_ID);
  });

  test('issue then verify gives the claims back', () => {
    const ticket = tickets.issue('room-1', id, 'Dana', now);
    assert.match(ticket, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(tickets.verify(ticket, now), { room: 'room-1', peerId: id, name: 'Dana', expires: Math.floor(now / 1000) + 3600, kind: 'member', role: 'guest' });
    assert.equal(tickets.verify(tickets.issue('room-1', id, 'Dana', now, 'member', 'host'), now)?.role, 'host', 'a host keeps its role');
    assert.deepEqual(new Tickets(Buffer.from(secret), 60).verify(ticket, now)?.peerId, id, 'any Tickets with the same secret verifies');
  });

  test('expiry', () => {
    const ticket = tickets.issue('room-1', id, 'Dana', now);
    assert.ok(tickets.verify(ticket, now + 3599_000));
    assert.equal(tickets.verify(ticket, now + 3600_000), null);
    assert.equal(tickets.verify(ticket, now + 10 * 3600_000), null);
  });

  test('tampering, a wrong secret and junk are refused', () => {
    const ticket = tickets.issue('room-1', id, 'Dana', now);
    const [body, sig] = ticket.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const reencode = (c: unknown) => Buffer.from(JSON.stringify(c)).toString('base64url');
    assert.equal(tickets.verify(`${reencode({ ...claims, r: 'room-2' })}.${sig}`, now), null);
    assert.equal(tickets.verify(`${reencode({ ...claims, p: newPeerId() })}.${sig}`, now), null);
    assert.equal(tickets.verify(`${reencode({ ...claims, e: (claims.e as number) + 1 })}.${sig}`, now), null);
    assert.equal(tickets.verify(`${body}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`, now), null);
    assert.equal(tickets.verify(`${body}.${sig}${sig}`, now), null);
    assert.equal(tickets.verify(`${body}.`, now), null);
    assert.equal(tickets.verify(new Tickets(randomBytes(32), 3600).issue('room-1', id, 'Dana', now), now), null);
    for (const junk of [undefined, null, 5, {}, '', '.', 'abc', '.abc', 'a.b', 'x'.repeat(2000), `${body}.${'A'.repeat(43)}`]) {
      assert.equal(tickets.verify(junk, now), null, `junk ${String(junk).slice(0, 20)}`);
    }
    assert.equal(tickets.verify(`${'x'.repeat(1000)}${ticket}`, now), null, 'over 1024 characters');
  });

  test('correctly signed but invalid claims are refused', () => {
    const e = Math.floor(now / 1000) + 60;
    const good = { r: 'room', p: id, n: 'A', e };
    assert.ok(tickets.verify(signed(good), now));
    for (const bad of [
      { ...good, r: 'bad room' },
      { ...good, r: '' },
      { ...good, r: 5 },
      { ...good, p: 'not-hex' },
      { ...good, p: id.toUpperCase() },
      { ...good, n: 'x'.repeat(65) },
      { ...good, n: null },
      { ...good, e: String(e) },
      { ...good, o: 'x' },
      { ...good, o: 'host' },
      { r: 'room', p: id, n: 'A' },
      [good],
      'string',
      null,
    ]) {
      assert.equal(tickets.verify(signed(bad), now), null, JSON.stringify(bad));
    }
    const notJson = Buffer.from('{nope').toString('base64url');
    assert.equal(tickets.verify(`${notJson}.${createHmac('sha256', secret).update(notJson).digest('base64url')}`, now), null);
  });
});

describe('rooms', () => {
  const made: Rooms[] = [];
  const rooms = (max: number, seatMs = 60_000) => {
    const r = new Rooms(max, seatMs);
    made.push(r);
    return r;
  };
  after(() => made.forEach((r) => r.clear()));
  type Release = [room: string, peerId: string, reason: string, members: Member[], name: string, joined: boolean];
  const recorder = (r: Rooms) => {
    const events: Release[] = [];
    r.on('release', (...args) => events.push(args));
    return events;
  };

  test('reserve: fresh ids, members snapshot, capacity per room', () => {
    const r = rooms(3);
    const a = r.reserve('x', 'A')!;
    const b = r.reserve('x', 'B')!;
    const c = r.reserve('x', 'C')!;
    assert.match(a.peerId, PEER_ID);
    assert.deepEqual(a.members, []);
    assert.deepEqual(b.members, [{ peerId: a.peerId, name: 'A', role: 'guest' }]);
    assert.deepEqual(c.members, [
      { peerId: a.peerId, name: 'A', role: 'guest' },
      { peerId: b.peerId, name: 'B', role: 'guest' },
    ]);
    assert.equal(r.reserve('x', 'D'), null);
    assert.ok(r.reserve('y', 'D'), 'another room has its own seats');
    assert.deepEqual(r.stats(), { rooms: 2, peers: 4 });
    assert.equal(r.roomOf(a.peerId), 'x');
    assert.equal(r.roomOf(newPeerId()), undefined);
    assert.equal(r.canConnect('x', a.peerId), true, 'a seat holder can connect to a full room');
    assert.equal(r.canConnect('x', newPeerId()), false);
    assert.equal(r.canConnect('nowhere', newPeerId()), true);
  });

  test('connect claims the reserved seat; after a restart it takes a free seat if there is one, and says who else holds one', () => {
    const r = rooms(2);
    const a = r.reserve('x', 'A')!;
    assert.deepEqual(r.connect('x', a.peerId, 'A'), { others: null }, 'a reserved seat: its holder knows the room from its join');
    assert.equal(r.connect('other', a.peerId, 'A'), null, 'a peer lives in one room');
    assert.deepEqual(r.stats(), { rooms: 1, peers: 1 });
    // After a restart: the server never saw these peers, they come with tickets only.
    const fresh = rooms(3);
    const p1 = newPeerId();
    const p2 = newPeerId();
    assert.deepEqual(fresh.connect('x', p1, 'One'), { others: [] });
    const newcomer = fresh.reserve('x', 'New')!;
    assert.deepEqual(newcomer.members, [{ peerId: p1, name: 'One', role: 'guest' }], 'the newcomer knows only who is back');
    assert.deepEqual(fresh.connect('x', p2, 'Two'), { others: [{ peerId: p1, name: 'One', role: 'guest' }, { peerId: newcomer.peerId, name: 'New', role: 'guest' }] }, 'seats reserved or connected before it');
    assert.equal(fresh.connect('x', newPeerId(), 'Four'), null, 'full');
    assert.deepEqual(fresh.connect('x', p1, 'One'), { others: null }, 'connecting again keeps the seat');
    assert.deepEqual(fresh.stats(), { rooms: 1, peers: 3 });
    assert.deepEqual(fresh.reserve('x', 'Five'), null);
    assert.deepEqual(fresh.reserve('y', 'Five')?.members, []);
  });

  test('release tells the remaining connected members, and deletes the empty room', () => {
    const r = rooms(4);
    const events = recorder(r);
    const a = r.reserve('x', 'A')!;
    const b = r.reserve('x', 'B')!;
    const c = r.reserve('x', 'C')!; // reserved, never connected
    r.connect('x', a.peerId, 'A');
    r.connect('x', b.peerId, 'B');
    r.release(a.peerId, 'disconnected');
    assert.deepEqual(events, [['x', a.peerId, 'disconnected', [{ peerId: b.peerId, name: 'B', role: 'guest' }], 'A', true]]);
    assert.equal(r.roomOf(a.peerId), undefined);
    r.release(a.peerId, 'disconnected');
    r.release(newPeerId(), 'expired');
    assert.equal(events.length, 1, 'releasing an unknown peer emits nothing');
    r.release(c.peerId, 'expired');
    assert.deepEqual(events.at(-1), ['x', c.peerId, 'expired', [{ peerId: b.peerId, name: 'B', role: 'guest' }], 'C', false], 'a seat never connected had not joined');
    r.release(b.peerId, 'disconnected');
    assert.deepEqual(events.at(-1), ['x', b.peerId, 'disconnected', [], 'B', true]);
    assert.deepEqual(r.stats(), { rooms: 0, peers: 0 });
    assert.deepEqual(r.reserve('x', 'New')?.members, [], 'the room starts over');
  });

  test('a seat joins once: a socket replacing another is no second connect, and the release says it had joined', () => {
    const r = rooms(4);
    const released = recorder(r);
    const connects: unknown[][] = [];
    r.on('connect', (...args) => connects.push(args));
    const a = r.reserve('x', 'A')!;
    r.connect('x', a.peerId, 'A');
    r.detach(a.peerId);
    r.connect('x', a.peerId, 'A');
    assert.deepEqual(connects, [['x', a.peerId, 'A']]);
    r.detach(a.peerId);
    r.release(a.peerId, 'expired');
    assert.deepEqual(released, [['x', a.peerId, 'expired', [], 'A', true]]);
  });

  test('an unclaimed reservation expires; a connected seat does not', async () => {
    const r = rooms(2, 50);
    const events = recorder(r);
    const a = r.reserve('x', 'A')!;
    r.connect('x', a.peerId, 'A');
    const b = r.reserve('x', 'B')!;
    await waitFor(() => events.length === 1, 2000);
    assert.deepEqual(events[0], ['x', b.peerId, 'expired', [{ peerId: a.peerId, name: 'A', role: 'guest' }], 'B', false]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(events.length, 1, 'the connected seat stayed');
    assert.deepEqual(r.stats(), { rooms: 1, peers: 1 });
    r.clear();
    assert.deepEqual(r.stats(), { rooms: 0, peers: 0 });
  });
});

describe('room tokens', () => {
  const secret = 'token-secret-0123456789-abcdefghijklmn';
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);
  const t = Math.floor(now / 1000);
  const verify = (claims: Record<string, unknown>, opts: { room?: string; maxTtl?: number; key?: string } = {}) =>
    verifyRoomToken(signRoomToken(claims, opts.key ?? secret), secret, opts.room ?? 'room', opts.maxTtl ?? 3600, now);
  const refused = (claims: Record<string, unknown>, pattern: RegExp, opts: { room?: string; maxTtl?: number; key?: string } = {}) =>
    assert.throws(() => verify(claims, opts), (e: unknown) => e instanceof TokenError && pattern.test(e.message), JSON.stringify(claims));
  const base = { room: 'room', iat: t, exp: t + 600 };

  test('a valid token gives the grant', () => {
    assert.deepEqual(verify(base), { room: 'room', role: 'guest', name: undefined, sub: undefined, exp: t + 600, until: t + 630 });
    assert.deepEqual(verify({ ...base, role: 'host', name: 'Dana', sub: 'u-1' }), { room: 'room', role: 'host', name: 'Dana', sub: 'u-1', exp: t + 600, until: t + 630 });
    assert.equal(verify({ ...base, role: 'guest' }).role, 'guest');
  });

  test('room, signature and algorithm', () => {
    refused(base, /another room/, { room: 'other' });
    refused(base, /signature/, { key: 'another-secret-0123456789-abcdefghijk' });
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const body = b64(base);
    for (const token of [`${b64({ alg: 'none' })}.${body}.`, `${b64({ alg: 'none' })}.${body}`, `${b64({ typ: 'JWT' })}.${body}.x`]) {
      assert.throws(() => verifyRoomToken(token, secret, 'room', 3600, now), TokenError);
    }
    const head512 = b64({ alg: 'HS512', typ: 'JWT' });
    const sig512 = createHmac('sha512', secret).update(`${head512}.${body}`).digest('base64url');
    assert.throws(() => verifyRoomToken(`${head512}.${body}.${sig512}`, secret, 'room', 3600, now), /HS256/);
    assert.throws(() => verifyRoomToken(`x.${body}.y.z`, secret, 'room', 3600, now), /not a JWT/);
    assert.throws(() => verifyRoomToken('a'.repeat(5000) + '.b.c', secret, 'room', 3600, now), /not a JWT/);
    const head = b64({ alg: 'HS256', typ: 'JWT' });
    const notJson = Buffer.from('{nope').toString('base64url');
    const sig = createHmac('sha256', secret).update(`${head}.${notJson}`).digest('base64url');
    assert.throws(() => verifyRoomToken(`${head}.${notJson}.${sig}`, secret, 'room', 3600, now), /not JSON/);
  });

  test('the signature is compared as canonical base64url text: other spellings of the same bytes are refused', () => {
    const token = signRoomToken(base, secret);
    assert.equal(verifyRoomToken(token, secret, 'room', 3600, now).room, 'room');
    const [head, body, sig] = token.split('.') as [string, string, string];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 32 bytes are 43 characters: the last one carries 4 bits and 2 unused ones. Setting those gives the same bytes.
    const last = alphabet.indexOf(sig.at(-1)!);
    const trailing = `${sig.slice(0, -1)}${alphabet[last ^ 1]}`;
    const spellings = [
      `${sig}=`, // padded
      sig.replace(/-/g, '+').replace(/_/g, '/'), // base64, not base64url (when the signature has - or _)
      trailing,
      ` ${sig}`,
      `${sig}\n`,
    ].filter((s) => s !== sig);
    for (const spelling of spellings) {
      assert.deepEqual(Buffer.from(spelling, 'base64url'), Buffer.from(sig, 'base64url'), `${JSON.stringify(spelling)} decodes to the same bytes`);
      assert.throws(() => verifyRoomToken(`${head}.${body}.${spelling}`, secret, 'room', 3600, now), /signature/, JSON.stringify(spelling));
    }
    assert.ok(spellings.length >= 4);
  });

    test('exp and iat are required, with a clock skew allowance', () => {
    refused({ room: 'room', iat: t }, /exp and iat/);
    refused({ room: 'room', exp: t + 60 }, /exp and iat/);
    refused({ ...base, exp: String(t + 60) }, /exp and iat/);
    assert.ok(verify({ ...base, iat: t - 100, exp: t - CLOCK_SKEW_SECONDS + 1 }), 'expired less than the skew ago');
    refused({ ...base, iat: t - 100, exp: t - CLOCK_SKEW_SECONDS }, /expired/);
    assert.ok(verify({ ...base, iat: t + CLOCK_SKEW_SECONDS, exp: t + 300 }), 'issued within the skew in the future');
    refused({ ...base, iat: t + CLOCK_SKEW_SECONDS + 1, exp: t + 300 }, /future/);
  });

  test('nbf is honoured', () => {
    assert.ok(verify({ ...base, nbf: t }));
    assert.ok(verify({ ...base, nbf: t + CLOCK_SKEW_SECONDS }));
    refused({ ...base, nbf: t + CLOCK_SKEW_SECONDS + 1 }, /not valid yet/);
    refused({ ...base, nbf: 'now' }, /not valid yet/);
  });

  test('the lifetime is capped', () => {
    assert.ok(verify({ room: 'room', iat: t, exp: t + 3600 }));
    refused({ room: 'room', iat: t, exp: t + 3601 }, /longer than 3600/);
    refused({ room: 'room', iat: t, exp: t + 120 }, /longer than 60/, { maxTtl: 60 });
  });

  test('role, name and sub are validated', () => {
    for (const role of ['admin', 'HOST', '', 1, false, ['host']]) refused({ ...base, role }, /role/);
    refused({ ...base, name: 'x'.repeat(65) }, /name/);
    refused({ ...base, name: 5 }, /name/);
    assert.equal(verify({ ...base, name: 'x'.repeat(64) }).name, 'x'.repeat(64));
    refused({ ...base, sub: 42 }, /sub/);
  });
});

describe('nestsDeeper', () => {
  const nest = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  };

  test('primitives and flat values', () => {
    for (const v of [undefined, null, 1, 'x', true]) assert.equal(nestsDeeper(v, 0), false);
    assert.equal(nestsDeeper({}, 0), true, 'an object is at depth 0');
    assert.equal(nestsDeeper({}, 1), false);
    assert.equal(nestsDeeper({ a: 1, b: 'x', c: null }, 1), false);
  });

  test('the limit boundary, objects and arrays alike', () => {
    assert.equal(nestsDeeper(nest(32), 32), false);
    assert.equal(nestsDeeper(nest(33), 32), true);
    let arr: unknown = 1;
    for (let i = 0; i < 33; i++) arr = [arr];
    assert.equal(nestsDeeper(arr, 32), true);
    const wide = { wide: Array.from({ length: 10_000 }, () => ({ x: [1] })) }; // depths 0..3
    assert.equal(nestsDeeper(wide, 4), false);
    assert.equal(nestsDeeper(wide, 3), true);
    assert.equal(nestsDeeper({ ok: nest(5), deep: [nest(40)] }, 32), true, 'one deep branch is enough');
  });

  test('a hostile depth does not blow the stack', () => {
    assert.equal(nestsDeeper(nest(200_000), 32), true);
    assert.equal(nestsDeeper(JSON.parse('['.repeat(50_000) + ']'.repeat(50_000)), 32), true);
  });
});

describe('config', () => {
  const dirs: string[] = [];
  const stateDir = () => {
    const d = mkdtempSync(pathJoin(tmpdir(), 'vcw-unit-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const paths = { staticDir: '/s', demoDir: '/d' };
  const load = (env: Record<string, string>) => loadConfig({ STATE_DIR: stateDir(), ...env }, paths);

  test('defaults', () => {
    const c = load({});
    assert.equal(c.port, 9000);
    assert.equal(c.host, undefined);
    assert.equal(c.maxPeers, 4);
    assert.equal(c.allowedOrigins, null);
    assert.equal(c.roomTokenSecret, null);
    assert.deepEqual([...c.stunUrls], []);
    assert.deepEqual([...c.turnUrls], []);
    assert.equal(c.turnSecret, null);
    assert.equal(c.trustProxy, false);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.seatTimeoutMs, 15000);
    assert.equal(c.pingIntervalMs, 4000);
    assert.equal(c.joinRateLimit, 120);
    assert.equal(c.maxSocketsPerAddress, 64);
    assert.equal(c.messageRateLimit, 50);
    assert.equal(c.offlineQueueLimit, 256);
    assert.equal(c.offlineQueueBytes, 512 * 1024);
    assert.deepEqual(iceServersFor(c), [], 'no third-party ICE server by default');
  });

  test('values are parsed', () => {
    const c = load({
      PORT: ' 8080 ',
      HOST: '::1',
      MAX_PEERS: '8',
      ALLOWED_ORIGINS: 'https://a.example, http://b.example:8080',
      STUN_URLS: 'stun:s.example:3478',
      TURN_URLS: 'turn:t.example:3478?transport=udp,turns:t.example:5349',
      TURN_SECRET: 's'.repeat(32),
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'silent',
    });
    assert.equal(c.port, 8080);
    assert.equal(c.host, '::1');
    assert.equal(c.maxPeers, 8);
    assert.deepEqual(c.allowedOrigins, ['https://a.example', 'http://b.example:8080']);
    assert.equal(c.turnUrls.length, 2);
    assert.equal(c.trustProxy, true);
    assert.equal(load({ ALLOWED_ORIGINS: 'https://a.example,*' }).allowedOrigins, null, '"*" means any origin');
    assert.equal(load({ PORT: '0' }).port, 0);
  });

  test('bad values throw a ConfigError naming the variable', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ PORT: 'abc' }, 'PORT'],
      [{ PORT: '70000' }, 'PORT'],
      [{ PORT: '-1' }, 'PORT'],
      [{ PORT: '80.5' }, 'PORT'],
      [{ MAX_PEERS: '9' }, 'MAX_PEERS'],
      [{ MAX_PEERS: '1' }, 'MAX_PEERS'],
      [{ MAX_PEERS: 'four' }, 'MAX_PEERS'],
      [{ HOST: 'a b' }, 'HOST'],
      [{ HOST: 'x/y' }, 'HOST'],
      [{ ALLOWED_ORIGINS: 'ftp://a.example' }, 'ALLOWED_ORIGINS'],
      [{ ALLOWED_ORIGINS: 'https://a.example/' }, 'ALLOWED_ORIGINS'],
      [{ ALLOWED_ORIGINS: 'a.example' }, 'ALLOWED_ORIGINS'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ TURN_URLS: 'turn:t.example' }, 'TURN_SECRET'],
      [{ TURN_URLS: 'http://t.example', TURN_SECRET: 's'.repeat(32) }, 'TURN_URLS'],
      [{ TURN_URLS: 'turn:t.example', TURN_SECRET: 'short' }, 'TURN_SECRET'],
      [{ STUN_URLS: 'turn:t.example' }, 'STUN_URLS'],
      [{ ROOM_TOKEN_SECRET: 'x'.repeat(31) }, 'ROOM_TOKEN_SECRET'],
      [{ TICKET_SECRET: 'short' }, 'TICKET_SECRET'],
      [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY'],
      [{ TOKEN_MAX_TTL: '59' }, 'TOKEN_MAX_TTL'],
      [{ TURN_TTL: '999999999' }, 'TURN_TTL'],
      [{ TICKET_TTL: '1h' }, 'TICKET_TTL'],
      [{ SEAT_TIMEOUT_MS: '999' }, 'SEAT_TIMEOUT_MS'],
      [{ PING_INTERVAL_MS: '100' }, 'PING_INTERVAL_MS'],
      [{ JOIN_RATE_LIMIT: '0' }, 'JOIN_RATE_LIMIT'],
      [{ JOIN_RATE_LIMIT: 'lots' }, 'JOIN_RATE_LIMIT'],
      [{ MAX_SOCKETS_PER_ADDRESS: '0' }, 'MAX_SOCKETS_PER_ADDRESS'],
      [{ MAX_SOCKETS_PER_ADDRESS: '2.5' }, 'MAX_SOCKETS_PER_ADDRESS'],
      [{ MESSAGE_RATE_LIMIT: '0' }, 'MESSAGE_RATE_LIMIT'],
      [{ MESSAGE_RATE_LIMIT: '100001' }, 'MESSAGE_RATE_LIMIT'],
      [{ OFFLINE_QUEUE_LIMIT: '-1' }, 'OFFLINE_QUEUE_LIMIT'],
      [{ OFFLINE_QUEUE_BYTES: '99999999999' }, 'OFFLINE_QUEUE_BYTES'],
    ];
    for (const [env, variable] of cases) {
      assert.throws(
        () => load(env),
        (e: unknown) => e instanceof ConfigError && e.variable === variable && e.message.includes(variable),
        `${JSON.stringify(env)} should name ${variable}`,
      );
    }
  });

  test('the ticket secret is kept in STATE_DIR across loads', () => {
    const dir = stateDir();
    const first = loadConfig({ STATE_DIR: dir }, paths).ticketSecret;
    const second = loadConfig({ STATE_DIR: dir }, paths).ticketSecret;
    assert.deepEqual(first, second);
    assert.match(readFileSync(pathJoin(dir, 'ticket-secret'), 'utf8'), /^[0-9a-f]{64}$/);
    assert.notDeepEqual(load({}).ticketSecret, first, 'another directory, another secret');
    const given = 'g'.repeat(40);
    assert.deepEqual(load({ TICKET_SECRET: given }).ticketSecret, Buffer.from(given));
  });

  test('an unusable STATE_DIR is a ConfigError naming STATE_DIR', () => {
    const dir = stateDir();
    const file = pathJoin(dir, 'a-file');
    writeFileSync(file, 'x');
    assert.throws(() => loadConfig({ STATE_DIR: file }, paths), (e: unknown) => e instanceof ConfigError && e.variable === 'STATE_DIR');
    const corrupt = stateDir();
    writeFileSync(pathJoin(corrupt, 'ticket-secret'), 'not hex');
    assert.throws(() => loadConfig({ STATE_DIR: corrupt }, paths), (e: unknown) => e instanceof ConfigError && e.variable === 'STATE_DIR');
  });
});

describe('limits', () => {
  test('a bucket gives its capacity at once, then refills at its rate', () => {
    const t0 = 1_000_000;
    const bucket = new Bucket(3, 2, t0);
    assert.deepEqual([1, 2, 3, 4].map(() => bucket.take(t0)), [true, true, true, false]);
    assert.equal(bucket.wait(t0), 1);
    assert.equal(bucket.take(t0 + 400), false, '0.8 tokens after 400 ms');
    assert.equal(bucket.take(t0 + 500), true, 'one token after 500 ms');
    assert.equal(bucket.full(t0 + 500), false);
    assert.equal(bucket.full(t0 + 2000), true);
    assert.equal(bucket.take(t0 + 10_000) && bucket.take(t0 + 10_000) && bucket.take(t0 + 10_000), true);
    assert.equal(bucket.take(t0 + 10_000), false, 'never more than the capacity');
    assert.equal(bucket.take(t0 - 5000), false, 'a clock going backwards refills nothing');
  });

  test('keyed buckets are independent, and full ones are swept', () => {
    const limiter = new KeyedLimiter(2, 1);
    const t0 = 5_000_000;
    assert.ok(limiter.take('a', t0) && limiter.take('a', t0));
    assert.equal(limiter.take('a', t0), false);
    assert.ok(limiter.take('b', t0));
    assert.equal(limiter.size, 2);
    limiter.sweep(t0 + 1000);
    assert.equal(limiter.size, 1, "b is full again and forgotten; a is not yet full");
    limiter.sweep(t0 + 2000);
    assert.equal(limiter.size, 0);
  });

  test('socket counter', () => {
    const counter = new SocketCounter(2);
    assert.ok(counter.acquire('a') && counter.acquire('a'));
    assert.equal(counter.acquire('a'), false);
    assert.ok(counter.acquire('b'));
    counter.release('a');
    assert.ok(counter.acquire('a'));
    counter.release('a');
    counter.release('a');
    counter.release('b');
    assert.equal(counter.size, 0, 'no entry is kept for an address with no socket');
  });

  test('client address: the peer, or behind a trusted proxy the last X-Forwarded-For entry; IPv6 by /64', () => {
    const req = (remoteAddress: string, forwarded?: string) =>
      ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as never;
    assert.equal(clientAddress(req('127.0.0.1', '1.2.3.4'), false), '127.0.0.1');
    assert.equal(clientAddress(req('::ffff:10.0.0.1'), false), '10.0.0.1');
    assert.equal(clientAddress(req('10.0.0.1', '1.2.3.4'), true), '1.2.3.4');
    assert.equal(clientAddress(req('10.0.0.1', 'forged, 1.2.3.4'), true), '1.2.3.4');
    assert.equal(clientAddress(req('10.0.0.1', ''), true), '10.0.0.1');
    assert.equal(clientAddress(req('10.0.0.1'), true), '10.0.0.1');
    assert.equal(clientAddress(req('10.0.0.1', 'x'.repeat(100)), true), '10.0.0.1', 'an absurd entry is ignored');
    assert.equal(normalise('2001:db8:a:b:1:2:3:4'), '2001:db8:a:b::/64');
    assert.equal(normalise('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(normalise('2001:0db8:0000:000b::'), '2001:db8:0:b::/64');
    assert.equal(normalise('::1'), '0:0:0:0::/64');
    assert.equal(normalise('fe80::1:2:3:4:5'), 'fe80:0:0:1::/64');
    assert.equal(normalise('not an address'), 'not an address');
  });
});

describe('TURN grants', () => {
  const dir = mkdtempSync(pathJoin(tmpdir(), 'vcw-unit-turn-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const config = (env: Record<string, string>) => loadConfig({ STATE_DIR: dir, ...env }, { staticDir: '/s', demoDir: '/d' });
  const withTurn = config({ STUN_URLS: 'stun:s.example', TURN_URLS: 'turn:t.example', TURN_SECRET: 't'.repeat(32), TURN_TTL: '600' });

  test('one credential per member while most of its life is left, a fresh one after; forgotten with the seat', () => {
    const grants = new TurnGrants(withTurn);
    const t0 = Date.UTC(2026, 11, 5, 7, 0, 0);
    const first = grants.for('a', t0);
    assert.deepEqual(first[0], { urls: ['stun:s.example'] });
    assert.match(first[1]?.username ?? '', new RegExp(`^${t0 / 1000 + 600}:[0-9a-f]{16}$`));
    assert.deepEqual(grants.for('a', t0 + 200_000), first, 'the same one at a third of its life');
    assert.notDeepEqual(grants.for('b', t0), first, 'another member, another username');
    // At half its life by the widget's reading (whole seconds), a fresh one.
    const fresh = grants.for('a', t0 + 299_000);
    assert.notEqual(fresh[1]?.username, first[1]?.username);
    grants.drop('a');
    assert.notDeepEqual(grants.for('a', t0 + 299_000), fresh, 'forgotten with the seat');
    assert.deepEqual(iceServersFor(withTurn), [{ urls: ['stun:s.example'] }], 'before a socket: STUN only');
  });

  test('without TURN: STUN only, nothing kept', () => {
    const grants = new TurnGrants(config({ STUN_URLS: 'stun:s.example' }));
    assert.deepEqual(grants.for('a'), [{ urls: ['stun:s.example'] }]);
  });
});
