/**
 * Shared mode and vouched identities: a member's name and role (from its room token) travel through Redis with its
 * seat, so a join on another instance lists it with its role, and VCW-IDENTITY crosses instances — the members on
 * the other instance hear a newcomer's name and role before its first offer, and the newcomer hears everyone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signRoomToken } from '../src/tokens.js';
import { NO_REDIS, startInstance, startRedis } from './cluster-helpers.js';
import { connect, joinOk, logged, waitFor, type Msg, type TestServer } from './helpers.js';

const SECRET = 'shared-room-token-secret-0123456789-abcdef';
const ENV = { ROOM_TOKEN_SECRET: SECRET };
const now = () => Math.floor(Date.now() / 1000);
const bearer = (claims: { room: string; name?: string; role?: 'host' | 'guest' }) => ({
  authorization: `Bearer ${signRoomToken({ ...claims, iat: now(), exp: now() + 300 }, SECRET)}`,
});

describe('shared mode identities', { skip: NO_REDIS }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    redis = await startRedis();
    [a, b] = await Promise.all([startInstance(redis.url, 'identity-a', ENV), startInstance(redis.url, 'identity-b', ENV)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  test('names and roles cross instances: in the join answer, and as VCW-IDENTITY before the first offer', logged(async () => {
    const room = 'vouched';
    const hostJoin = await joinOk(a, room, 'Body name', bearer({ room, name: 'Hana', role: 'host' }));
    // The host is in the call before the guest exists: only B can tell A who the guest is.
    const host = await connect(a, hostJoin.peerId, hostJoin.ticket);
    const guestJoin = await joinOk(b, room, 'Gus', bearer({ room }));
    assert.deepEqual(guestJoin.members, [{ peerId: hostJoin.peerId, name: 'Hana', role: 'host' }], 'the join on B lists the host held on A, as host');
    const guest = await connect(b, guestJoin.peerId, guestJoin.ticket);
    try {
      // The guest hears the host, whose seat this instance never held, with the role A vouched for.
      await waitFor(() => guest.identities.length > 0, 3000, 'the guest hears who is who');
      assert.deepEqual(guest.identities[0]!.payload, { members: [{ peerId: hostJoin.peerId, name: 'Hana', role: 'host' }] });
      // The host, on A, hears of the guest from B before the guest's first offer reaches it.
      guest.send({ type: 'OFFER', dst: host.id, payload: { sdp: 'v=0', connectionId: 'mc_1' } });
      await host.next((m) => m.type === 'OFFER');
      const kinds = host.raw.map((text) => (JSON.parse(text) as Msg).type);
      assert.ok(kinds.indexOf('VCW-IDENTITY') >= 0 && kinds.indexOf('VCW-IDENTITY') < kinds.indexOf('OFFER'), `the identity came first: ${kinds.join(' ')}`);
      // Exactly one notice: alone when it connected, the host heard of nobody else.
      assert.deepEqual(host.identities.map((m) => m.payload), [{ members: [{ peerId: guestJoin.peerId, name: 'Gus', role: 'guest' }] }]);
    } finally {
      await Promise.all([host.close(), guest.close()]);
    }
  }));
});
