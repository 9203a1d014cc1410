/**
 * Issue 16: the support queue in shared mode, across two real instances on one real redis-server. Desks on either
 * instance see the same queue, visitors hear their positions wherever they and the desks are, exactly one of two
 * concurrent admits wins, the private call room refuses everyone else on every instance, a timeout is heard wherever
 * the visitor is, and MAX_WAITING and MAX_WAITING_PER_VISITOR hold across instances.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NO_REDIS, SHARED_ENV, startInstance, startRedis } from './cluster-helpers.js';
import { connect, getJson, join, logged, send, waitFor, wsUrl, upgradeStatus, type Client, type Msg, type TestServer } from './helpers.js';

interface Ticket {
  peerId: string;
  ticket: string;
}
interface Seat extends Ticket {
  room: string;
}
interface Waiting {
  id: string;
  name: string;
}

async function post(server: TestServer, path: string, body: unknown, address?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await send(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(address ? { 'x-forwarded-for': address } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const payload = <T>(m: Msg) => m.payload as T;
const lastOf = (client: Client, type: string) => [...client.messages].reverse().find((m) => m.type === type);
const waitingOf = (client: Client) => (lastOf(client, 'VCW-WAITING') ? payload<{ visitors: Waiting[] }>(lastOf(client, 'VCW-WAITING')!).visitors.map((v) => v.id) : undefined);
const queueOf = (client: Client) => (lastOf(client, 'VCW-QUEUE') ? payload<{ position: number; waiting: number }>(lastOf(client, 'VCW-QUEUE')!) : undefined);

/** Knock on `on`, connect the waiting socket to `via`. */
async function visitor(on: TestServer, via: TestServer, room: string, name: string, address?: string): Promise<Client> {
  const res = await post(on, `/api/rooms/${room}/knock`, { name }, address);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const { peerId, ticket } = res.body as unknown as Ticket;
  return connect(via, peerId, ticket);
}

/** Open a desk on `on`, connect it to `via`. */
async function desk(on: TestServer, via: TestServer, room: string, name: string): Promise<Client> {
  const res = await post(on, `/api/rooms/${room}/desk`, { name, agentKey: SHARED_ENV.AGENT_KEY });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const { peerId, ticket } = res.body as unknown as Ticket;
  return connect(via, peerId, ticket);
}

/** Every desk's latest VCW-WAITING lists exactly `ids`, in order. */
async function desksSee(desks: Client[], ids: string[]): Promise<void> {
  await waitFor(() => desks.every((d) => JSON.stringify(waitingOf(d)) === JSON.stringify(ids)), 5000, () => `desks see ${desks.map((d) => JSON.stringify(waitingOf(d))).join(' / ')}, not ${JSON.stringify(ids)}`);
}

/** Each visitor's latest VCW-QUEUE is its place among them, in order. */
async function positions(visitors: Client[]): Promise<void> {
  const want = visitors.map((_, i) => ({ position: i + 1, waiting: visitors.length }));
  await waitFor(() => visitors.every((v, i) => JSON.stringify(queueOf(v)) === JSON.stringify(want[i])), 5000, () => `positions ${visitors.map((v) => JSON.stringify(queueOf(v))).join(' ')}`);
}

async function result(desk: Client, req: number): Promise<Record<string, unknown>> {
  return payload<Record<string, unknown>>(await desk.next((m) => m.type === 'VCW-RESULT' && payload<{ req: number }>(m).req === req, 5000));
}

describe('shared support queue', { skip: NO_REDIS }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: TestServer;
  const clients: Client[] = [];
  const track = <T extends Client>(c: T) => (clients.push(c), c);
  before(async () => {
    redis = await startRedis();
    const env = { TRUST_PROXY: '1', MAX_WAITING_PER_VISITOR: '1000' };
    [a, b] = await Promise.all([startInstance(redis.url, 'queue-a', env), startInstance(redis.url, 'queue-b', env)]);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  test(
    'desks on A and B see the same queue; visitors on either hear their positions; cancel, decline and previews are seen everywhere',
    logged(async () => {
      const room = 'shared-help';
      const dA = track(await desk(a, a, room, 'Ann'));
      // Opened on A, its socket on B.
      const dB = track(await desk(a, b, room, 'Bob'));
      const v1 = track(await visitor(a, a, room, 'V1'));
      const v2 = track(await visitor(b, b, room, 'V2'));
      const v3 = track(await visitor(a, b, room, 'V3'));
      await desksSee([dA, dB], [v1.id, v2.id, v3.id]);
      await positions([v1, v2, v3]);
      for (const server of [a, b]) assert.deepEqual((await getJson(server, `/api/rooms/${room}/support`)).body, { agents: 2, waiting: 3 });
      // V1 leaves (its socket on A closes): desks on both instances, and V2 and V3, hear it.
      await v1.close();
      await desksSee([dA, dB], [v2.id, v3.id]);
      await positions([v2, v3]);
      // The desk on A declines V2, whose socket is on B.
      dA.send({ type: 'VCW-DECLINE', payload: { req: 1, id: v2.id, message: 'Closed for today' } });
      assert.equal((await result(dA, 1)).ok, true);
      const declined = payload<{ reason: string; message: string }>(await v2.next((m) => m.type === 'VCW-DECLINED', 5000));
      assert.deepEqual(declined, { reason: 'declined', message: 'Closed for today' });
      await desksSee([dA, dB], [v3.id]);
      await positions([v3]);
      // Declining again, from B: gone.
      dB.send({ type: 'VCW-DECLINE', payload: { req: 2, id: v2.id } });
      assert.equal((await result(dB, 2)).error, 'gone');
      // V3's preview (its socket on B) reaches both desks, and a desk that comes online later on A.
      const image = `data:image/jpeg;base64,${'Q'.repeat(400)}`;
      v3.send({ type: 'VCW-PREVIEW', payload: { image } });
      const previewed = (m: Msg) => m.type === 'VCW-PREVIEW' && payload<{ id: string; image: string }>(m).id === v3.id && payload<{ image: string }>(m).image === image;
      await Promise.all([dA.next(previewed, 5000), dB.next(previewed, 5000)]);
      const late = track(await desk(b, a, room, 'Cy'));
      await late.next(previewed, 5000);
      assert.deepEqual(waitingOf(late), [v3.id]);
    }),
  );

  test(
    'desks on A and B admit the same visitor at once: exactly one wins, every round (8 rounds)',
    logged(async () => {
      const room = 'race-help';
      const dA = track(await desk(a, a, room, 'Ann'));
      const dB = track(await desk(b, b, room, 'Bob'));
      for (let round = 0; round < 8; round++) {
        const v = track(await visitor(round % 2 ? a : b, round % 2 ? b : a, room, `V${round}`));
        await desksSee([dA, dB], [v.id]);
        const req = 100 + round;
        dA.send({ type: 'VCW-ADMIT', payload: { req, id: v.id } });
        dB.send({ type: 'VCW-ADMIT', payload: { req, id: v.id } });
        const results = await Promise.all([result(dA, req), result(dB, req)]);
        const won = results.filter((r) => r.ok === true);
        assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(results)}`);
        assert.equal(results.find((r) => r.ok !== true)!.error, 'gone', `round ${round}`);
        const admitted = payload<{ seat: Seat }>(await v.next((m) => m.type === 'VCW-ADMITTED', 5000));
        assert.equal(admitted.seat.room, (won[0]!.seat as Seat).room, `round ${round}: the visitor's call room is the winner's`);
        await desksSee([dA, dB], []);
      }
      // By now any second admission of an earlier visitor would have arrived: each heard exactly one.
      for (const c of clients.filter((c) => c.messages.some((m) => m.type === 'VCW-ADMITTED'))) {
        assert.equal(c.messages.filter((m) => m.type === 'VCW-ADMITTED').length, 1);
      }
    }),
  );

  test(
    'the admitted call room: nobody else joins it on either instance, and a removed member cannot come back through the other',
    logged(async () => {
      const room = 'private-help';
      const dA = track(await desk(a, a, room, 'Ann'));
      const v = track(await visitor(b, b, room, 'Vi'));
      await desksSee([dA], [v.id]);
      dA.send({ type: 'VCW-ADMIT', payload: { req: 1, id: v.id } });
      const agentSeat = (await result(dA, 1)).seat as Seat;
      const visitorSeat = payload<{ seat: Seat }>(await v.next((m) => m.type === 'VCW-ADMITTED', 5000)).seat;
      const call = agentSeat.room;
      // The agent sits down on A, the visitor on B: each hears the other.
      const agentSocket = track(await connect(a, agentSeat.peerId, agentSeat.ticket));
      const visitorSocket = track(await connect(b, visitorSeat.peerId, visitorSeat.ticket));
      for (const server of [a, b]) {
        const third = await join(server, call, { name: 'Mallory' });
        assert.equal(third.status, 403, `join on ${server.url}: ${third.text}`);
        assert.equal((await getJson(server, `/api/rooms/${call}`)).status, 403);
      }
      // The desk on A removes the visitor, whose socket is on B.
      dA.send({ type: 'VCW-REMOVE', payload: { req: 2, id: visitorSeat.peerId } });
      assert.equal((await result(dA, 2)).ok, true);
      await visitorSocket.next((m) => m.type === 'VCW-REMOVED', 5000);
      assert.equal((await visitorSocket.waitClosed(5000)).code, 4003);
      const leave = await agentSocket.next((m) => m.type === 'VCW-LEAVE' && payload<{ peerId: string }>(m).peerId === visitorSeat.peerId, 5000);
      assert.equal(payload<{ reason: string }>(leave).reason, 'removed');
      // Back with its ticket, through either instance: refused; and no fresh ticket.
      for (const server of [a, b]) {
        assert.equal(await upgradeStatus(wsUrl(server, visitorSeat.peerId, visitorSeat.ticket)), 403);
        const renewed = await post(server, `/api/rooms/${call}/renew`, { ticket: visitorSeat.ticket });
        assert.equal(renewed.status, 403, JSON.stringify(renewed.body));
      }
    }),
  );
});

describe('shared support queue: timeout and capacity', { skip: NO_REDIS }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    redis = await startRedis();
    const env = { WAITING_TIMEOUT_MS: '1500', MAX_WAITING: '3', TRUST_PROXY: '1' };
    [a, b] = await Promise.all([startInstance(redis.url, 'slow-a', env), startInstance(redis.url, 'slow-b', env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  test(
    'a visitor on B not answered in time hears `timeout`, and the desk on A sees it go; MAX_WAITING and MAX_WAITING_PER_VISITOR hold across instances',
    logged(async () => {
      const dA = await desk(a, a, 'slow-help', 'Ann');
      const v = await visitor(a, b, 'slow-help', 'Vi');
      try {
        await desksSee([dA], [v.id]);
        const declined = payload<{ reason: string }>(await v.next((m) => m.type === 'VCW-DECLINED', 5000));
        assert.equal(declined.reason, 'timeout');
        await desksSee([dA], []);
      } finally {
        await Promise.all([dA.close(), v.close()]);
      }
      // MAX_WAITING_PER_VISITOR (default 2) and MAX_WAITING (3) are the queue's, whichever instance is asked.
      const address = '198.51.100.77';
      assert.equal((await post(a, '/api/rooms/tiny-help/knock', { name: 'one' }, address)).status, 200);
      assert.equal((await post(b, '/api/rooms/tiny-help/knock', { name: 'two' }, address)).status, 200);
      for (const server of [a, b]) {
        const third = await post(server, '/api/rooms/tiny-help/knock', { name: 'three' }, address);
        assert.equal(third.status, 409);
        assert.equal(third.body.error, 'too-many-waiting');
      }
      assert.equal((await post(b, '/api/rooms/tiny-help/knock', { name: 'other' }, '203.0.113.5')).status, 200, 'another address gets in');
      for (const server of [a, b]) {
        const full = await post(server, '/api/rooms/tiny-help/knock', { name: 'late' }, '203.0.113.6');
        assert.equal(full.status, 409);
        assert.equal(full.body.error, 'room-full');
      }
    }),
  );
});
