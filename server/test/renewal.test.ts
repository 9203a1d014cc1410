/**
 * Issue 15.6: tickets bounded by what was granted. With room tokens, a ticket never outlives the token it was
 * granted for (join, renewal, knock, desk and the support call's seats); and a member back with a renewed ticket
 * while its old socket still looks open (a network change leaves it half-open) replaces that socket at once,
 * keeping its seat, instead of getting ID-TAKEN until the pings miss.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tickets } from '../src/tickets.js';
import { CLOCK_SKEW_SECONDS, signRoomToken } from '../src/tokens.js';
import { connect, health, logged, member, send, serve, sleep, ticketSecretOf, upgradeStatus, waitFor, wsUrl, type JoinResponse, type TestServer } from './helpers.js';

const SECRET = 'r'.repeat(40);
const now = () => Math.floor(Date.now() / 1000);
/** How long we watch for something that must NOT arrive. */
const QUIET_MS = 400;

/** The expiry a ticket carries (unix seconds). */
const expiryOf = (ticket: string) => (JSON.parse(Buffer.from(ticket.split('.')[0]!, 'base64url').toString()) as { e: number }).e;

async function post<T>(server: TestServer, path: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await send(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

test(
  'with room tokens, a ticket never outlives its token: join, renew, knock and desk',
  logged(async (t) => {
    const server = await serve(t, { ROOM_TOKEN_SECRET: SECRET });
    // Accepted for 3 s more: its exp is 27 s ago, within the 30 s clock skew the server allows (CLOCK_SKEW_SECONDS).
    const exp = now() + 3;
    const token = signRoomToken({ room: 'short', iat: now() - 60, exp: exp - CLOCK_SKEW_SECONDS, name: 'Tess' }, SECRET);
    const joined = await post<JoinResponse>(server, '/api/rooms/short/join', {}, token);
    assert.equal(joined.status, 200);
    assert.equal(expiryOf(joined.body.ticket), exp, 'the ticket ends with the token');
    const long = signRoomToken({ room: 'short', iat: now(), exp: now() + 3000 }, SECRET);
    const renewed = await post<JoinResponse>(server, '/api/rooms/short/renew', { ticket: joined.body.ticket }, long);
    assert.equal(renewed.status, 200);
    assert.ok(expiryOf(renewed.body.ticket) <= now() + 3000 + CLOCK_SKEW_SECONDS, 'a renewal is bounded by the token it came with (and the skew it is accepted within)');
    const knock = await post<{ ticket: string }>(server, '/api/rooms/short/knock', {}, token);
    assert.equal(knock.status, 200);
    assert.equal(expiryOf(knock.body.ticket), exp, 'a waiting ticket too');
    const host = signRoomToken({ room: 'short', iat: now() - 60, exp: exp - CLOCK_SKEW_SECONDS, role: 'host' }, SECRET);
    const desk = await post<{ ticket: string }>(server, '/api/rooms/short/desk', {}, host);
    assert.equal(desk.status, 200);
    assert.equal(expiryOf(desk.body.ticket), exp, 'a desk ticket too');

    // Usable while the token is; once it has expired the ticket no longer takes a seat, and renewing needs a token.
    const client = await connect(server, joined.body.peerId, joined.body.ticket, { t });
    await client.close();
    await waitFor(() => now() >= exp, 5000);
    assert.equal(await upgradeStatus(wsUrl(server, joined.body.peerId, joined.body.ticket)), 401, 'the ticket lapsed with its token');
    assert.equal((await post(server, '/api/rooms/short/renew', { ticket: joined.body.ticket })).status, 401, 'no renewal without a token');
  }),
);

test(
  'without room tokens a ticket lives TICKET_TTL',
  logged(async (t) => {
    const server = await serve(t, { TICKET_TTL: '600' });
    const before = now();
    const joined = await post<JoinResponse>(server, '/api/rooms/free/join', {});
    assert.ok(expiryOf(joined.body.ticket) >= before + 600 && expiryOf(joined.body.ticket) <= now() + 600);
  }),
);

test(
  'a renewed ticket replaces the half-open socket of the same member at once, and the seat and room stay',
  logged(async (t) => {
    // Pings every 20 s: without the replacement, the new socket would wait that long (ID-TAKEN meanwhile).
    const server = await serve(t, { PING_INTERVAL_MS: '20000' });
    const { join: a, client: old } = await member(server, 'move', 'A', t);
    const { join: b, client: cb } = await member(server, 'move', 'B', t);
    // A's network changes: its old socket is left half-open (never closed, never read again).
    old.ws.pause();
    const issued = now();
    await waitFor(() => now() > issued, 2000, 'the clock moved on (a renewal within the same second would give the same ticket)');
    const renewed = await post<JoinResponse>(server, '/api/rooms/move/renew', { ticket: a.ticket });
    assert.equal(renewed.status, 200);
    assert.notEqual(renewed.body.ticket, a.ticket);
    const since = Date.now();
    const fresh = await connect(server, a.peerId, renewed.body.ticket, { t, expectOpen: false });
    const first = await fresh.next(() => true, 3000);
    const took = Date.now() - since;
    assert.deepEqual(first, { type: 'OPEN' }, `the renewed ticket got ${JSON.stringify(first)}`);
    assert.ok(took < 1000, `re-registered in ${took} ms`);
    // The room saw no departure, the seat count is the same, and relay reaches the new socket.
    cb.send({ type: 'OFFER', dst: a.peerId, payload: { after: 'move' } });
    assert.deepEqual((await fresh.next((m) => m.type === 'OFFER')).payload, { after: 'move' });
    fresh.send({ type: 'ANSWER', dst: b.peerId, payload: {} });
    await cb.next((m) => m.type === 'ANSWER' && m.src === a.peerId);
    await sleep(QUIET_MS);
    assert.ok(!cb.messages.some((m) => m.type === 'VCW-LEAVE'), 'nobody heard A leave');
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 2 });
    // The old socket is gone on the server's side; when the new one goes, the seat goes with it.
    await fresh.close();
    assert.deepEqual((await cb.next((m) => m.type === 'VCW-LEAVE')).payload, { peerId: a.peerId, reason: 'disconnected' });
  }),
);

test(
  "a genuine ticket for the same id in another room does not replace a member's socket",
  logged(async (t) => {
    const server = await serve(t, { PING_INTERVAL_MS: '20000' });
    const { join: a, client: ca } = await member(server, 'keep', 'A', t);
    const elsewhere = new Tickets(ticketSecretOf(server), 3600).issue('other-room', a.peerId, 'A');
    const intruder = await connect(server, a.peerId, elsewhere, { t, expectOpen: false });
    assert.equal((await intruder.next(() => true)).type, 'ID-TAKEN');
    await sleep(QUIET_MS);
    assert.ok(ca.open, "A's socket stays");
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 1 });
  }),
);
