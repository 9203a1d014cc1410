import { html, nothing } from 'lit';
import type { CallController } from '../controllers/call-controller.js';
import type { Session } from '../session.js';
import { emit } from '../events.js';
import type { Strings } from '../strings.js';
import type { VideoCallWidget } from '../video-call-widget.js';
import { deviceButtons } from './buttons.js';
import { liveRegion } from './announcer.js';
import { chatPanel } from './chat.js';
import { fileStrings } from './chat-strings.js';
import { tile } from './tile.js';

/** What the in-call view needs beyond the element's public API. */
export interface CallViewState {
  t: Strings;
  selfStream: MediaStream | null;
  soundBlocked: boolean;
  unblockSound(): void;
  chatOpen: boolean;
  session: Session;
  micOn: boolean;
  camOn: boolean;
}

/** The call: tiles in a responsive grid, the chat beside them, the controls bar below. */
export function callView(el: VideoCallWidget, call: CallController, v: CallViewState) {
  const t = v.t;
  const people = el.participants;
  const sharing = !!call.screen;
  const chatOn = el.chat !== 'off';
  const unread = v.session.chat.unread;
  const ft = fileStrings(t);
  /** Focus a control once the view has re-rendered (keyboard users stay where they were going). */
  const focus = (selector: string) => void el.updateComplete.then(() => el.shadowRoot?.querySelector<HTMLElement>(selector)?.focus());
  const send = (text: string) =>
    void el.sendMessage(text).catch((error: Error) => emit(el, 'vcw-error', { code: 'connection-lost', message: error.message }));
  return html`<div part="base" class="base call">
    ${el.state === 'reconnecting' ? html`<div part="banner" class="banner" role="status">${t.serverReconnecting}</div>` : nothing}
    ${v.soundBlocked ? html`<button part="button banner" class="banner" @click=${v.unblockSound}>${t.enableSound}</button>` : nothing}
    <div class="stage">
      <div part="grid" class="grid" data-count=${people.length} role="list" aria-label=${t.participants}>
        ${people.map((p) => tile(p, p.self ? v.selfStream : call.remotes.get(p.id)?.stream ?? null, t))}
      </div>
      ${chatOn && v.chatOpen
        ? chatPanel({ t, ft, session: v.session, send, share: (files) => v.session.pick(files, el.sendFile.bind(el)), close: () => {
            el.toggleChat(false);
            focus('.chat-toggle');
          } })
        : nothing}
    </div>
    <div part="controls" class="controls" role="toolbar" aria-label=${t.callControls}>
      ${deviceButtons(t, v.micOn, v.camOn, () => void el.toggleMicrophone(), () => void el.toggleCamera())}
      ${navigator.mediaDevices && 'getDisplayMedia' in navigator.mediaDevices
        ? html`<button part="button" class="toggle" aria-pressed=${sharing} @click=${() => void el.toggleScreenshare()}>${t.present}</button>`
        : nothing}
      ${chatOn
        ? html`<button part="button" class="toggle chat-toggle" aria-pressed=${v.chatOpen} @click=${() => {
            el.toggleChat();
            if (!v.chatOpen) focus('.chat textarea');
          }}>
            ${t.chat}${unread ? html`<span class="badge" aria-hidden="true">${unread}</span><span class="sr-only">${` (${unread} ${t.unread})`}</span>` : nothing}</button>`
        : nothing}
      <button part="button" class="leave" @click=${() => void el.leave()}>${t.leave}</button>
    </div>
    ${liveRegion(el, ft, v.chatOpen)}
  </div>`;
}
