/**
 * The call's toolbar, as people know it from Meet, Whereby and Daily Prebuilt: one row of icon buttons (inline SVG,
 * each named for assistive technology and with a tooltip; toggles say `aria-pressed`) — microphone, camera, present,
 * chat, More, the host's own `toolbar` slot, Leave — and a "More" menu for what is used less (devices, layout,
 * record, invite, full screen), operated by keyboard like a menu: arrows, Home/End, Escape. A host hides controls with
 * `screenshare`, `record`, `devices`, `leave-button` = `off`.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { WidgetHost } from '../core/host.js';
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

export interface MenuItem {
  label: string;
  run: () => void;
  /** For an on/off item (layout, recording): its state. */
  checked?: boolean;
  cls: string;
}

/** The "More" button and its menu; `open` says whether the menu shows, `toggle` opens or closes it. */
export function moreMenu(ft: FileStrings, items: MenuItem[], open: boolean, toggle: (open: boolean, focusButton?: boolean) => void): TemplateResult | typeof nothing {
  if (!items.length) return nothing;
  const keys = (e: KeyboardEvent) => {
    const list = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role^=menuitem]')];
    const at = list.indexOf(e.target as HTMLElement);
    const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: list.length - 1 }[e.key];
    if (e.key === 'Escape' || e.key === 'Tab') {
      if (e.key === 'Escape') e.preventDefault();
      toggle(false, e.key === 'Escape');
    } else if (next !== undefined) {
      e.preventDefault();
      list[(next + list.length) % list.length]?.focus();
    }
  };
  return html`<div class="more">
    <button part="button" class="toggle tb more-toggle" title=${ft.more} aria-haspopup="menu" aria-expanded=${open} @click=${() => toggle(!open)}>
      ${icon('more')}<span class="sr-only">${ft.more}</span></button>
    ${open
      ? html`<div part="menu" class="menu" role="menu" aria-label=${ft.more} @keydown=${keys}>
          ${items.map((item) => html`<button part="button" class=${item.cls} role=${item.checked === undefined ? 'menuitem' : 'menuitemcheckbox'}
            aria-checked=${item.checked ?? nothing} tabindex="-1" @click=${() => {
              toggle(false, true);
              item.run();
            }}>${item.label}</button>`)}
        </div>`
      : nothing}
  </div>`;
}

/** The invite link: `invite-url` with `{room}` filled in, else the page's own address. */
export function inviteLink(el: Pick<WidgetHost, 'inviteUrl' | 'room'>): string {
  return el.inviteUrl ? el.inviteUrl.replaceAll('{room}', encodeURIComponent(el.room)) : location.href;
}

/** Share the invite through the device's share sheet where there is one, else copy it. Resolves with what happened. */
export async function invite(el: Pick<WidgetHost, 'inviteUrl' | 'room'>): Promise<'shared' | 'copied'> {
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
