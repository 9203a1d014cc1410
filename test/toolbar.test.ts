// The call UI people know (issue 17.3): an icon toolbar in one row at 360 px, with names, tooltips and aria-pressed;
// a More menu used by keyboard; controls a host turns off and its own buttons in the `toolbar` slot; the invite link;
// and the vcw-active-speaker and vcw-network-quality events.
import { sendKeys } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../src/index.js';
import { axeViolations } from './a11y.js';
import { assert, equal } from './assert.js';
import { addWidget, loadWidget, nextEvent, remotes, removeWidgets, selfId, startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from './helpers.js';

const root = (w: VideoCallWidget) => w.shadowRoot!;
const bar = (w: VideoCallWidget) => root(w).querySelector<HTMLElement>('[part~=controls]')!;
const names = (w: VideoCallWidget) => [...bar(w).querySelectorAll(':scope > button, :scope > .more > button')].map((b) => b.textContent!.trim());
const menuItems = (w: VideoCallWidget) => [...root(w).querySelectorAll<HTMLButtonElement>('.menu [role^=menuitem]')];
/** The More menu's chunk (src/menu/) was fetched by this page. */
const menuChunkLoaded = () => performance.getEntriesByType('resource').some((e) => /\/chunks\/menu-[\w-]+\.js$/.test(e.name));

describe('the call toolbar', function () {
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];
  before(async () => {
    server = await startServer();
    await loadWidget(server);
  });
  afterEach(async () => {
    await removeWidgets(widgets);
  });
  after(stopAllServers);

  async function pair(attrs: Record<string, string> = {}): Promise<[VideoCallWidget, VideoCallWidget]> {
    const room = uniqueRoom();
    const a = addWidget(server, room, { 'display-name': 'Ada', 'auto-join': '', ...attrs });
    const b = addWidget(server, room, { 'display-name': 'Bo', 'auto-join': '' });
    widgets.push(a, b);
    await waitFor(() => remotes(a)[0]?.connection === 'connected' && remotes(b)[0]?.connection === 'connected', 'a call of two');
    return [a, b];
  }

  it('icon buttons with names, tooltips and aria-pressed, in one row at 360 px; a More menu used by keyboard', async () => {
    const [a] = await pair();
    a.style.width = '360px';
    await waitFor(() => bar(a), 'the toolbar');
    equal(names(a).join(','), 'Mute,Stop video,Present,Chat,More,Leave', 'the buttons, in order');
    const buttons = [...bar(a).querySelectorAll<HTMLElement>(':scope > button, :scope > .more > button')];
    for (const b of buttons) {
      assert(b.querySelector('svg'), `${b.textContent} has an icon`);
      equal(b.title, b.textContent!.trim(), `${b.textContent} has a tooltip`);
    }
    equal(new Set(buttons.map((b) => Math.round(b.getBoundingClientRect().top))).size, 1, 'one row at 360 px');
    const mute = buttons[0]!;
    equal(mute.getAttribute('aria-pressed'), 'false', 'Mute not pressed');
    mute.click();
    await waitFor(() => mute.getAttribute('aria-pressed') === 'true', 'Mute pressed after a click');

    const more = root(a).querySelector<HTMLButtonElement>('.more-toggle')!;
    equal(more.getAttribute('aria-haspopup'), 'menu', 'More opens a menu');
    assert(!menuChunkLoaded(), "the More menu's code is not loaded before someone opens it");
    more.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => menuItems(a).length && root(a).activeElement === menuItems(a)[0], 'the menu opens with focus on its first item');
    assert(menuChunkLoaded(), 'opening the menu loaded its chunk');
    equal(more.getAttribute('aria-expanded'), 'true', 'aria-expanded');
    equal(menuItems(a).map((i) => i.textContent!.trim()).join(','), 'Devices,Speaker view,Record,Copy invite link,Full screen', 'the secondary actions');
    await sendKeys({ press: 'ArrowDown' });
    equal(root(a).activeElement, menuItems(a)[1], 'ArrowDown moves to the next item');
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowUp' });
    equal(root(a).activeElement, menuItems(a).at(-1), 'ArrowUp wraps to the last item');
    equal(await axeViolations(a), '', 'axe-core: the call with the More menu open');
    await sendKeys({ press: 'Escape' });
    await waitFor(() => !menuItems(a).length && root(a).activeElement === more, 'Escape closes the menu and focus returns to More');
    // Speaker view from the menu, by keyboard.
    more.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => root(a).activeElement === menuItems(a)[0], 'menu open');
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => a.layout === 'speaker' && !menuItems(a).length, 'Speaker view chosen, the menu closed');
  });

  it('a host turns off controls and adds its own buttons in the toolbar slot; "Copy invite link" fills in the room', async () => {
    const [a] = await pair({ screenshare: 'off', record: 'off', devices: 'off', 'leave-button': 'off', 'invite-url': 'https://example.com/call?room={room}' });
    const raise = document.createElement('button');
    raise.slot = 'toolbar';
    raise.textContent = 'Raise hand';
    a.append(raise);
    await waitFor(() => bar(a), 'the toolbar');
    equal(names(a).join(','), 'Mute,Stop video,Chat,More', 'no Present, no Leave');
    const slot = bar(a).querySelector<HTMLSlotElement>('slot[name=toolbar]')!;
    equal(slot.assignedElements()[0], raise, "the host's button sits in the toolbar");
    assert(raise.getBoundingClientRect().width > 0, "the host's button is shown");
    const written: string[] = [];
    const clipboard = navigator.clipboard.writeText;
    // The page stands in for the system clipboard (headless Chromium has no focused window to write from).
    navigator.clipboard.writeText = async (text: string) => void written.push(text);
    try {
      root(a).querySelector<HTMLButtonElement>('.more-toggle')!.click();
      await waitFor(() => menuItems(a).length, 'menu open');
      equal(menuItems(a).map((i) => i.textContent!.trim()).join(','), 'Speaker view,Copy invite link,Full screen', 'no Devices, no Record');
      root(a).querySelector<HTMLButtonElement>('.menu .invite')!.click();
      await waitFor(() => written.length, 'the link written to the clipboard');
      equal(written[0], `https://example.com/call?room=${a.room}`, 'the invite-url template with {room}');
      await waitFor(() => /Invite link copied/.test(root(a).querySelector('[part~=notice]')?.textContent ?? ''), 'says it was copied');
    } finally {
      navigator.clipboard.writeText = clipboard;
    }
    a.leaveButton = 'on';
    await waitFor(() => names(a).includes('Leave'), 'leave-button back on takes effect without a reload');
  });

  it("the More menu speaks the widget's language from its first opening (its own words load with it), under the page's wording", async () => {
    const [a] = await pair({ lang: 'de' });
    await waitFor(() => root(a).querySelector('.more-toggle')?.textContent?.trim() === 'Mehr', 'the toolbar in German');
    const menuWords = () => performance.getEntriesByType('resource').some((e) => /\/chunks\/menu-de-[\w-]+\.js$/.test(e.name));
    assert(!menuWords(), "the menu's German words are not loaded before the menu opens");
    root(a).querySelector<HTMLButtonElement>('.more-toggle')!.click();
    await waitFor(() => menuItems(a).length, 'menu open');
    // Read as soon as it shows: the menu waits for its words, so no English shows first.
    equal(menuItems(a).map((i) => i.textContent!.trim()).join(','), 'Geräte,Sprecheransicht,Aufnehmen,Einladungslink kopieren,Vollbild', 'the items in German');
    assert(menuWords(), "opening the menu loaded its German words");
    a.strings = { layoutSpeaker: 'Großes Bild' };
    await waitFor(() => menuItems(a)[1]?.textContent?.trim() === 'Großes Bild', "the page's own wording over the language's");
  });

  it('fires vcw-network-quality for each remote participant and vcw-active-speaker when someone speaks', async () => {
    const room = uniqueRoom();
    const a = addWidget(server, room, { 'display-name': 'Ada', 'auto-join': '' });
    widgets.push(a);
    const quality = nextEvent(a, 'vcw-network-quality', () => true, 20_000);
    const speaker = nextEvent(a, 'vcw-active-speaker', () => true, 30_000);
    await waitFor(() => a.state === 'joined', 'Ada joined');
    const b = addWidget(server, room, { 'display-name': 'Bo', 'auto-join': '' });
    widgets.push(b);
    const q = (await quality).detail;
    equal(q.participant.id, selfId(b), 'the quality is about Bo');
    assert(['good', 'fair', 'poor'].includes(q.quality), `a quality: ${q.quality}`);
    // The fake microphones beep: someone becomes the speaker.
    const s = (await speaker).detail;
    assert([selfId(a), selfId(b)].includes(s.participant.id), `the speaker is one of the two: ${s.participant.name}`);
  });
});
