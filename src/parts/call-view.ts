import { html, nothing } from 'lit';
import type { Strings } from '../strings.js';
import type { ChatMessage, Participant } from '../types.js';
import { deviceButtons } from './buttons.js';
import { chatPanel } from './chat.js';
import { tile } from './tile.js';

/** Everything the in-call view shows, and what its controls do. */
export interface CallView {
  t: Strings;
  reconnecting: boolean;
  soundBlocked: boolean;
  tiles: Array<{ participant: Participant; stream: MediaStream | null }>;
  micOn: boolean;
  camOn: boolean;
  sharing: boolean;
  canShare: boolean;
  chatOn: boolean;
  chatOpen: boolean;
  unread: number;
  log: readonly ChatMessage[];
  toggleMic(): void;
  toggleCam(): void;
  toggleScreen(): void;
  toggleChat(): void;
  closeChat(): void;
  send(text: string): void;
  unblockSound(): void;
  leave(): void;
}

/** The call: tiles in a responsive grid, the chat beside them, the controls bar below. */
export function callView(v: CallView) {
  const t = v.t;
  return html`<div part="base" class="base call">
    ${v.reconnecting ? html`<div class="banner" role="status">${t.serverReconnecting}</div>` : nothing}
    ${v.soundBlocked ? html`<button class="banner" @click=${v.unblockSound}>${t.enableSound}</button>` : nothing}
    <div class="stage">
      <div part="grid" class="grid" data-count=${v.tiles.length} role="list" aria-label=${t.participants}>
        ${v.tiles.map(({ participant, stream }) => tile(participant, stream, t))}
      </div>
      ${v.chatOn && v.chatOpen ? chatPanel(v.log, t, v.send, v.closeChat) : nothing}
    </div>
    <div part="controls" class="controls" role="toolbar" aria-label=${t.callControls}>
      ${deviceButtons(t, v.micOn, v.camOn, v.toggleMic, v.toggleCam)}
      ${v.canShare
        ? html`<button class="toggle" aria-pressed=${v.sharing} aria-label=${v.sharing ? t.screenOn : t.screenOff}
            title=${v.sharing ? t.screenOn : t.screenOff} @click=${v.toggleScreen}>🖥</button>`
        : nothing}
      ${v.chatOn
        ? html`<button class="toggle" aria-pressed=${v.chatOpen} aria-label=${t.chat} title=${t.chat} @click=${v.toggleChat}>
            💬${v.unread ? html`<span class="badge">${v.unread}</span>` : nothing}</button>`
        : nothing}
      <button class="leave" @click=${v.leave}>${t.leave}</button>
    </div>
  </div>`;
}
