/**
 * The support flow of the real server (docs/SUPPORT-PROTOCOL.md): knocking into a queue, agent desks, previews,
 * admission into a private call room, decline, timeout, removal — and that nobody waiting reaches anyone, that
 * waiting and desk tickets never take a seat, and that malformed VCW-* messages change nothing.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';
import { Tickets } from '../src/tickets.js';
import { signRoomToken } from '../src/tokens.js';
import {
  connect,
  getJson,
  health,
  join,
  joinOk,
  logged,
  member,
  nestedJson,
  serve,
  startFailing,
  startShared,
  ticketSecretOf,
  upgradeStatus,
  waitFor,
  wsUrl,
  type Client,
  type HttpResult,
  type JoinResponse,
  type Msg,
  type TestServer,
} from './helpers.js';

interface KnockResponse {
  peerId: string;
  ticket: string;
  position: number;
  signaling: JoinResponse['signaling'];
  waitTimeoutMs: number;
}
interface DeskResponse {
  peerId: string;
  ticket: string;
  signaling: JoinResponse['signaling'];
}
interface WaitingVisitor {
  id: string;
  name: string;
  page: string;
  context: Record<string, unknown>;
  since: number;
}

async function post<T>(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

const knock = (server: TestServer, room: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  post<KnockResponse>(server, `/api/rooms/${room}/knock`, body, headers);
const openDesk = (server: TestServer, room: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  post<DeskResponse>(server, `/api/rooms/${room}/desk`, body, headers);
const renew = (server: TestServer, room: string, ticket: string, headers: Record<string, string> = {}) =>
  post<Record<string, unknown>>(server, `/api/rooms/${room}/renew`, { ticket }, headers);
const supportOf = async (server: TestServer, room: string) => (await getJson<{ agents: number; waiting: number }>(server, `/api/rooms/${room}/support`)).body;

/** The key a server without AGENT_KEY generated into its STATE_DIR. */
const agentKeyOf = (server: TestServer) => readFileSync(pathJoin(server.stateDir, 'agent-key'), 'utf8').trim();

/** The claims inside a ticket as they are on the wire (one-letter keys, see tickets.ts; the tests only read them). */
const claimsOf = (ticket: string) => JSON.parse(Buffer.from(ticket.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

function assertApiError(res: HttpResult, status: number, code: string, what = ''): void {
  assert.equal(res.status, status, `${what}: expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.deepEqual(Object.keys(res.body as object).sort(), ['error', 'message'], what);
  assert.equal((res.body as { error: string }).error, code, what);
}

const ofType = (type: string) => (m: Msg) => m.type === type;
const isFrom = (src: string, type = 'OFFER') => (m: Msg) => m.type === type && m.src === src;
const payloadOf = <T = Record<string, unknown>>(m: Msg) => m.payload as T;
const typesOf = (c: Client) => c.messages.map((m) => m.type);

/** Knock and connect: a visitor waiting in the queue, after its first VCW-QUEUE. */
async function visitor(server: TestServer, room: string, body: Record<string, unknown> = {}, t?: TestContext) {
  const res = await knock(server, room, body);
  assert.equal(res.status, 200, res.text);
  const client = await connect(server, res.body.peerId, res.body.ticket, t ? { t } : {});
  const queue = await client.next(ofType('VCW-QUEUE'));
  return { knock: res.body, client, queue: payloadOf<{ position: number; waiting: number }>(queue) };
}

/** Open a desk with the agent key and connect it, after its first VCW-WAITING. */
async function agent(server: TestServer, room: string, name: string, t?: TestContext) {
  const res = await openDesk(server, room, { name, agentKey: agentKeyOf(server) });
  assert.equal(res.status, 200, res.text);
  const client = await connect(server, res.body.peerId, res.body.ticket, t ? { t } : {});
  const waiting = await client.next(ofType('VCW-WAITING'));
  return { desk: res.body, client, waiting: payloadOf<{ visitors: WaitingVisitor[] }>(waiting).visitors };
}

/** The next VCW-WAITING at or after index `from`, as its visitor list. */
async function nextWaiting(client: Client, from: number, pred: (v: WaitingVisitor[]) => boolean = () => true): Promise<WaitingVisitor[]> {
  const m = await client.next((x) => x.type === 'VCW-WAITING' && pred(payloadOf<{ visitors: WaitingVisitor[] }>(x).visitors), 3000, from);
  return payloadOf<{ visitors: WaitingVisitor[] }>(m).visitors;
}

/** The desk's VCW-RESULT for request `req`. */
async function resultOf(desk: Client, req: number, timeoutMs = 3000): Promise<Record<string, unknown>> {
  return payloadOf(await desk.next((m) => m.type === 'VCW-RESULT' && payloadOf(m).req === req, timeoutMs));
}

/** A valid JPEG data URL of about `size` characters (the bytes do not need to be a real image). */
const jpeg = (size: number, fill = 'A') => `data:image/jpeg;base64,${fill.repeat(Math.max(4, size - 23))}`;

describe('default configuration', () => {
  let server: TestServer;
  before(async () => {
    // These tests stand in for many visitors from one machine: the per-address cap has tests of its own
    // (queue-limits.test.ts).
    server = await startShared({ MAX_WAITING_PER_VISITOR: '1000' });
  });
  after(() => server.stop());

  test(
    'knock answers {peerId, ticket, position, signaling, waitTimeoutMs}; positions 1, 2, 3 move up as a visitor leaves',
    logged(async (t) => {
      const room = 'queue-positions';
      const answers = [];
      for (const name of ['A', 'B', 'C']) {
        const res = await knock(server, room, { name });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.deepEqual(Object.keys(res.body).sort(), ['peerId', 'position', 'signaling', 'ticket', 'waitTimeoutMs']);
        assert.match(res.body.peerId, /^[0-9a-f]{32}$/);
        assert.match(res.body.ticket, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        assert.deepEqual(res.body.signaling, { host: '127.0.0.1', port: server.port, path: '/signal/', secure: false, key: 'vcw' });
        assert.equal(res.body.waitTimeoutMs, 600_000);
        assert.equal(claimsOf(res.body.ticket).k, 'w', 'a waiting ticket');
        answers.push(res.body);
      }
      assert.deepEqual(answers.map((a) => a.position), [1, 2, 3]);
      assert.deepEqual(await supportOf(server, room), { agents: 0, waiting: 3 });

      const [a, b, c] = await Promise.all(answers.map((k) => connect(server, k.peerId, k.ticket, { t })));
      for (const [i, client] of [a!, b!, c!].entries()) {
        const q = await client.next(ofType('VCW-QUEUE'));
        assert.deepEqual(q.payload, { position: i + 1, waiting: 3 });
      }
      assert.deepEqual(await health(server), { ok: true, rooms: 0, peers: 0 }, 'waiting visitors are not peers in rooms');

      const fromB = b!.messages.length;
      const fromC = c!.messages.length;
      await a!.close(1001);
      assert.deepEqual((await b!.next(ofType('VCW-QUEUE'), 3000, fromB)).payload, { position: 1, waiting: 2 });
      assert.deepEqual((await c!.next(ofType('VCW-QUEUE'), 3000, fromC)).payload, { position: 2, waiting: 2 });
      const fromB2 = b!.messages.length;
      await c!.close();
      assert.deepEqual((await b!.next(ofType('VCW-QUEUE'), 3000, fromB2)).payload, { position: 1, waiting: 1 });
      assert.deepEqual(await supportOf(server, room), { agents: 0, waiting: 1 });
      // A visitor whose socket closed is out of the queue for good: its ticket does not bring it back.
      const again = await connect(server, answers[0]!.peerId, answers[0]!.ticket, { t, expectOpen: false });
      assert.equal((await again.waitClosed()).code, 4410);
      assert.deepEqual(await supportOf(server, room), { agents: 0, waiting: 1 });
    }),
  );

  test(
    'GET /api/rooms/R/support counts desks online and visitors waiting (no-store, no rate limit)',
    logged(async (t) => {
      const room = 'support-counts';
      const empty = await getJson(server, `/api/rooms/${room}/support`);
      assert.equal(empty.status, 200);
      assert.equal(empty.headers.get('cache-control'), 'no-store');
      assert.deepEqual(empty.body, { agents: 0, waiting: 0 });
      const { client: d1 } = await agent(server, room, 'One', t);
      await agent(server, room, 'Two', t);
      await visitor(server, room, {}, t);
      assert.deepEqual(await supportOf(server, room), { agents: 2, waiting: 1 });
      await d1.close();
      await waitFor(async () => (await supportOf(server, room)).agents === 1, 3000, 'the closed desk still counts');
      assertApiError(await getJson(server, '/api/rooms/bad%20room/support'), 400, 'invalid-room');
    }),
  );

  test(
    'a desk needs the agent key (generated into STATE_DIR and logged as the agent desk link)',
    logged(async () => {
      const key = agentKeyOf(server);
      assert.match(key, /^[0-9a-f]{32}$/);
      assert.equal(statSync(pathJoin(server.stateDir, 'agent-key')).mode & 0o777, 0o600, 'the key file is private');
      const link = server.logs().split('\n').find((l) => l.includes('agent.html#key='));
      assert.ok(link, 'the agent desk link is logged');
      assert.equal((JSON.parse(link) as { url: string }).url, `http://127.0.0.1:${server.port}/agent.html#key=${key}`);
      assert.equal((JSON.parse(link) as { level: number }).level, 30, 'at info level');
      assert.match(link, /AGENT_KEY/, 'with a note to set AGENT_KEY');

      const ok = await openDesk(server, 'desk-auth', { name: 'Ann', agentKey: key });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.headers.get('cache-control'), 'no-store');
      assert.deepEqual(Object.keys(ok.body).sort(), ['peerId', 'signaling', 'ticket']);
      assert.equal(claimsOf(ok.body.ticket).k, 'd', 'a desk ticket');
      assert.equal(claimsOf(ok.body.ticket).n, 'Ann');
      assertApiError(await openDesk(server, 'desk-auth', {}), 403, 'forbidden', 'no key');
      assertApiError(await openDesk(server, 'desk-auth', { agentKey: '' }), 403, 'forbidden', 'empty key');
      assertApiError(await openDesk(server, 'desk-auth', { agentKey: `${key}x` }), 403, 'forbidden', 'longer key');
      assertApiError(await openDesk(server, 'desk-auth', { agentKey: key.slice(0, -1) }), 403, 'forbidden', 'shorter key');
      assertApiError(await openDesk(server, 'desk-auth', { agentKey: key.toUpperCase() }), 403, 'forbidden', 'other case');
      assertApiError(await openDesk(server, 'desk-auth', { agentKey: 5 }), 400, 'bad-request', 'a number');
      assertApiError(await openDesk(server, 'desk-auth', '[]'), 400, 'bad-request', 'an array body');
      // No ROOM_TOKEN_SECRET: a token cannot be checked, so it opens nothing.
      const unverifiable = signRoomToken({ room: 'desk-auth', role: 'host', iat: 0, exp: 1 }, 'x'.repeat(32));
      assertApiError(await openDesk(server, 'desk-auth', {}, { authorization: `Bearer ${unverifiable}` }), 403, 'forbidden', 'an unverifiable token');
    }),
  );

  test(
    'the desk sees VCW-WAITING with id, name, page, context and since of connected visitors',
    logged(async (t) => {
      const room = 'desk-waiting';
      const { client: desk, waiting } = await agent(server, room, 'Ann', t);
      assert.deepEqual(waiting, [], 'an empty queue');
      const from = desk.messages.length;
      const before = Date.now();
      const context = { order: 'A-1001', plan: 'pro', items: [1, 2], nested: { deep: { ok: true } } };
      const v = await visitor(server, room, { name: '  Val  ', page: 'https://shop.example/cart?x=1#top', context }, t);
      const list = await nextWaiting(desk, from, (l) => l.length === 1);
      assert.deepEqual(Object.keys(list[0]!).sort(), ['context', 'id', 'name', 'page', 'since']);
      assert.equal(list[0]!.id, v.knock.peerId);
      assert.equal(list[0]!.name, 'Val', 'the name is trimmed');
      assert.equal(list[0]!.page, 'https://shop.example/cart?x=1#top');
      assert.deepEqual(list[0]!.context, context);
      assert.ok(list[0]!.since >= before - 1000 && list[0]!.since <= Date.now() + 1000, `since ${list[0]!.since}`);

      // Without page and context: '' and {}.
      const from2 = desk.messages.length;
      const w = await visitor(server, room, {}, t);
      const list2 = await nextWaiting(desk, from2, (l) => l.length === 2);
      assert.deepEqual(list2.map((x) => x.id), [v.knock.peerId, w.knock.peerId], 'in knock order');
      assert.deepEqual([list2[1]!.name, list2[1]!.page, list2[1]!.context], ['Guest', '', {}]);

      // A desk opened later gets the queue at once.
      const late = await agent(server, room, 'Bob', t);
      assert.deepEqual(late.waiting.map((x) => x.id), [v.knock.peerId, w.knock.peerId]);
      // A visitor leaving updates every desk.
      const fromA = desk.messages.length;
      const fromB = late.client.messages.length;
      await v.client.close();
      assert.deepEqual((await nextWaiting(desk, fromA)).map((x) => x.id), [w.knock.peerId]);
      assert.deepEqual((await nextWaiting(late.client, fromB)).map((x) => x.id), [w.knock.peerId]);
      assert.deepEqual(await health(server), { ok: true, rooms: 0, peers: 0 }, 'desks are not peers in rooms');
    }),
  );

  test(
    'previews reach the queue\'s desks only; oversized, malformed and too frequent ones are dropped',
    logged(async (t) => {
      const room = 'preview-queue';
      const { client: desk } = await agent(server, room, 'Ann', t);
      const { client: otherDesk } = await agent(server, 'preview-other', 'Zed', t);
      const v = await visitor(server, room, { name: 'Val' }, t);
      const w = await visitor(server, room, { name: 'Wes' }, t);
      const { join: ma, client: ca } = await member(server, 'preview-room', 'A', t);
      const { client: cb } = await member(server, 'preview-room', 'B', t);
      const previews = (c: Client) => c.messages.filter(ofType('VCW-PREVIEW')).map((m) => payloadOf<{ id: string; image: string }>(m));

      const p1 = jpeg(48 * 1024, 'A');
      assert.equal(p1.length, 48 * 1024, 'the largest preview kept');
      v.client.send({ type: 'VCW-PREVIEW', payload: { image: p1 } });
      const sentAt = Date.now();
      await desk.next(ofType('VCW-PREVIEW'));
      // Within 500 ms of the last one, and malformed ones: all dropped.
      v.client.send({ type: 'VCW-PREVIEW', payload: { image: jpeg(1000, 'B') } });
      v.client.send({ type: 'VCW-PREVIEW', payload: { image: jpeg(48 * 1024 + 1, 'C') } });
      v.client.send({ type: 'VCW-PREVIEW', payload: { image: `data:image/png;base64,${'D'.repeat(100)}` } });
      v.client.send({ type: 'VCW-PREVIEW', payload: { image: 'data:image/jpeg;base64,<script>' } });
      v.client.send({ type: 'VCW-PREVIEW', payload: { image: ['x'] } });
      v.client.send({ type: 'VCW-PREVIEW', payload: 'data:image/jpeg;base64,AAAA' });
      v.client.send({ type: 'VCW-PREVIEW', dst: desk.id, payload: { image: { nested: nestedJson(10) } } });
      await waitFor(() => Date.now() - sentAt >= 600, 2000);
      // Too big or malformed stays dropped after the interval too; then one good preview.
      v.client.send({ type: 'VCW-PREVIEW', payload: { image: jpeg(60 * 1024, 'E') } });
      const p3 = jpeg(2000, 'F');
      v.client.send({ type: 'VCW-PREVIEW', payload: { image: p3 } });
      await desk.next((m) => m.type === 'VCW-PREVIEW' && payloadOf(m).image === p3);
      assert.deepEqual(previews(desk), [
        { id: v.knock.peerId, image: p1 },
        { id: v.knock.peerId, image: p3 },
      ]);
      assert.ok(v.client.open && desk.open, 'nobody was disconnected');

      // A desk that connects later gets the latest preview after the queue.
      const late = await agent(server, room, 'Late', t);
      const latePreview = await late.client.next(ofType('VCW-PREVIEW'));
      assert.deepEqual(latePreview.payload, { id: v.knock.peerId, image: p3 });

      // Nobody else got any: markers sent after the previews arrive after anything the server sent before them.
      const fromOther = otherDesk.messages.length;
      await visitor(server, 'preview-other', {}, t);
      await nextWaiting(otherDesk, fromOther, (l) => l.length === 1);
      const fromW = w.client.messages.length;
      await visitor(server, room, {}, t);
      await w.client.next(ofType('VCW-QUEUE'), 3000, fromW);
      cb.send({ type: 'OFFER', dst: ma.peerId, payload: { marker: 1 } });
      await ca.next(ofType('OFFER'));
      for (const c of [otherDesk, w.client, v.client, ca, cb]) assert.deepEqual(previews(c), [], `no preview for ${c.id.slice(0, 8)}`);
    }),
  );


  test(
    'a queue name of 64 characters gives a call room name of 64 characters',
    logged(async (t) => {
      const room = `q${'x'.repeat(63)}`;
      const { client: desk } = await agent(server, room, 'Ann', t);
      const v = await visitor(server, room, {}, t);
      desk.send({ type: 'VCW-ADMIT', payload: { req: 1, id: v.knock.peerId } });
      const seat = (await resultOf(desk, 1)).seat as JoinResponse;
      const callRoom = claimsOf(seat.ticket).r as string;
      assert.equal(callRoom.length, 64);
      assert.ok(callRoom.startsWith(`${room.slice(0, 47)}-`), callRoom);
      const ca = await connect(server, seat.peerId, seat.ticket, { t });
      assert.ok(ca.open);
    }),
  );

  test(
    'two desks admitting the same visitor at the same moment: exactly one gets ok, the other gone',
    logged(async (t) => {
      const room = 'admit-race';
      const { client: d1 } = await agent(server, room, 'One', t);
      const { client: d2 } = await agent(server, room, 'Two', t);
      const rooms: string[] = [];
      for (let round = 0; round < 5; round++) {
        const v = await visitor(server, room, { name: `V${round}` });
        // Both frames leave in the same tick; the server sees them back to back.
        d1.send({ type: 'VCW-ADMIT', payload: { req: 100 + round, id: v.knock.peerId } });
        d2.send({ type: 'VCW-ADMIT', payload: { req: 200 + round, id: v.knock.peerId } });
        const [r1, r2] = await Promise.all([resultOf(d1, 100 + round), resultOf(d2, 200 + round)]);
        const oks = [r1, r2].filter((r) => r.ok === true);
        if (oks[0]) rooms.push(claimsOf((oks[0].seat as JoinResponse).ticket).r as string);
        const gone = [r1, r2].filter((r) => r.ok === false);
        assert.equal(oks.length, 1, `round ${round}: ${JSON.stringify([r1, r2]).slice(0, 300)}`);
        assert.equal(gone.length, 1);
        assert.equal(gone[0]!.error, 'gone');
        assert.equal(typeof gone[0]!.message, 'string');
        assert.equal(gone[0]!.seat, undefined);
        await v.client.next(ofType('VCW-ADMITTED'));
        await v.client.close();
        assert.equal(v.client.messages.filter(ofType('VCW-ADMITTED')).length, 1, 'the visitor was admitted once');
      }
      assert.equal(new Set(rooms).size, 5, 'one call room per admission');
    }),
  );

  test(
    'decline: the visitor hears it with the agent\'s message and is out of the queue; then admit is gone',
    logged(async (t) => {
      const room = 'decline-queue';
      const { client: desk } = await agent(server, room, 'Ann', t);
      const v = await visitor(server, room, {}, t);
      const w = await visitor(server, room, {}, t);
      desk.send({ type: 'VCW-DECLINE', payload: { req: 1, id: v.knock.peerId, message: 'We are closed today — sorry.' } });
      assert.deepEqual((await v.client.next(ofType('VCW-DECLINED'))).payload, { reason: 'declined', message: 'We are closed today — sorry.' });
      assert.deepEqual(await resultOf(desk, 1), { req: 1, ok: true });
      desk.send({ type: 'VCW-DECLINE', payload: { req: 2, id: w.knock.peerId, message: 'x'.repeat(501) } });
      assert.equal((await resultOf(desk, 2)).error, 'bad-request', 'a message over 500 characters');
      desk.send({ type: 'VCW-DECLINE', payload: { req: 3, id: w.knock.peerId, message: 7 } });
      assert.equal((await resultOf(desk, 3)).error, 'bad-request', 'a message that is not a string');
      desk.send({ type: 'VCW-DECLINE', payload: { req: 4, id: w.knock.peerId } });
      assert.deepEqual((await w.client.next(ofType('VCW-DECLINED'))).payload, { reason: 'declined', message: '' }, 'without a message');
      desk.send({ type: 'VCW-ADMIT', payload: { req: 5, id: v.knock.peerId } });
      assert.equal((await resultOf(desk, 5)).error, 'gone');
      desk.send({ type: 'VCW-DECLINE', payload: { req: 6, id: v.knock.peerId } });
      assert.equal((await resultOf(desk, 6)).error, 'gone');
      assert.deepEqual(await supportOf(server, room), { agents: 1, waiting: 0 });
      const lastWaiting = () => payloadOf<{ visitors: WaitingVisitor[] }>(desk.messages.filter(ofType('VCW-WAITING')).at(-1)!).visitors;
      assert.deepEqual(lastWaiting(), [], 'the desk sees an empty queue');
      assert.equal(v.client.messages.filter(ofType('VCW-ADMITTED')).length, 0);
      assert.ok(v.client.open, 'the server leaves closing to the widget');
    }),
  );

  test(
    'a waiting visitor and a desk reach nobody: OFFER/ANSWER/CANDIDATE/LEAVE from and to them are dropped',
    logged(async (t) => {
      const room = 'isolation-queue';
      const { desk: deskAnswer, client: desk } = await agent(server, room, 'Ann', t);
      const v = await visitor(server, room, { name: 'Val' }, t);
      const { join: ma, client: ca } = await member(server, 'isolation-room', 'A', t);
      const { join: mb, client: cb } = await member(server, 'isolation-room', 'B', t);
      // A call the desk admitted: the agent's seat (connected) and the visitor's (reserved, not yet connected)
      // must be out of reach too — nothing may be queued for the latter either.
      const u = await visitor(server, room, { name: 'Uma' }, t);
      desk.send({ type: 'VCW-ADMIT', payload: { req: 1, id: u.knock.peerId } });
      const agentSeat = (await resultOf(desk, 1)).seat as JoinResponse;
      const uSeat = payloadOf<{ seat: JoinResponse }>(await u.client.next(ofType('VCW-ADMITTED'))).seat;
      const cs = await connect(server, agentSeat.peerId, agentSeat.ticket, { t });

      for (const type of ['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']) {
        for (const dst of [deskAnswer.peerId, ma.peerId, agentSeat.peerId, uSeat.peerId, u.knock.peerId]) v.client.send({ type, dst, payload: { from: 'visitor', sdp: 'v=0' } });
        for (const dst of [v.knock.peerId, ma.peerId, agentSeat.peerId, uSeat.peerId]) desk.send({ type, dst, payload: { from: 'desk' } });
        ca.send({ type, dst: v.knock.peerId, payload: { from: 'member' } });
        ca.send({ type, dst: deskAnswer.peerId, payload: { from: 'member' } });
        cs.send({ type, dst: v.knock.peerId, payload: { from: 'agent seat' } });
        cs.send({ type, dst: deskAnswer.peerId, payload: { from: 'agent seat' } });
      }
      // Markers after everything: each socket receives in order, so what was not there before them never comes.
      const fromDesk = desk.messages.length;
      const fromV = v.client.messages.length;
      await visitor(server, room, {}, t);
      await nextWaiting(desk, fromDesk, (l) => l.length === 2);
      await v.client.next(ofType('VCW-QUEUE'), 3000, fromV);
      cb.send({ type: 'OFFER', dst: ma.peerId, payload: { marker: true } });
      await ca.next(isFrom(mb.peerId));
      ca.send({ type: 'OFFER', dst: mb.peerId, payload: { marker: true } });
      await cb.next(isFrom(ma.peerId));
      await u.client.close();
      const cu = await connect(server, uSeat.peerId, uSeat.ticket, { t });
      cs.send({ type: 'OFFER', dst: uSeat.peerId, payload: { marker: true } });
      await cu.next(isFrom(agentSeat.peerId));
      cu.send({ type: 'OFFER', dst: agentSeat.peerId, payload: { marker: true } });
      await cs.next(isFrom(uSeat.peerId));

      const relayed = (c: Client) => c.messages.filter((m) => ['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE'].includes(m.type));
      const marker = (src: string, dst: string) => [{ type: 'OFFER', src, dst, payload: { marker: true } }];
      assert.deepEqual(relayed(v.client), [], 'the waiting visitor got nothing relayed');
      assert.deepEqual(relayed(desk), [], 'the desk got nothing relayed');
      assert.deepEqual(relayed(ca), marker(mb.peerId, ma.peerId), 'A got only B\'s marker');
      assert.deepEqual(relayed(cb), marker(ma.peerId, mb.peerId), 'B got only A\'s marker');
      assert.deepEqual(relayed(cs), marker(uSeat.peerId, agentSeat.peerId), 'the agent\'s call seat got only the visitor\'s marker');
      assert.deepEqual(relayed(cu), marker(agentSeat.peerId, uSeat.peerId), 'nothing was queued for the admitted visitor\'s seat');
      assert.deepEqual(typesOf(cu), ['OPEN', 'OFFER']);
      assert.ok(v.client.open && desk.open && ca.open && cb.open && cs.open && cu.open);
      assert.deepEqual(await health(server).then((h) => h.ok), true);
    }),
  );





  test(
    'malformed VCW-* messages are dropped: no crash, nobody disconnected, nothing changes',
    logged(async (t) => {
      const room = 'malformed-queue';
      const { desk: deskAnswer, client: desk } = await agent(server, room, 'Ann', t);
      const v = await visitor(server, room, { name: 'Val' }, t);
      const { join: ma, client: ca } = await member(server, 'malformed-room', 'A', t);
      const id = v.knock.peerId;
      // No usable `req`: nothing can be answered.
      const silent: unknown[] = [
        { type: 'VCW-ADMIT', payload: { id } },
        { type: 'VCW-ADMIT', payload: { req: -1, id } },
        { type: 'VCW-ADMIT', payload: { req: 2 ** 31, id } },
        { type: 'VCW-ADMIT', payload: { req: 1.5, id } },
        { type: 'VCW-ADMIT', payload: { req: '1', id } },
        { type: 'VCW-ADMIT', payload: { req: null, id } },
        { type: 'VCW-ADMIT', payload: { req: [1], id } },
        { type: 'VCW-ADMIT', payload: [1, id] },
        { type: 'VCW-ADMIT', payload: id },
        { type: 'VCW-ADMIT' },
        { type: 'VCW-ADMIT', payload: null },
        { type: 'VCW-DECLINE', payload: { req: 'x', id } },
        { type: 'VCW-REMOVE', payload: { id: ma.peerId } },
        { type: 'VCW-FOO', payload: { req: 1, id } },
        { type: 'VCW-RESULT', payload: { req: 1, ok: true } },
        { type: 'VCW-WAITING', dst: id, payload: { visitors: [] } },
        { type: 'VCW-QUEUE', dst: id, payload: { position: 1, waiting: 1 } },
        { type: 'VCW-ADMITTED', dst: id, payload: { seat: {} } },
        { type: 'VCW-REMOVED', dst: ma.peerId, payload: {} },
        { type: 'VCW-LEAVE', dst: ma.peerId, payload: { peerId: ma.peerId, reason: 'removed' } },
        { type: 'VCW-PREVIEW', payload: { image: jpeg(100) } },
        `{"type":"VCW-ADMIT","payload":${nestedJson(5000)}}`,
        `{"type":"VCW-ADMIT","payload":{"req":${nestedJson(3000)},"id":"${id}"}}`,
        `{"type":"VCW-ADMIT","payload":{"req":1e400,"id":"${id}"}}`,
      ];
      // A usable `req` but bad fields: answered bad-request.
      const answered: Array<[number, unknown]> = [
        [11, { type: 'VCW-ADMIT', payload: { req: 11 } }],
        [12, { type: 'VCW-ADMIT', payload: { req: 12, id: 5 } }],
        [13, { type: 'VCW-ADMIT', payload: { req: 13, id: 'x'.repeat(60_000) } }],
        [14, { type: 'VCW-ADMIT', payload: { req: 14, id: id.toUpperCase() } }],
        [15, `{"type":"VCW-ADMIT","payload":{"req":15,"id":${nestedJson(4000)}}}`],
        [16, { type: 'VCW-DECLINE', payload: { req: 16, id, message: { text: 'hi' } } }],
        [17, { type: 'VCW-DECLINE', payload: { req: 17, id, message: '😀'.repeat(501) } }],
        [18, { type: 'VCW-REMOVE', payload: { req: 18, id: [id] } }],
        [2 ** 31 - 1, { type: 'VCW-ADMIT', payload: { req: 2 ** 31 - 1, id: '' } }],
        [0, { type: 'VCW-ADMIT', payload: { req: 0, id: {} } }],
      ];
      for (const m of silent) desk.send(m);
      for (const [, m] of answered) desk.send(m);
      // The visitor pretends to be a desk, and members send VCW-* too: nothing happens.
      v.client.send({ type: 'VCW-ADMIT', payload: { req: 1, id } });
      v.client.send({ type: 'VCW-DECLINE', payload: { req: 2, id, message: 'bye' } });
      v.client.send({ type: 'VCW-REMOVE', payload: { req: 3, id: ma.peerId } });
      v.client.send({ type: 'VCW-WAITING', payload: { visitors: [] } });
      ca.send({ type: 'VCW-ADMIT', payload: { req: 1, id } });
      ca.send({ type: 'VCW-PREVIEW', payload: { image: jpeg(100) } });
      desk.send({ type: 'VCW-DECLINE', payload: { req: 19, id: deskAnswer.peerId } });

      // Then a good request: its answer comes after every answer to the earlier ones.
      desk.send({ type: 'VCW-ADMIT', payload: { req: 99, id } });
      assert.equal((await resultOf(desk, 99)).ok, true, 'the visitor was still waiting');
      const results = desk.messages.filter(ofType('VCW-RESULT')).map((m) => payloadOf(m));
      assert.deepEqual(
        results.map((r) => [r.req, r.ok, r.error]),
        [...answered.map(([req]) => [req, false, 'bad-request']), [19, false, 'gone'], [99, true, undefined]],
      );
      assert.equal(v.client.messages.filter(ofType('VCW-ADMITTED')).length, 1);
      assert.equal(v.client.messages.filter(ofType('VCW-DECLINED')).length, 0, 'the visitor could not decline itself');
      assert.deepEqual(
        desk.messages.filter(ofType('VCW-PREVIEW')),
        [],
        'a desk\'s or a member\'s preview is nobody\'s',
      );
      assert.deepEqual(typesOf(ca), ['OPEN'], 'the member got none of it');
      assert.ok(desk.open && v.client.open && ca.open, 'nobody was disconnected');
      assert.equal(server.exited(), false);
      assert.equal((await health(server)).ok, true);
    }),
  );

  test(
    'knock bodies are validated (400), room names too',
    logged(async () => {
      const room = 'knock-validation';
      const bad: Array<[string, unknown]> = [
        ['name too long', { name: 'x'.repeat(65) }],
        ['name not a string', { name: 5 }],
        ['page not a string', { page: 5 }],
        ['page ftp', { page: 'ftp://files.example/x' }],
        ['page javascript', { page: 'javascript:alert(1)' }],
        ['page data', { page: 'data:text/html,hi' }],
        ['page relative', { page: '/cart' }],
        ['page not a URL', { page: 'not a url' }],
        ['page over 512', { page: `https://shop.example/${'p'.repeat(513 - 21)}` }],
        ['context array', { context: [1, 2] }],
        ['context string', { context: 'order 5' }],
        ['context null', { context: null }],
        ['context number', { context: 5 }],
        ['context over 2048 bytes', { context: { pad: 'x'.repeat(2048 - 10 + 1) } }],
        ['context over 2048 bytes in UTF-8', { context: { pad: 'é'.repeat(1020) } }],
        ['context 5 levels', { context: { a: { b: { c: { d: { e: 1 } } } } } }],
        ['context 5 levels of arrays', { context: { a: [[[[1]]]] } }],
        ['body an array', [{ name: 'A' }]],
        ['body a string', '"hello"'],
        ['body not JSON', '{"name":'],
      ];
      for (const [what, body] of bad) assertApiError(await knock(server, room, body), 400, 'bad-request', what);
      assert.deepEqual(await supportOf(server, room), { agents: 0, waiting: 0 }, 'a refused knock takes no place');
      const exact = `https://shop.example/${'p'.repeat(512 - 21)}`;
      assert.equal(exact.length, 512);
      const ok = await knock(server, room, { page: exact, context: { pad: 'x'.repeat(2048 - 10) }, name: 'x'.repeat(64) });
      assert.equal(ok.status, 200, `the limits themselves are fine: ${ok.text}`);
      assert.equal((await knock(server, room, { context: { a: { b: { c: { d: 1 } } } }, page: 'http://localhost:8080/' })).status, 200, '4 levels');
      assert.equal((await knock(server, room, '')).status, 200, 'an empty body');
      assertApiError(await knock(server, 'bad%20room', {}), 400, 'invalid-room');
      assertApiError(await knock(server, 'x'.repeat(65), {}), 400, 'invalid-room');
      assertApiError(await openDesk(server, 'bad.room', { agentKey: agentKeyOf(server) }), 400, 'invalid-room');
      assertApiError(await getJson(server, `/api/rooms/${room}/knock`), 404, 'not-found');
    }),
  );
});

test(
  'admit: the visitor and the agent get seats in a fresh call room, register with them and relay to each other',
  logged(async (t) => {
    const server = await serve(t);
    const room = 'admit-queue';
    const { desk: deskAnswer, client: desk } = await agent(server, room, 'Agent Ann', t);
    const { client: otherDesk } = await agent(server, room, 'Agent Bob', t);
    const v = await visitor(server, room, { name: 'Val' }, t);
    const w = await visitor(server, room, { name: 'Wes' }, t);
    assert.equal(w.queue.position, 2);
    const fromOther = otherDesk.messages.length;
    const fromW = w.client.messages.length;
    desk.send({ type: 'VCW-ADMIT', payload: { req: 7, id: v.knock.peerId } });

    const admitted = await v.client.next(ofType('VCW-ADMITTED'));
    const result = await resultOf(desk, 7);
    assert.deepEqual(Object.keys(admitted.payload as object), ['seat']);
    const visitorSeat = payloadOf<{ seat: JoinResponse }>(admitted).seat;
    assert.deepEqual(Object.keys(result).sort(), ['ok', 'req', 'seat']);
    assert.equal(result.ok, true);
    const agentSeat = result.seat as JoinResponse;
    for (const seat of [visitorSeat, agentSeat]) {
      assert.deepEqual(Object.keys(seat).sort(), ['iceServers', 'maxPeers', 'members', 'name', 'peerId', 'role', 'room', 'signaling', 'ticket']);
      assert.match(seat.peerId, /^[0-9a-f]{32}$/);
      const { room: callRoom } = seat as JoinResponse & { room: string };
      assert.equal(callRoom, claimsOf(seat.ticket).r, 'the seat names the call room its ticket is for');
      assert.ok(callRoom.startsWith('admit-queue-') && callRoom !== 'admit-queue', `a call room of its own, not the queue: ${callRoom}`);
      assert.deepEqual(seat.iceServers, []);
      assert.equal(seat.maxPeers, 4);
      assert.equal(claimsOf(seat.ticket).k, undefined, 'a member ticket has no kind');
    }
    assert.deepEqual(visitorSeat.signaling, v.knock.signaling);
    assert.deepEqual(agentSeat.signaling, deskAnswer.signaling);
    assert.notEqual(visitorSeat.peerId, v.knock.peerId, 'a fresh id, not the waiting one');
    assert.notEqual(agentSeat.peerId, deskAnswer.peerId, 'a fresh id, not the desk one');
    assert.deepEqual(visitorSeat.members, [{ peerId: agentSeat.peerId, name: 'Agent Ann', role: 'host' }], 'the visitor sees the agent, vouched as the host');
    assert.deepEqual([agentSeat.role, visitorSeat.role], ['host', 'guest']);
    assert.deepEqual(agentSeat.members, [], 'the agent waits to be dialled');
    const callRoom = claimsOf(visitorSeat.ticket).r as string;
    assert.equal(claimsOf(agentSeat.ticket).r, callRoom);
    assert.match(callRoom, new RegExp(`^${room}-[0-9a-f]{16}$`));
    assert.equal(claimsOf(visitorSeat.ticket).n, 'Val');
    assert.equal(claimsOf(agentSeat.ticket).n, 'Agent Ann');

    // The queue moved on: desks see Wes only, Wes is next.
    // (The desk may still be hearing of Wes's arrival: wait for the list without Val.)
    await nextWaiting(otherDesk, fromOther, (l) => l.length === 1 && l[0]!.id === w.knock.peerId);
    assert.deepEqual((await w.client.next(ofType('VCW-QUEUE'), 3000, fromW)).payload, { position: 1, waiting: 1 });
    assert.deepEqual(await supportOf(server, room), { agents: 2, waiting: 1 });
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 2 }, 'the two reserved seats');

    // Both take their seats and talk.
    await v.client.close();
    const cv = await connect(server, visitorSeat.peerId, visitorSeat.ticket, { t });
    const ca = await connect(server, agentSeat.peerId, agentSeat.ticket, { t });
    cv.send({ type: 'OFFER', dst: agentSeat.peerId, payload: { sdp: 'offer' } });
    assert.deepEqual(await ca.next(isFrom(visitorSeat.peerId)), { type: 'OFFER', src: visitorSeat.peerId, dst: agentSeat.peerId, payload: { sdp: 'offer' } });
    ca.send({ type: 'ANSWER', dst: visitorSeat.peerId, payload: { sdp: 'answer' } });
    await cv.next(isFrom(agentSeat.peerId, 'ANSWER'));
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 2 });
    assert.ok(desk.open, 'the desk stays open during the call');

    // The waiting ticket is spent.
    const stale = await connect(server, v.knock.peerId, v.knock.ticket, { t, expectOpen: false });
    assert.equal((await stale.waitClosed()).code, 4410);
  }),
);

test(
  'waiting and desk tickets are refused by /renew, and never take a seat',
  logged(async (t) => {
    const server = await serve(t);
    const room = 'tickets-queue';
    const v = await visitor(server, room, { name: 'Val' }, t);
    const { desk } = await agent(server, room, 'Ann', t);
    assertApiError(await renew(server, room, v.knock.ticket), 401, 'forbidden', 'a waiting ticket');
    assertApiError(await renew(server, room, desk.ticket), 401, 'forbidden', 'a desk ticket');
    assert.deepEqual(await health(server), { ok: true, rooms: 0, peers: 0 }, 'the visitor and the desk hold sockets but no seats');
    // A waiting ticket for a room where members are: the members do not see it, nobody gets a seat.
    const { client: ca } = await member(server, room, 'A', t);
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 1 });
    const fromV = v.client.messages.length;
    await visitor(server, room, {}, t);
    await v.client.next(ofType('VCW-QUEUE'), 3000, fromV);
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 1 });
    const c = await joinOk(server, room, 'C');
    assert.deepEqual(c.members.map((m) => m.name), ['A'], 'a joiner sees only the member');
    assert.deepEqual(typesOf(ca), ['OPEN']);
    // A ticket of a kind the server does not know is refused outright (never read as a member ticket).
    const secret = ticketSecretOf(server);
    const body = Buffer.from(JSON.stringify({ ...claimsOf(v.knock.ticket), k: 'x' })).toString('base64url');
    const odd = `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
    assert.equal(await upgradeStatus(wsUrl(server, v.knock.peerId, odd)), 401);
  }),
);

test(
  'waiting and desk sockets connect even to a full room name, without a seat',
  logged(async (t) => {
    const server = await serve(t);
    const room = 'full-queue';
    for (let i = 0; i < 4; i++) await member(server, room, `M${i}`, t);
    assertApiError(await join(server, room, {}), 409, 'room-full');
    const v = await visitor(server, room, {}, t);
    const d = await agent(server, room, 'Ann', t);
    assert.ok(v.client.open && d.client.open);
    assert.deepEqual(await health(server), { ok: true, rooms: 1, peers: 4 });
    // A member ticket for a peer outside the room still gets 409 there.
    const stranger = randomBytes(16).toString('hex');
    const ticket = new Tickets(ticketSecretOf(server), 3600).issue(room, stranger, 'S');
    assert.equal(await upgradeStatus(wsUrl(server, stranger, ticket)), 409);
  }),
);

test(
  'remove: the member hears VCW-REMOVED and is closed (4003), the agent hears VCW-LEAVE removed, and it cannot come back',
  logged(async (t) => {
    const server = await serve(t);
    const room = 'remove-queue';
    const { client: desk } = await agent(server, room, 'Ann', t);
    const { client: otherDesk } = await agent(server, 'remove-other', 'Zed', t);
    const v = await visitor(server, room, { name: 'Val' }, t);
    desk.send({ type: 'VCW-ADMIT', payload: { req: 1, id: v.knock.peerId } });
    const agentSeat = (await resultOf(desk, 1)).seat as JoinResponse;
    const visitorSeat = payloadOf<{ seat: JoinResponse }>(await v.client.next(ofType('VCW-ADMITTED'))).seat;
    const callRoom = claimsOf(visitorSeat.ticket).r as string;
    await v.client.close();
    const ca = await connect(server, agentSeat.peerId, agentSeat.ticket, { t });
    const cv = await connect(server, visitorSeat.peerId, visitorSeat.ticket, { t });
    const { join: ordinary } = await member(server, 'remove-ordinary', 'O', t);

    // Only a desk of the queue that created the call, and only for members of such a call.
    otherDesk.send({ type: 'VCW-REMOVE', payload: { req: 1, id: visitorSeat.peerId } });
    assert.equal((await resultOf(otherDesk, 1)).error, 'not-found', 'a desk of another queue');
    desk.send({ type: 'VCW-REMOVE', payload: { req: 2, id: ordinary.peerId } });
    assert.equal((await resultOf(desk, 2)).error, 'not-found', 'a member of an ordinary room');
    desk.send({ type: 'VCW-REMOVE', payload: { req: 3, id: randomBytes(16).toString('hex') } });
    assert.equal((await resultOf(desk, 3)).error, 'not-found', 'an unknown id');
    assert.ok(cv.open, 'still in the call');

    desk.send({ type: 'VCW-REMOVE', payload: { req: 4, id: visitorSeat.peerId } });
    assert.deepEqual(await resultOf(desk, 4), { req: 4, ok: true });
    assert.deepEqual(await cv.next(ofType('VCW-REMOVED')), { type: 'VCW-REMOVED', payload: {} });
    assert.equal((await cv.waitClosed()).code, 4003);
    assert.deepEqual(await ca.next(ofType('VCW-LEAVE')), { type: 'VCW-LEAVE', payload: { peerId: visitorSeat.peerId, reason: 'removed' } });
    assert.equal(ca.messages.filter(ofType('VCW-LEAVE')).length, 1, 'one notice, not a second one for the closed socket');

    // It cannot come back: not with its ticket, not with a renewed one, not through /join.
    assert.equal(await upgradeStatus(wsUrl(server, visitorSeat.peerId, visitorSeat.ticket)), 403);
    assertApiError(await renew(server, callRoom, visitorSeat.ticket), 403, 'forbidden', 'renew of a removed member');
    assertApiError(await join(server, callRoom, { name: 'Val again' }), 403, 'forbidden', 'join of the call room');
    desk.send({ type: 'VCW-REMOVE', payload: { req: 5, id: visitorSeat.peerId } });
    assert.equal((await resultOf(desk, 5)).error, 'not-found', 'removed already');
    assert.ok(ca.open, 'the agent stays');
    assert.deepEqual(await health(server).then((h) => h.peers), 2, 'the agent and the ordinary member');
    // Even once the call room is empty, the removed member's ticket cannot bring the room back.
    await ca.close(1001);
    await waitFor(async () => (await health(server)).peers === 1, 3000);
    assert.equal(await upgradeStatus(wsUrl(server, visitorSeat.peerId, visitorSeat.ticket)), 403);
    assertApiError(await join(server, callRoom, {}), 403, 'forbidden', 'join of the empty call room');
    // The agent's own ticket still re-registers (a call survives its socket dropping).
    const back = await connect(server, agentSeat.peerId, agentSeat.ticket, { t });
    assert.ok(back.open);
  }),
);

test(
  '/join to a support-created call room is refused (403), renew of its tickets works',
  logged(async (t) => {
    const server = await serve(t);
    const room = 'join-refused';
    const { client: desk } = await agent(server, room, 'Ann', t);
    const v = await visitor(server, room, {}, t);
    desk.send({ type: 'VCW-ADMIT', payload: { req: 1, id: v.knock.peerId } });
    const seat = (await resultOf(desk, 1)).seat as JoinResponse;
    const callRoom = claimsOf(seat.ticket).r as string;
    const before = await health(server);
    assertApiError(await join(server, callRoom, { name: 'Intruder' }), 403, 'forbidden');
    assert.deepEqual(await health(server), before, 'no seat taken');
    const renewed = await renew(server, callRoom, seat.ticket);
    assert.equal(renewed.status, 200, renewed.text);
    assert.equal(renewed.body.peerId, seat.peerId);
    assert.equal(claimsOf(renewed.body.ticket as string).r, callRoom);
    // The queue room itself is an ordinary room name.
    assert.equal((await join(server, room, {})).status, 200);
  }),
);

test(
  'MAX_WAITING: a full queue answers 409 room-full; a knock whose socket never comes frees its place',
  logged(async (t) => {
    const server = await serve(t, { MAX_WAITING: '2', SEAT_TIMEOUT_MS: '1000' });
    const room = 'small-queue';
    const ghost = await knock(server, room, {});
    assert.equal(ghost.status, 200);
    assert.equal(ghost.body.position, 1);
    const second = await visitor(server, room, {}, t);
    assert.deepEqual(second.queue, { position: 2, waiting: 2 }, 'behind the knock whose socket has not come yet');
    assertApiError(await knock(server, room, {}), 409, 'room-full');
    assert.equal((await knock(server, 'small-queue-2', {})).status, 200, 'another queue has its own places');
    // The ghost never connects: after SEAT_TIMEOUT_MS its place is free again.
    const from = second.client.messages.length;
    assert.deepEqual((await second.client.next(ofType('VCW-QUEUE'), 4000, from)).payload, { position: 1, waiting: 1 });
    assert.deepEqual(await supportOf(server, room), { agents: 0, waiting: 1 });
    assert.equal((await knock(server, room, {})).status, 200);
    const late = await connect(server, ghost.body.peerId, ghost.body.ticket, { t, expectOpen: false });
    assert.equal((await late.waitClosed()).code, 4410, 'the expired knock\'s ticket is closed with 4410');
  }),
);

test(
  'WAITING_TIMEOUT_MS: a visitor waiting longer is declined with timeout',
  logged(async (t) => {
    const server = await serve(t, { WAITING_TIMEOUT_MS: '1000' });
    const room = 'timeout-queue';
    const since = Date.now();
    const v = await visitor(server, room, {}, t);
    assert.equal(v.knock.waitTimeoutMs, 1000);
    const { client: desk } = await agent(server, room, 'Ann', t);
    const from = desk.messages.length;
    const declined = await v.client.next(ofType('VCW-DECLINED'), 4000);
    assert.deepEqual(declined.payload, { reason: 'timeout', message: '' });
    assert.ok(Date.now() - since >= 900, `declined after ${Date.now() - since} ms`);
    assert.deepEqual(await nextWaiting(desk, from), []);
    assert.deepEqual(await supportOf(server, room), { agents: 1, waiting: 0 });
    desk.send({ type: 'VCW-ADMIT', payload: { req: 1, id: v.knock.peerId } });
    assert.equal((await resultOf(desk, 1)).error, 'gone');
    // Its socket is still open (closing it is the widget's part); a second socket with the ticket closes both.
    assert.ok(v.client.open);
    const again = await connect(server, v.knock.peerId, v.knock.ticket, { t, expectOpen: false });
    assert.equal((await again.waitClosed()).code, 4410);
    assert.equal((await v.client.waitClosed()).code, 4410);
  }),
);

test(
  'a desk whose socket drops comes back with its ticket; one never connected (or gone too long) is closed with 4410',
  logged(async (t) => {
    const server = await serve(t, { SEAT_TIMEOUT_MS: '1000' });
    const room = 'desk-back';
    const d = await agent(server, room, 'Ann', t);
    const v = await visitor(server, room, {}, t);
    await d.client.close();
    await waitFor(async () => (await supportOf(server, room)).agents === 0, 3000);
    const back = await connect(server, d.desk.peerId, d.desk.ticket, { t });
    const list = payloadOf<{ visitors: WaitingVisitor[] }>(await back.next(ofType('VCW-WAITING'))).visitors;
    assert.deepEqual(list.map((x) => x.id), [v.knock.peerId]);
    assert.deepEqual(await supportOf(server, room), { agents: 1, waiting: 1 });
    // A desk opened and never connected is forgotten after SEAT_TIMEOUT_MS, like an unclaimed seat.
    const unused = await openDesk(server, room, { agentKey: agentKeyOf(server) });
    const opened = Date.now();
    await waitFor(() => Date.now() - opened > 1500, 3000);
    const late = await connect(server, unused.body.peerId, unused.body.ticket, { t, expectOpen: false });
    assert.equal((await late.waitClosed()).code, 4410);
    // And a desk gone longer than that too.
    await back.close();
    const closed = Date.now();
    await waitFor(() => Date.now() - closed > 1500, 3000);
    const gone = await connect(server, d.desk.peerId, d.desk.ticket, { t, expectOpen: false });
    assert.equal((await gone.waitClosed()).code, 4410);
    assert.deepEqual(await supportOf(server, room), { agents: 0, waiting: 1 });
  }),
);

test(
  'the per-socket message rate applies to VCW-* messages too',
  logged(async (t) => {
    const server = await serve(t, { MESSAGE_RATE_LIMIT: '5' });
    const room = 'rate-queue';
    const { client: desk } = await agent(server, room, 'Ann', t);
    const v = await visitor(server, room, {}, t);
    for (let i = 0; i < 200 && desk.open; i++) desk.send({ type: 'VCW-DECLINE', payload: { req: i, id: randomBytes(16).toString('hex') } });
    assert.equal((await desk.waitClosed(3000)).code, 1008);
    const answers = desk.messages.filter(ofType('VCW-RESULT')).length;
    assert.ok(answers <= 51, `${answers} requests answered within a budget of 50`);
    assert.ok(v.client.open, 'the visitor keeps waiting');
    for (let i = 0; i < 200 && v.client.open; i++) v.client.send({ type: 'VCW-PREVIEW', payload: { image: jpeg(100) } });
    assert.equal((await v.client.waitClosed(3000)).code, 1008);
  }),
);

describe('ROOM_TOKEN_SECRET set', () => {
  const secret = 'room-token-secret-0123456789-abcdefghij';
  const agentKey = 'an-agent-key-of-32-characters-ok';
  let server: TestServer;
  before(async () => {
    server = await startShared({ ROOM_TOKEN_SECRET: secret, TOKEN_MAX_TTL: '600', AGENT_KEY: agentKey });
  });
  after(() => server.stop());
  const now = () => Math.floor(Date.now() / 1000);
  const bearer = (claims: Record<string, unknown>, key = secret) => ({
    authorization: `Bearer ${signRoomToken({ iat: now(), exp: now() + 300, ...claims }, key)}`,
  });

  test(
    'a desk needs a host token for the room or the agent key; a guest token or a wrong key is 403, a bad token 401',
    logged(async () => {
      const room = 'secure-desk';
      const host = await openDesk(server, room, { name: 'Body name' }, bearer({ room, role: 'host', name: 'Token Ann' }));
      assert.equal(host.status, 200, host.text);
      assert.equal(claimsOf(host.body.ticket).n, 'Token Ann', 'the token name wins');
      assert.equal((await openDesk(server, room, { agentKey })).status, 200, 'the agent key without a token');
      assert.equal((await openDesk(server, room, { agentKey }, bearer({ room, role: 'guest' }))).status, 200, 'a guest token with the agent key');
      assertApiError(await openDesk(server, room, {}, bearer({ room, role: 'guest' })), 403, 'forbidden', 'a guest token');
      assertApiError(await openDesk(server, room, {}, bearer({ room })), 403, 'forbidden', 'a token without a role is a guest');
      assertApiError(await openDesk(server, room, { agentKey: 'a-wrong-agent-key-of-32-character' }), 403, 'forbidden', 'a wrong key');
      assertApiError(await openDesk(server, room, {}), 403, 'forbidden', 'nothing');
      assertApiError(await openDesk(server, room, {}, bearer({ room: 'elsewhere', role: 'host' })), 401, 'forbidden', 'a host token for another room');
      assertApiError(await openDesk(server, room, {}, bearer({ room, role: 'host' }, 'another-secret-0123456789-abcdefghijkl')), 401, 'forbidden', 'a forged token');
      assertApiError(await openDesk(server, room, { agentKey }, { authorization: 'Bearer not.a.jwt' }), 401, 'forbidden', 'a broken token, even with the key');
      assert.equal(server.logs().includes('agent.html#key='), false, 'with AGENT_KEY set, no desk link is logged');
      assert.equal(server.logs().includes(agentKey), false, 'the configured key is never logged');
    }),
  );

  test(
    'a knock needs a token for the queue (any role); renew of a call room ticket checks the token against the queue',
    logged(async (t) => {
      const room = 'secure-queue';
      assertApiError(await knock(server, room, {}), 401, 'forbidden', 'no token');
      assertApiError(await knock(server, room, {}, bearer({ room: 'elsewhere' })), 401, 'forbidden', 'another room\'s token');
      const res = await knock(server, room, { name: 'Body' }, bearer({ room, name: 'Token Val' }));
      assert.equal(res.status, 200, res.text);
      assert.equal(claimsOf(res.body.ticket).n, 'Token Val');
      const v = await connect(server, res.body.peerId, res.body.ticket, { t });
      const deskRes = await openDesk(server, room, { name: 'Ann' }, bearer({ room, role: 'host' }));
      const desk = await connect(server, deskRes.body.peerId, deskRes.body.ticket, { t });
      const list = payloadOf<{ visitors: WaitingVisitor[] }>(await desk.next(ofType('VCW-WAITING'))).visitors;
      assert.deepEqual(list.map((x) => x.name), ['Token Val']);
      desk.send({ type: 'VCW-ADMIT', payload: { req: 1, id: res.body.peerId } });
      const seat = (await resultOf(desk, 1)).seat as JoinResponse;
      await v.next(ofType('VCW-ADMITTED'));
      const callRoom = claimsOf(seat.ticket).r as string;
      assertApiError(await renew(server, callRoom, seat.ticket), 401, 'forbidden', 'renew without a token');
      assertApiError(await renew(server, callRoom, seat.ticket, bearer({ room: callRoom })), 401, 'forbidden', 'a token for the call room name itself');
      const renewed = await renew(server, callRoom, seat.ticket, bearer({ room }));
      assert.equal(renewed.status, 200, renewed.text);
      assert.equal(renewed.body.peerId, seat.peerId);
      assertApiError(await join(server, callRoom, {}, bearer({ room: callRoom, role: 'host' })), 403, 'forbidden', 'join with a token for the call room');
    }),
  );
});

test(
  'rate limits: knock and desk take from the per-address join budget; /support does not; a foreign origin is refused',
  logged(async (t) => {
    const server = await serve(t, { JOIN_RATE_LIMIT: '3', ALLOWED_ORIGINS: 'https://shop.example' });
    const key = agentKeyOf(server);
    for (let i = 0; i < 10; i++) assert.equal((await getJson(server, '/api/rooms/rl/support')).status, 200);
    assertApiError(await knock(server, 'rl', {}, { origin: 'https://evil.example' }), 403, 'forbidden', 'knock from a foreign origin');
    assertApiError(await openDesk(server, 'rl', { agentKey: key }, { origin: 'https://evil.example' }), 403, 'forbidden', 'desk from a foreign origin');
    assertApiError(await getJson(server, '/api/rooms/rl/support', { origin: 'https://evil.example' }), 403, 'forbidden', 'support from a foreign origin');
    assert.equal((await knock(server, 'rl', {}, { origin: 'https://shop.example' })).status, 200);
    assert.equal((await openDesk(server, 'rl', { agentKey: key })).status, 200);
    assert.equal((await joinOk(server, 'rl-room')).maxPeers, 4);
    const refused = await knock(server, 'rl', {});
    assertApiError(refused, 429, 'rate-limited', 'knock over the budget');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assertApiError(await openDesk(server, 'rl', { agentKey: key }), 429, 'rate-limited', 'desk over the budget');
  }),
);

describe('configuration of the support flow', () => {
  const dirs: string[] = [];
  const stateDir = () => {
    const d = mkdtempSync(pathJoin(tmpdir(), 'vcw-support-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const paths = { staticDir: '/s', demoDir: '/d' };
  const load = (env: Record<string, string>) => loadConfig({ STATE_DIR: stateDir(), ...env }, paths);

  test('defaults, values and bounds of AGENT_KEY, MAX_WAITING and WAITING_TIMEOUT_MS', () => {
    const c = load({});
    assert.equal(c.maxWaiting, 20);
    assert.equal(c.waitingTimeoutMs, 600_000);
    assert.equal(c.agentKeyGenerated, true);
    assert.match(c.agentKey, /^[0-9a-f]{32}$/);
    const given = load({ AGENT_KEY: 'k'.repeat(16), MAX_WAITING: '1000', WAITING_TIMEOUT_MS: '1000' });
    assert.deepEqual([given.agentKey, given.agentKeyGenerated, given.maxWaiting, given.waitingTimeoutMs], ['k'.repeat(16), false, 1000, 1000]);
    assert.equal(load({ MAX_WAITING: '1', WAITING_TIMEOUT_MS: '86400000' }).waitingTimeoutMs, 86_400_000);
    const cases: Array<[Record<string, string>, string]> = [
      [{ AGENT_KEY: 'k'.repeat(15) }, 'AGENT_KEY'],
      [{ AGENT_KEY: 'short' }, 'AGENT_KEY'],
      [{ MAX_WAITING: '0' }, 'MAX_WAITING'],
      [{ MAX_WAITING: '1001' }, 'MAX_WAITING'],
      [{ MAX_WAITING: 'many' }, 'MAX_WAITING'],
      [{ WAITING_TIMEOUT_MS: '999' }, 'WAITING_TIMEOUT_MS'],
      [{ WAITING_TIMEOUT_MS: '86400001' }, 'WAITING_TIMEOUT_MS'],
      [{ WAITING_TIMEOUT_MS: '10m' }, 'WAITING_TIMEOUT_MS'],
    ];
    for (const [env, variable] of cases) {
      assert.throws(
        () => load(env),
        (e: unknown) => e instanceof ConfigError && e.variable === variable && e.message.includes(variable),
        `${JSON.stringify(env)} should name ${variable}`,
      );
    }
  });

  test('the generated agent key is kept in STATE_DIR across loads', () => {
    const dir = stateDir();
    const first = loadConfig({ STATE_DIR: dir }, paths).agentKey;
    assert.equal(loadConfig({ STATE_DIR: dir }, paths).agentKey, first);
    assert.equal(readFileSync(pathJoin(dir, 'agent-key'), 'utf8'), first);
    assert.equal(statSync(pathJoin(dir, 'agent-key')).mode & 0o777, 0o600);
    assert.notEqual(load({}).agentKey, first, 'another directory, another key');
  });

  test(
    'a short AGENT_KEY stops the start with a message naming it',
    logged(async () => {
      const { code, stderr, stdout } = await startFailing({ AGENT_KEY: 'too-short' });
      assert.equal(code, 78);
      assert.match(stderr, /AGENT_KEY/);
      assert.doesNotMatch(stdout, /"msg":"listening"/);
    }),
  );

  test('tickets carry the kind of a waiting visitor or a desk; a member ticket has none; an unknown kind is refused', () => {
    const tickets = new Tickets(randomBytes(32), 3600);
    const id = randomBytes(16).toString('hex');
    const now = Date.now();
    const member = tickets.issue('r', id, 'A', now);
    assert.equal(tickets.verify(member, now)?.kind, 'member');
    assert.deepEqual(Object.keys(claimsOf(member)).sort(), ['e', 'n', 'p', 'r'], 'a member ticket has no kind on the wire');
    assert.equal(tickets.verify(tickets.issue('r', id, 'A', now, 'waiting'), now)?.kind, 'waiting');
    assert.equal(claimsOf(tickets.issue('r', id, 'A', now, 'waiting')).k, 'w');
    assert.equal(tickets.verify(tickets.issue('r', id, 'A', now, 'desk'), now)?.kind, 'desk');
    assert.equal(claimsOf(tickets.issue('r', id, 'A', now, 'desk')).k, 'd');
  });
});
