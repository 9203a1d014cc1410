/**
 * Issue 15.1: a signaling URL that names a peer id twice (`…&id=<own>&token=<own ticket>&id=<victim>`) must not
 * let anyone register as someone else. The upgrade guard read the first id, PeerServer the last: the attacker
 * took the victim's id, locked it out, leaked its own seat (a room full for good) and that seat's offline queue.
 * Each test mounts the attack against the real server, then checks the effect the issue names is gone, and that
 * the upgrade itself was refused before it happened.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { Client, connect, health, join, joinOk, logged, member, serve, sleep, upgradeStatus, waitFor, wsUrl, type TestServer } from './helpers.js';

/** How long we watch for something that must NOT arrive. */
const QUIET_MS = 400;

/** A signaling URL with the parameters exactly as given, in order (repeats and all). */
function rawUrl(server: TestServer, params: ReadonlyArray<readonly [string, string]>): string {
  const search = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `ws://127.0.0.1:${server.port}/signal/peerjs?${search}`;
}

/** The attack: our own id and ticket first, then the id we want. */
const takeoverUrl = (server: TestServer, own: { peerId: string; ticket: string }, wanted: string) =>
  rawUrl(server, [
    ['key', 'vcw'],
    ['id', own.peerId],
    ['token', own.ticket],
    ['id', wanted],
  ]);

/** Try the upgrade: the refusal's status, or (on a server that accepts it) the open socket. */
async function attempt(url: string): Promise<{ status: number } | { client: Client }> {
  const ws = new WebSocket(url);
  const client = new Client(ws, 'attacker');
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      res.on('end', () => {
        ws.terminate();
        resolve({ status: res.statusCode ?? 0 });
      });
    });
    ws.once('open', () => resolve({ client }));
    ws.once('error', reject);
  });
}

/** The refusal status of an attempt (an accepted socket is closed and reported as 101). */
async function statusOf(outcome: { status: number } | { client: Client }): Promise<number> {
  if ('status' in outcome) return outcome.status;
  await outcome.client.close();
  return 101;
}

test(
  'a repeated id cannot take over a reserved member: the victim registers, gets its offers, and nobody relays as it',
  logged(async (t) => {
    const server = await serve(t);
    const { join: a, client: ca } = await member(server, 'take', 'Attacker', t);
    const { join: b, client: cb } = await member(server, 'take', 'B', t);
    const victim = await joinOk(server, 'take', 'Victim');
    const outcome = await attempt(takeoverUrl(server, a, victim.peerId));
    t.after(() => statusOf(outcome));
    // B dials the victim before its socket arrives (as a widget does with every member in its join answer).
    cb.send({ type: 'OFFER', dst: victim.peerId, payload: { for: 'victim' } });
    if ('client' in outcome) outcome.client.send({ type: 'OFFER', dst: b.peerId, payload: { from: 'fake victim' } });
    const cv = await connect(server, victim.peerId, victim.ticket, { t });
    const offer = await cv.next((m) => m.type === 'OFFER', 3000);
    assert.deepEqual(offer, { type: 'OFFER', src: b.peerId, dst: victim.peerId, payload: { for: 'victim' } }, 'the offer reached the victim');
    await sleep(QUIET_MS);
    if ('client' in outcome) assert.ok(!outcome.client.messages.some((m) => m.type === 'OFFER'), 'the attacker received no offer');
    assert.ok(!cb.messages.some((m) => m.type === 'OFFER' && m.src === victim.peerId), 'nobody relayed as the victim');
    assert.ok(ca.open, "the attacker's own member socket is untouched");
    assert.equal(await statusOf(outcome), 400, 'the URL with two ids is refused before the upgrade');
  }),
);

test(
  'a repeated id cannot lock a member out after its connection dropped',
  logged(async (t) => {
    const server = await serve(t);
    const { join: a } = await member(server, 'lock', 'Attacker', t);
    const { join: v, client: cv } = await member(server, 'lock', 'Victim', t);
    cv.ws.terminate();
    await cv.waitClosed();
    const outcome = await attempt(takeoverUrl(server, a, v.peerId));
    t.after(() => statusOf(outcome));
    // The victim's own, valid ticket registers again.
    const again = await connect(server, v.peerId, v.ticket, { t, expectOpen: false });
    const first = await again.next(() => true, 3000);
    assert.deepEqual(first, { type: 'OPEN' }, `the victim got ${JSON.stringify(first)}`);
    assert.equal(await statusOf(outcome), 400);
  }),
);

test(
  'repeated ids leak no seats: a room attacked with them is free again once the sockets are gone',
  logged(async (t) => {
    const server = await serve(t, { MAX_PEERS: '2', SEAT_TIMEOUT_MS: '1000' });
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const own = await joinOk(server, 'leak', `Attacker ${i}`);
      statuses.push(await statusOf(await attempt(takeoverUrl(server, own, randomBytes(16).toString('hex')))));
    }
    // Nobody holds a socket: the two reservations lapse, and the room takes two people again.
    await waitFor(async () => (await health(server)).peers === 0, 5000, () => `seats still held: ${JSON.stringify(server.logs().slice(-500))}`);
    for (let i = 0; i < 2; i++) assert.equal((await join(server, 'leak', { name: `Real ${i}` })).status, 200);
    assert.deepEqual(statuses, [400, 400]);
  }),
);

test(
  'repeated ids leak no offline queue: what waited for a seat that lapsed is gone with it',
  logged(async (t) => {
    const server = await serve(t, { SEAT_TIMEOUT_MS: '1000' });
    const { client: cb } = await member(server, 'queue', 'B', t);
    const a = await joinOk(server, 'queue', 'Attacker');
    const outcome = await attempt(takeoverUrl(server, a, randomBytes(16).toString('hex')));
    const status = await statusOf(outcome);
    // B dials the attacker's seat, whose socket never comes: the messages wait in its offline queue ...
    for (let i = 0; i < 20; i++) cb.send({ type: 'OFFER', dst: a.peerId, payload: { n: i, pad: 'x'.repeat(1000) } });
    // ... until the seat lapses, and the queue goes with it.
    const leave = await cb.next((m) => m.type === 'VCW-LEAVE', 4000);
    assert.deepEqual(leave.payload, { peerId: a.peerId, reason: 'expired' });
    // Coming back with its ticket, the id takes a seat anew and finds nothing kept for it.
    const ca = await connect(server, a.peerId, a.ticket, { t });
    await sleep(QUIET_MS);
    assert.equal(ca.messages.filter((m) => m.type === 'OFFER').length, 0, 'nothing was kept for the lapsed seat');
    assert.equal(status, 400);
  }),
);

test(
  'odd signaling URLs are refused before the upgrade: repeats of any parameter, unknown or escaped names',
  logged(async (t) => {
    const server = await serve(t);
    const a = await joinOk(server, 'odd', 'A');
    const base: Array<[string, string]> = [
      ['key', 'vcw'],
      ['id', a.peerId],
      ['token', a.ticket],
    ];
    const cases: Array<[string, string]> = [
      [rawUrl(server, [...base, ['token', a.ticket]]), 'the same token twice'],
      [rawUrl(server, [...base, ['id', a.peerId]]), 'the same id twice'],
      [rawUrl(server, [...base, ['key', 'vcw']]), 'the key twice'],
      [rawUrl(server, [['id', 'x'], ...base]), 'an id before the real one'],
      [rawUrl(server, [...base, ['version', '1'], ['version', '2']]), 'the version twice'],
      [rawUrl(server, [...base, ['admin', '1']]), 'an unknown parameter'],
      [`${rawUrl(server, base)}&%69d=${a.peerId}`, 'an escaped name (%69d is id)'],
      [`${rawUrl(server, base)}&id`, 'a name without a value'],
      [`${rawUrl(server, base)}&`, 'an empty parameter'],
      [`${rawUrl(server, base)}&token=%E0%A4%A`, 'a broken escape'],
    ];
    for (const [url, what] of cases) assert.equal(await upgradeStatus(url), 400, what);
    // What PeerJS itself sends (with its version) still connects.
    const client = await connect(server, a.peerId, a.ticket, { t });
    await client.close();
    const withVersion = new WebSocket(`${wsUrl(server, a.peerId, a.ticket)}&version=1.5.5`);
    const peerjsLike = new Client(withVersion, a.peerId);
    t.after(() => peerjsLike.close());
    assert.deepEqual(await peerjsLike.next(() => true), { type: 'OPEN' });
  }),
);
