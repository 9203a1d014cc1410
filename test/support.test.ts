// The customer-support flow in a real browser against the real server: visitors' launchers knock and wait in the
// server's queue, an agent desk sees them live (with their camera snapshot) and admits, declines or removes.
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../src/index.js';
import type { WaitingVisitor } from '../src/index.js';
import { axeViolations, screenshot } from './a11y.js';
import { assert, equal } from './assert.js';
import { addWidget, framesAdvance, nextEvent, remotes, removeWidgets, selfId, startServer, stopAllServers, tileOf, uniqueRoom, waitFor, type TestServer } from './helpers.js';

const AGENT_KEY = 'browser-test-agent-key-0123456789';
const root = (w: VideoCallWidget) => w.shadowRoot!;
const button = (w: VideoCallWidget, selector: string) => waitFor(() => root(w).querySelector<HTMLButtonElement>(selector), `${selector} in ${w.displayName}'s widget`);

describe('support: launcher, waiting room and agent desk', function () {
  this.timeout(120_000);
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];
  const pageErrors: string[] = [];
  const onRejection = (e: PromiseRejectionEvent) => pageErrors.push(String(e.reason));

  const add = (room: string, attrs: Record<string, string>) => {
    const w = addWidget(server, room, attrs);
    widgets.push(w);
    return w;
  };
  const desk = async (room: string, name: string) => {
    const w = add(room, { mode: 'desk', 'agent-key': AGENT_KEY, 'display-name': name });
    w.style.height = '640px';
    await waitFor(() => root(w).querySelector('.desk') && !root(w).querySelector('.desk-offline'), `${name}'s desk online`);
    return w;
  };
  /** A visitor's launcher: open it and press "Call us"; resolves once they wait in the queue. */
  const call = async (w: VideoCallWidget) => {
    await waitFor(() => root(w).querySelector('.launcher-button:not(.offline)'), `${w.displayName}'s launcher online`);
    (await button(w, '.launcher-button')).click();
    await waitFor(() => w.state === 'prejoin', `${w.displayName} on the pre-join screen`);
    const queued = nextEvent(w, 'vcw-queue-update');
    (await button(w, '.panel button[type="submit"]')).click();
    await queued;
  };
  const visitor = (room: string, name: string, context?: object) => add(room, { mode: 'launcher', 'display-name': name, ...(context ? { context: JSON.stringify(context) } : {}) });
  const waitingNames = (w: VideoCallWidget) => w.waiting.map((v) => v.name).join(',');

  before(async () => {
    // Every visitor here is this one browser on one address: no per-address join or queue caps.
    server = await startServer({ AGENT_KEY, JOIN_RATE_LIMIT: '100000', MAX_WAITING_PER_VISITOR: '1000' });
    await import(/* @vite-ignore */ `${server.url}/video-call-widget.js`);
    addEventListener('unhandledrejection', onRejection);
  });
  afterEach(async () => {
    await removeWidgets(widgets);
    equal(pageErrors.splice(0).join(' | '), '', 'no unhandled rejections in the page');
  });
  after(async () => {
    removeEventListener('unhandledrejection', onRejection);
    await stopAllServers();
  });

  it('queues three visitors 1-2-3, shows the agent each one live with a preview, and handles cancel, decline, admit and remove', async () => {
    const room = uniqueRoom('shop');
    const agent = await desk(room, 'Agent Ann');
    const knocks: string[] = [];
    const cancels: string[] = [];
    agent.addEventListener('vcw-knock', (e) => knocks.push(e.detail.participant.name));
    agent.addEventListener('vcw-knock-cancel', (e) => cancels.push(e.detail.participant.name));
    const [vera, walt, xena] = [visitor(room, 'Vera', { order: 'A-1001', plan: 'pro' }), visitor(room, 'Walt'), visitor(room, 'Xena')] as [VideoCallWidget, VideoCallWidget, VideoCallWidget];
    for (const v of [vera, walt, xena]) await call(v);
    equal([vera, walt, xena].map((v) => v.queuePosition).join(','), '1,2,3', 'queue positions');
    await waitFor(() => waitingNames(agent) === 'Vera,Walt,Xena', 'the desk lists the three in order');
    equal(knocks.join(','), 'Vera,Walt,Xena', 'one vcw-knock each');
    const first: WaitingVisitor = agent.waiting[0]!;
    equal(JSON.stringify(first.context), JSON.stringify({ order: 'A-1001', plan: 'pro' }), 'the context the site passed');
    assert(first.page.startsWith(location.origin), `the page they came from: ${first.page}`);
    equal(agent.participants.length, 0, 'waiting visitors are not participants');
    // Their camera, before admitting: a snapshot on the card.
    const img = await waitFor(() => root(agent).querySelector<HTMLImageElement>(`[data-visitor-id="${first.id}"] .thumb img`), "Vera's camera preview at the desk");
    assert(img.src.startsWith('data:image/jpeg;base64,'), 'a JPEG snapshot');
    await waitFor(() => img.complete && img.naturalWidth > 0, 'the snapshot decodes');
    equal(await axeViolations(agent), '', 'axe: desk with visitors');
    // For docs/screenshots: the desk alone (the visitors' panels float over the page).
    for (const v of [vera, walt, xena]) v.style.visibility = 'hidden';
    await screenshot(agent, 'desk');
    for (const v of [vera, walt, xena]) v.style.visibility = '';
    equal(await axeViolations(vera), '', 'axe: waiting room');

    // Vera cancels: the others move up.
    (await button(vera, '.cancel-waiting')).click();
    await waitFor(() => walt.queuePosition === 1 && xena.queuePosition === 2, 'positions 1-2 after Vera left the queue');
    await waitFor(() => waitingNames(agent) === 'Walt,Xena', 'the desk lists two');
    equal(cancels.join(','), 'Vera', 'vcw-knock-cancel for Vera');
    equal(vera.state, 'prejoin', 'Vera is back on the pre-join screen');

    // Xena is declined with a message.
    const xenaId = agent.waiting.find((v) => v.name === 'Xena')!.id;
    const declined = nextEvent(xena, 'vcw-declined');
    const card = root(agent).querySelector<HTMLElement>(`[data-visitor-id="${xenaId}"]`)!;
    const message = card.querySelector<HTMLInputElement>('.decline-message')!;
    message.value = 'Please call back after 3 pm <b>thanks</b>';
    message.dispatchEvent(new Event('input'));
    card.querySelector<HTMLButtonElement>('.decline')!.click();
    const { detail } = await declined;
    equal(detail.message, 'Please call back after 3 pm <b>thanks</b>', 'the message arrives');
    equal(detail.reason, 'declined', 'reason');
    await waitFor(() => root(xena).querySelector('.agent-message')?.textContent === 'Please call back after 3 pm <b>thanks</b>', 'the message shows, as text');
    equal(xena.state, 'left', 'Xena is out of the queue');
    equal(await axeViolations(xena), '', 'axe: the declined screen');
    await screenshot(root(xena).querySelector('.panel')!, 'launcher-declined');
    equal(cancels.join(','), 'Vera', 'a decline is not a cancel');
    await waitFor(() => walt.queuePosition === 1 && waitingNames(agent) === 'Walt', 'Walt alone in the queue');

    // Walt is admitted: a call with exactly him.
    const waltId = agent.waiting[0]!.id;
    const admitted = nextEvent(walt, 'vcw-admitted');
    root(agent).querySelector<HTMLButtonElement>(`[data-visitor-id="${waltId}"] .admit`)!.click();
    await admitted;
    await waitFor(() => agent.state === 'joined' && walt.state === 'joined', 'both in the call');
    await waitFor(() => remotes(agent).length === 1 && remotes(agent)[0]!.connection === 'connected' && remotes(walt)[0]?.connection === 'connected', 'connected to each other');
    equal(remotes(agent)[0]!.name, 'Walt', 'the agent is with Walt');
    equal(remotes(walt).length, 1, 'Walt sees only the agent');
    equal(remotes(walt)[0]!.name, 'Agent Ann', 'Walt is with the agent');
    const video = await waitFor(() => tileOf(agent, selfId(walt))?.querySelector('video'), "Walt's tile at the desk");
    assert(await framesAdvance(video), "Walt's video plays at the desk");
    equal(agent.waiting.length, 0, 'nobody waits any more');
    equal(vera.state, 'prejoin', 'Vera was not pulled into the call');

    // The agent removes Walt: he is out, and the desk goes back to its queue.
    const waltLeft = nextEvent(walt, 'vcw-leave');
    (await button(agent, '.desk-bar .remove')).click();
    equal((await waltLeft).detail.reason, 'removed', 'Walt left: removed');
    await waitFor(() => root(walt).querySelector('.support-note')?.textContent?.includes('The agent ended the call'), 'Walt is told');
    await waitFor(() => agent.state === 'idle' && !root(agent).querySelector('.desk-call'), 'the desk is back to its queue');
  });

  it('two agents admitting the same visitor at once: exactly one wins, the other is told', async () => {
    const room = uniqueRoom('race');
    const [ann, bob] = [await desk(room, 'Ann'), await desk(room, 'Bob')];
    const yara = visitor(room, 'Yara');
    await call(yara);
    await waitFor(() => ann.waiting.length === 1 && bob.waiting.length === 1, 'both desks see Yara');
    await screenshot(root(yara).querySelector('.panel')!, 'launcher-waiting');
    const id = ann.waiting[0]!.id;
    const results = await Promise.allSettled([ann.admit(id), bob.admit(id)]);
    const won = results.filter((r) => r.status === 'fulfilled').length;
    equal(won, 1, `one admit wins (${results.map((r) => r.status === 'rejected' ? String(r.reason) : 'ok').join(', ')})`);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert(/no longer waiting/.test(String(lost.reason)), `the other is told: ${String(lost.reason)}`);
    const winner = results[0]!.status === 'fulfilled' ? ann : bob;
    const loser = winner === ann ? bob : ann;
    await waitFor(() => remotes(yara)[0]?.connection === 'connected' && remotes(winner)[0]?.connection === 'connected', 'Yara and the winner connected');
    equal(remotes(yara)[0]!.name, winner.displayName, 'Yara is with the winner');
    equal(loser.state, 'idle', 'the other desk stays on its queue');
    equal(loser.participants.length, 0, 'and in no call');
    // The visitor hangs up: the agent's call ends by itself.
    await yara.leave();
    await waitFor(() => winner.state === 'idle', 'the desk is back to its queue after the visitor left');
  });

  it('outside business hours, or with no agent online, the launcher is offline and offers the fallback', async () => {
    const room = uniqueRoom('closed');
    await desk(room, 'Ann');
    // A day that is not today (nor yesterday, for a range past midnight), in UTC.
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7];
    const closed = add(room, { mode: 'launcher', hours: `${day} 09:00-17:00`, 'time-zone': 'UTC', 'fallback-url': 'https://shop.example/contact', 'display-name': 'Zed' });
    const open = add(room, { mode: 'launcher', hours: 'Daily 00:00-24:00', 'time-zone': 'Europe/Berlin', 'display-name': 'Una' });
    await waitFor(() => root(open).querySelector('.launcher-button:not(.offline)'), 'open hours with an agent: online');
    const offline = await waitFor(() => root(closed).querySelector<HTMLButtonElement>('.launcher-button.offline'), 'closed hours: offline');
    assert(/offline/i.test(offline.textContent ?? ''), `the button says so: ${offline.textContent}`);
    offline.click();
    const link = await waitFor(() => root(closed).querySelector<HTMLAnchorElement>('.panel a.fallback'), 'the fallback link');
    equal(link.getAttribute('href'), 'https://shop.example/contact', 'the site\'s fallback');
    assert(root(closed).querySelector('.hours')?.textContent?.includes(`${day} 09:00-17:00`), 'the hours are shown');
    equal(closed.state, 'idle', 'no pre-join screen (and no camera) while offline');
    equal(await axeViolations(closed), '', 'axe: offline panel');
    await screenshot(root(closed).querySelector('.panel')!, 'launcher-offline');
    // No agent online: offline too, even within hours.
    const empty = add(uniqueRoom('nobody'), { mode: 'launcher', 'display-name': 'Ola' });
    await waitFor(() => root(empty).querySelector('.launcher-button.offline'), 'no agent: offline');
    equal(await axeViolations(empty), '', 'axe: closed launcher');
  });

  it('the launcher works from the keyboard: Tab reaches it, Enter opens the panel with focus in it, Escape closes it and returns focus', async () => {
    const room = uniqueRoom('keys');
    await desk(room, 'Agent Kim');
    const v = visitor(room, 'Keyboard Kay');
    const launcher = await waitFor(() => root(v).querySelector<HTMLButtonElement>('.launcher-button:not(.offline)'), 'launcher online');
    const before = document.createElement('button');
    before.textContent = 'page button';
    v.before(before);
    try {
      before.focus();
      await sendKeys({ press: 'Tab' });
      equal(root(v).activeElement, launcher, 'Tab reaches the launcher');
      const style = getComputedStyle(launcher);
      assert(style.outlineStyle === 'solid' && parseFloat(style.outlineWidth) >= 2, 'with a visible focus ring');
      await sendKeys({ press: 'Enter' });
      await waitFor(() => root(v).querySelector('.panel')?.contains(root(v).activeElement), 'focus moves into the opened panel');
      equal(launcher.getAttribute('aria-expanded'), 'true', 'the button says the panel is open');
      // The panel's controls come next with Tab: the pre-join screen inside it.
      await waitFor(() => root(v).querySelector('.panel button[type="submit"]'), 'the panel shows the pre-join screen');
      await sendKeys({ press: 'Tab' });
      assert(root(v).querySelector('.panel')!.contains(root(v).activeElement), `Tab stays in the panel (at ${root(v).activeElement?.outerHTML.slice(0, 60)})`);
      await sendKeys({ press: 'Escape' });
      await waitFor(() => !root(v).querySelector('.panel'), 'Escape closes the panel');
      await waitFor(() => root(v).activeElement === root(v).querySelector('.launcher-button'), 'focus is back on the launcher');
      equal(v.state, 'idle', 'nothing is held after closing (no camera, no seat)');
    } finally {
      before.remove();
    }
  });

  it('on a phone-sized screen the launcher is a small corner button, and its panel takes the whole screen', async () => {
    await setViewport({ width: 375, height: 667 });
    try {
      const room = uniqueRoom('phone');
      await desk(room, 'Agent Pat');
      const v = visitor(room, 'Phone Pia');
      const launcher = await waitFor(() => root(v).querySelector<HTMLButtonElement>('.launcher-button:not(.offline)'), 'launcher online');
      const box = launcher.getBoundingClientRect();
      assert(box.right <= 375 && box.bottom <= 667 && box.left >= 0 && box.top >= 0, `inside the screen: ${JSON.stringify(box)}`);
      assert(box.width <= 80 && box.height <= 80, `a small round button, not a bar over the page (${box.width}×${box.height})`);
      assert(box.right > 375 - 80 && box.bottom > 667 - 120, 'in the bottom corner');
      launcher.click();
      const panel = await waitFor(() => root(v).querySelector('.panel'), 'the panel opens');
      const p = panel.getBoundingClientRect();
      equal(`${Math.round(p.width)}×${Math.round(p.height)}`, '375×667', 'the panel fills the phone screen');
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('a desk without the agent key is refused, visibly', async () => {
    const w = add(uniqueRoom('nokey'), { mode: 'desk', 'agent-key': 'wrong-key-wrong-key-wrong' });
    const error = await nextEvent(w, 'vcw-error');
    equal(error.detail.code, 'forbidden', 'forbidden');
    await waitFor(() => w.state === 'error' && root(w).querySelector('[part~="error"]'), 'the error screen');
  });
});
