// What an untouched two-line embed costs (issue 17.2): over its first 10 s a page whose visitor never interacts loads
// at most 12,000 B gzip of JavaScript, opens no WebSocket and calls no device API; intent (a pointer over the widget)
// fetches the call chunk, and the click after it joins.
import { assert, equal } from './assert.js';
import { openEmbed } from './embed-probe.js';
import { addWidget, loadWidget, removeWidgets, startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from './helpers.js';
import type { VideoCallWidget } from '../src/index.js';

/** The observation window of an untouched page: what the visitor of a blog post who never scrolls to the call costs. */
const UNTOUCHED_MS = 10_000;
const BUDGET = 12_000;

describe('an untouched embed', function () {
  let server: TestServer;
  const frames: HTMLIFrameElement[] = [];
  const widgets: VideoCallWidget[] = [];
  before(async () => {
    server = await startServer();
    await loadWidget(server);
  });
  after(async () => {
    await removeWidgets(widgets);
    for (const f of frames) f.remove();
    await stopAllServers();
  });

  it('loads ≤ 12,000 B gzip of JavaScript in 10 s, opens no WebSocket, touches no device; a pointer over it fetches the call chunk', async () => {
    const room = uniqueRoom();
    const member = addWidget(server, room, { 'display-name': 'Member', audio: 'off', video: 'off', 'auto-join': '' });
    widgets.push(member);
    await waitFor(() => member.state === 'joined', 'a member in the room');
    const page = await openEmbed(server, room, 'Visitor');
    frames.push(page.frame);
    await waitFor(() => page.widget()?.shadowRoot?.querySelector('.prejoin h2 + p')?.textContent === 'Here now: Member', 'the card says who is here');
    // The window is the measurement itself (a page nobody touches for 10 s), not a stand-in for a condition.
    await waitFor(() => page.now() >= UNTOUCHED_MS, 'ten seconds of an untouched page', UNTOUCHED_MS + 5_000);
    const bytes = await page.jsBytes();
    const scripts = page.scripts();
    assert(bytes <= BUDGET, `an untouched page loaded ${bytes} B gzip of JavaScript (${scripts.join(', ')}), budget ${BUDGET}`);
    assert(!scripts.some((s) => /\/chunks\/(call|devices|protocol)-/.test(s)), `no call, devices or protocol chunk: ${scripts.join(', ')}`);
    equal(JSON.stringify(page.counts()), JSON.stringify({ getUserMedia: 0, enumerateDevices: 0, sockets: 0 }), 'no device call, no WebSocket');
    equal(page.requests(), scripts.length + 1, 'the widget files and one room API request');

    const widget = page.widget()!;
    widget.dispatchEvent(new PointerEvent('pointerenter'));
    await waitFor(() => page.scripts().some((s) => /\/chunks\/call-/.test(s)), 'the call chunk fetched on intent');
    equal(page.counts().getUserMedia, 0, 'intent asks for no device');
    widget.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await waitFor(() => widget.state === 'joined', 'the click joins');
    equal(page.counts().getUserMedia, 1, 'one getUserMedia, after the click');
    equal(page.counts().sockets, 1, 'one WebSocket, after the click');
    await widget.leave();
  });
});
