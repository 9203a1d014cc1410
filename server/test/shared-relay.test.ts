/**
 * Shared mode relay: raw PeerJS-protocol clients on two instances of one room exchange OFFER/ANSWER/CANDIDATE
 * through Redis; a stranger (another room) reaches nobody; the receiving instance checks the room itself; leaves
 * cross instances; a killed instance's member who never comes back is announced as left after its lease.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { NO_REDIS, startInstance, startRedis } from './cluster-helpers.js';
import { connect, joinOk, logged, type Client, type TestServer } from './helpers.js';

const LEASE_MS = 3000;
// The failover test probes the call with a stream of candidates: no message rate gets in the way.
const ENV = { SEAT_LEASE_MS: String(LEASE_MS), MESSAGE_RATE_LIMIT: '100000' };

describe('shared mode relay', { skip: NO_REDIS }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([
      startInstance(redis.url, 'relay-a', ENV),
      startInstance(redis.url, 'relay-b', ENV),
    ]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  async function pair(room: string): Promise<{ ann: Client; bob: Client }> {
    const annJoin = await joinOk(a, room, 'Ann');
    const bobJoin = await joinOk(b, room, 'Bob');
    assert.deepEqual(bobJoin.members, [{ peerId: annJoin.peerId, name: 'Ann', role: 'guest' }]);
    const ann = await connect(a, annJoin.peerId, annJoin.ticket);
    const bob = await connect(b, bobJoin.peerId, bobJoin.ticket);
    return { ann, bob };
  }

  test('OFFER, ANSWER and CANDIDATE cross from one instance to the other, both ways', logged(async () => {
    const { ann, bob } = await pair('crossing');
    try {
      bob.send({ type: 'OFFER', dst: ann.id, payload: { sdp: { type: 'offer', sdp: 'v=0' }, connectionId: 'mc_1' } });
      const offer = await ann.next((m) => m.type === 'OFFER');
      assert.equal(offer.src, bob.id);
      assert.deepEqual(offer.payload, { sdp: { type: 'offer', sdp: 'v=0' }, connectionId: 'mc_1' });
      ann.send({ type: 'ANSWER', dst: bob.id, payload: { sdp: { type: 'answer', sdp: 'v=0' }, connectionId: 'mc_1' } });
      assert.equal((await bob.next((m) => m.type === 'ANSWER')).src, ann.id);
      for (let i = 0; i < 20; i++) ann.send({ type: 'CANDIDATE', dst: bob.id, payload: { candidate: { candidate: `c${i}` }, connectionId: 'mc_1' } });
      await bob.next((m) => m.type === 'CANDIDATE' && (m.payload as { candidate: { candidate: string } }).candidate.candidate === 'c19');
      const order = bob.messages.filter((m) => m.type === 'CANDIDATE').map((m) => (m.payload as { candidate: { candidate: string } }).candidate.candidate);
      assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => `c${i}`));
    } finally {
      await Promise.all([ann.close(), bob.close()]);
    }
  }));

  test('a stranger in another room reaches nobody, and the delivering instance checks the room itself', logged(async () => {
    const { ann, bob } = await pair('guarded');
    const strangerJoin = await joinOk(b, 'elsewhere', 'Eve');
    const stranger = await connect(b, strangerJoin.peerId, strangerJoin.ticket);
    const forger = new Redis(redis.url);
    try {
      stranger.send({ type: 'OFFER', dst: ann.id, payload: { sdp: 'evil', connectionId: 'x' } });
      // A message forged straight onto Ann's instance channel, naming another room: refused where delivered.
      await forger.publish('vcw:instance:relay-a', JSON.stringify({ t: 'r', room: 'elsewhere', m: { type: 'OFFER', src: strangerJoin.peerId, dst: ann.id, payload: { sdp: 'forged' } } }));
      // Bob's message takes the same road after both: once it is there, the others would have been too.
      bob.send({ type: 'OFFER', dst: ann.id, payload: { sdp: 'fine', connectionId: 'y' } });
      await ann.next((m) => m.type === 'OFFER' && (m.payload as { sdp: string }).sdp === 'fine');
      assert.deepEqual(ann.messages.filter((m) => m.type === 'OFFER').map((m) => (m.payload as { sdp: string }).sdp), ['fine']);
    } finally {
      forger.disconnect();
      await Promise.all([ann.close(), bob.close(), stranger.close()]);
    }
  }));

  test('a member leaving on one instance is announced on the other', logged(async () => {
    const { ann, bob } = await pair('leaving');
    try {
      await bob.close(1001);
      const leave = await ann.next((m) => m.type === 'VCW-LEAVE');
      assert.deepEqual(leave.payload, { peerId: bob.id, reason: 'gone' });
    } finally {
      await ann.close();
    }
  }));

  test('an instance killed: its member who never comes back is announced as left within SEAT_LEASE_MS + 1 s', logged(async () => {
    const c = await startInstance(redis.url, 'relay-c', ENV);
    const annJoin = await joinOk(a, 'lapse', 'Ann');
    const carlJoin = await joinOk(c, 'lapse', 'Carl');
    const ann = await connect(a, annJoin.peerId, annJoin.ticket);
    const carl = await connect(c, carlJoin.peerId, carlJoin.ticket);
    try {
      // Carl's seat was just renewed; kill the instance and time Ann's notice.
      c.proc.kill('SIGKILL');
      const killed = Date.now();
      const leave = await ann.next((m) => m.type === 'VCW-LEAVE', LEASE_MS + 3000);
      const took = Date.now() - killed;
      assert.deepEqual(leave.payload, { peerId: carl.id, reason: 'disconnected' });
      assert.ok(took <= LEASE_MS + 1000, `announced after ${took} ms`);
    } finally {
      await ann.close();
      await c.stop();
    }
  }));

  test('an instance stopped for a deploy (SIGTERM) frees no seat: its member re-registers on another, nobody hears a leave', logged(async () => {
    const c = await startInstance(redis.url, 'relay-e', ENV);
    const annJoin = await joinOk(a, 'deploy', 'Ann');
    const carlJoin = await joinOk(c, 'deploy', 'Carl');
    const ann = await connect(a, annJoin.peerId, annJoin.ticket);
    await connect(c, carlJoin.peerId, carlJoin.ticket);
    try {
      await c.stop();
      // The stopped instance left Carl's seat (and lease) in Redis.
      const store = new Redis(redis.url);
      try {
        assert.equal(await store.hget('vcw:room:{deploy}:where', carlJoin.peerId), 'relay-e');
      } finally {
        store.disconnect();
      }
      const carl = await connect(b, carlJoin.peerId, carlJoin.ticket);
      assert.equal(carl.messages.some((m) => m.type === 'VCW-MEMBERS'), false);
      carl.send({ type: 'OFFER', dst: ann.id, payload: { sdp: 'redeployed', connectionId: 'd' } });
      await ann.next((m) => m.type === 'OFFER');
      assert.equal(ann.messages.some((m) => m.type === 'VCW-LEAVE'), false);
      await carl.close();
    } finally {
      await ann.close();
    }
  }));

  test('a member whose instance died re-registers on the other with its id and seat, and nobody hears it leave', logged(async () => {
    const c = await startInstance(redis.url, 'relay-d', ENV);
    const annJoin = await joinOk(a, 'moving', 'Ann');
    const carlJoin = await joinOk(c, 'moving', 'Carl');
    const ann = await connect(a, annJoin.peerId, annJoin.ticket);
    await connect(c, carlJoin.peerId, carlJoin.ticket);
    try {
      c.proc.kill('SIGKILL');
      const carl = await connect(b, carlJoin.peerId, carlJoin.ticket);
      // Back with its seat: no member list to dial (it was never gone), and the room is still full to a fifth.
      assert.equal(carl.messages.some((m) => m.type === 'VCW-MEMBERS'), false);
      ann.send({ type: 'OFFER', dst: carl.id, payload: { sdp: 'after', connectionId: 'z' } });
      await carl.next((m) => m.type === 'OFFER');
      // Past the lease of the dead instance, Ann still has heard no leave.
      const deadline = Date.now() + LEASE_MS + 1500;
      carl.send({ type: 'CANDIDATE', dst: ann.id, payload: { candidate: {}, connectionId: 'z' } });
      await ann.next((m) => m.type === 'CANDIDATE');
      while (Date.now() < deadline) {
        const before = ann.messages.length;
        carl.send({ type: 'CANDIDATE', dst: ann.id, payload: { candidate: {}, connectionId: 'z' } });
        await ann.next((m) => m.type === 'CANDIDATE', 3000, before);
      }
      assert.equal(ann.messages.some((m) => m.type === 'VCW-LEAVE'), false);
      await carl.close();
    } finally {
      await ann.close();
      await c.stop();
    }
  }));
});
