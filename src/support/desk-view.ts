/**
 * The agent's desk: the queue (cards with each visitor's camera snapshot, Admit / Decline) beside the call (with
 * Remove). Text only: names, pages and context from visitors are rendered as text, links only for http(s) pages.
 */
import { html, nothing } from 'lit';
import type { WidgetHost } from '../core/host.js';
import { fill } from '../core/strings.js';
import type { WaitingVisitor } from '../core/types.js';
import { MAX_DECLINE_MESSAGE } from '../protocol/limits.js';
import type { SupportStrings } from './strings.js';

/** What the desk's screen reads of the element, and the public actions its buttons call. */
export type DeskViewHost = Pick<WidgetHost, 'state' | 'participants' | 'admit' | 'decline' | 'removeParticipant'>;

/** What it reads of the desk. */
export interface DeskModel {
  readonly online: boolean;
  readonly waiting: readonly WaitingVisitor[];
  readonly notices: ReadonlyMap<string, string>;
  readonly callWith: string;
  /** Run a button's action; a refusal shows on the card of `id`. */
  act(id: string, action: () => Promise<void>): void;
}

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

/** One waiting visitor's card. */
function visitorCard(host: DeskViewHost, s: DeskModel, t: SupportStrings, v: WaitingVisitor, busy: boolean) {
  const notice = s.notices.get(v.id);
  let message = '';
  return html`<li part="visitor" class="visitor" data-visitor-id=${v.id}>
    <div class="thumb">${v.preview ? html`<img src=${v.preview} alt=${fill(t.cameraPreview, { name: v.name })} />` : html`<span>${t.noPreview}</span>`}</div>
    <div class="who">
      <strong class="visitor-name">${v.name}</strong>
      <span class="waited">${fill(t.waitingFor, { time: duration(Date.now() - v.since) })}</span>
      ${pageLink(v.page)}
      ${contextList(v.context)}
      <input part="input" class="decline-message" maxlength=${MAX_DECLINE_MESSAGE} aria-label=${t.declineMessage} placeholder=${t.declineMessage}
        @input=${(e: Event) => e.target instanceof HTMLInputElement && (message = e.target.value)} />
      <div class="row start">
        <button part="button" class="primary admit" ?disabled=${busy} @click=${() => s.act(v.id, () => host.admit(v.id))}>${t.admit}</button>
        <button part="button" class="decline" @click=${() => s.act(v.id, () => host.decline(v.id, message))}>${t.decline}</button>
      </div>
      ${notice ? html`<p class="notice" role="alert">${notice}</p>` : nothing}
    </div>
  </li>`;
}

/** The agent's desk: the queue beside the call (`inner`, the element's own screen). */
export function deskView(host: DeskViewHost, s: DeskModel, t: SupportStrings, inner: unknown) {
  const state = host.state;
  if (state === 'error') return inner;
  const inCall = state === 'joining' || state === 'joined' || state === 'reconnecting';
  const visitors = s.waiting;
  const others = host.participants.filter((p) => !p.self);
  return html`<div part="base desk" class="base desk">
    <section part="queue" class="queue" aria-labelledby="queue-title">
      <h2 id="queue-title">${t.deskTitle} <span class="count">${visitors.length}</span></h2>
      ${s.online ? nothing : html`<p class="desk-offline" role="status">${t.deskOffline}</p>`}
      ${visitors.length
        ? html`<ul class="visitors">${visitors.map((v) => visitorCard(host, s, t, v, inCall))}</ul>`
        : html`<p class="empty">${t.deskEmpty}</p>`}
    </section>
    ${inCall
      ? html`<section class="desk-call">
          ${others.length || s.callWith
            ? html`<div class="desk-bar"><span>${fill(t.inCallWith, { name: others[0]?.name ?? s.callWith })}</span>
              ${others.map((p) => html`<button part="button" class="remove" @click=${() => s.act(p.id, () => host.removeParticipant(p.id))}>${fill(t.removeVisitor, { name: p.name })}</button>`)}</div>`
            : nothing}
          ${inner}
        </section>`
      : nothing}
  </div>`;
}
