import { html, nothing } from 'lit';
import type { CallViewOptions, WidgetHost } from '../core/host.js';
import type { CallController } from './call-controller.js';
import { chatPanel, type ChatPanelModel } from './chat.js';
import type { Announcer } from './announcer.js';
import type { StatsController } from './stats-controller.js';
import { fileStrings, fill, type FileStrings } from './strings.js';
import { tile } from './tile.js';
import { iconButton, moreButton } from './toolbar.js';

/** One stream per presented screen, so re-rendering keeps the self view playing. */
const screens = new WeakMap<MediaStreamTrack, MediaStream>();
const screenStream = (track: MediaStreamTrack) => screens.get(track) ?? screens.set(track, new MediaStream([track])).get(track)!;

/** The More menu's chunk (`src/menu/`), once loaded: at the first opening of the menu. */
interface MenuChunk {
  menu(el: WidgetHost, v: CallViewOptions, ft: FileStrings, recording: boolean, close: (focusMore: boolean) => void): unknown;
  /** Loads the menu's own words in `lang` (a promise while a shipped language loads). */
  loadMenuStrings(lang: string): Promise<unknown> | undefined;
}
let menuChunk: MenuChunk | undefined;
let menuLoading: Promise<MenuChunk> | undefined;
const loadMenu = () =>
  (menuLoading ??= import('../menu/index.js').catch((error: unknown) => {
    menuLoading = undefined;
    throw error;
  }));

/** The call: tiles in a responsive grid, the chat beside them, the controls bar below. */
/** What the call view shows of the session (chat, recordings, sound, figures). */
export interface CallViewModel extends ChatPanelModel {
  readonly chat: ChatPanelModel['chat'] & { readonly unread: number };
  readonly recorder: unknown;
  readonly recorders: ReadonlySet<string>;
  readonly soundBlocked: boolean;
  readonly statsOf: Pick<StatsController, 'last'> | undefined;
  readonly announcer: Pick<Announcer, 'render'>;
  /** The toolbar's More menu is open. */
  menuOpen: boolean;
  unblockSound(): void;
  pick(files: readonly File[]): void;
}

export function callView(el: WidgetHost, session: CallViewModel, call: CallController, v: CallViewOptions) {
  const t = v.t;
  const people = el.participants;
  const sharing = !!call.screen;
  const chatOn = el.chat !== 'off';
  const unread = session.chat.unread;
  const ft = fileStrings(t);
  const { devices } = v;
  const chatOpen = el.chatOpen;
  const { micOn, camOn } = el.media;
  const refused = (error: Error) => el.notify({ type: 'error', code: 'unsupported-browser', message: `${error.name}: ${error.message}` });
  const recording = !!session.recorder;
  const others = [...session.recorders].map((id) => call.remotes.get(id)?.name ?? ft.someone);
  // Speaker layout: whoever presents, else who speaks (not you), else the first other person.
  const speakerView = el.layout === 'speaker' && people.length > 1;
  const main = speakerView
    ? (people.find((p) => p.screenSharing) ?? people.find((p) => !p.self && p.id === devices?.speaker) ?? people[1])?.id
    : undefined;
  /** Focus a control once the view has re-rendered (keyboard users stay where they were going). */
  const focus = (selector: string) => void el.updateComplete.then(() => el.element.renderRoot.querySelector<HTMLElement>(selector)?.focus());
  /** Open or close the More menu; closing with Escape (`back`) puts focus back on More. */
  const toggleMenu = (open: boolean, back = false) => {
    session.menuOpen = open;
    el.requestUpdate();
    if (open || back) focus(open ? '.menu [role^=menuitem]' : '.more-toggle');
  };
  const send = (text: string) =>
    void el.sendMessage(text).catch((error: Error) => el.notify({ type: 'error', code: 'connection-lost', message: error.message }));
  return html`<div part="base" class="base call">
    ${el.state === 'reconnecting' ? html`<div part="banner" class="banner" role="status">${ft.serverReconnecting}</div>` : nothing}
    ${recording || others.length
      ? html`<div part="recording" class="banner recording" role="status">${[recording ? ft.recording : '', ...others.map((name) => fill(ft.recordingBy, { name }))].filter(Boolean).join(' · ')}</div>`
      : nothing}
    ${devices?.mutedHint ? html`<div part="notice" class="banner" role="status">${ft.mutedHint}</div>` : nothing}
    ${devices?.notice ? html`<div part="notice" class="banner" role="status">${devices.notice}</div>` : nothing}
    ${session.soundBlocked ? html`<button part="button banner" class="banner" @click=${() => session.unblockSound()}>${ft.enableSound}</button>` : nothing}
    <div class="stage">
      <div part="grid" class="grid ${speakerView ? 'speaker' : ''}" data-count=${people.length} role="list" aria-label=${ft.participants}>
        ${people.map((p) => tile(p, p.self ? (call.screen ? screenStream(call.screen) : el.media.preview) : call.remotes.get(p.id)?.stream ?? null, t, { ft, quality: session.statsOf?.last.get(p.id), main: p.id === main, devices, refused }))}
      </div>
      ${chatOn && chatOpen
        ? chatPanel({ ft, session, send, share: (files) => session.pick(files), close: () => {
            el.toggleChat(false);
            focus('.chat-toggle');
          } })
        : nothing}
    </div>
    <div part="controls" class="controls" role="toolbar" aria-label=${ft.callControls}>
      ${iconButton(t.mute, 'mic', () => void el.toggleMicrophone(), { pressed: !micOn, slashed: !micOn })}
      ${iconButton(t.stopVideo, 'cam', () => void el.toggleCamera(), { pressed: !camOn, slashed: !camOn })}
      ${el.screenshare !== 'off' && navigator.mediaDevices && 'getDisplayMedia' in navigator.mediaDevices
        ? iconButton(ft.present, 'screen', () => void el.toggleScreenshare(), { pressed: sharing })
        : nothing}
      ${chatOn
        ? iconButton(ft.chat, 'chat', () => {
            el.toggleChat();
            if (!chatOpen) focus('.chat textarea');
          }, { pressed: chatOpen, cls: 'chat-toggle', extra: unread ? html`<span class="badge" aria-hidden="true">${unread}</span><span class="sr-only">${` (${unread} ${ft.unread})`}</span>` : nothing })
        : nothing}
      ${moreButton(ft, session.menuOpen && menuChunk ? menuChunk.menu(el, v, ft, recording, (back) => toggleMenu(false, back)) : undefined, () =>
        session.menuOpen
          ? toggleMenu(false)
          : void loadMenu().then(
              // It opens in the element's language (its own words are a small chunk of their own).
              async (chunk) => {
                await chunk.loadMenuStrings(el.language);
                menuChunk = chunk;
                toggleMenu(true);
              },
              // The menu's code did not arrive: said in the call's notices, and told to the page.
              (error: Error) => {
                if (devices) devices.notice = error.message;
                el.requestUpdate();
                el.notify({ type: 'error', code: 'server-unreachable', message: error.message });
              },
            ))}
      <slot name="toolbar"></slot>
      ${el.leaveButton !== 'off' ? iconButton(ft.leave, 'leave', () => void el.leave(), { cls: 'leave' }) : nothing}
    </div>
    ${devices && v.devicesOpen ? devices.pickers(t) : nothing}
    ${session.announcer.render()}
  </div>`;
}
