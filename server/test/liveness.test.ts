/**
 * Ping/pong liveness with more sockets than one ping chunk: the server pings in chunks (so a big pass does not
 * stall joins and relay), and every socket must still be pinged once per interval — answering sockets in
 * every chunk stay, a silent one in a later chunk is dropped on time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, health, joinOk, logged, serve, waitFor, type Client } from './helpers.js';

const SOCKETS = 600; // more than two chunks of 256
const INTERVAL_MS = 500;

test(
  `liveness: ${SOCKETS} sockets answering pings all stay, a silent one in a late chunk is dropped`,
  logged(async (t) => {
    // The load comes from one address: raise per-address limits where the server has them.
    const server = await serve(t, { PING_INTERVAL_MS: String(INTERVAL_MS), MAX_PEERS: '8', JOIN_RATE_LIMIT: '1000000', MAX_SOCKETS_PER_ADDRESS: '1000000' });
    const clients: Client[] = [];
    for (let i = 0; i < SOCKETS; i++) {
      const joined = await joinOk(server, `live-${Math.floor(i / 8)}`, `P${i}`);
      clients.push(await connect(server, joined.peerId, joined.ticket, { t }));
    }
    const frozenJoin = await joinOk(server, 'live-frozen', 'Frozen');
    const frozen = await connect(server, frozenJoin.peerId, frozenJoin.ticket, { autoPong: false, t });
    const since = Date.now();
    const pingsBefore = clients.map((c) => c.pings);

    await frozen.waitClosed(3000);
    const took = Date.now() - since;
    assert.ok(took <= 2000, `the silent socket was dropped after ${took} ms (interval ${INTERVAL_MS} ms)`);
    // Two more full intervals: every answering socket, in every chunk, is pinged again and stays.
    await waitFor(() => clients.every((c, i) => c.pings >= pingsBefore[i]! + 2), 3000, () => {
      const behind = clients.filter((c, i) => c.pings < pingsBefore[i]! + 2).length;
      return `${behind} of ${SOCKETS} sockets were not pinged twice more`;
    });
    const dropped = clients.filter((c) => !c.open).length;
    assert.equal(dropped, 0, `${dropped} answering sockets were dropped`);
    assert.equal((await health(server)).peers, SOCKETS);
  }),
);
