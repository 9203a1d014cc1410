/**
 * Shared mode routing: each instance remembers which instance holds a remote member and batches what it sends to
 * another instance. Bursts larger than one batch (in messages or in bytes) arrive complete and in order; a member that re-registers on
 * another instance (its old one alive, or killed) keeps receiving every message exactly once and in order, with
 * the sender's memory of where it was proved wrong; what the bus carries is checked where it arrives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { NO_REDIS, startInstance, startRedis } from './cluster-helpers.js';
import { connect, joinOk, logged, waitFor, type Client, type TestServer } from './helpers.js';

const LEASE_MS = 3000;
const ENV = { SEAT_LEASE_MS: String(LEASE_MS), MESSAGE_RATE_LIMIT: '100000' };
/** More than one PUBLISH holds (MAX_BATCH is 128). */
const BURST = 300;

type Candidate = { candidate: { candidate: string } };

/** The tags of the CANDIDATE messages `client` received from `src` whose tag starts with `prefix`, in arrival order. */
const tags = (client: Client, src: string, prefix: string): string[] =>
  client.messages.filter((m) => m.type === 'CANDIDATE' && m.src === src).map((m) => (m.payload as Candidate).candidate.candidate).filter((tag) => tag.startsWith(prefix));

const series = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** Send `n` candidates tagged `prefix0…` from `from` to `to`, all at once. */
function burst(from: Client, to: Client, prefix: string, n: number): void {
  for (const tag of series(prefix, n)) from.send({ type: 'CANDIDATE', dst: to.id, payload: { candidate: { candidate: tag }, connectionId: 'mc_r' } });
}

/** Wait until `to` has every one of `n` candidates tagged `prefix…` from `from`, then check they came once each, in order. */
async function arrived(to: Client, from: Client, prefix: string, n: number): Promise<void> {
  await waitFor(() => tags(to, from.id, prefix).length >= n, 10_000, () => `${tags(to, from.id, prefix).length} of ${n} ${prefix} arrived; missing ${series(prefix, n).filter((t) => !tags(to, from.id, prefix).includes(t)).join(",")}`);
  assert.deepEqual(tags(to, from.id, prefix), series(prefix, n));
}

describe('shared mode routing between instances', { skip: NO_REDIS }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([startInstance(redis.url, 'route-a', ENV), startInstance(redis.url, 'route-b', ENV)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  async function member(server: TestServer, room: string, name: string): Promise<{ client: Client; ticket: string }> {
    const join = await joinOk(server, room, name);
    return { client: await connect(server, join.peerId, join.ticket), ticket: join.ticket };
  }

  test('bursts both ways across instances in three rooms at once arrive complete and in order', logged(async () => {
    const pairs = await Promise.all(['burst-1', 'burst-2', 'burst-3'].map(async (room) => [(await member(a, room, 'Ann')).client, (await member(b, room, 'Bob')).client] as const));
    try {
      for (const [ann, bob] of pairs) {
        burst(ann, bob, 'ab', BURST);
        burst(bob, ann, 'ba', BURST);
      }
      for (const [ann, bob] of pairs) {
        await arrived(bob, ann, 'ab', BURST);
        await arrived(ann, bob, 'ba', BURST);
      }
    } finally {
      await Promise.all(pairs.flat().map((c) => c.close()));
    }
  }));

  test('large messages (over the bytes one PUBLISH holds) cross in order', logged(async () => {
    const ann = (await member(a, 'large', 'Ann')).client;
    const bob = (await member(b, 'large', 'Bob')).client;
    try {
      // 24 × ~30 KB: three PUBLISHes of 256 KB when they come in one round (and under the receiver's 1 MB backlog bound).
      const pad = 'x'.repeat(30_000);
      for (let i = 0; i < 24; i++) ann.send({ type: 'OFFER', dst: bob.id, payload: { sdp: { type: 'offer', sdp: `${i} ${pad}` }, connectionId: 'mc_l' } });
      const offers = () => bob.messages.filter((m) => m.type === 'OFFER').map((m) => (m.payload as { sdp: { sdp: string } }).sdp.sdp);
      await waitFor(() => offers().length >= 24, 10_000, () => `${offers().length} of 24 arrived`);
      assert.deepEqual(offers(), Array.from({ length: 24 }, (_, i) => `${i} ${pad}`));
    } finally {
      await Promise.all([ann.close(), bob.close()]);
    }
  }));

  test('a member re-registering on another live instance mid-call gets every later message once, in order, on its new socket', logged(async () => {
    const c = await startInstance(redis.url, 'route-c', ENV);
    const ann = (await member(a, 'move-live', 'Ann')).client;
    const carl = await member(b, 'move-live', 'Carl');
    try {
      // Instance A learns that Carl sits on B.
      burst(ann, carl.client, 'warm', 10);
      await arrived(carl.client, ann, 'warm', 10);
      // Carl re-registers through C; B, which still holds it, finds out on its next renewal and closes the old socket.
      const moved = await connect(c, carl.client.id, carl.ticket);
      await carl.client.waitClosed(3000);
      burst(ann, moved, 'after', BURST);
      await arrived(moved, ann, 'after', BURST);
      burst(moved, ann, 'back', BURST);
      await arrived(ann, moved, 'back', BURST);
      // The old socket had the first messages only.
      assert.deepEqual(tags(carl.client, ann.id, ''), series('warm', 10));
      await moved.close();
    } finally {
      await ann.close();
      await c.stop();
    }
  }));

  test('a member whose instance was killed comes back on another: every later message arrives once, in order', logged(async () => {
    const d = await startInstance(redis.url, 'route-d', ENV);
    const ann = (await member(a, 'move-dead', 'Ann')).client;
    const dave = await member(d, 'move-dead', 'Dave');
    const store = new Redis(redis.url);
    try {
      burst(ann, dave.client, 'warm', 10);
      await arrived(dave.client, ann, 'warm', 10);
      d.proc.kill('SIGKILL');
      // Dave's widget sees its socket close; by then Redis has dropped D's subscription too (one exit closes both).
      await dave.client.waitClosed(3000);
      await waitFor(async () => ((await store.pubsub('NUMSUB', 'vcw:instance:route-d')) as [string, number])[1] === 0, 3000, 'D still subscribed');
      const back = await connect(b, dave.client.id, dave.ticket);
      burst(ann, back, 'after', BURST);
      await arrived(back, ann, 'after', BURST);
      burst(back, ann, 'back', BURST);
      await arrived(ann, back, 'back', BURST);
      await back.close();
    } finally {
      store.disconnect();
      await ann.close();
      await d.stop();
    }
  }));

  test('what the bus carries is checked where it arrives: bad frames are ignored, a message for a member elsewhere is sent on once', logged(async () => {
    const ann = (await member(a, 'detour', 'Ann')).client;
    const bob = (await member(b, 'detour', 'Bob')).client;
    const forger = new Redis(redis.url);
    try {
      const offer = (sdp: string) => ({ sdp, connectionId: 'mc_f' });
      for (const frame of ['not json', '{"t":"b"}', '{"t":"b","m":"x"}', '{"t":"b","m":[null,1,["detour"],{}]}', 'null', '[]']) await forger.publish('vcw:instance:route-a', frame);
      // On A, which does not hold Bob: not a relayed type; already sent on once; another room; then one to send on.
      await forger.publish(
        'vcw:instance:route-a',
        JSON.stringify({
          t: 'b',
          f: 'route-x',
          m: [
            ['detour', 'VCW-EVIL', ann.id, bob.id, offer('evil')],
            ['detour', 'OFFER', ann.id, bob.id, offer('second-hop'), 1],
            ['elsewhere', 'OFFER', ann.id, bob.id, offer('other-room')],
            ['detour', 'OFFER', ann.id, bob.id, offer('detour')],
          ],
        }),
      );
      await bob.next((m) => m.type === 'OFFER' && (m.payload as { sdp: string }).sdp === 'detour');
      ann.send({ type: 'OFFER', dst: bob.id, payload: offer('fine') });
      await bob.next((m) => m.type === 'OFFER' && (m.payload as { sdp: string }).sdp === 'fine');
      assert.deepEqual(bob.messages.filter((m) => m.type !== 'OPEN').map((m) => (m.payload as { sdp: string }).sdp), ['detour', 'fine']);
      assert.equal(a.exited() || b.exited(), false);
    } finally {
      forger.disconnect();
      await Promise.all([ann.close(), bob.close()]);
    }
  }));
});
