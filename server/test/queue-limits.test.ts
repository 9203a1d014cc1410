/**
 * Issue 15.5: one address, or one account, cannot fill a support queue. A queue holds at most
 * MAX_WAITING_PER_VISITOR waiting visitors (default 2) from one client address and from one room token subject;
 * the next knock gets `409 too-many-waiting` with a message saying why, while everyone else still gets in.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signRoomToken } from '../src/tokens.js';
import { connect, logged, send, serve, startFailing, type TestServer } from './helpers.js';

const SECRET = 's'.repeat(40);
const now = () => Math.floor(Date.now() / 1000);

interface Knocked {
  peerId: string;
  ticket: string;
  error?: string;
  message?: string;
}

async function knock(server: TestServer, room: string, address: string, token?: string): Promise<{ status: number; body: Knocked }> {
  const res = await send(`${server.url}/api/rooms/${room}/knock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ name: 'Visitor' }),
  });
  return { status: res.status, body: (await res.json()) as Knocked };
}

test(
  'one address holds at most two places in a queue (default); others still get in, and a place that is left is free again',
  logged(async (t) => {
    const server = await serve(t, { TRUST_PROXY: '1' });
    const first = await knock(server, 'help', '198.51.100.7');
    assert.equal(first.status, 200);
    assert.equal((await knock(server, 'help', '198.51.100.7')).status, 200);
    const third = await knock(server, 'help', '198.51.100.7');
    assert.equal(third.status, 409);
    assert.equal(third.body.error, 'too-many-waiting');
    assert.match(third.body.message ?? '', /already waiting in this queue \(at most 2 from one address or account\)/);
    // The same /64 counts as one address; another address and another queue are not concerned.
    assert.equal((await knock(server, 'help', '2001:db8:1:2::a')).status, 200);
    assert.equal((await knock(server, 'help', '2001:db8:1:2::b')).status, 200);
    assert.equal((await knock(server, 'help', '2001:db8:1:2::c')).body.error, 'too-many-waiting');
    assert.equal((await knock(server, 'help', '203.0.113.9')).status, 200);
    assert.equal((await knock(server, 'other-help', '198.51.100.7')).status, 200);
    // The first visitor leaves the queue (its socket comes and goes): its address may knock once more.
    const socket = await connect(server, first.body.peerId, first.body.ticket, { expectOpen: false, headers: { 'x-forwarded-for': '198.51.100.7' } });
    await socket.next((m) => m.type === 'OPEN');
    await socket.close();
    const again = await knock(server, 'help', '198.51.100.7');
    assert.equal(again.status, 200, JSON.stringify(again.body));
  }),
);

test(
  'one token subject holds at most MAX_WAITING_PER_VISITOR places, from any address',
  logged(async (t) => {
    const server = await serve(t, { TRUST_PROXY: '1', ROOM_TOKEN_SECRET: SECRET, MAX_WAITING_PER_VISITOR: '3' });
    const token = (sub: string) => signRoomToken({ room: 'desk-q', iat: now(), exp: now() + 600, sub }, SECRET);
    for (let i = 0; i < 3; i++) assert.equal((await knock(server, 'desk-q', `198.51.100.${i + 1}`, token('alice'))).status, 200);
    const fourth = await knock(server, 'desk-q', '198.51.100.50', token('alice'));
    assert.equal(fourth.status, 409);
    assert.equal(fourth.body.error, 'too-many-waiting');
    assert.match(fourth.body.message ?? '', /at most 3/);
    assert.equal((await knock(server, 'desk-q', '198.51.100.51', token('bob'))).status, 200, 'another subject gets in');
  }),
);

test(
  'MAX_WAITING_PER_VISITOR must be a whole number of at least 1',
  logged(async () => {
    const refused = await startFailing({ MAX_WAITING_PER_VISITOR: '0' });
    assert.equal(refused.code, 78);
    assert.match(refused.stderr, /MAX_WAITING_PER_VISITOR/);
  }),
);
