// Signed webhooks (Standard Webhooks) and the events behind them: a real receiver that checks every signature and
// sees a room's life in order; a receiver that fails and recovers (retries keep the id and the order); one that
// never answers (timeouts, a bounded queue that drops and counts, and joins that do not wait for it).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { pino } from 'pino';
import { Notice } from '../../src/protocol/limits.js';
import { loadConfig } from '../src/config.js';
import { CallEvents, type CallEvent } from '../src/events/call-events.js';
import { Rooms } from '../src/rooms.js';
import { Support } from '../src/support/support.js';
import { Tickets } from '../src/tickets.js';
import { verifyWebhook } from '../src/webhooks/signature.js';
import { WebhookSender } from '../src/webhooks/webhooks.js';
import { logged, member, serve, waitFor } from './helpers.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const KEY = Buffer.from(SECRET.slice(6), 'base64');
const silent = pino({ level: 'silent' });

interface Received {
  id: string;
  signed: boolean;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** A real HTTP receiver; `answer` decides per request (return null to never answer). */
async function receiver(t: TestContext, answer: (req: IncomingMessage, body: string, n: number) => number | null = () => 204) {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const status = answer(req, body, ++requests);
      if (status === null) return void hanging.push(res);
      if (status >= 200 && status < 300) {
        received.push({ id: String(req.headers['webhook-id']), signed: verifyWebhook(SECRET, req.headers, body), body: JSON.parse(body) });
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, requests: () => requests };
}

const event = (room: string, n: number): CallEvent => ({
  type: 'participant.joined',
  timestamp: new Date().toISOString(),
  data: { room, peerId: `p${n}`, name: `n${n}` },
});

test("a room's life reaches a verifying receiver in order, signed, with the Standard Webhooks headers", logged(async (t) => {
  const hook = await receiver(t);
  const server = await serve(t, { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET });
  const a = await member(server, 'hooked', 'Ada', t);
  const b = await member(server, 'hooked', 'Bo', t);
  await b.client.close(1001);
  await a.client.close();
  await waitFor(() => hook.received.length >= 6, 5000, () => JSON.stringify(hook.received.map((r) => r.body.type)));
  assert.ok(hook.received.every((r) => r.signed), 'every signature verifies');
  assert.equal(new Set(hook.received.map((r) => r.id)).size, hook.received.length, 'one webhook-id per event');
  assert.ok(hook.received.every((r) => /^msg_[0-9a-f]{32}$/.test(r.id)));
  assert.deepEqual(hook.received.map((r) => [r.body.type, r.body.data.peerId ?? null, r.body.data.reason ?? null]), [
    ['room.started', null, null],
    ['participant.joined', a.join.peerId, null],
    ['participant.joined', b.join.peerId, null],
    ['participant.left', b.join.peerId, 'gone'],
    ['participant.left', a.join.peerId, 'disconnected'],
    ['room.ended', null, null],
  ]);
  assert.equal(hook.received[1]!.body.data.name, 'Ada');
  assert.ok(hook.received.every((r) => r.body.data.room === 'hooked' && !Number.isNaN(Date.parse(r.body.timestamp))));
  assert.ok((hook.received[5]!.body.data.durationMs as number) >= 0);
  // A tampered body or another secret does not verify.
  const sample = hook.received[0]!;
  assert.equal(verifyWebhook(`whsec_${randomBytes(32).toString('base64')}`, { 'webhook-id': sample.id }, JSON.stringify(sample.body)), false);
}));

test('a receiver that fails and then recovers gets every event, in order, each under its own id across retries', async (t) => {
  const ids: string[] = [];
  const hook = await receiver(t, (req, _body, n) => {
    ids.push(String(req.headers['webhook-id']));
    return n <= 3 ? 503 : 200;
  });
  const sender = new WebhookSender({ url: hook.url, key: KEY, timeoutMs: 2000, queueLimit: 100 }, silent, [20, 40, 80, 160]);
  t.after(() => sender.stop());
  for (let n = 1; n <= 5; n++) assert.ok(sender.enqueue(event('r1', n)));
  await waitFor(() => hook.received.length === 5, 5000, () => `received ${hook.received.length}`);
  assert.deepEqual(hook.received.map((r) => r.body.data.peerId), ['p1', 'p2', 'p3', 'p4', 'p5'], 'in order despite the failures');
  assert.ok(hook.received.every((r) => r.signed));
  assert.deepEqual(ids.slice(0, 4), [ids[0], ids[0], ids[0], ids[0]], 'the first event was retried under the same webhook-id');
  // The receiver has the fifth request; the sender counts it delivered once the answer is back: wait for that.
  await waitFor(() => sender.stats().delivered === 5, 5000, () => JSON.stringify(sender.stats()));
  assert.deepEqual(sender.stats(), { queued: 0, delivered: 5, failedAttempts: 3, abandoned: 0, dropped: 0 });
});

test('a receiver that never answers: attempts time out, the bounded queue drops (and counts) the rest', async (t) => {
  const hook = await receiver(t, () => null);
  const sender = new WebhookSender({ url: hook.url, key: KEY, timeoutMs: 100, queueLimit: 4 }, silent, [30]);
  t.after(() => sender.stop());
  const accepted = Array.from({ length: 50 }, (_, n) => sender.enqueue(event(`room-${n % 2}`, n)));
  assert.equal(accepted.filter(Boolean).length, 4);
  assert.equal(sender.stats().dropped, 46);
  // Each of the 4 is tried twice (one retry), then given up.
  await waitFor(() => sender.stats().abandoned === 4, 5000, () => JSON.stringify(sender.stats()));
  assert.deepEqual(sender.stats(), { queued: 0, delivered: 0, failedAttempts: 8, abandoned: 4, dropped: 46 });
  assert.equal(hook.requests(), 8);
  // With room again, a new event is accepted.
  assert.ok(sender.enqueue(event('room-0', 99)));
});

test('joins do not wait for a webhook receiver that never answers', logged(async (t) => {
  const hook = await receiver(t, () => null);
  const server = await serve(t, { WEBHOOK_URL: hook.url, WEBHOOK_SECRET: SECRET, WEBHOOK_TIMEOUT_MS: '10000', WEBHOOK_QUEUE_LIMIT: '3' });
  for (let n = 0; n < 6; n++) {
    const started = performance.now();
    await member(server, `slow-hook-${n}`, `m${n}`, t);
    const took = performance.now() - started;
    assert.ok(took < 1000, `join + connect ${n} took ${took.toFixed(0)} ms`);
  }
  await waitFor(() => hook.requests() >= 1, 3000, 'the receiver was called');
}));

test('the support flow emits support.knock, .admitted, .declined and .timeout on the typed emitter', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vcw-events-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({ STATE_DIR: dir, WAITING_TIMEOUT_MS: '1000' }, { staticDir: dir, demoDir: dir });
  const rooms = new Rooms(config.maxPeers, config.seatTimeoutMs);
  const events = new CallEvents(silent);
  const support = new Support(config, rooms, new Tickets(config.ticketSecret, config.ticketTtl), silent, events);
  t.after(() => (support.clear(), rooms.clear()));
  support.bind({ send: () => {}, close: () => {} });
  const seen: CallEvent[] = [];
  events.on('event', (e) => seen.push(e));
  const knocked: string[] = [];
  events.on('support.knock', (e) => knocked.push(e.data.name)); // typed: e.data.name is a string
  const signaling = { host: '127.0.0.1', port: 1, path: '/signal', secure: false, key: 'vcw' };
  // Three visitors from three addresses (one address may hold only MAX_WAITING_PER_VISITOR places).
  const visitor = (name: string) => {
    const v = support.knock('help', { name, page: 'https://shop.example/', context: {}, signaling, address: `198.51.100.${name.length + knocked.length}` });
    assert.ok(!('refused' in v), `${name} was refused: ${JSON.stringify(v)}`);
    support.connected('waiting', v.peerId);
    return v.peerId;
  };
  const [v1, v2, v3] = [visitor('V1'), visitor('V2'), visitor('V3')];
  const desk = support.openDesk('help', 'Agent', signaling);
  support.connected('desk', desk.peerId);
  support.message(desk.peerId, Notice.ADMIT, { req: 1, id: v1 });
  support.message(desk.peerId, Notice.DECLINE, { req: 2, id: v2, message: 'busy' });
  await waitFor(() => seen.some((e) => e.type === 'support.timeout'), 5000, () => JSON.stringify(seen.map((e) => e.type)));
  assert.deepEqual(knocked, ['V1', 'V2', 'V3']);
  assert.deepEqual(seen.map((e) => [e.type, (e.data as { visitorId: string }).visitorId]), [
    ['support.knock', v1], ['support.knock', v2], ['support.knock', v3],
    ['support.admitted', v1], ['support.declined', v2], ['support.timeout', v3],
  ]);
  const admitted = seen[3] as CallEvent<'support.admitted'>;
  assert.equal(admitted.data.agentId, desk.peerId);
  assert.equal(admitted.data.queue, 'help');
  assert.ok(rooms.has(admitted.data.room), 'the call room the visitor was admitted to');
  assert.ok((seen[5] as CallEvent<'support.timeout'>).data.waitedMs >= 1000);
});
