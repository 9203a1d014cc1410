/**
 * Shared mode while Redis is stopped and after it comes back empty: joins and knocks answer 503 `unavailable`,
 * calls in progress go on, and within 2 s of Redis being back every instance has re-asserted its members' seats
 * (the room is whole again: members listed, relay across instances, MAX_PEERS counted right).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { NO_REDIS, startInstance, startRedis } from './cluster-helpers.js';
import { connect, join, joinOk, logged, send, waitFor, type TestServer } from './helpers.js';

/** The `vcw_redis_up` sample of an instance's `/metrics` (undefined when it has none). */
async function redisUp(server: TestServer): Promise<number | undefined> {
  const text = await (await send(`${server.url}/metrics`)).text();
  const line = /^vcw_redis_up (\S+)$/m.exec(text);
  return line ? Number(line[1]) : undefined;
}

describe('shared mode: Redis stopped, then restarted empty', { skip: NO_REDIS }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([startInstance(redis.url, 'out-a'), startInstance(redis.url, 'out-b')]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  test('503 unavailable while Redis is down, calls go on, members re-asserted within 2 s of its return', logged(async () => {
    const room = 'outage';
    const annJoin = await joinOk(a, room, 'Ann');
    const carlJoin = await joinOk(a, room, 'Carl');
    const bobJoin = await joinOk(b, room, 'Bob');
    const ann = await connect(a, annJoin.peerId, annJoin.ticket);
    const carl = await connect(a, carlJoin.peerId, carlJoin.ticket);
    const bob = await connect(b, bobJoin.peerId, bobJoin.ticket);
    try {
      assert.equal(await redisUp(a), 1, 'vcw_redis_up while Redis is there');
      const port = redis.port;
      await redis.stop();

      // Still healthy for the balancer (its calls go on), saying Redis is out.
      const health = await waitFor(async () => {
        const body = (await (await send(`${a.url}/healthz`)).json()) as { ok: boolean; redis: boolean; instance: string };
        return body.redis === false && body;
      }, 3000, 'healthz never said redis: false');
      assert.deepEqual([health.ok, health.instance], [true, 'out-a']);
      assert.equal(await redisUp(a), 0, 'vcw_redis_up while Redis is down');
      const refused = await join(a, room, { name: 'Dan' });
      assert.equal(refused.status, 503);
      assert.equal((refused.body as { error: string }).error, 'unavailable');
      const knock = await send(`${b.url}/api/rooms/helpdesk/knock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Vi"}' });
      assert.equal(knock.status, 503);
      assert.equal(((await knock.json()) as { error: string }).error, 'unavailable');
      // Signaling inside one instance goes on.
      ann.send({ type: 'OFFER', dst: carl.id, payload: { sdp: 'during', connectionId: 'o1' } });
      await carl.next((m) => m.type === 'OFFER');

      // Back on the same port, empty (no persistence).
      redis = await startRedis(port);
      const back = Date.now();
      const store = new Redis(redis.url);
      try {
        await waitFor(
          async () => (await store.zcard(`vcw:room:{${room}}:seats`)) === 3 && (await store.hlen(`vcw:room:{${room}}:where`)) === 3,
          5000,
          'members not re-asserted',
        );
        const took = Date.now() - back;
        assert.ok(took <= 2000, `re-asserted ${took} ms after Redis was back`);
        process.stdout.write(`# Redis restarted empty: members re-asserted in ${took} ms\n`);
        assert.equal(await store.hget(`vcw:room:{${room}}:where`, bobJoin.peerId), 'out-b');
      } finally {
        store.disconnect();
      }
      // Whole again: relay across instances, the member list, and the seat count.
      await waitFor(async () => (await join(b, 'probe', {})).status === 200, 3000, 'joins not back');
      assert.equal(await redisUp(b), 1, 'vcw_redis_up once Redis is back');
      bob.send({ type: 'OFFER', dst: ann.id, payload: { sdp: 'after', connectionId: 'o2' } });
      await ann.next((m) => m.type === 'OFFER' && (m.payload as { sdp: string }).sdp === 'after', 3000);
      const dan = await joinOk(b, room, 'Dan');
      assert.deepEqual(dan.members.map((m) => m.name).sort(), ['Ann', 'Bob', 'Carl']);
      assert.equal((await join(a, room, { name: 'Eve' })).status, 409);
      for (const client of [ann, bob, carl]) assert.equal(client.messages.some((m) => m.type === 'VCW-LEAVE'), false);
    } finally {
      await Promise.all([ann.close(), bob.close(), carl.close()]);
    }
  }));
});
