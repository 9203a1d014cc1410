/**
 * Issue 16: in shared mode MAX_SOCKETS_PER_ADDRESS holds across instances, what a killed instance held — its
 * sockets' places, its waiting visitors — lapses after its lease instead of staying forever, and a queue Redis lost
 * (restarted empty) closes its sockets as not waiting so the widgets start again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { NO_REDIS, SHARED_ENV, startInstance, startRedis } from './cluster-helpers.js';
import { connect, joinOk, logged, send, upgradeStatus, waitFor, wsUrl, type Client, type Msg, type TestServer } from './helpers.js';

const LEASE_MS = 2000;
const ADDRESS = '198.51.100.23';
const env = { TRUST_PROXY: '1', MAX_SOCKETS_PER_ADDRESS: '3', SEAT_LEASE_MS: String(LEASE_MS) };
const from = { headers: { 'x-forwarded-for': ADDRESS } };

describe('shared mode per-address sockets and leases', { skip: NO_REDIS }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: TestServer;
  let inspect: Redis;
  const clients: Client[] = [];
  before(async () => {
    redis = await startRedis();
    inspect = new Redis(redis.url);
    [a, b] = await Promise.all([startInstance(redis.url, 'sock-a', env), startInstance(redis.url, 'sock-b', env)]);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    inspect?.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  /** Join `room` on `on` and connect from ADDRESS to `via`. */
  async function seated(on: TestServer, via: TestServer, room: string): Promise<Client> {
    const joined = await joinOk(on, room);
    const client = await connect(via, joined.peerId, joined.ticket, from);
    clients.push(client);
    return client;
  }
  /** The places of ADDRESS whose leases have not ended. */
  const open = () => inspect.zcount(`vcw:sockets:${ADDRESS}`, `(${Date.now()}`, '+inf');

  test(
    'MAX_SOCKETS_PER_ADDRESS (3) holds with the sockets split over A and B; a closed socket frees its place on the other',
    logged(async () => {
      const first = await seated(a, a, 'split-1');
      await seated(a, a, 'split-1');
      await seated(b, b, 'split-2');
      for (const server of [a, b]) {
        const joined = await joinOk(server, 'split-3');
        assert.equal(await upgradeStatus(wsUrl(server, joined.peerId, joined.ticket), from), 429, `a fourth socket on ${server.url}`);
      }
      // Another address is not concerned.
      const other = await joinOk(b, 'split-3');
      clients.push(await connect(b, other.peerId, other.ticket, { headers: { 'x-forwarded-for': '203.0.113.8' } }));
      await first.close();
      await waitFor(async () => (await open()) === 2, 3000, 'the closed socket still counts');
      await seated(b, b, 'split-4');
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await waitFor(async () => (await open()) === 0, 3000, 'closed sockets still count');
    }),
  );

  test(
    'a killed instance: its sockets stop counting and its waiting visitor leaves the queue after the lease',
    logged(async () => {
      const c = await startInstance(redis.url, 'sock-c', env);
      try {
        // A desk on A; a visitor waiting on C; a socket of ADDRESS on B and two on C.
        const opened = await send(`${a.url}/api/rooms/lapse-help/desk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agentKey: SHARED_ENV.AGENT_KEY }) });
        const deskTicket = (await opened.json()) as { peerId: string; ticket: string };
        const desk = await connect(a, deskTicket.peerId, deskTicket.ticket);
        clients.push(desk);
        const knocked = await send(`${c.url}/api/rooms/lapse-help/knock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Vi"}' });
        const visitorTicket = (await knocked.json()) as { peerId: string; ticket: string };
        await connect(c, visitorTicket.peerId, visitorTicket.ticket);
        // A second visitor on C, whose widget reconnects through A once C is gone.
        const second = (await (await send(`${c.url}/api/rooms/lapse-help/knock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Wes"}' })).json()) as { peerId: string; ticket: string };
        await connect(c, second.peerId, second.ticket);
        const shown = (m: Msg) => (m.payload as { visitors: { id: string }[] }).visitors.map((v) => v.id);
        await desk.next((m) => m.type === 'VCW-WAITING' && shown(m).join() === [visitorTicket.peerId, second.peerId].join(), 5000);
        await seated(b, b, 'lapse-room');
        for (let i = 0; i < 2; i++) {
          const joined = await joinOk(c, 'lapse-room');
          await connect(c, joined.peerId, joined.ticket, from);
        }
        await waitFor(async () => (await open()) === 3, 3000, 'three places');
        const seen = desk.messages.length;
        c.proc.kill('SIGKILL');
        const killed = Date.now();
        // (From an address of its own: the places of the dead instance's sockets still count until their leases end.)
        const moved = await connect(a, second.peerId, second.ticket, { headers: { 'x-forwarded-for': '203.0.113.61' } });
        clients.push(moved);
        const gone = await desk.next((m) => m.type === 'VCW-WAITING' && !shown(m).includes(visitorTicket.peerId), LEASE_MS + 3000, seen);
        assert.deepEqual(shown(gone), [second.peerId], 'the visitor that reconnected keeps its place');
        assert.deepEqual((await moved.next((m) => m.type === 'VCW-QUEUE' && (m.payload as { waiting: number }).waiting === 1, 3000)).payload, { position: 1, waiting: 1 });
        assert.ok(Date.now() - killed <= LEASE_MS + 1500, `the visitor left after ${Date.now() - killed} ms`);
        await waitFor(async () => (await open()) === 1, LEASE_MS + 3000, "the dead instance's sockets still count");
        // Their places are free again: two more sockets of ADDRESS on A, not a third.
        await seated(a, a, 'lapse-room-2');
        await seated(a, a, 'lapse-room-2');
        const fourth = await joinOk(a, 'lapse-room-3');
        assert.equal(await upgradeStatus(wsUrl(a, fourth.peerId, fourth.ticket), from), 429);
      } finally {
        await c.stop();
      }
    }),
  );

  // Last: it restarts Redis under the instances.
  test(
    'the waiting visitor and the desk it lost are closed as not waiting (4410), so their widgets knock and open again',
    logged(async () => {
      const post = (path: string, body: unknown) => send(`${a.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const deskTicket = (await (await post('/api/rooms/empty-help/desk', { agentKey: SHARED_ENV.AGENT_KEY })).json()) as { peerId: string; ticket: string };
      const desk = await connect(a, deskTicket.peerId, deskTicket.ticket);
      const visitorTicket = (await (await post('/api/rooms/empty-help/knock', { name: 'Vi' })).json()) as { peerId: string; ticket: string };
      const visitor = await connect(a, visitorTicket.peerId, visitorTicket.ticket);
      await desk.next((m) => m.type === 'VCW-WAITING' && (m.payload as { visitors: unknown[] }).visitors.length === 1, 5000);
      const port = redis.port;
      await redis.stop();
      redis = await startRedis(port);
      assert.equal((await visitor.waitClosed(LEASE_MS + 5000)).code, 4410);
      assert.equal((await desk.waitClosed(LEASE_MS + 5000)).code, 4410);
      // Once the instance is back on Redis, the visitor knocks again and is first.
      await waitFor(async () => ((await (await send(`${a.url}/healthz`)).json()) as { redis: boolean }).redis, 5000, 'the instance never reached Redis again');
      const res = await post('/api/rooms/empty-help/knock', { name: 'Vi' });
      assert.equal(res.status, 200);
      const again = (await res.json()) as { position: number };
      assert.equal(again.position, 1);
    }),
  );
});
