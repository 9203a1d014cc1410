// The widget's parts talk to each other through the host contract (src/core/host.ts), never through its public
// `vcw-*` events: a page that swallows every one of those events, before they reach anything, still gets a whole
// call and a whole support flow. Everything is checked through properties and the shadow DOM.
import type { VideoCallWidget } from '../src/index.js';
import { assert, equal } from './assert.js';
import { addWidget, framesAdvance, remotes, removeWidgets, selfId, startServer, stopAllServers, tileOf, uniqueRoom, waitFor, type TestServer } from './helpers.js';

const AGENT_KEY = 'browser-test-agent-key-0123456789';
/** Every public event the element fires (src/core/events.ts). */
const EVENTS = ['vcw-state-change', 'vcw-join', 'vcw-leave', 'vcw-participant-join', 'vcw-participant-leave', 'vcw-participant-update',
  'vcw-microphone-toggle', 'vcw-camera-toggle', 'vcw-screenshare-toggle', 'vcw-chat-toggle', 'vcw-message', 'vcw-file', 'vcw-error',
  'vcw-recording', 'vcw-device-change', 'vcw-knock', 'vcw-knock-cancel', 'vcw-admitted', 'vcw-declined', 'vcw-queue-update'];
const root = (w: VideoCallWidget) => w.shadowRoot!;
const click = async (w: VideoCallWidget, selector: string) =>
  (await waitFor(() => root(w).querySelector<HTMLButtonElement>(selector), `${selector} in ${w.displayName}'s widget`)).click();

describe('a page that stops every vcw-* event', function () {
  this.timeout(120_000);
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];
  let stopped = 0;
  const swallow = (e: Event) => {
    stopped++;
    e.stopImmediatePropagation();
  };

  before(async () => {
    // Every visitor here is this one browser on one address: no per-address join or queue caps.
    server = await startServer({ AGENT_KEY, JOIN_RATE_LIMIT: '100000', MAX_WAITING_PER_VISITOR: '1000' });
    await import(/* @vite-ignore */ `${server.url}/video-call-widget.js`);
    for (const type of EVENTS) addEventListener(type, swallow, { capture: true });
  });
  afterEach(() => removeWidgets(widgets));
  after(async () => {
    for (const type of EVENTS) removeEventListener(type, swallow, { capture: true });
    await stopAllServers();
  });

  it('still has a whole call: join, media, chat, devices, leave', async () => {
    const room = uniqueRoom('swallowed');
    const [a, b] = ['Ada', 'Ben'].map((name) => addWidget(server, room, { 'display-name': name })) as [VideoCallWidget, VideoCallWidget];
    widgets.push(a, b);
    await a.join();
    await b.join();
    await waitFor(() => [a, b].every((w) => remotes(w)[0]?.connection === 'connected'), 'connected to each other');
    equal(remotes(a)[0]!.name, 'Ben', 'A sees Ben');
    const video = await waitFor(() => tileOf(a, selfId(b))?.querySelector('video'), "Ben's tile at A");
    assert(await framesAdvance(video), "Ben's picture moves at A");
    // Media state travels.
    await b.toggleMicrophone(false);
    await waitFor(() => remotes(a)[0]?.audioMuted, 'A sees Ben muted');
    assert(tileOf(a, selfId(b))?.querySelector('[data-badge="muted"]'), 'the muted badge at A');
    // Chat both ways, and the live region announces (it used to listen to the element's own events).
    await a.sendMessage('hello Ben');
    await waitFor(() => b.messages.some((m) => m.text === 'hello Ben' && m.name === 'Ada'), 'Ben has the message');
    await waitFor(() => root(b).querySelector('[part="live"]')?.textContent?.includes('hello Ben'), "Ben's live region announces it");
    b.toggleChat(true);
    await waitFor(() => root(b).querySelector('.chat')?.textContent?.includes('hello Ben'), "the message in Ben's chat panel");
    // Devices: switching the microphone in the call works.
    const mics = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput' && d.deviceId && d.deviceId !== 'default');
    assert(mics.length > 0, 'fake microphones');
    await a.setDevices({ audioInput: mics.at(-1)!.deviceId });
    // Leaving is noticed by the other side.
    await b.leave();
    equal(b.state, 'left', 'Ben left');
    await waitFor(() => remotes(a).length === 0, 'A sees Ben gone');
    assert(!tileOf(a, selfId(b)), "Ben's tile is gone");
    assert(stopped > 10, `the page stopped the widget's events (${stopped})`);
  });

  it('still has a whole support flow: knock, queue, admit, call, remove', async () => {
    const room = uniqueRoom('swallowed-shop');
    const agent = addWidget(server, room, { mode: 'desk', 'agent-key': AGENT_KEY, 'display-name': 'Agent Ann' });
    agent.style.height = '640px';
    widgets.push(agent);
    await waitFor(() => root(agent).querySelector('.desk') && !root(agent).querySelector('.desk-offline'), 'the desk is online');
    // The launcher asks whether an agent is online when it connects (then every 30 s): after the desk is.
    const vera = addWidget(server, room, { mode: 'launcher', 'display-name': 'Vera' });
    widgets.push(vera);
    await waitFor(() => root(vera).querySelector('.launcher-button:not(.offline)'), 'the launcher is online');
    await click(vera, '.launcher-button');
    await waitFor(() => vera.state === 'prejoin', 'Vera on the pre-join screen');
    await click(vera, '.panel button[type="submit"]');
    await waitFor(() => vera.queuePosition === 1, 'Vera waits, first in the queue');
    await waitFor(() => agent.waiting.map((v) => v.name).join() === 'Vera', 'the desk lists Vera');
    await click(agent, `[data-visitor-id="${agent.waiting[0]!.id}"] .admit`);
    await waitFor(() => agent.state === 'joined' && vera.state === 'joined', 'both in the call');
    await waitFor(() => remotes(agent)[0]?.connection === 'connected' && remotes(vera)[0]?.connection === 'connected', 'connected to each other');
    equal(remotes(agent)[0]!.name, 'Vera', 'the agent is with Vera');
    await click(agent, '.desk-bar .remove');
    await waitFor(() => vera.state === 'left' && root(vera).querySelector('.support-note'), 'Vera is out and told');
    await waitFor(() => agent.state === 'idle' && !root(agent).querySelector('.desk-call'), 'the desk is back to its queue');
  });
});
