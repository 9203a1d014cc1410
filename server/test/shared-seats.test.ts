/**
 * Shared mode (REDIS_URL): its configuration, and seats granted by Redis — MAX_PEERS exact across two real
 * instances on one real redis-server under concurrent joins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NO_REDIS, SHARED_ENV, startInstance, startRedis } from './cluster-helpers.js';
import { getJson, join, startFailing, type TestServer } from './helpers.js';

describe('shared mode configuration', () => {
  test('REDIS_URL without TICKET_SECRET or AGENT_KEY refuses to start, naming the variable', async () => {
    const noTicket = await startFailing({ REDIS_URL: 'redis://127.0.0.1:1', AGENT_KEY: SHARED_ENV.AGENT_KEY });
    assert.equal(noTicket.code, 78);
    assert.match(noTicket.stderr, /TICKET_SECRET: is required when REDIS_URL is set/);
    const noAgent = await startFailing({ REDIS_URL: 'redis://127.0.0.1:1', TICKET_SECRET: SHARED_ENV.TICKET_SECRET });
    assert.equal(noAgent.code, 78);
    assert.match(noAgent.stderr, /AGENT_KEY: is required when REDIS_URL is set/);
  });

  test('a bad REDIS_URL, INSTANCE_ID or SEAT_LEASE_MS is named; shared-only variables without REDIS_URL are refused', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...SHARED_ENV, REDIS_URL: 'http://x' }, /REDIS_URL: must be a redis:\/\//],
      [{ ...SHARED_ENV, REDIS_URL: 'redis://127.0.0.1:1', INSTANCE_ID: 'a b' }, /INSTANCE_ID:/],
      [{ ...SHARED_ENV, REDIS_URL: 'redis://127.0.0.1:1', SEAT_LEASE_MS: '10' }, /SEAT_LEASE_MS: must be between/],
      [{ SEAT_LEASE_MS: '15000' }, /SEAT_LEASE_MS: only applies with REDIS_URL/],
    ];
    for (const [env, message] of cases) {
      const run = await startFailing(env);
      assert.equal(run.code, 78, JSON.stringify(env));
      assert.match(run.stderr, message);
    }
  });
});

describe('shared mode seats', { skip: NO_REDIS }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([startInstance(redis.url, 'seat-a'), startInstance(redis.url, 'seat-b')]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  test('200 rounds of concurrent joins over two instances: exactly MAX_PEERS (4) granted each round', async () => {
    const counts: number[] = [];
    for (let round = 0; round < 200; round++) {
      const room = `race-${round}`;
      // Nine joins at once, alternating between the instances.
      const answers = await Promise.all(Array.from({ length: 9 }, (_, i) => join(i % 2 === 0 ? a : b, room, { name: `p${i}` })));
      const granted = answers.filter((r) => r.status === 200);
      assert.ok(answers.every((r) => r.status === 200 || (r.status === 409 && (r.body as { error: string }).error === 'room-full')), `round ${round}: ${answers.map((r) => r.status).join(',')}`);
      counts.push(granted.length);
    }
    assert.deepEqual(counts, Array(200).fill(4));
  });

  test('a join on one instance lists the members who joined on the other', async () => {
    const first = await join(a, 'listed', { name: 'Ann' });
    const second = await join(b, 'listed', { name: 'Bob' });
    assert.equal(second.status, 200);
    assert.deepEqual((second.body as { members: unknown }).members, [{ peerId: (first.body as { peerId: string }).peerId, name: 'Ann', role: 'guest' }]);
    // The pre-join card's lookup answers the same on either instance.
    for (const server of [a, b]) {
      const info = await getJson<{ count: number; names: string[] }>(server, '/api/rooms/listed');
      assert.equal(info.status, 200);
      assert.deepEqual([info.body.count, [...info.body.names].sort()], [2, ['Ann', 'Bob']], `GET on ${server === a ? 'A' : 'B'}`);
    }
  });
});

describe('shared mode per-address join budget', { skip: NO_REDIS }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    redis = await startRedis();
    const env = { JOIN_RATE_LIMIT: '10', TRUST_PROXY: '1' };
    [a, b] = await Promise.all([startInstance(redis.url, 'rate-a', env), startInstance(redis.url, 'rate-b', env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  test('JOIN_RATE_LIMIT holds across instances: ten joins alternating over both, the eleventh is 429 on either', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await join(i % 2 === 0 ? a : b, `budget-${i}`, {});
      assert.equal(res.status, 200, `join ${i}: ${res.text}`);
    }
    for (const server of [a, b]) {
      const over = await join(server, 'budget-over', {});
      assert.equal(over.status, 429);
      assert.equal((over.body as { error: string }).error, 'rate-limited');
      assert.ok(Number(over.headers.get('retry-after')) >= 1);
    }
  });

  test('knocks and desks spend the same budget across instances: ten alternating over both, the eleventh is 429 on either', async () => {
    const from = '198.51.100.44';
    const post = (server: TestServer, path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from }, body: JSON.stringify(body) });
    for (let i = 0; i < 10; i++) {
      const server = i % 2 === 0 ? a : b;
      // Each knock in a queue of its own (two per address and queue are allowed), desks in between.
      const res = i % 3 === 2 ? await post(server, `/api/rooms/q-${i}/desk`, { agentKey: SHARED_ENV.AGENT_KEY }) : await post(server, `/api/rooms/q-${i}/knock`, {});
      assert.equal(res.status, 200, `request ${i}: ${await res.text()}`);
    }
    for (const server of [a, b]) {
      const over = await post(server, '/api/rooms/q-over/knock', {});
      assert.equal(over.status, 429);
      assert.equal(((await over.json()) as { error: string }).error, 'rate-limited');
    }
  });
});
