// Look, language and accessibility in real Chromium against the real server: axe-core (WCAG 2.1 A/AA) on every
// state in both themes, the lazily loaded languages and host overrides, the live region, the keyboard, and the
// screenshots in docs/screenshots/.
import { emulateMedia, executeServerCommand, sendKeys } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../src/index.js';
import { axeViolations, screenshot } from './a11y.js';
import { assert, equal } from './assert.js';
import { addWidget, loadWidget, remotes, removeWidgets, startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from './helpers.js';

const root = (w: VideoCallWidget) => w.shadowRoot!;
const languageChunks = () => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /\/chunks\/(de|es|fr|ja)-/.test(n));
const submitText = (w: VideoCallWidget) => root(w).querySelector('button[type=submit]')?.textContent?.trim();
const live = (w: VideoCallWidget) => root(w).querySelector('[role=status][aria-live=polite]')?.textContent?.trim() ?? '';
const background = (w: VideoCallWidget) => getComputedStyle(root(w).querySelector('.base')!).backgroundColor;

async function noViolations(w: VideoCallWidget, what: string): Promise<void> {
  equal(await axeViolations(w), '', `axe-core finds no WCAG 2.1 AA violation: ${what}`);
}

async function prejoinReady(w: VideoCallWidget): Promise<void> {
  await waitFor(() => w.state === 'prejoin' && root(w).querySelector<HTMLVideoElement>('.prejoin video')?.readyState! >= 2, 'pre-join preview playing');
}

/** Every control a keyboard user should reach: enabled buttons, fields and focusable regions that are shown. */
function controls(w: VideoCallWidget): Element[] {
  return [...root(w).querySelectorAll('button:not([disabled]), input:not([hidden]), textarea, [tabindex="0"]')].filter((e) => (e as HTMLElement).checkVisibility());
}

/**
 * Tab from a button before the widget until focus leaves it again (bounded): every control is reached, each shows
 * a focus ring, and focus gets out (no trap).
 */
async function tabThrough(w: VideoCallWidget): Promise<void> {
  const before = document.createElement('button');
  before.textContent = 'before';
  const after = document.createElement('button');
  after.textContent = 'after';
  w.before(before);
  w.after(after);
  try {
    before.focus();
    const reached = new Set<Element>();
    for (let i = 0; i < 40 && document.activeElement !== after; i++) {
      await sendKeys({ press: 'Tab' });
      const active = root(w).activeElement;
      if (document.activeElement === w && active) {
        reached.add(active);
        const style = getComputedStyle(active);
        assert(style.outlineStyle === 'solid' && parseFloat(style.outlineWidth) >= 2, `visible focus on ${active.outerHTML.slice(0, 80)}`);
      }
    }
    equal(document.activeElement, after, 'Tab leaves the widget again (no keyboard trap)');
    const missed = controls(w).filter((c) => !reached.has(c));
    equal(missed.map((m) => m.outerHTML.slice(0, 80)).join(' | '), '', 'every control is reached by Tab');
  } finally {
    before.remove();
    after.remove();
  }
}

describe('look, language and accessibility', function () {
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];
  const add = (room: string, attrs: Record<string, string> = {}) => {
    const w = addWidget(server, room, attrs);
    widgets.push(w);
    return w;
  };

  before(async () => {
    server = await startServer({ MAX_PEERS: '2' });
    await loadWidget(server);
  });
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
    await removeWidgets(widgets);
  });
  after(stopAllServers);

  it('pre-join: English without any language chunk, light and dark (attribute and prefers-color-scheme), no axe violations, keyboard', async () => {
    await emulateMedia({ colorScheme: 'light' });
    const w = add(uniqueRoom(), { 'display-name': 'Ada', preview: 'auto' });
    await prejoinReady(w);
    equal(submitText(w), 'Join call', 'English by default');
    equal(languageChunks().length, 0, 'English loads no language chunk');
    const light = background(w);
    equal(light, 'rgb(255, 255, 255)', 'light background under prefers-color-scheme: light');
    await noViolations(w, 'pre-join, light');
    await screenshot(w, 'prejoin');
    await tabThrough(w);

    await emulateMedia({ colorScheme: 'dark' });
    await waitFor(() => background(w) === 'rgb(17, 24, 39)', 'dark background under prefers-color-scheme: dark');
    w.theme = 'light';
    await waitFor(() => background(w) === light && w.getAttribute('theme') === 'light', 'theme="light" wins over the dark preference');
    await emulateMedia({ colorScheme: 'light' });
    w.setAttribute('theme', 'dark');
    await waitFor(() => background(w) === 'rgb(17, 24, 39)', 'theme="dark" wins over the light preference');
    await noViolations(w, 'pre-join, dark');
    await screenshot(w, 'prejoin-dark');

    w.style.setProperty('--vcw-background', 'rgb(1, 2, 3)');
    await waitFor(() => background(w) === 'rgb(1, 2, 3)', 'a host page sets a custom property on the element');
  });

  it('pre-join card (preview="click", the default): the room, who is here, Join and "Check camera and microphone"; no axe violations, keyboard', async () => {
    const w = add(uniqueRoom(), { 'display-name': 'Ada' });
    await waitFor(() => root(w).querySelector('.prejoin h2 + p')?.textContent === 'Nobody is here yet.', 'the card says who is here');
    assert(!root(w).querySelector('video'), 'no camera preview on the card');
    await noViolations(w, 'pre-join card');
    await screenshot(w, 'prejoin-card');
    await tabThrough(w);
  });

  it('languages: lang attribute, regional tags, the page language, lazily loaded chunks, host overrides', async () => {
    const de = add(uniqueRoom(), { lang: 'de', preview: 'auto' });
    await waitFor(() => submitText(de) === 'Anruf beitreten', 'German from lang="de"');
    assert(languageChunks().some((n) => /\/chunks\/de-/.test(n)), 'the German chunk was fetched');
    assert(!languageChunks().some((n) => /\/chunks\/(es|fr|ja)-/.test(n)), 'no other language was fetched');
    await prejoinReady(de);
    await noViolations(de, 'pre-join in German');

    de.lang = 'ja';
    await waitFor(() => submitText(de) === '通話に参加', 'Japanese after lang changes');
    await screenshot(de, 'prejoin-ja');
    de.lang = 'es-MX';
    await waitFor(() => submitText(de) === 'Unirse a la llamada', 'es-MX falls back to Spanish');
    de.lang = 'xx';
    await waitFor(() => submitText(de) === 'Join call', 'an unknown language falls back to English');

    const page = document.documentElement.lang;
    document.documentElement.lang = 'fr-CA';
    try {
      const fr = add(uniqueRoom());
      await waitFor(() => submitText(fr) === 'Rejoindre l’appel', 'French from <html lang="fr-CA">');
    } finally {
      document.documentElement.lang = page;
    }

    de.lang = 'de';
    de.strings = { join: 'Los geht’s', errors: { 'invalid-room': 'Kein gültiger Raum' } };
    await waitFor(() => submitText(de) === 'Los geht’s', 'a host override wins over the language');
    equal(root(de).querySelector('label')?.textContent?.trim().startsWith('Ihr Name'), true, 'keys not overridden stay German');
    de.room = 'not a room!';
    await waitFor(() => de.state === 'error', 'invalid room');
    equal(root(de).querySelector('[part~=error] p')?.textContent, 'Kein gültiger Raum', 'error strings can be overridden too');
  });

  it('a call: no axe violations (both themes), the live region announces joins, messages and leaves, keyboard, Escape closes the chat', async () => {
    const room = uniqueRoom();
    const ben = add(room, { 'display-name': 'Ben', lang: 'de' });
    await ben.join();
    const ada = add(room, { 'display-name': 'Ada' });
    ada.style.height = '560px'; // room for the grid, the chat and the controls in the screenshots
    await ada.join();
    await waitFor(() => [ada, ben].every((w) => remotes(w)[0]?.connection === 'connected'), 'both connected');
    await waitFor(() => live(ben) === 'Ada ist dem Anruf beigetreten', `join announced in German at Ben (got "${live(ben)}")`);
    await waitFor(() => root(ada).querySelectorAll('.tile video').length === 2 && [...root(ada).querySelectorAll<HTMLVideoElement>('.tile video')].every((v) => v.readyState >= 2), 'videos playing');
    await noViolations(ada, 'call, light');
    await noViolations(ben, 'call, German');
    await screenshot(ada, 'call');

    await ada.sendMessage('Hallo Ben!');
    await waitFor(() => live(ben) === 'Nachricht von Ada: Hallo Ben!', `message announced at Ben while his chat is closed (got "${live(ben)}")`);
    assert(!/Hallo/.test(live(ada)), 'Ada does not hear her own message');

    // Chat open with messages and a file card.
    ada.toggleChat(true);
    await ben.sendMessage('Hi Ada, see https://example.org/agenda');
    await waitFor(() => ada.messages.length === 2, 'two messages at Ada');
    await ben.sendFile(new File(['agenda\n'], 'agenda.txt', { type: 'text/plain' }));
    await waitFor(() => root(ada).querySelector('.file[data-status=done] a.download'), 'the file card at Ada is done');
    await noViolations(ada, 'chat open, light');
    await screenshot(ada, 'chat');
    ada.setAttribute('theme', 'dark');
    await waitFor(() => background(ada) === 'rgb(17, 24, 39)', 'dark');
    await noViolations(ada, 'chat open, dark');
    await screenshot(ada, 'chat-dark');
    ada.removeAttribute('theme');

    // Keyboard: everything in the call (chat open) is reachable; Escape closes the chat and focus goes back.
    await tabThrough(ada);
    const toggle = root(ada).querySelector<HTMLButtonElement>('.chat-toggle')!;
    root(ada).querySelector<HTMLTextAreaElement>('.chat textarea')!.focus();
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !root(ada).querySelector('.chat'), 'Escape closes the chat');
    await waitFor(() => root(ada).activeElement === toggle, 'focus returns to the Chat button');
    equal(toggle.getAttribute('aria-pressed'), 'false', 'the Chat button says it is not pressed');
    await sendKeys({ press: 'Enter' });
    await waitFor(() => root(ada).activeElement === root(ada).querySelector('.chat textarea'), 'Enter on Chat opens it with the composer focused');
    equal(toggle.getAttribute('aria-pressed'), 'true', 'aria-pressed follows');
    await sendKeys({ type: 'typed by keyboard' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => ben.messages.some((m) => m.text === 'typed by keyboard'), 'a message sent with the keyboard alone');

    // Room full (MAX_PEERS=2): the error screen.
    const cy = add(room, { 'display-name': 'Cy' });
    await cy.join().catch(() => undefined);
    await waitFor(() => cy.state === 'error', 'room-full error');
    await noViolations(cy, 'room-full error');
    await screenshot(cy, 'error');
    cy.setAttribute('theme', 'dark');
    await noViolations(cy, 'room-full error, dark');

    await ada.leave();
    await waitFor(() => live(ben) === 'Ada hat den Anruf verlassen', `leave announced at Ben (got "${live(ben)}")`);
  });

  it('the invalid-room error screen and the left screen have no axe violations', async () => {
    const bad = add('not a room!');
    await waitFor(() => bad.state === 'error', 'invalid-room error');
    await noViolations(bad, 'invalid-room error');
    const w = add(uniqueRoom(), { 'display-name': 'Dee', 'auto-join': '' });
    await waitFor(() => w.state === 'joined', 'joined');
    await w.leave();
    await noViolations(w, 'left screen');
    await screenshot(w, 'left');
  });

  it('the demo page: options apply to the widget, the embed code follows them, ?autojoin=1 still joins', async () => {
    const room = uniqueRoom('demo');
    // Runs inside the demo page (a top-level tab on the server's origin); waits with a deadline, returns what it saw.
    const expression = `(async () => {
      const until = async (f, what) => {
        for (const end = Date.now() + 15000; !f(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > end) throw new Error('demo: ' + what);
      };
      const w = document.getElementById('call');
      const submit = () => w.shadowRoot?.querySelector('button[type=submit]')?.textContent.trim();
      await until(() => submit() === 'Anruf beitreten', 'German from ?lang=de');
      const form = document.getElementById('options');
      const seen = { theme: w.getAttribute('theme'), first: document.getElementById('embed-code').value };
      form.style.value = form.style.options[1].value;
      form.join.value = 'Jetzt sprechen';
      form.dispatchEvent(new Event('input'));
      await until(() => submit() === 'Jetzt sprechen', 'the join override');
      seen.accent = getComputedStyle(w).getPropertyValue('--vcw-accent').trim();
      seen.code = document.getElementById('embed-code').value;
      return seen;
    })()`;
    const seen = await executeServerCommand<{ theme: string; first: string; accent: string; code: string }, object>('vcw-page', {
      url: `${server.url}/?room=${room}&lang=de&theme=dark`, expression, screenshot: 'demo',
    });
    equal(seen!.theme, 'dark', '?theme=dark reaches the widget');
    assert(seen!.first.includes(`<video-call-widget room="${room}" lang="de" theme="dark"></video-call-widget>`), `embed code: ${seen!.first}`);
    assert(seen!.first.includes(`src="${server.url}/video-call-widget.js"`), 'embed code loads the script from this server');
    equal(seen!.accent, '#7c3aed', 'the chosen style applies to the live widget');
    assert(seen!.code.includes('--vcw-accent: #7c3aed') && seen!.code.includes('"join":"Jetzt sprechen"'), `embed code follows: ${seen!.code}`);

    const state = await executeServerCommand<string, object>('vcw-page', {
      url: `${server.url}/?room=${room}&name=Far&autojoin=1`,
      expression: `(async () => {
        const w = document.getElementById('call');
        for (const end = Date.now() + 15000; w.state !== 'joined' && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
        const name = w.participants.find((p) => p.self)?.name;
        return w.state + ' as ' + name;
      })()`,
    });
    equal(state, 'joined as Far', '?room=…&name=…&autojoin=1 joins at once');
  });
});
