/**
 * The support flow's screens: the launcher (floating button, panel, waiting room, closing screens) and the agent
 * desk (queue cards with camera snapshots, Admit / Decline, the call with Remove). Text only: names, pages and
 * context from visitors are rendered as text, links only for http(s) pages.
 */
import { html, nothing } from 'lit';
import { fill } from './strings.js';
import type { WaitingVisitor } from '../types.js';
import type { VideoCallWidget } from '../video-call-widget.js';
import type { Support } from './support-controller.js';
import type { SupportStrings } from './strings.js';

/** The element's preview rendering (the devices chunk's once-only `srcObject` binding). */
interface PreviewHost {
  readonly media: { readonly preview: MediaStream | null };
  readonly devices: { video(stream: MediaStream): unknown } | undefined;
}

const phone = html`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path fill="currentColor" d="M4 6.5A2.5 2.5 0 0 1 6.5 4h8A2.5 2.5 0 0 1 17 6.5v2.2l3.4-2.3c.7-.4 1.6.1 1.6.9v9.4c0 .8-.9 1.3-1.6.9L17 15.3v2.2a2.5 2.5 0 0 1-2.5 2.5h-8A2.5 2.5 0 0 1 4 17.5z"/></svg>`;

/** "2:05" for 125 s, "1:02:05" past the hour. */
function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const mm = String(Math.floor(s / 60) % 60);
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** An http(s) page as a link, anything else as text. */
function pageLink(page: string) {
  if (!page) return nothing;
  let safe = false;
  try {
    safe = ['http:', 'https:'].includes(new URL(page).protocol);
  } catch {
    safe = false;
  }
  return html`<span class="page">${safe ? html`<a href=${page} target="_blank" rel="noopener noreferrer">${page}</a>` : page}</span>`;
}

/** The site's context as a definition list: keys and values as text. */
function contextList(context: WaitingVisitor['context']) {
  if (!context) return nothing;
  const entries = Object.entries(context).slice(0, 20);
  if (!entries.length) return nothing;
  return html`<dl class="context">${entries.map(([key, value]) => html`<dt>${key}</dt><dd>${(typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 200)}</dd>`)}</dl>`;
}

function selfPreview(el: VideoCallWidget, t: SupportStrings) {
  const host = el as unknown as PreviewHost;
  const preview = host.media.preview;
  return html`<div part="preview" class="tile self">${preview && host.devices ? host.devices.video(preview) : html`<div class="avatar">${t.noPreview}</div>`}</div>`;
}

/** What the panel shows: offline, waiting, how it ended, or the element's own screen. */
function panelContent(el: VideoCallWidget, s: Support, t: SupportStrings, inner: unknown) {
  const fallback = s.fallback;
  const fallbackLink = fallback ? html`<a part="button" class="button fallback" href=${fallback} target="_blank" rel="noopener noreferrer">${t.fallback}</a>` : nothing;
  const hours = el.getAttribute('hours');
  if (!s.online && !s.waitingNow && el.state !== 'joined' && el.state !== 'reconnecting' && el.state !== 'joining') {
    return html`<div class="base center support-note" part="offline">
      <p>${t.offline}</p>
      ${hours ? html`<p class="hours">${fill(t.openingHours, { hours, zone: s.zoneLabel })}</p>` : nothing}
      ${fallbackLink}
    </div>`;
  }
  if (s.waitingNow) {
    return html`<div class="base center waiting" part="waiting">
      ${selfPreview(el, t)}
      <p>${t.waitingTitle}</p>
      <p class="position" role="status" aria-live="polite">${s.position > 1 ? fill(t.queuePosition, { position: String(s.position) }) : t.queueNext}</p>
      <div class="dots" aria-hidden="true"><span></span><span></span><span></span></div>
      <button part="button" class="cancel-waiting" @click=${() => el.cancelWaiting()}>${t.cancelWaiting}</button>
    </div>`;
  }
  const outcome = s.outcome;
  if (el.state === 'left' && outcome) {
    const text = outcome.kind === 'declined' ? t.declined : outcome.kind === 'timeout' ? t.timedOut : outcome.kind === 'removed' ? t.removedFromCall : t.callEnded;
    return html`<div class="base center support-note" part="outcome" role="status">
      <p>${text}</p>
      ${outcome.message ? html`<blockquote class="agent-message">${outcome.message}</blockquote>` : nothing}
      <div class="row">
        ${outcome.kind === 'declined' || outcome.kind === 'timeout' ? fallbackLink : nothing}
        <button part="button" class="primary call-again" @click=${() => {
          s.outcome = null;
          el.requestUpdate();
          (el as unknown as { start(): void }).start();
        }}>${t.callAgain}</button>
      </div>
    </div>`;
  }
  return inner;
}

/** The visitor's floating button and, when open, its panel. */
export function launcherView(el: VideoCallWidget, s: Support, inner: unknown) {
  const t = s.t;
  const label = el.getAttribute('label') || t.launcher;
  const offline = !s.online && s.agents !== null;
  const inCall = el.state === 'joined' || el.state === 'reconnecting';
  return html`<div class="launcher">
    ${s.open
      ? html`<section part="panel" class="panel" role="dialog" aria-label=${label} tabindex="-1" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && !inCall && void s.toggle(false)}>
          <header class="panel-head"><span>${label}</span>
            ${inCall ? nothing : html`<button part="button" class="close" aria-label=${t.closePanel} @click=${() => void s.toggle(false)}>×</button>`}
          </header>
          <div class="panel-body">${panelContent(el, s, t, inner)}</div>
        </section>`
      : nothing}
    <button part="launcher" class="launcher-button ${offline ? 'offline' : ''}" aria-expanded=${s.open ? 'true' : 'false'} aria-label=${offline ? `${t.launcherOffline}: ${label}` : label}
      @click=${() => void s.toggle()}>${phone}<span class="launcher-label">${offline ? t.launcherOffline : label}</span></button>
  </div>`;
}

/** One waiting visitor's card at the desk. */
function visitorCard(el: VideoCallWidget, s: Support, t: SupportStrings, v: WaitingVisitor, busy: boolean) {
  const notice = s.notices.get(v.id);
  let message = '';
  return html`<li part="visitor" class="visitor" data-visitor-id=${v.id}>
    <div class="thumb">${v.preview ? html`<img src=${v.preview} alt=${fill(t.cameraPreview, { name: v.name })} />` : html`<span>${t.noPreview}</span>`}</div>
    <div class="who">
      <strong class="visitor-name">${v.name}</strong>
      <span class="waited">${fill(t.waitingFor, { time: duration(Date.now() - v.since) })}</span>
      ${pageLink(v.page)}
      ${contextList(v.context)}
      <input part="input" class="decline-message" maxlength="500" aria-label=${t.declineMessage} placeholder=${t.declineMessage}
        @input=${(e: Event) => (message = (e.target as HTMLInputElement).value)} />
      <div class="row start">
        <button part="button" class="primary admit" ?disabled=${busy} @click=${() => s.act(v.id, () => el.admit(v.id))}>${t.admit}</button>
        <button part="button" class="decline" @click=${() => s.act(v.id, () => el.decline(v.id, message))}>${t.decline}</button>
      </div>
      ${notice ? html`<p class="notice" role="alert">${notice}</p>` : nothing}
    </div>
  </li>`;
}

/** The agent's desk: the queue beside the call. */
export function deskView(el: VideoCallWidget, s: Support, inner: unknown) {
  const t = s.t;
  const state = el.state;
  if (state === 'error') return inner;
  const inCall = state === 'joining' || state === 'joined' || state === 'reconnecting';
  const visitors = s.waiting;
  const others = el.participants.filter((p) => !p.self);
  return html`<div part="base desk" class="base desk">
    <section part="queue" class="queue" aria-labelledby="queue-title">
      <h2 id="queue-title">${t.deskTitle} <span class="count">${visitors.length}</span></h2>
      ${s.deskOnline ? nothing : html`<p class="desk-offline" role="status">${t.deskOffline}</p>`}
      ${visitors.length
        ? html`<ul class="visitors">${visitors.map((v) => visitorCard(el, s, t, v, inCall))}</ul>`
        : html`<p class="empty">${t.deskEmpty}</p>`}
    </section>
    ${inCall
      ? html`<section class="desk-call">
          ${others.length || s.callWith
            ? html`<div class="desk-bar"><span>${fill(t.inCallWith, { name: others[0]?.name ?? s.callWith })}</span>
              ${others.map((p) => html`<button part="button" class="remove" @click=${() => s.act(p.id, () => el.removeParticipant(p.id))}>${fill(t.removeVisitor, { name: p.name })}</button>`)}</div>`
            : nothing}
          ${inner}
        </section>`
      : nothing}
  </div>`;
}
