// `GET /metrics` of the real server: Prometheus text with rooms, members, sockets, joins and refusals by reason, the
// join latency histogram, relayed and dropped signaling messages, the support queue, webhook drops and the
// event-loop lag — and the bearer token when METRICS_TOKEN is set.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { join, logged, member, serve, waitFor, type TestServer } from './helpers.js';

/** The value of one sample (`name{labels}`) in Prometheus text, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${server.url}/metrics`, { headers });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain;.*version=0\.0\.4/);
  return res.text();
}

test('rooms, members, sockets, joins and refusals, join latency, relayed and dropped messages, support queue, event-loop lag', logged(async (t) => {
  const server = await serve(t, { MAX_PEERS: '2' });
  const a = await member(server, 'metered', 'Ada', t);
  const b = await member(server, 'metered', 'Bo', t);
  assert.equal((await join(server, 'metered', { name: 'Cy' })).status, 409);
  assert.equal((await join(server, 'bad!room', {})).status, 400);
  a.client.send({ type: 'OFFER', dst: b.join.peerId, payload: { sdp: 'x' } });
  await b.client.next((m) => m.type === 'OFFER');
  a.client.send({ type: 'OFFER', dst: 'someone-elsewhere', payload: {} });
  a.client.send({ type: 'NOT-A-TYPE', dst: b.join.peerId, payload: {} });
  const knock = await fetch(`${server.url}/api/rooms/help/knock`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Visitor', page: 'https://shop.example/' }),
  });
  assert.equal(knock.status, 200, await knock.clone().text());

  const text = await waitFor(async () => {
    const body = await scrape(server);
    return sample(body, 'vcw_dropped_messages_total', 'reason="not-allowed"') === 2 ? body : '';
  }, 3000, 'two dropped messages counted');
  assert.equal(sample(text, 'vcw_rooms'), 1);
  assert.equal(sample(text, 'vcw_members', 'state="connected"'), 2);
  assert.equal(sample(text, 'vcw_members', 'state="reserved"'), 0);
  assert.equal(sample(text, 'vcw_sockets'), 2);
  assert.equal(sample(text, 'vcw_joins_total', 'result="ok"'), 2);
  assert.equal(sample(text, 'vcw_joins_total', 'result="room-full"'), 1);
  assert.equal(sample(text, 'vcw_joins_total', 'result="invalid-room"'), 1);
  assert.equal(sample(text, 'vcw_join_duration_seconds_count'), 2);
  assert.ok(sample(text, 'vcw_join_duration_seconds_bucket', 'le="1"') === 2);
  assert.equal(sample(text, 'vcw_relayed_messages_total', 'type="OFFER"'), 1);
  assert.equal(sample(text, 'vcw_support_waiting'), 1);
  assert.equal(sample(text, 'vcw_support_desks'), 0);
  assert.ok((sample(text, 'nodejs_eventloop_lag_seconds') ?? -1) >= 0, 'event-loop lag');
  assert.match(text, /^# TYPE vcw_support_wait_seconds histogram$/m);
  assert.equal(sample(text, 'vcw_webhook_queue'), undefined, 'no webhook metrics without webhooks');
  assert.equal(sample(text, 'vcw_redis_up'), undefined, 'no Redis gauge in a single process');

  await b.client.close(1001);
  const after = await waitFor(async () => {
    const body = await scrape(server);
    return sample(body, 'vcw_members', 'state="connected"') === 1 ? body : '';
  }, 3000, 'one member left');
  assert.equal(sample(after, 'vcw_sockets'), 1);
}));

test('METRICS_TOKEN: /metrics needs the bearer token (401 without it or with another one)', logged(async (t) => {
  const token = randomBytes(24).toString('hex');
  const server = await serve(t, { METRICS_TOKEN: token });
  for (const headers of [{}, { authorization: `Bearer ${token}x` }, { authorization: token }, { authorization: `Basic ${token}` }] as Record<string, string>[]) {
    const res = await fetch(`${server.url}/metrics`, { headers });
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.doesNotMatch(await res.text(), /vcw_/);
  }
  assert.equal(sample(await scrape(server, { authorization: `Bearer ${token}` }), 'vcw_rooms'), 0);
}));

test('webhook deliveries dropped by a full queue are counted', logged(async (t) => {
  const hanging: ServerResponse[] = [];
  const receiver = createServer((_req, res) => void hanging.push(res));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const res of hanging) res.destroy();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });
  const server = await serve(t, {
    WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
    WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    WEBHOOK_QUEUE_LIMIT: '2',
    WEBHOOK_TIMEOUT_MS: '30000',
  });
  // room.started + participant.joined fill the queue; the second member's joined is dropped.
  await member(server, 'hooked', 'Ada', t);
  await member(server, 'hooked', 'Bo', t);
  // Events are queued as the server registers each socket: wait for the dropped one rather than race it.
  const text = await waitFor(async () => {
    const body = await scrape(server);
    return sample(body, 'vcw_webhook_deliveries_total', 'result="dropped"') === 1 ? body : '';
  }, 3000, 'one dropped delivery counted');
  assert.equal(sample(text, 'vcw_webhook_queue'), 2);
  assert.equal(sample(text, 'vcw_webhook_deliveries_total', 'result="dropped"'), 1);
  assert.equal(sample(text, 'vcw_webhook_deliveries_total', 'result="delivered"'), 0);
}));
