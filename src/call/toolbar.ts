/**
 * The call's toolbar, as people know it from Meet, Whereby and Daily Prebuilt: one row of icon buttons (inline SVG,
 * each named for assistive technology and with a tooltip; toggles say `aria-pressed`) — microphone, camera, present,
 * chat, More, the host's own `toolbar` slot, Leave — and a "More" menu for what is used less (devices, layout,
 * record, invite, full screen), operated by keyboard like a menu: arrows, Home/End, Escape. The menu itself is the
 * menu chunk (`src/menu/`), loaded at its first opening. A host hides controls with `screenshare`, `record`,
 * `devices`, `leave-button` = `off`.
 */
import { html, nothing } from 'lit';
import type { FileStrings } from './strings.js';

/** 24×24 strokes; a pressed toggle (muted, camera off) gets the slash. */
const PATHS = {
  mic: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3M5 11a7 7 0 0 0 14 0M12 18v3',
  cam: 'M3 7h12v10H3zM15 11l6-4v10l-6-4',
  screen: 'M3 4h18v12H3zM8 20h8M12 16v4',
  chat: 'M4 5h16v11H9l-5 4z',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
  leave: 'M3 14c5-4 13-4 18 0l-2 3-4-1v-2c-2-1-4-1-6 0v2l-4 1z',
};
export type IconName = keyof typeof PATHS;

export const icon = (name: IconName, slashed = false) =>
  html`<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path d=${PATHS[name] + (slashed ? 'M3 3l18 18' : '')}></path></svg>`;

/** An icon button: the name is its (visually hidden) text, the tooltip its title. */
export function iconButton(label: string, name: IconName, click: () => void, options: { pressed?: boolean; slashed?: boolean; cls?: string; extra?: unknown } = {}) {
  return html`<button part="button" class="toggle tb ${options.cls ?? ''}" title=${label} aria-pressed=${options.pressed ?? nothing} @click=${click}>
    ${icon(name, options.slashed)}<span class="sr-only">${label}</span>${options.extra ?? nothing}</button>`;
}

/**
 * The "More" button and, while it is open, its menu (`menu`: rendered by the menu chunk, which loads at the first
 * click); `toggle` opens or closes it.
 */
export function moreButton(ft: FileStrings, menu: unknown, toggle: () => void) {
  return html`<div class="more">
    <button part="button" class="toggle tb more-toggle" title=${ft.more} aria-haspopup="menu" aria-expanded=${!!menu} @click=${toggle}>
      ${icon('more')}<span class="sr-only">${ft.more}</span></button>
    ${menu ?? nothing}
  </div>`;
}
