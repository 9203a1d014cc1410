/**
 * The HTTP API of the real server (child process): /healthz, POST /api/rooms/{room}/join, errors, capacity,
 * seat expiry, origins, room tokens, config validation at boot and TURN credentials.
 */
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signRoomToken } from '../src/tokens.js';
import {
  connect,
  getJson,
  health,
  send,
  join,
  joinOk,
  logged,
  serve,
  startFailing,
  startShared,
  waitFor,
  type JoinResponse,
  type TestServer,
} from './helpers.js';

type ApiErrorBody = { error: string; message: string };

function assertApiError(res: { status: number; body: unknown; headers: Headers; text: string }, status: number, code: string): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = res.body as ApiErrorBody;
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message']);
  assert.equal(body.error, code);
  assert.equal(typeof body.message, 'string');
  assert.ok(body.message.length > 0);
  assert.doesNotMatch(res.text, /at .*\.js:\d+/, 'no stack trace in an error body');
}

/** A raw POST with full control over headers (fetch recomputes some of them). */
function rawPost(server: TestServer, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: 'POST', headers, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** A P-256 public key as the widget sends it: raw (0x04‖x‖y), base64url. */
function rawKey(): string {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]).toString('base64url');
}

async function certify(server: TestServer, room: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await send(`${server.url}/api/rooms/${room}/cert`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The claims of a certificate, if the server's key (raw, base64url) signed it. */
function checkCert(cert: string, authority: string): Record<string, unknown> | null {
  const raw = Buffer.from(authority, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, format: 'jwk' });
  const [body = '', sig = ''] = cert.split('.');
  if (!verify('sha256', Buffer.from(body), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'))) return null;
  return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('default configuration', () => {
  let server: TestServer;
  before(async () => {
    server = await startShared();
  });
  after(() => server.stop());

  test(
    'GET /healthz answers {ok:true, rooms, peers} and counts reserved seats',
    logged(async () => {
      const res = await getJson(server, '/healthz');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(res.body, { ok: true, rooms: 0, peers: 0 });
      await joinOk(server, 'health-1', 'A');
      await joinOk(server, 'health-1', 'B');
      await joinOk(server, 'health-2', 'C');
      assert.deepEqual(await health(server), { ok: true, rooms: 2, peers: 3 });
    }),
  );

  test(
    'GET /api/rooms/{room} says who holds a seat (count and names), takes no seat, and checks the room name',
    logged(async () => {
      const empty = await getJson(server, '/api/rooms/peek-room');
      assert.equal(empty.status, 200, empty.text);
      assert.equal(empty.headers.get('cache-control'), 'no-store');
      assert.deepEqual(empty.body, { count: 0, names: [], maxPeers: 4 });
      await joinOk(server, 'peek-room', 'Dana');
      await joinOk(server, 'peek-room');
      assert.deepEqual((await getJson(server, '/api/rooms/peek-room')).body, { count: 2, names: ['Dana', 'Guest'], maxPeers: 4 });
      assert.deepEqual((await getJson(server, '/api/rooms/peek-room')).body, { count: 2, names: ['Dana', 'Guest'], maxPeers: 4 }, 'asking takes no seat');
      assertApiError(await getJson(server, '/api/rooms/bad%20room'), 400, 'invalid-room');
    }),
  );

  test(
    'join answers exactly {peerId, ticket, name, role, members, iceServers, maxPeers, signaling}',
    logged(async () => {
      const res = await join(server, 'shape-room', { name: 'Dana' });
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = res.body as JoinResponse;
      assert.deepEqual(Object.keys(body).sort(), ['iceServers', 'maxPeers', 'members', 'name', 'peerId', 'role', 'signaling', 'ticket']);
      assert.equal(body.name, 'Dana', 'the name the server vouches for');
      assert.equal(body.role, 'guest', 'without tokens everyone is a guest');
      assert.match(body.peerId, /^[0-9a-f]{32}$/);
      assert.equal(typeof body.ticket, 'string');
      assert.ok(body.ticket.length > 20);
      assert.match(body.ticket, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'ticket is URL-safe (it goes into the WebSocket query as is)');
      assert.deepEqual(body.members, []);
      assert.deepEqual(body.iceServers, [], 'no third-party ICE server by default');
      assert.equal(body.maxPeers, 4);
      assert.deepEqual(body.signaling, { host: '127.0.0.1', port: server.port, path: '/signal/', secure: false, key: 'vcw' });
      const again = await joinOk(server, 'shape-room-2', 'Dana');
      assert.notEqual(again.peerId, body.peerId);
      assert.notEqual(again.ticket, body.ticket);
    }),
  );

  test(
    'POST /cert certifies a member\'s key: room, id, vouched name, role, key and expiry, signed by the server',
    logged(async () => {
      const a = await joinOk(server, 'cert-room', '  Ada  ');
      const key = rawKey();
      const ok = await certify(server, 'cert-room', { ticket: a.ticket, key });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(Object.keys(ok.body).sort(), ['authority', 'cert']);
      const claims = checkCert(ok.body.cert as string, ok.body.authority as string);
      assert.ok(claims, 'the server\'s signature checks');
      assert.deepEqual({ ...claims, e: undefined }, { r: 'cert-room', p: a.peerId, n: 'Ada', o: 'guest', k: key, e: undefined });
      assert.ok((claims.e as number) > Date.now() / 1000 + 3600, 'valid for the call');
      const tampered = `${Buffer.from(JSON.stringify({ ...claims, n: 'Host' })).toString('base64url')}.${(ok.body.cert as string).split('.')[1]}`;
      assert.equal(checkCert(tampered, ok.body.authority as string), null, 'a renamed certificate does not check');
      // Refused: a key that is not a P-256 point, another room's ticket, no ticket.
      const notOnCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url');
      for (const bad of ['', 'abc', notOnCurve, 5]) assert.equal((await certify(server, 'cert-room', { ticket: a.ticket, key: bad })).status, 400, `key ${String(bad)}`);
      assert.equal((await certify(server, 'other-room', { ticket: a.ticket, key })).status, 401, 'another room');
      assert.equal((await certify(server, 'cert-room', { key })).status, 401, 'no ticket');
      assert.equal((await certify(server, 'cert-room', { ticket: `${a.ticket}x`, key })).status, 401, 'a forged ticket');
    }),
  );

  test(
    'later joiners see earlier ones in members, with their (trimmed) names and roles; an empty name is "Guest"',
    logged(async () => {
      const a = await joinOk(server, 'members-room', 'Alice');
      const b = await joinOk(server, 'members-room', '  Bob  ');
      assert.deepEqual(b.members, [{ peerId: a.peerId, name: 'Alice', role: 'guest' }]);
      const c = await joinOk(server, 'members-room');
      assert.equal(c.name, 'Guest');
      assert.deepEqual(c.members, [
        { peerId: a.peerId, name: 'Alice', role: 'guest' },
        { peerId: b.peerId, name: 'Bob', role: 'guest' },
      ]);
      const d = await joinOk(server, 'members-room', 'x'.repeat(64));
      assert.deepEqual(
        d.members.map((m) => m.name),
        ['Alice', 'Bob', 'Guest'],
      );
      const other = await joinOk(server, 'members-room-other', 'Zed');
      assert.deepEqual(other.members, [], 'rooms are separate');
    }),
  );

  test(
    'invalid room names get 400 invalid-room',
    logged(async () => {
      for (const room of ['a%20b', 'x'.repeat(65), '%20', 'a.b', '%C3%A9', 'a%2Fb', 'room!']) {
        assertApiError(await join(server, room, { name: 'A' }), 400, 'invalid-room');
      }
      assert.equal((await join(server, 'x'.repeat(64), {})).status, 200, '64 characters is fine');
      assert.equal((await join(server, 'A-z_09', {})).status, 200);
      assert.deepEqual(await health(server).then((h) => h.ok), true);
    }),
  );

  test(
    'malformed bodies get 400 bad-request',
    logged(async () => {
      const before = await health(server);
      assertApiError(await join(server, 'bad-body', '{"name":'), 400, 'bad-request');
      assertApiError(await join(server, 'bad-body', 'not json'), 400, 'bad-request');
      for (const body of ['"x"', '5', 'true', '[1,2]', '[{"name":"A"}]']) {
        assertApiError(await join(server, 'bad-body', body), 400, 'bad-request');
      }
      for (const name of [5, null, true, ['A'], { first: 'A' }]) {
        assertApiError(await join(server, 'bad-body', { name }), 400, 'bad-request');
      }
      assertApiError(await join(server, 'bad-body', { name: 'x'.repeat(65) }), 400, 'bad-request');
      assert.deepEqual(await health(server), before, 'refused joins reserve no seat');
      assert.equal((await join(server, 'bad-body', { name: 'x'.repeat(64) })).status, 200);
      assert.equal((await join(server, 'bad-body', '')).status, 200, 'an empty body is an anonymous join');
    }),
  );

  test(
    'a non-object body such as [] is refused',
    async () => {
      assertApiError(await join(server, 'array-body', '[]'), 400, 'bad-request');
    },
  );

  test(
    'a body over 4 KB is refused with 413 and a JSON error',
    logged(async () => {
      const res = await join(server, 'big-body', { name: 'A', pad: 'x'.repeat(5000) });
      assertApiError(res, 413, 'bad-request');
      const chunked = await rawPost(server, '/api/rooms/big-body/join', JSON.stringify({ pad: 'y'.repeat(10_000) }), {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      });
      assert.equal(chunked.status, 413, chunked.text);
      assert.equal((JSON.parse(chunked.text) as ApiErrorBody).error, 'bad-request');
    }),
  );

  test(
    'unknown API paths and methods get a JSON 404',
    logged(async () => {
      for (const path of ['/api/nope', '/api/rooms', '/api/rooms/x/leave', '/api/']) {
        assertApiError(await getJson(server, path), 404, 'not-found');
      }
      assertApiError(await getJson(server, '/api/rooms/x/join'), 404, 'not-found');
      const post = await fetch(`${server.url}/api/rooms/x/members`, { method: 'POST', body: '{}' });
      assert.equal(post.status, 404);
      assert.equal(((await post.json()) as ApiErrorBody).error, 'not-found');
    }),
  );

  test(
    'client mistakes in the HTTP layer are 4xx, not 500 internal',
    async () => {
      const charset = await rawPost(server, '/api/rooms/r/join', '{}', { 'content-type': 'application/json; charset=foo' });
      assert.ok(charset.status >= 400 && charset.status < 500, `charset: ${charset.status}`);
      const encoding = await rawPost(server, '/api/rooms/r/join', '{}', { 'content-type': 'application/json', 'content-encoding': 'foo' });
      assert.ok(encoding.status >= 400 && encoding.status < 500, `encoding: ${encoding.status}`);
      const uri = await rawPost(server, '/api/rooms/%E0%A4%A/join', '{}', { 'content-type': 'application/json' });
      assert.ok(uri.status >= 400 && uri.status < 500, `bad percent-encoding: ${uri.status}`);
    },
  );

  test(
    'race: 20 concurrent joins into a room of 4 give exactly 4 seats',
    logged(async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => join(server, 'race-room', { name: `P${i}` })));
      const ok = results.filter((r) => r.status === 200);
      const full = results.filter((r) => r.status === 409);
      assert.equal(ok.length, 4, `statuses: ${results.map((r) => r.status).join(',')}`);
      assert.equal(full.length, 16);
      for (const r of full) assertApiError(r, 409, 'room-full');
      assert.equal(new Set(ok.map((r) => (r.body as JoinResponse).peerId)).size, 4);
      // Each successful joiner saw only seats reserved before its own.
      const sizes = ok.map((r) => (r.body as JoinResponse).members.length).sort();
      assert.deepEqual(sizes, [0, 1, 2, 3]);
    }),
  );
});

test(
  'capacity: MAX_PEERS=3 gives three seats, the fourth joiner gets 409 room-full',
  logged(async (t) => {
    const server = await serve(t, { MAX_PEERS: '3' });
    for (let i = 0; i < 3; i++) {
      const joined = await joinOk(server, 'cap', `P${i}`);
      assert.equal(joined.maxPeers, 3);
      assert.equal(joined.members.length, i);
    }
    assertApiError(await join(server, 'cap', { name: 'P3' }), 409, 'room-full');
    assertApiError(await join(server, 'cap', {}), 409, 'room-full');
    assert.equal((await join(server, 'cap-other', {})).status, 200, 'another room still has seats');
    assert.deepEqual(await health(server), { ok: true, rooms: 2, peers: 4 });
  }),
);

test(
  'seat reservations expire: SEAT_TIMEOUT_MS=1000 frees a full room',
  logged(async (t) => {
    const server = await serve(t, { SEAT_TIMEOUT_MS: '1000', MAX_PEERS: '2' });
    const started = Date.now();
    await joinOk(server, 'expiry', 'A');
    await joinOk(server, 'expiry', 'B');
    assertApiError(await join(server, 'expiry', { name: 'C' }), 409, 'room-full');
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 2 });
    await waitFor(async () => (await health(server)).peers === 0, 5000, 'reservations did not expire');
    assert.ok(Date.now() - started >= 900, `seats were released too early (${Date.now() - started} ms)`);
    assert.equal((await health(server)).rooms, 0, 'an empty room is deleted');
    const c = await joinOk(server, 'expiry', 'C');
    assert.deepEqual(c.members, [], 'the expired members are gone');
  }),
);

test(
  'ALLOWED_ORIGINS: other origins get 403 forbidden, the allowed one gets CORS headers',
  logged(async (t) => {
    const server = await serve(t, { ALLOWED_ORIGINS: 'https://a.example' });
    const denied = await join(server, 'orig', { name: 'X' }, { origin: 'https://b.example' });
    assertApiError(denied, 403, 'forbidden');
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
    assert.equal((await health(server)).peers, 0, 'a refused join reserves no seat');

    const allowed = await join(server, 'orig', { name: 'Y' }, { origin: 'https://a.example' });
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://a.example');
    assert.match(allowed.headers.get('vary') ?? '', /Origin/);

    const preflight = await fetch(`${server.url}/api/rooms/orig/join`, {
      method: 'OPTIONS',
      headers: { origin: 'https://a.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    assert.ok(preflight.status === 204 || preflight.status === 200, `preflight ${preflight.status}`);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://a.example');
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-type/i);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/i);

    const badPreflight = await fetch(`${server.url}/api/rooms/orig/join`, {
      method: 'OPTIONS',
      headers: { origin: 'https://b.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(badPreflight.headers.get('access-control-allow-origin'), null, 'no CORS grant for a foreign origin');
    assert.equal((await health(server)).peers, 1, 'only the allowed join took a seat');
  }),
);

test(
  'the certificate key survives a restart with the same STATE_DIR (certificates issued before still check), not another one',
  logged(async (t) => {
    const stateDir = mkdtempSync(pathJoin(tmpdir(), 'vcw-cert-'));
    t.after(() => rmSync(stateDir, { recursive: true, force: true }));
    const authorityOf = async (server: TestServer) => {
      const a = await joinOk(server, 'cert-restart', 'A');
      const answer = await certify(server, 'cert-restart', { ticket: a.ticket, key: rawKey() });
      assert.equal(answer.status, 200);
      return answer.body as { cert: string; authority: string };
    };
    const first = await serve(t, { STATE_DIR: stateDir });
    const before = await authorityOf(first);
    await first.stop();
    const again = await authorityOf(await serve(t, { STATE_DIR: stateDir }));
    assert.equal(again.authority, before.authority, 'the same server key');
    assert.ok(checkCert(before.cert, again.authority), 'a certificate from before the restart checks');
    const other = await authorityOf(await serve(t));
    assert.notEqual(other.authority, before.authority, 'another secret, another key');
    assert.equal(checkCert(before.cert, other.authority), null);
  }),
);

describe('ROOM_TOKEN_SECRET set', () => {
  const secret = 'room-token-secret-0123456789-abcdefghij';
  let server: TestServer;
  before(async () => {
    server = await startShared({ ROOM_TOKEN_SECRET: secret, TOKEN_MAX_TTL: '600' });
  });
  after(() => server.stop());
  const now = () => Math.floor(Date.now() / 1000);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  test(
    'a join without a token gets 401 forbidden',
    logged(async () => {
      assertApiError(await join(server, 'secure', { name: 'A' }), 401, 'forbidden');
      assertApiError(await join(server, 'secure', { name: 'A' }, { authorization: 'Bearer' }), 401, 'forbidden');
      assertApiError(await join(server, 'secure', { name: 'A' }, { authorization: 'Basic abc' }), 401, 'forbidden');
    }),
  );

  test(
    'GET /api/rooms/{room} answers only a holder of a valid token for that room',
    logged(async () => {
      const t0 = now();
      await joinOk(server, 'peek-secure', 'Ada', bearer(signRoomToken({ room: 'peek-secure', iat: t0, exp: t0 + 300 }, secret)));
      assertApiError(await getJson(server, '/api/rooms/peek-secure'), 401, 'forbidden');
      assertApiError(await getJson(server, '/api/rooms/peek-secure', bearer(signRoomToken({ room: 'elsewhere', iat: t0, exp: t0 + 300 }, secret))), 401, 'forbidden');
      const res = await getJson(server, '/api/rooms/peek-secure', bearer(signRoomToken({ room: 'peek-secure', iat: t0, exp: t0 + 300 }, secret)));
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { count: 1, names: ['Ada'], maxPeers: 4 });
    }),
  );

  test(
    'a valid HS256 token for the room is accepted',
    logged(async () => {
      const token = signRoomToken({ room: 'secure', iat: now(), exp: now() + 300 }, secret);
      const res = await join(server, 'secure', { name: 'A' }, bearer(token));
      assert.equal(res.status, 200, res.text);
      assert.match((res.body as JoinResponse).peerId, /^[0-9a-f]{32}$/);
    }),
  );

  test(
    'bad tokens get 401 forbidden and reserve no seat',
    logged(async () => {
      const before = await health(server);
      const t0 = now();
      const cases: Record<string, string> = {
        'another room': signRoomToken({ room: 'elsewhere', iat: t0, exp: t0 + 300 }, secret),
        expired: signRoomToken({ room: 'secure', iat: t0 - 500, exp: t0 - 120 }, secret),
        'wrong secret': signRoomToken({ room: 'secure', iat: t0, exp: t0 + 300 }, 'another-secret-0123456789-abcdefghijkl'),
        'lifetime over TOKEN_MAX_TTL': signRoomToken({ room: 'secure', iat: t0, exp: t0 + 601 }, secret),
        'no exp': signRoomToken({ room: 'secure', iat: t0 }, secret),
        'not a JWT': 'abc.def',
      };
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      const claims = b64({ room: 'secure', iat: t0, exp: t0 + 300 });
      cases['alg none'] = `${b64({ alg: 'none', typ: 'JWT' })}.${claims}.`;
      const hs512Head = b64({ alg: 'HS512', typ: 'JWT' });
      cases['alg HS512'] = `${hs512Head}.${claims}.${createHmac('sha512', secret).update(`${hs512Head}.${claims}`).digest('base64url')}`;
      const good = signRoomToken({ room: 'secure', iat: t0, exp: t0 + 300 }, secret).split('.');
      cases['payload swapped'] = `${good[0]}.${b64({ room: 'secure', iat: t0, exp: t0 + 300, name: 'Mallory' })}.${good[2]}`;
      for (const [what, token] of Object.entries(cases)) {
        const res = await join(server, 'secure', { name: 'A' }, bearer(token));
        assert.equal(res.status, 401, `${what}: ${res.status} ${res.text}`);
        assertApiError(res, 401, 'forbidden');
      }
      assert.deepEqual(await health(server), before);
    }),
  );

  test(
    'the token name and role claims are the name and role others see',
    logged(async () => {
      const t0 = now();
      const first = signRoomToken({ room: 'named', iat: t0, exp: t0 + 300, name: 'Agent Smith', role: 'host', sub: 'u-1' }, secret);
      const a = await joinOk(server, 'named', 'Neo', bearer(first));
      const second = signRoomToken({ room: 'named', iat: t0, exp: t0 + 300 }, secret);
      const b = await joinOk(server, 'named', 'Trinity', bearer(second));
      assert.equal(a.name, 'Agent Smith', 'the token name, not the body name, is ours');
      assert.equal(a.role, 'host');
      assert.deepEqual(b.members, [{ peerId: a.peerId, name: 'Agent Smith', role: 'host' }]);
      assert.equal(b.role, 'guest');
      const c = await joinOk(server, 'named', 'Morpheus', bearer(second));
      assert.deepEqual(
        c.members.map((m) => m.name),
        ['Agent Smith', 'Trinity'],
        'without a name claim the body name is used',
      );
    }),
  );
});

test(
  'bad configuration stops the start with a message naming the variable',
  logged(async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ MAX_PEERS: '9' }, 'MAX_PEERS'],
      [{ PORT: 'abc' }, 'PORT'],
      [{ TURN_URLS: 'turn:127.0.0.1:3478' }, 'TURN_SECRET'],
      [{ ROOM_TOKEN_SECRET: 'short' }, 'ROOM_TOKEN_SECRET'],
      [{ ALLOWED_ORIGINS: 'https://a.example/path' }, 'ALLOWED_ORIGINS'],
      [{ JOIN_RATE_LIMIT: '0' }, 'JOIN_RATE_LIMIT'],
      [{ MAX_SOCKETS_PER_ADDRESS: 'many' }, 'MAX_SOCKETS_PER_ADDRESS'],
      [{ MESSAGE_RATE_LIMIT: '-5' }, 'MESSAGE_RATE_LIMIT'],
      [{ OFFLINE_QUEUE_LIMIT: '1e3' }, 'OFFLINE_QUEUE_LIMIT'],
      [{ OFFLINE_QUEUE_BYTES: '999999999999' }, 'OFFLINE_QUEUE_BYTES'],
    ];
    // Two at a time: ten Node processes starting at once on a busy 2-core machine can miss the start deadline.
    for (let i = 0; i < cases.length; i += 2) {
      await Promise.all(
        cases.slice(i, i + 2).map(async ([env, variable]) => {
          const { code, stderr, stdout } = await startFailing(env);
          assert.equal(code, 78, `${variable}: exit code ${code} (78 = configuration error)`);
          assert.ok(code !== null, `${variable}: killed by a signal`);
          assert.match(stderr, new RegExp(variable), `stderr should name ${variable}: ${stderr}`);
          assert.doesNotMatch(stdout, /"msg":"listening"/, `${variable}: the server must not listen`);
        }),
      );
    }
  }),
);

test(
  'TURN: short-lived credentials in the TURN REST API format, only over a connected member\'s socket; STUN as given',
  logged(async (t) => {
    const turnSecret = 'turn-shared-secret-0123456789-abcdefghij';
    const server = await serve(t, {
      TURN_URLS: 'turn:127.0.0.1:3478',
      TURN_SECRET: turnSecret,
      TURN_TTL: '600',
      STUN_URLS: 'stun:127.0.0.1:3478',
    });
    const res = await join(server, 'turn-room', { name: 'A' });
    assert.equal(res.status, 200, res.text);
    assert.ok(!res.text.includes(turnSecret), 'the TURN secret never leaves the server');
    const joined = res.body as JoinResponse;
    assert.deepEqual(joined.iceServers, [{ urls: ['stun:127.0.0.1:3478'] }], 'before the socket: STUN only');
    const member = await connect(server, joined.peerId, joined.ticket, { t });
    const iceServers = member.ice[0]!;
    assert.deepEqual(iceServers.find((s) => s.urls.includes('stun:127.0.0.1:3478')), { urls: ['stun:127.0.0.1:3478'] });
    const turn = iceServers.find((s) => s.urls.includes('turn:127.0.0.1:3478'));
    assert.ok(turn, `no TURN entry in ${JSON.stringify(iceServers)}`);
    assert.ok(!JSON.stringify(member.raw).includes(turnSecret), 'the TURN secret never leaves the server');
    assert.equal(typeof turn.username, 'string');
    const match = /^(\d+):(\S+)$/.exec(turn.username!);
    assert.ok(match, `username ${turn.username} is not <expiry>:<opaque>`);
    const expiry = Number(match[1]);
    const expected = Math.floor(Date.now() / 1000) + 600;
    assert.ok(Math.abs(expiry - expected) <= 5, `expiry ${expiry} is not now+TURN_TTL (${expected})`);
    assert.equal(turn.credential, createHmac('sha1', turnSecret).update(turn.username!).digest('base64'));
    const b = await joinOk(server, 'turn-room', 'B');
    const other = await connect(server, b.peerId, b.ticket, { t });
    const again = other.ice[0]!.find((s) => s.username);
    assert.ok(again);
    assert.notEqual(again.username, turn.username, 'every member gets its own TURN username');
  }),
);

/** POST /api/rooms/{room}/renew with a JSON body. */
async function renew(server: TestServer, room: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/api/rooms/${room}/renew`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // asserted by the caller
  }
  return { status: res.status, body: parsed as Record<string, unknown>, headers: res.headers, text };
}

describe('ticket renewal (POST /api/rooms/{room}/renew)', () => {
  const secret = 'room-token-secret-0123456789-abcdefghij';
  let open: TestServer;
  let secured: TestServer;
  before(async () => {
    [open, secured] = await Promise.all([startShared({ TICKET_TTL: '5' }), startShared({ ROOM_TOKEN_SECRET: secret, TOKEN_MAX_TTL: '600' })]);
  });
  after(() => Promise.all([open.stop(), secured.stop()]));

  test(
    'renews a ticket for the same peer id with fresh ICE servers, also shortly after it expired, and takes no seat',
    logged(async () => {
      const first = await joinOk(open, 'renew-room', 'Ada');
      const before = await health(open);
      const res = await renew(open, 'renew-room', { ticket: first.ticket });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.peerId, first.peerId);
      assert.equal(typeof res.body.ticket, 'string');
      assert.ok(Array.isArray(res.body.iceServers));
      assert.deepEqual(res.body.signaling, first.signaling);
      assert.deepEqual(await health(open), before, 'no seat taken');
      // The ticket lives 5 s; after it expired it can still be renewed (within TICKET_TTL), and the new one works.
      const expiry = JSON.parse(Buffer.from(first.ticket.split('.')[0]!, 'base64url').toString()).e as number;
      await waitFor(() => Date.now() > expiry * 1000 + 100, 'the first ticket to expire', 8000);
      const late = await renew(open, 'renew-room', { ticket: first.ticket });
      assert.equal(late.status, 200, late.text);
      const newExpiry = JSON.parse(Buffer.from(String(late.body.ticket).split('.')[0]!, 'base64url').toString()).e as number;
      assert.ok(newExpiry > expiry, 'a later expiry');
    }),
  );

  test(
    'refuses forged, foreign-room, long-expired and missing tickets with 401, and bad rooms with 400',
    logged(async () => {
      const a = await joinOk(open, 'renew-a', 'Ada');
      const [body, sig] = a.ticket.split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString());
      const forged = `${Buffer.from(JSON.stringify({ ...claims, p: 'f'.repeat(32) })).toString('base64url')}.${sig}`;
      for (const [what, payload] of Object.entries({ forged: { ticket: forged }, missing: {}, number: { ticket: 5 }, array: [], nothing: null })) {
        const res = await renew(open, 'renew-a', payload);
        assert.equal(res.status, 401, `${what}: ${res.text}`);
        assert.equal(res.body.error, 'forbidden');
      }
      const foreign = await renew(open, 'renew-b', { ticket: a.ticket });
      assert.equal(foreign.status, 401, 'a ticket for another room');
      const bad = await renew(open, 'not a room', { ticket: a.ticket });
      assert.equal(bad.status, 400, bad.text);
      assert.equal(bad.body.error, 'invalid-room');
    }),
  );

  test(
    'needs a valid room token when the server requires one',
    logged(async () => {
      const t0 = Math.floor(Date.now() / 1000);
      const token = signRoomToken({ room: 'secure-renew', iat: t0, exp: t0 + 300 }, secret);
      const a = await joinOk(secured, 'secure-renew', 'Ada', { authorization: `Bearer ${token}` });
      const without = await renew(secured, 'secure-renew', { ticket: a.ticket });
      assert.equal(without.status, 401, without.text);
      const expired = signRoomToken({ room: 'secure-renew', iat: t0 - 500, exp: t0 - 100 }, secret);
      assert.equal((await renew(secured, 'secure-renew', { ticket: a.ticket }, { authorization: `Bearer ${expired}` })).status, 401);
      const fresh = await renew(secured, 'secure-renew', { ticket: a.ticket }, { authorization: `Bearer ${token}` });
      assert.equal(fresh.status, 200, fresh.text);
      assert.equal(fresh.body.peerId, a.peerId);
    }),
  );
});
