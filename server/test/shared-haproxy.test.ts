/**
 * deploy/haproxy/haproxy.cfg for real: Debian's haproxy and redis-server started here on loopback in front of two
 * shared-mode instances. A room's join and its WebSockets land on one instance; a call goes through it; the
 * instance holding the call is SIGKILLed and its members re-register through HAProxy on the survivor, keeping
 * their ids and seats, with nobody hearing them leave.
 */
import assert from 'node:assert/strict';
import { join as pathJoin } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { freePort, NO_HAPROXY, NO_REDIS, startHaproxy, startInstance, startRedis, type Proc } from './cluster-helpers.js';
import { connect, joinOk, logged, ROOT, send, sleep, type Client, type TestServer } from './helpers.js';

const CFG = pathJoin(ROOT, 'deploy', 'haproxy', 'haproxy.cfg');

describe('HAProxy in front of two instances', { skip: NO_REDIS || NO_HAPROXY }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let store: Redis;
  const instances = new Map<string, TestServer>();
  let haproxy: Proc;
  /** HAProxy as the tests' helpers see a server. */
  let front: TestServer;

  before(async () => {
    redis = await startRedis();
    store = new Redis(redis.url);
    const env = { TRUST_PROXY: '1', SEAT_LEASE_MS: '5000' };
    const [a, b] = await Promise.all([startInstance(redis.url, 'lb-a', env), startInstance(redis.url, 'lb-b', env)]);
    instances.set('lb-a', a!).set('lb-b', b!);
    const port = await freePort();
    haproxy = await startHaproxy(CFG, port, { VCW_BIND: `127.0.0.1:${port}`, VCW_A: `127.0.0.1:${a!.port}`, VCW_B: `127.0.0.1:${b!.port}` });
    front = { ...a!, url: `http://127.0.0.1:${port}`, port };
  });
  after(async () => {
    await haproxy?.stop();
    await Promise.all([...instances.values()].map((s) => s.stop()));
    store?.disconnect();
    await redis?.stop();
  });

  const holder = (room: string, peerId: string) => store.hget(`vcw:room:{${room}}:where`, peerId);

  test('a room\'s join and its WebSocket land on the same instance; rooms spread over both', logged(async () => {
    const used = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const room = `affinity-${i}`;
      const joined = await joinOk(front, room, 'Ann');
      const atJoin = await holder(room, joined.peerId);
      const client = await connect(front, joined.peerId, joined.ticket);
      const atSocket = await holder(room, joined.peerId);
      assert.equal(atSocket, atJoin, `room ${room}: joined on ${atJoin}, socket on ${atSocket}`);
      used.add(atJoin!);
      await client.close();
    }
    assert.deepEqual([...used].sort(), ['lb-a', 'lb-b']);
    assert.doesNotMatch(haproxy.logs(), /token=/, 'HAProxy logged a ticket');
  }));

  test('a support call room (`{queue}-{16 hex}`) lands on its queue\'s instance, join and socket alike', logged(async () => {
    for (let i = 0; i < 8; i++) {
      const queue = `helpdesk${i}`;
      const call = `${queue}-${(0x1000_0000_0000_0000n + BigInt(i) * 7919n).toString(16)}`;
      const atQueue = await holder(queue, (await joinOk(front, queue, 'Q')).peerId);
      const joined = await joinOk(front, call, 'C');
      const client = await connect(front, joined.peerId, joined.ticket);
      assert.equal(await holder(call, joined.peerId), atQueue, `${call} is not on ${queue}'s instance`);
      await client.close();
    }
  }));

  test('a call through HAProxy survives killing its instance: ids and seats kept, nobody hears a leave', logged(async () => {
    const room = 'failover';
    const annJoin = await joinOk(front, room, 'Ann');
    const bobJoin = await joinOk(front, room, 'Bob');
    let ann = await connect(front, annJoin.peerId, annJoin.ticket);
    let bob = await connect(front, bobJoin.peerId, bobJoin.ticket);
    bob.send({ type: 'OFFER', dst: ann.id, payload: { sdp: 'v=0', connectionId: 'mc_1' } });
    await ann.next((m) => m.type === 'OFFER');
    const doomed = (await holder(room, annJoin.peerId))!;
    assert.equal(await holder(room, bobJoin.peerId), doomed);
    const survivor = [...instances.keys()].find((id) => id !== doomed)!;

    instances.get(doomed)!.proc.kill('SIGKILL');
    const killed = Date.now();
    // What a widget does when its socket drops: renew the ticket through the balancer, then re-register.
    const back = async (old: Client, ticket: string): Promise<Client> => {
      await old.waitClosed(3000);
      for (;;) {
        const res = await send(`${front.url}/api/rooms/${room}/renew`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket }) });
        if (res.status === 200) {
          const renewed = (await res.json()) as { peerId: string; ticket: string };
          assert.equal(renewed.peerId, old.id);
          try {
            return await connect(front, renewed.peerId, renewed.ticket);
          } catch (error) {
            if (Date.now() - killed > 3000) throw error;
          }
        } else if (Date.now() - killed > 3000) {
          throw new Error(`renew answered ${res.status}`);
        }
        // The widget's first backoff step before the next try.
        await sleep(150);
      }
    };
    [ann, bob] = await Promise.all([back(ann, annJoin.ticket), back(bob, bobJoin.ticket)]);
    const took = Date.now() - killed;
    assert.ok(took <= 3000, `members were back after ${took} ms`);
    assert.equal(await holder(room, annJoin.peerId), survivor);
    assert.equal(await holder(room, bobJoin.peerId), survivor);
    // Their seats: nobody told to dial anyone anew, and the call goes on.
    for (const client of [ann, bob]) assert.equal(client.messages.some((m) => m.type === 'VCW-MEMBERS' || m.type === 'VCW-LEAVE'), false);
    ann.send({ type: 'ANSWER', dst: bob.id, payload: { sdp: 'v=0', connectionId: 'mc_1' } });
    await bob.next((m) => m.type === 'ANSWER');
    // A newcomer through HAProxy sees both, and lands where they are.
    const carl = await joinOk(front, room, 'Carl');
    assert.deepEqual(carl.members.map((m) => m.peerId).sort(), [annJoin.peerId, bobJoin.peerId].sort());
    assert.equal(await holder(room, carl.peerId), survivor);
    await Promise.all([ann.close(), bob.close()]);
    process.stdout.write(`# failover: kill → both members OPEN again through HAProxy in ${took} ms\n`);
  }));
});
