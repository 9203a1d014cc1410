/**
 * The menu chunk: the call toolbar's More menu — its items (devices, speaker view, record, invite, full screen),
 * what they do (recording and its download, sharing or copying the invite link) and its keyboard use (arrows,
 * Home/End, Escape). Loaded when someone first opens the menu; the call chunk keeps the More button.
 */
import { html, nothing } from 'lit';
import type { CallViewOptions, DevicesHandle, WidgetHost } from '../core/host.js';
import { menuStyles } from './menu.styles.js';
import { loadMenuStrings, menuStrings, type MenuOwnStrings } from './strings.js';

/** The wording the menu shares with the call's buttons, out of the call's merged strings (which the call view passes in). */
export interface CallWords {
  more: string;
  devices: string;
  record: string;
  fullscreen: string;
}

type MenuStrings = CallWords & MenuOwnStrings;

export { loadMenuStrings };

interface MenuItem {
  label: string;
  run: () => void;
  /** For an on/off item (layout, recording): its state. */
  checked?: boolean;
  cls: string;
}

/** What the call tells the page when the browser refuses an item (clipboard, share sheet, recording). */
const refused = (el: WidgetHost, message: string) => el.notify({ type: 'error', code: 'unsupported-browser', message });

/** Start recording, or stop and download the WebM. */
async function record(el: WidgetHost, recording: boolean, devices: DevicesHandle | undefined) {
  try {
    if (!recording) return await el.startRecording();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await el.stopRecording());
    a.download = `${el.room}-${new Date().toISOString().slice(0, 16).replace(':', '')}.webm`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Shown in the call's notices, and told to the page.
    if (devices) devices.notice = message;
    el.requestUpdate();
    refused(el, message);
  }
}

/** The invite link: `invite-url` with `{room}` filled in, else the page's own address. */
function inviteLink(el: Pick<WidgetHost, 'inviteUrl' | 'room'>): string {
  return el.inviteUrl ? el.inviteUrl.replaceAll('{room}', encodeURIComponent(el.room)) : location.href;
}

/** Share the invite through the device's share sheet where there is one, else copy it. Resolves with what happened. */
async function invite(el: Pick<WidgetHost, 'inviteUrl' | 'room'>): Promise<'shared' | 'copied'> {
  const url = inviteLink(el);
  if (navigator.share && navigator.canShare?.({ url })) {
    try {
      await navigator.share({ url });
      return 'shared';
    } catch (error) {
      // Dismissing the share sheet is not a failure; anything else falls back to copying.
      if ((error as Error).name === 'AbortError') return 'shared';
    }
  }
  await navigator.clipboard.writeText(url);
  return 'copied';
}

/** The menu's items, without those the host turned off or the browser cannot do. */
function items(el: WidgetHost, v: CallViewOptions, ft: MenuStrings, recording: boolean): MenuItem[] {
  const list: MenuItem[] = [];
  if (v.devices && el.devices !== 'off') list.push({ label: ft.devices, run: v.toggleDevices, checked: v.devicesOpen, cls: 'devices-toggle' });
  list.push({ label: ft.layoutSpeaker, run: () => (el.layout = el.layout === 'speaker' ? 'grid' : 'speaker'), checked: el.layout === 'speaker', cls: 'layout' });
  if (el.record !== 'off' && typeof MediaRecorder !== 'undefined') list.push({ label: ft.record, run: () => void record(el, recording, v.devices), checked: recording, cls: 'record' });
  list.push({
    label: 'share' in navigator ? ft.shareInvite : ft.copyInvite,
    run: () =>
      void invite(el).then(
        (done) => {
          if (done === 'copied' && v.devices) v.devices.notice = ft.inviteCopied;
          el.requestUpdate();
        },
        (error: Error) => refused(el, `${error.name}: ${error.message}`),
      ),
    cls: 'invite',
  });
  if (el.element.requestFullscreen) {
    list.push({
      label: ft.fullscreen,
      run: () => void (document.fullscreenElement ? document.exitFullscreen() : el.element.requestFullscreen()).catch(() => undefined),
      checked: document.fullscreenElement === el.element,
      cls: 'fullscreen',
    });
  }
  return list;
}

/**
 * The open menu, operated like a menu: arrows, Home/End, Escape (back to More) and Tab (on from it). `close` closes
 * it, with focus back on More when asked.
 */
export function menu(el: WidgetHost, v: CallViewOptions, words: CallWords, recording: boolean, close: (focusMore: boolean) => void) {
  const ft: MenuStrings = { ...words, ...menuStrings(el.language, el.strings, () => el.requestUpdate()) };
  const root = el.element.renderRoot;
  const sheet = menuStyles.styleSheet;
  if (root instanceof ShadowRoot && sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  const keys = (e: KeyboardEvent) => {
    const list = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role^=menuitem]')];
    const at = list.indexOf(e.target as HTMLElement);
    const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: list.length - 1 }[e.key];
    if (e.key === 'Escape' || e.key === 'Tab') {
      if (e.key === 'Escape') e.preventDefault();
      close(e.key === 'Escape');
    } else if (next !== undefined) {
      e.preventDefault();
      list[(next + list.length) % list.length]?.focus();
    }
  };
  return html`<div part="menu" class="menu" role="menu" aria-label=${ft.more} @keydown=${keys}>
    ${items(el, v, ft, recording).map((item) => html`<button part="button" class=${item.cls} role=${item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
      aria-checked=${item.checked ?? nothing} tabindex="-1" @click=${() => {
        close(true);
        item.run();
      }}>${item.label}</button>`)}
  </div>`;
}
