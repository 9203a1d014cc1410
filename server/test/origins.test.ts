/**
 * ALLOWED_ORIGINS on every entry point: the room API (403 forbidden, no CORS grant), the WebSocket upgrade (403
 * before the upgrade), preflights, and look-alike origins; and relay to another room's reserved seat is never queued.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, join, joinOk, logged, member, serve, sleep, upgradeRefusal, wsUrl } from './helpers.js';

const ALLOWED = 'https://shop.example';
/** Origins that must not pass for https://shop.example. */
const LOOK_ALIKES = [
  'null',
  'http://shop.example',
  'https://shop.example.evil.example',
  'https://evil-shop.example',
  'https://shop.example:8443',
  'https://SHOP.EXAMPLE',
  'https://shop.example/',
  'https://shop.exampl',
  'https://other.example',
];

test(
  'ALLOWED_ORIGINS: look-alike origins are refused on the API and the WebSocket, without a CORS grant',
  logged(async (t) => {
    const server = await serve(t, { ALLOWED_ORIGINS: `${ALLOWED},https://b.example` });
    const seat = await joinOk(server, 'shop', 'A', { origin: ALLOWED });
    for (const origin of LOOK_ALIKES) {
      const res = await join(server, 'shop', { name: 'X' }, { origin });
      assert.equal(res.status, 403, `API, Origin "${origin}": ${res.status} ${res.text}`);
      assert.deepEqual(res.body, { error: 'forbidden', message: 'This site is not allowed to embed calls from this server.' });
      assert.equal(res.headers.get('access-control-allow-origin'), null, `no CORS grant for "${origin}"`);
      const preflight = await fetch(`${server.url}/api/rooms/shop/join`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null, `no preflight grant for "${origin}"`);
      const refusal = await upgradeRefusal(wsUrl(server, seat.peerId, seat.ticket), { origin });
      assert.equal(refusal.status, 403, `WebSocket, Origin "${origin}"`);
      assert.equal((JSON.parse(refusal.body) as { error: string }).error, 'forbidden');
    }
    // The second listed origin works too, and no grant ever allows credentials or a wildcard on the API.
    const ok = await join(server, 'shop', { name: 'B' }, { origin: 'https://b.example' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://b.example');
    assert.equal(ok.headers.get('access-control-allow-credentials'), null);
    // The widget bundle stays public (any page may load the script); only the API is restricted.
    const bundle = await fetch(`${server.url}/healthz`, { headers: { origin: 'https://other.example' } });
    assert.equal(bundle.headers.get('access-control-allow-origin'), '*');
    assert.equal(bundle.headers.get('x-powered-by'), null, 'no framework banner');
    assert.equal(bundle.headers.get('x-content-type-options'), 'nosniff');
    // A non-browser client sends no Origin: allowed (Origin is a browser guarantee, not authentication).
    const client = await connect(server, seat.peerId, seat.ticket, { t });
    assert.ok(client.open);
  }),
);

test(
  'a reserved seat in another room gets nothing queued, even once it connects',
  logged(async (t) => {
    const server = await serve(t);
    const { client: ca } = await member(server, 'room-a', 'A', t);
    const c = await joinOk(server, 'room-c', 'C (not connected yet)');
    for (const type of ['OFFER', 'ANSWER', 'CANDIDATE']) ca.send({ type, dst: c.peerId, payload: { crossed: true } });
    await sleep(300);
    const cc = await connect(server, c.peerId, c.ticket, { t });
    await sleep(300);
    assert.deepEqual(cc.messages, [{ type: 'OPEN' }]);
    assert.ok(ca.open);
  }),
);

test(
  '/csp.html is served with the strict policy (and only that page)',
  logged(async (t) => {
    const server = await serve(t);
    for (const path of ['/csp.html', '/csp']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
      assert.deepEqual(directives.get('script-src'), ["'self'"], csp);
      assert.deepEqual(directives.get('style-src'), ["'self'"], csp);
      assert.deepEqual(directives.get('default-src'), ["'none'"], csp);
      assert.deepEqual(directives.get('require-trusted-types-for'), ["'script'"], csp);
      assert.deepEqual(directives.get('trusted-types'), ['lit-html'], csp);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, csp);
    }
    assert.equal((await fetch(`${server.url}/`)).headers.get('content-security-policy'), null, 'the regular demo is unchanged');
    // The report endpoint takes a report and answers 204; junk gets a 4xx, never a 5xx.
    const report = await fetch(`${server.url}/csp-report`, {
      method: 'POST',
      headers: { 'content-type': 'application/csp-report' },
      body: JSON.stringify({ 'csp-report': { 'violated-directive': 'script-src', 'blocked-uri': 'inline', 'document-uri': 'x'.repeat(5000) } }),
    });
    assert.equal(report.status, 204);
    const junk = await fetch(`${server.url}/csp-report`, { method: 'POST', headers: { 'content-type': 'application/csp-report' }, body: '{"csp-report":' });
    assert.equal(junk.status, 400);
    const line = server.logs().split('\n').find((l) => l.includes('csp violation report'))!;
    assert.ok(line && line.length < 1500, 'reports are logged as short summaries');
  }),
);
