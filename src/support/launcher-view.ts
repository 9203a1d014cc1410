/**
 * The launcher's screens: the floating button and, when open, its panel — offline (with the hours and the site's
 * fallback), waiting in the queue, how the last attempt ended, or the element's own screen. Text only: the agent's
 * message is rendered as text.
 */
import { html, nothing } from 'lit';
import type { WidgetHost } from '../core/host.js';
import { fill } from '../core/strings.js';
import type { Outcome } from './launcher.js';
import type { LauncherSettings } from './settings.js';
import type { SupportStrings } from './strings.js';

/** What the launcher's screens read of the element. */
export type LauncherViewHost = Pick<WidgetHost, 'state' | 'media' | 'kit' | 'cancelWaiting'>;

/** What they read of the launcher, and the two things its buttons do there. */
export interface LauncherModel {
  readonly open: boolean;
  readonly online: boolean;
  readonly agents: number | null;
  readonly waiting: boolean;
  readonly position: number;
  readonly outcome: Outcome | null;
  readonly settings: Pick<LauncherSettings, 'label' | 'hours' | 'zoneLabel' | 'fallback'>;
  toggle(open?: boolean): Promise<void>;
  callAgain(): void;
}

const phone = html`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path fill="currentColor" d="M4 6.5A2.5 2.5 0 0 1 6.5 4h8A2.5 2.5 0 0 1 17 6.5v2.2l3.4-2.3c.7-.4 1.6.1 1.6.9v9.4c0 .8-.9 1.3-1.6.9L17 15.3v2.2a2.5 2.5 0 0 1-2.5 2.5h-8A2.5 2.5 0 0 1 4 17.5z"/></svg>`;

/** Your own camera while you wait (the devices chunk keeps the `<video>` playing across renders). */
function selfPreview(host: LauncherViewHost, t: SupportStrings) {
  const preview = host.media.preview;
  return html`<div part="preview" class="tile self">${preview && host.kit ? host.kit.video(preview) : html`<div class="avatar">${t.noPreview}</div>`}</div>`;
}

/** What the panel shows: offline, waiting, how it ended, or the element's own screen. */
function panelContent(host: LauncherViewHost, s: LauncherModel, t: SupportStrings, inner: unknown) {
  const { fallback, hours } = s.settings;
  const fallbackLink = fallback ? html`<a part="button" class="button fallback" href=${fallback} target="_blank" rel="noopener noreferrer">${t.fallback}</a>` : nothing;
  const state = host.state;
  if (!s.online && !s.waiting && state !== 'joined' && state !== 'reconnecting' && state !== 'joining') {
    return html`<div class="base center support-note" part="offline">
      <p>${t.offline}</p>
      ${hours ? html`<p class="hours">${fill(t.openingHours, { hours, zone: s.settings.zoneLabel })}</p>` : nothing}
      ${fallbackLink}
    </div>`;
  }
  if (s.waiting) {
    return html`<div class="base center waiting" part="waiting">
      ${selfPreview(host, t)}
      <p>${t.waitingTitle}</p>
      <p class="position" role="status" aria-live="polite">${s.position > 1 ? fill(t.queuePosition, { position: String(s.position) }) : t.queueNext}</p>
      <div class="dots" aria-hidden="true"><span></span><span></span><span></span></div>
      <button part="button" class="cancel-waiting" @click=${() => host.cancelWaiting()}>${t.cancelWaiting}</button>
    </div>`;
  }
  const outcome = s.outcome;
  if (state === 'left' && outcome) {
    const text = outcome.kind === 'declined' ? t.declined : outcome.kind === 'timeout' ? t.timedOut : outcome.kind === 'removed' ? t.removedFromCall : t.callEnded;
    return html`<div class="base center support-note" part="outcome" role="status">
      <p>${text}</p>
      ${outcome.message ? html`<blockquote class="agent-message">${outcome.message}</blockquote>` : nothing}
      <div class="row">
        ${outcome.kind === 'declined' || outcome.kind === 'timeout' ? fallbackLink : nothing}
        <button part="button" class="primary call-again" @click=${() => s.callAgain()}>${t.callAgain}</button>
      </div>
    </div>`;
  }
  return inner;
}

/** The visitor's floating button and, when open, its panel around `inner` (the element's own screen). */
export function launcherView(host: LauncherViewHost, s: LauncherModel, t: SupportStrings, inner: unknown) {
  const label = s.settings.label ?? t.launcher;
  const offline = !s.online && s.agents !== null;
  const inCall = host.state === 'joined' || host.state === 'reconnecting';
  return html`<div class="launcher">
    ${s.open
      ? html`<section part="panel" class="panel" role="dialog" aria-label=${label} tabindex="-1" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && !inCall && void s.toggle(false)}>
          <header class="panel-head"><span>${label}</span>
            ${inCall ? nothing : html`<button part="button" class="close" aria-label=${t.closePanel} @click=${() => void s.toggle(false)}>×</button>`}
          </header>
          <div class="panel-body">${panelContent(host, s, t, inner)}</div>
        </section>`
      : nothing}
    <button part="launcher" class="launcher-button ${offline ? 'offline' : ''}" aria-expanded=${s.open ? 'true' : 'false'} aria-label=${offline ? `${t.launcherOffline}: ${label}` : label}
      @click=${() => void s.toggle()}>${phone}<span class="launcher-label">${offline ? t.launcherOffline : label}</span></button>
  </div>`;
}
