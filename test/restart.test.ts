// The signaling server is killed mid-call and comes back: the call goes on, widgets re-register by themselves.
import type { VideoCallWidget } from '../src/index.js';
import { assert, equal } from './assert.js';
import { executeServerCommand } from '@web/test-runner-commands';
import { addWidget, framesAdvance, loadWidget, remotes, selfId, startServer, stopAllServers, tileOf, uniqueRoom, waitFor } from './helpers.js';

describe('server restart', function () {
  const widgets: VideoCallWidget[] = [];
  after(async () => {
    await Promise.all(widgets.map((w) => w.leave()));
    await stopAllServers();
  });

  /** A server and two widgets (Ada, Ben) connected to each other in a fresh room. */
  async function twoInACall() {
    const first = await startServer();
    await loadWidget(first);
    const room = uniqueRoom();
    const [a, b] = ['Ada', 'Ben'].map((name) => addWidget(first, room, { 'display-name': name, 'auto-join': '' })) as [VideoCallWidget, VideoCallWidget];
    widgets.push(a, b);
    await waitFor(() => remotes(a)[0]?.connection === 'connected' && remotes(b)[0]?.connection === 'connected', 'A and B connected');
    return { first, room, a, b };
  }

  it('keeps the call, re-registers everyone with the same ids, and lets a newcomer in', async function () {
    this.timeout(90_000);
    const { first, room, a, b } = await twoInACall();
    const ids = [selfId(a), selfId(b)];
    await b.sendMessage('before the outage');
    await waitFor(() => a.messages.length === 1, 'a message before the outage');
    let departures = 0;
    for (const w of [a, b]) w.addEventListener('vcw-participant-leave', () => departures++);
    // What a host page sees: the state changes as events.
    const changes: string[] = [];
    a.addEventListener('vcw-state-change', (e) => changes.push(e.detail.state));

    // Timed from before the kill command (which returns once the process is gone): an upper bound.
    const killed = performance.now();
    await executeServerCommand('vcw-server-kill', { id: first.id });
    await waitFor(() => a.state === 'reconnecting' && b.state === 'reconnecting', 'both show reconnecting', 5000);
    const noticed = performance.now() - killed;
    assert(noticed < 2000, `reconnecting shown within 2 s (took ${Math.round(noticed)} ms)`);
    // Shown in the widget, beside the video and not over it.
    await a.updateComplete;
    const banner = a.shadowRoot!.querySelector('[part~="banner"]');
    assert(banner && /reconnecting/i.test(banner.textContent ?? ''), 'a "reconnecting" banner is shown');
    const box = banner.getBoundingClientRect();
    for (const tile of a.shadowRoot!.querySelectorAll('.tile')) {
      const t = tile.getBoundingClientRect();
      assert(box.bottom <= t.top || box.top >= t.bottom || box.right <= t.left || box.left >= t.right, 'the banner covers no video tile');
    }
    // Media and chat keep flowing peer to peer while the server is down (for 10 s).
    assert(await framesAdvance(tileOf(a, ids[1]!)!.querySelector('video')!), 'B\'s picture moves at A while the server is down');
    await a.sendMessage('still here');
    await waitFor(() => b.messages.some((m) => m.text === 'still here'), 'chat works while the server is down');
    await waitFor(() => performance.now() - killed > 10_000, 'the server to have been down for 10 s', 12_000);
    assert(await framesAdvance(tileOf(b, ids[0]!)!.querySelector('video')!), 'A\'s picture still moves at B after 10 s without a server');

    const second = await startServer({ PORT: String(first.port), STATE_DIR: first.stateDir });
    const back = performance.now();
    await waitFor(() => a.state === 'joined' && b.state === 'joined', 'both registered again', 10_000);
    const recovered = performance.now() - back;
    console.log(`server restart: reconnecting shown after ${Math.round(noticed)} ms, registered again ${Math.round(recovered)} ms after the server was back`);
    assert(recovered < 5000, `registered again within 5 s of the server coming back (took ${Math.round(recovered)} ms)`);
    equal(changes.join(','), 'reconnecting,joined', 'vcw-state-change to reconnecting and back');
    await a.updateComplete;
    equal(a.shadowRoot!.querySelector('[part~="banner"]'), null, 'the banner is gone');
    equal(departures, 0, 'nobody left the call');
    equal(a.messages.map((m) => m.text).join('|'), 'before the outage|still here', 'chat history intact at A');
    equal(selfId(a), ids[0], 'A kept its id');
    const health = await (await fetch(`${second.url}/healthz`)).json();
    equal(health.peers, 2, 'the new server knows both');
    equal(remotes(a).length, 1, 'no duplicate tiles');
    equal(a.shadowRoot!.querySelectorAll('.tile').length, 2, 'two tiles at A');

    const c = addWidget(second, room, { 'display-name': 'Cy', 'auto-join': '' });
    widgets.push(c);
    await waitFor(() => remotes(c).length === 2 && remotes(c).every((p) => p.connection === 'connected'), 'newcomer connected to both');
    await waitFor(() => remotes(a).length === 2 && remotes(b).length === 2, 'A and B see the newcomer');
  });

  it('a newcomer who joins while a member is still re-registering after a restart ends up connected to everyone', async function () {
    this.timeout(90_000);
    const { first, room, a, b } = await twoInACall();
    // A stays away from the server until we let it back: its renewals fail on the way (the network of one page).
    const ticketOf = (w: VideoCallWidget) => (w as unknown as { call: { ticket: string } }).call.ticket;
    const nativeFetch = window.fetch;
    let holdA = true;
    window.fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (holdA && url.endsWith('/renew') && typeof init?.body === 'string' && init.body.includes(ticketOf(a))) return Promise.reject(new TypeError('Failed to fetch'));
      return nativeFetch(input, init);
    };
    try {
      await executeServerCommand('vcw-server-kill', { id: first.id });
      await waitFor(() => a.state === 'reconnecting' && b.state === 'reconnecting', 'both show reconnecting', 5000);
      const second = await startServer({ PORT: String(first.port), STATE_DIR: first.stateDir });
      await waitFor(() => b.state === 'joined', 'B registered again', 10_000);
      equal(a.state, 'reconnecting', 'A is still away');
      // The newcomer's member list has B only: it dials B, and nobody would dial A.
      const c = addWidget(second, room, { 'display-name': 'Cy', 'auto-join': '' });
      widgets.push(c);
      await waitFor(() => remotes(c).some((p) => p.id === selfId(b) && p.connection === 'connected'), 'the newcomer connected to B');
      holdA = false;
      await waitFor(() => a.state === 'joined', 'A registered again', 10_000);
      await waitFor(() => [a, b, c].every((w) => remotes(w).length === 2 && remotes(w).every((p) => p.connection === 'connected')), 'everyone connected to everyone', 20_000);
      // One call and one data connection per pair: A dialled C, C did not dial A.
      const connections = (w: VideoCallWidget, other: VideoCallWidget) =>
        ((w as unknown as { call: { peer: { connections: Record<string, Array<{ type: string; open: boolean }>> } } }).call.peer.connections[selfId(other)] ?? []).filter((x) => x.open);
      for (const [x, y] of [[a, c], [c, a]] as const) {
        equal(connections(x, y).filter((k) => k.type === 'media').length, 1, `one media call ${x.displayName}→${y.displayName}`);
        equal(connections(x, y).filter((k) => k.type === 'data').length, 1, `one data connection ${x.displayName}→${y.displayName}`);
      }
      assert(await framesAdvance(tileOf(c, selfId(a))!.querySelector('video')!), "A's picture moves at the newcomer");
    } finally {
      window.fetch = nativeFetch;
    }
  });
});
