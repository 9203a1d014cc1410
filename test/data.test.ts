// The host page's own data (`sendData` / `vcw-data`) over the call's real data connections: real Chromium, the real
// server on loopback, three widgets.
import type { VideoCallWidget } from '../src/index.js';
import { assert, equal, rejects } from './assert.js';
import { addWidget, loadWidget, remotes, removeWidgets, selfId, startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from './helpers.js';

type DataEvent = GlobalEventHandlersEventMap['vcw-data'];

/** The widget's data connection to `peer` (internal; used to inject frames as a hostile peer would). */
function dataConnection(w: VideoCallWidget, peer: string): { send(x: unknown): void } {
  const call = (w as unknown as { call: { remotes: Map<string, { data: { send(x: unknown): void } }> } }).call;
  return call.remotes.get(peer)!.data;
}

/** Every `vcw-data` a widget fires, from now on. */
function collect(w: VideoCallWidget): DataEvent['detail'][] {
  const got: DataEvent['detail'][] = [];
  w.addEventListener('vcw-data', (e) => got.push(e.detail));
  return got;
}

describe('sendData', function () {
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];

  before(async () => {
    server = await startServer();
    await loadWidget(server);
  });
  afterEach(() => removeWidgets(widgets));
  after(stopAllServers);

  async function inACall(names: string[], attrs: Record<string, string>[] = []) {
    const room = uniqueRoom();
    const added = names.map((name, i) => addWidget(server, room, { 'display-name': name, ...attrs[i] }));
    widgets.push(...added);
    for (const w of added) await w.join();
    await waitFor(() => added.every((w) => remotes(w).length === names.length - 1 && remotes(w).every((p) => p.connection === 'connected')), 'everyone connected');
    return added;
  }

  it('reaches one member or everyone as vcw-data { from, payload }, with chat off too, and is never shown', async () => {
    const [a, b, c] = await inACall(['Ada', 'Ben', 'Cy'], [{}, {}, { chat: 'off' }]);
    const atA = collect(a!);
    const atB = collect(b!);
    const atC = collect(c!);
    const cursor = { type: 'cursor', x: 0.25, y: 0.75, when: new Date(0) };
    await a!.sendData(cursor, { to: selfId(b!) });
    await a!.sendData({ type: 'hand', raised: true, label: 'SECRET-MARKER-123' });
    // A's connection to C is ordered: once C has the second message, the first (to Ben only) would have come before it.
    await waitFor(() => atB.length === 2 && atC.length === 1, 'Ben has both, Cy the one for everyone');
    equal(JSON.stringify(atB[0]), JSON.stringify({ from: selfId(a!), payload: { type: 'cursor', x: 0.25, y: 0.75, when: '1970-01-01T00:00:00.000Z' } }), 'to Ben: from and payload (as JSON)');
    equal(JSON.stringify(atB[1]), JSON.stringify({ from: selfId(a!), payload: { type: 'hand', raised: true, label: 'SECRET-MARKER-123' } }), 'to everyone, at Ben');
    equal(JSON.stringify(atC[0]), JSON.stringify(atB[1]), 'to everyone, at Cy (chat="off")');
    // Cy answers Ada alone: any JSON value will do.
    await c!.sendData([1, 'two', null, { three: [3] }], { to: selfId(a!) });
    await waitFor(() => atA.length === 1, 'Ada has the answer');
    equal(JSON.stringify(atA[0]), JSON.stringify({ from: selfId(c!), payload: [1, 'two', null, { three: [3] }] }), 'from Cy to Ada');
    equal(atB.length, 2, 'Ben got nothing more');
    // Data is never chat and never rendered.
    for (const w of [a!, b!, c!]) {
      equal(w.messages.length, 0, `no chat message at ${w.displayName}`);
      w.toggleChat(true);
      await w.updateComplete;
      assert(!w.shadowRoot!.innerHTML.includes('SECRET-MARKER-123'), `nothing shown at ${w.displayName}`);
    }
  });

  it('rejects what it cannot send with a clear Error: not in the call, unknown member, not JSON, over 16,000 bytes, too deep, over the rate', async () => {
    const alone = addWidget(server, uniqueRoom(), { 'display-name': 'Solo' });
    widgets.push(alone);
    await waitFor(() => alone.state === 'prejoin', 'pre-join screen');
    assert(/Join the call/.test((await rejects(alone.sendData({ x: 1 }), 'before joining')).message), 'says to join first');

    const [a, b] = await inACall(['Ada', 'Ben']);
    const atB = collect(b!);
    const reasons: Array<[unknown, Record<string, string> | undefined, RegExp]> = [
      [{ x: 1 }, { to: 'f'.repeat(32) }, /nobody with the id/],
      [undefined, undefined, /not JSON/],
      [() => 1, undefined, /not JSON/],
      [{ big: 10n }, undefined, /not JSON/],
      [(() => { const o: Record<string, unknown> = {}; o.self = o; return o; })(), undefined, /not JSON/],
      ['x'.repeat(15_999), undefined, /16001 bytes as JSON; at most 16000/],
      // Counted in UTF-8 bytes: 5,334 three-byte characters are 16,004 bytes with the quotes.
      ['€'.repeat(5334), undefined, /16004 bytes/],
      [JSON.parse('['.repeat(33) + ']'.repeat(33)), undefined, /deeper than 32 levels/],
    ];
    for (const [payload, options, reason] of reasons) {
      const error = await rejects(a!.sendData(payload, options), String(reason));
      assert(reason.test(error.message), `${reason}: ${error.message}`);
    }
    // At the limits: exactly 16,000 bytes and 32 levels go through, whole.
    const biggest = 'x'.repeat(15_998);
    await a!.sendData(biggest);
    await a!.sendData(JSON.parse('['.repeat(32) + ']'.repeat(32)));
    await waitFor(() => atB.length === 2, 'both arrive');
    equal(atB[0]!.payload, biggest, '16,000 bytes arrive whole');

    // The rate: a burst of 120 goes (the two above count too), then the sender is told to wait; nothing over it is sent.
    let sent = 2;
    let error: Error | undefined;
    while (!error && sent < 200) {
      try {
        await a!.sendData({ n: sent });
        sent++;
      } catch (e) {
        error = e as Error;
      }
    }
    assert(error && /messages a second/.test(error.message), `rate limited: ${error?.message}`);
    assert(sent >= 120 && sent < 150, `a burst of 120 went through (${sent})`);
    await waitFor(() => atB.length === sent, 'everything sent arrives');
    equal(atB.slice(2).map((d) => (d.payload as { n: number }).n).join(','), Array.from({ length: sent - 2 }, (_, i) => i + 2).join(','), 'in order, exactly once');
    // The rate refills: sending works again a moment later.
    await waitFor(() => a!.sendData({ n: 'again' }).then(() => true, () => false), 'sending again after a moment');
    await waitFor(() => atB.length === sent + 1, 'and it arrives');
  });

  it('drops malformed or flooding data a peer injects, and keeps the call', async () => {
    const [mallory, b] = await inACall(['Mallory', 'Ben']);
    const atB = collect(b!);
    const conn = dataConnection(mallory!, selfId(b!));
    const before = b!.invalidMessages;
    const bad: unknown[] = [
      { v: 1, t: 'data' },
      { v: 2, t: 'data', payload: 1 },
      { v: 1, t: 'data', payload: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) },
    ];
    for (const message of bad) conn.send(message);
    conn.send({ v: 1, t: 'data', payload: 'fine' });
    await waitFor(() => atB.length === 1, 'the good one arrives');
    equal(atB[0]!.payload, 'fine', 'only the good one');
    equal(b!.invalidMessages - before, bad.length, 'each malformed message counted');
    // A flood far over the rate: Ben passes on at most twice the burst in any second and drops the rest.
    const flood = 600;
    const counted = b!.invalidMessages;
    for (let i = 0; i < flood; i++) conn.send({ v: 1, t: 'data', payload: i });
    await waitFor(() => atB.length - 1 + (b!.invalidMessages - counted) === flood, 'the flood is handled');
    const passed = atB.length - 1;
    // 240 in a second ('fine' may have taken one of them), or up to 480 when the flood straddled two seconds.
    assert(passed >= 239 && passed <= 480, `Ben passed on ${passed} of ${flood}`);
    equal(remotes(b!)[0]?.connection, 'connected', 'Mallory is still connected');
    await mallory!.sendMessage('still here');
    await waitFor(() => b!.messages.length === 1, 'the call goes on');
  });
});
