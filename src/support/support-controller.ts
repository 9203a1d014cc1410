/**
 * Support: the customer-support flow of the element, loaded only for `mode="launcher"` (a visitor on a shop's
 * page: a floating button, the pre-join screen in a panel, a waiting room, then the call) and `mode="desk"` (an
 * agent: the live queue with each visitor's camera snapshot, Admit / Decline, and the call with Remove).
 *
 * The queue is server state (`docs/SUPPORT-PROTOCOL.md`): a visitor knocks and waits on a bare signaling socket
 * that is in no room, so nothing it sends reaches anyone until an agent admits it; admission gives both sides a
 * seat in a fresh two-person call room, joined like any call.
 */
import type { ReactiveController } from 'lit';
import { emit } from '../events.js';
import type { JoinResponse } from '../protocol.js';
import { WidgetError, type LeaveReason, type WaitingVisitor, type WidgetState } from '../types.js';
import type { VideoCallWidget } from '../video-call-widget.js';
import { isOpen, parseHours, type OpeningRule } from './hours.js';
import { SignalSocket, type ServerMessage, type Signaling } from './socket.js';
import { loadSupportStrings, supportStrings, type SupportStrings } from './strings.js';
import { supportStyles } from './support.styles.js';
import { deskView, launcherView } from './view.js';

/** The element's internals this flow drives (TypeScript-private there, plain properties at runtime). */
interface Internals {
  readonly name: string;
  readonly t: object;
  readonly language: string;
  readonly base: string;
  readonly media: { readonly preview: MediaStream | null; release(): void };
  readonly call: { readonly remotes: ReadonlyMap<string, unknown> } | undefined;
  readonly pending: Promise<void> | undefined;
  seat: JoinResponse | undefined;
  start(): void;
  setState(state: WidgetState): void;
  fail(error: WidgetError): void;
}

/** How a visitor's last attempt ended, for the panel's closing screen. */
export interface Outcome {
  readonly kind: 'declined' | 'timeout' | 'ended' | 'removed';
  readonly message: string;
}

/** Attributes of the support flow, read when needed (a change re-renders). */
const ATTRIBUTES = ['label', 'hours', 'time-zone', 'fallback-url', 'agent-key', 'position', 'context'];
const STATUS_EVERY = 30_000;
const PREVIEW_EVERY = 2_000;
const REQUEST_TIMEOUT = 10_000;
const KNOCK_ATTEMPTS = 5;
const MAX_BACKOFF = 8_000;
const PAGE_MAX = 512;
const CONTEXT_MAX = 2048;
const PREVIEW_URL = /^data:image\/jpeg;base64,[A-Za-z0-9+/]+=*$/;
const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** The server's refusal codes for desk requests → what the agent is told (in the UI's language). */
const RESULT_STRINGS: Partial<Record<string, 'gone' | 'deskRoomFull' | 'deskNotInCall'>> = { gone: 'gone', 'room-full': 'deskRoomFull', 'not-found': 'deskNotInCall' };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const backoff = (attempt: number) => Math.min(MAX_BACKOFF, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new WidgetError('aborted', 'cancelled'));
    }, { once: true });
  });

/**
 * The call chunk's room API and seat check: loaded when a visitor presses "Call us" (the call needs the chunk next)
 * or a desk opens, so a page with a closed launcher loads neither PeerJS nor this.
 */
type CallChunk = typeof import('../call.js');
let chunk: CallChunk | undefined;
const callChunk = async (): Promise<CallChunk> => (chunk ??= await import('../call.js'));

/** A knock's or a desk's answer: its id, ticket and signaling endpoint, or null. */
function parseTicket({ parseJoinResponse }: CallChunk, x: unknown): { peerId: string; ticket: string; signaling: Signaling } | null {
  // They carry the same id, ticket and signaling endpoint as a join answer: check them the same way.
  const seat = isObj(x) ? parseJoinResponse({ ...x, members: [], iceServers: [], maxPeers: 0 }) : null;
  return seat && { peerId: seat.peerId, ticket: seat.ticket, signaling: seat.signaling };
}

/** A seat handed over by the support flow: a join answer plus the call room's name. */
function parseSeat({ parseJoinResponse }: CallChunk, x: unknown): JoinResponse | null {
  const seat = parseJoinResponse(x);
  return seat && isObj(x) && typeof x.room === 'string' && ROOM_NAME.test(x.room) ? { ...seat, room: x.room } : null;
}

/** One waiting visitor from the server's queue list, or null when malformed. */
function parseVisitor(x: unknown): WaitingVisitor | null {
  if (!isObj(x) || typeof x.id !== 'string' || !/^[0-9a-f]{32}$/.test(x.id) || typeof x.name !== 'string' || x.name.length > 64) return null;
  const page = typeof x.page === 'string' && x.page.length <= PAGE_MAX ? x.page : '';
  const since = typeof x.since === 'number' && Number.isFinite(x.since) ? x.since : Date.now();
  return { id: x.id, name: x.name, page, context: isObj(x.context) ? x.context : null, since, preview: undefined };
}

export class Support implements ReactiveController {
  /** Launcher: the panel is open. */
  open = false;
  /** Launcher: agents online (null until the server said). */
  agents: number | null = null;
  /** Launcher: waiting in the queue now. */
  waitingNow = false;
  /** Launcher: 1 = next. */
  position = 0;
  /** Launcher: how the last call or knock ended. */
  outcome: Outcome | null = null;
  /** Desk: registered with the server (its socket is up). */
  deskOnline = false;
  /** Desk: a problem with one visitor (a failed admit), shown on their card. */
  readonly notices = new Map<string, string>();
  /** Desk: the visitor in the current call, by name. */
  callWith = '';
  private readonly visitors = new Map<string, WaitingVisitor>();
  /** Desk: visitors this desk admitted or declined (their leaving the queue is no cancel). */
  private readonly handled = new Set<string>();
  private readonly requests = new Map<number, { resolve(payload: Record<string, unknown>): void; reject(error: Error): void; timer: ReturnType<typeof setTimeout> }>();
  private nextRequest = 1;
  private desk: SignalSocket | undefined;
  private deskRun = 0;
  /** The server and queue the desk is registered with ('' when none). */
  private deskKey = '';
  private knockAbort: AbortController | undefined;
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private observer: MutationObserver | undefined;
  private snapVideo: HTMLVideoElement | undefined;
  private snapCanvas: HTMLCanvasElement | undefined;
  /** Launcher: the queue's socket while waiting. */
  private visitorSocket: SignalSocket | undefined;
  private warned = '';

  private readonly i: Internals;

  constructor(private readonly el: VideoCallWidget) {
    this.i = el as unknown as Internals;
    const root = el.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, supportStyles.styleSheet!];
    // Lit calls hostConnected at once when the element is connected.
    el.addController(this);
  }

  get t(): SupportStrings {
    const lang = this.i.language;
    void loadSupportStrings(lang)?.then(() => this.el.requestUpdate());
    return supportStrings(lang, this.el.strings);
  }

  get mode(): 'launcher' | 'desk' {
    return this.el.mode === 'desk' ? 'desk' : 'launcher';
  }

  /** Desk: the visitors waiting, longest first. */
  get waiting(): WaitingVisitor[] {
    return [...this.visitors.values()];
  }

  hostConnected(): void {
    if (this.observer) return;
    this.observer = new MutationObserver(() => this.el.requestUpdate());
    this.observer.observe(this.el, { attributes: true, attributeFilter: ATTRIBUTES });
    this.el.addEventListener('vcw-participant-leave', this.onParticipantLeave);
    // The launcher's online state and business hours (each status refresh re-renders), and the desk's waiting times.
    this.timers.push(setInterval(() => this.mode === 'launcher' && !this.i.pending && this.el.state !== 'joined' && void this.refreshStatus(), STATUS_EVERY));
    this.timers.push(setInterval(() => this.visitors.size && this.el.requestUpdate(), 1_000));
    if (this.mode === 'launcher') void this.refreshStatus();
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.el.removeEventListener('vcw-participant-leave', this.onParticipantLeave);
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.knockAbort?.abort();
    this.closeDesk();
  }

  /**
   * The element is about to enter its pre-join screen: true to go on (the launcher's panel is open and someone
   * can take the call); false to stay put — the desk never shows one, it (re)connects to its queue instead.
   */
  enter(): boolean {
    const desk = this.el.mode === 'desk' ? `${this.i.base} ${this.el.room}` : '';
    if (desk !== this.deskKey) {
      this.closeDesk();
      this.deskKey = desk;
      if (desk) void this.runDesk();
    }
    if (this.el.mode === 'inline') return true;
    if (desk) {
      this.i.setState('idle');
      return false;
    }
    if (!this.open || !this.online) {
      this.i.setState('idle');
      return false;
    }
    return true;
  }

  /** After leaving a call: the state to show (the desk goes back to its queue). */
  afterLeave(reason: LeaveReason): WidgetState {
    this.callWith = '';
    if (this.mode === 'desk') return 'idle';
    this.outcome = { kind: reason === 'removed' ? 'removed' : 'ended', message: '' };
    return 'left';
  }

  /** Anyone else gone from a support call (a two-person call): the call is over. */
  private readonly onParticipantLeave = () => {
    const call = this.i.call;
    if (call && call.remotes.size === 0 && this.el.state === 'joined') void this.el.leave();
  };

  // ——— launcher (visitor) ———

  /** Business hours (`hours`, `time-zone`), or null when none are set or they cannot be read (with a warning). */
  private get rules(): OpeningRule[] | null {
    const spec = this.el.getAttribute('hours');
    if (!spec) return null;
    const parsed = parseHours(spec);
    if ('error' in parsed) {
      this.warnOnce(`video-call-widget: hours="${spec}" ignored: ${parsed.error}.`);
      return null;
    }
    return parsed.rules;
  }

  private get timeZone(): string | undefined {
    const zone = this.el.getAttribute('time-zone') || undefined;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return zone;
    } catch {
      this.warnOnce(`video-call-widget: time-zone="${zone}" is not a time zone; the visitor's own is used.`);
      return undefined;
    }
  }

  /** Within business hours (or none set). */
  get inHours(): boolean {
    const rules = this.rules;
    return !rules || isOpen(rules, new Date(), this.timeZone);
  }

  /** Someone can take a call now: within business hours and at least one agent online. */
  get online(): boolean {
    return this.inHours && !!this.agents;
  }

  /** The site's fallback (`fallback-url`: an http(s) or mailto link), if any. */
  get fallback(): string | undefined {
    const url = this.el.getAttribute('fallback-url');
    if (!url) return undefined;
    try {
      if (['http:', 'https:', 'mailto:'].includes(new URL(url, location.href).protocol)) return url;
    } catch {
      // reported below
    }
    this.warnOnce(`video-call-widget: fallback-url="${url}" must be an http(s) or mailto: link.`);
    return undefined;
  }

  /** The time zone shown with the hours. */
  get zoneLabel(): string {
    return this.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  }

  private warnOnce(text: string): void {
    if (this.warned.includes(text)) return;
    this.warned += text;
    console.warn(text);
  }

  /** Ask the server whether any agent is online. An unreachable server counts as offline. */
  async refreshStatus(): Promise<void> {
    const room = this.el.room;
    if (!ROOM_NAME.test(room)) return;
    try {
      const status = await fetch(new URL(`api/rooms/${encodeURIComponent(room)}/support`, this.i.base.endsWith('/') ? this.i.base : `${this.i.base}/`), { cache: 'no-store' })
        .then((r) => (r.ok ? r.json() : null) as Promise<unknown>);
      this.agents = isObj(status) && typeof status.agents === 'number' ? status.agents : 0;
    } catch {
      this.agents = 0;
    }
    this.el.requestUpdate();
  }

  /** Open or close the launcher's panel. Closing cancels a knock and releases the camera. */
  async toggle(open = !this.open): Promise<void> {
    if (open === this.open) return;
    if (!open && (this.el.state === 'joined' || this.el.state === 'reconnecting')) return;
    this.open = open;
    this.outcome = null;
    if (open) {
      await this.refreshStatus();
      this.i.start();
    } else {
      this.knockAbort?.abort();
      await this.i.pending?.catch(() => undefined);
      this.i.media.release();
      this.i.setState('idle');
    }
    // A keyboard user lands in the panel it opened, and back on the button when it closes (only when focus was in
    // the widget: a panel opened or closed from code does not take the page's focus).
    const root = this.el.shadowRoot;
    const focused = !!root?.activeElement;
    this.el.requestUpdate();
    await this.el.updateComplete;
    if (focused) root?.querySelector<HTMLElement>(open ? '.panel' : '.launcher-button')?.focus();
  }

  /** What the site passes with a knock: the `context` property, else the attribute's JSON. */
  private context(): Record<string, unknown> | undefined {
    let context: unknown = this.el.context;
    const attribute = this.el.getAttribute('context');
    if (context === undefined && attribute) {
      try {
        context = JSON.parse(attribute);
      } catch {
        this.warnOnce('video-call-widget: the context attribute is not JSON; it is not sent.');
        return undefined;
      }
    }
    if (context === undefined || context === null) return undefined;
    if (!isObj(context) || JSON.stringify(context).length > CONTEXT_MAX) {
      this.warnOnce(`video-call-widget: context must be a JSON object of at most ${CONTEXT_MAX} characters; it is not sent.`);
      return undefined;
    }
    return context;
  }

  private async token(): Promise<string | null> {
    try {
      return this.el.tokenProvider ? await this.el.tokenProvider() : this.el.token || null;
    } catch (error) {
      throw new WidgetError('forbidden', `The token provider failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Knock and wait in the queue until an agent admits us: the seat to join with. Rejects (code `aborted`) when
   * declined, timed out or cancelled — having set the state those show — and with a WidgetError when the server
   * cannot be reached. A lost socket knocks again, a few times.
   */
  async knock(signal: AbortSignal): Promise<JoinResponse | undefined> {
    if (this.mode !== 'launcher') return undefined;
    const abort = (this.knockAbort = new AbortController());
    const stop = AbortSignal.any([signal, abort.signal]);
    this.outcome = null;
    this.waitingNow = true;
    this.el.requestUpdate();
    const preview = setInterval(() => this.sendPreview(), PREVIEW_EVERY);
    try {
      for (let attempt = 0; ; attempt++) {
        const body = { name: this.i.name, page: (location.origin + location.pathname + location.search).slice(0, PAGE_MAX), context: this.context() };
        const api = await callChunk();
        const reply = await api.roomApi(this.i.base, this.el.room, 'knock', body, await this.token(), stop);
        const answer = parseTicket(api, reply);
        if (!answer || !isObj(reply) || typeof reply.position !== 'number') throw new WidgetError('server-unreachable', api.NOT_UNDERSTOOD);
        this.setPosition(reply.position);
        const seat = await this.wait(api, answer, stop);
        if (seat) return seat;
        if (attempt + 1 >= KNOCK_ATTEMPTS) throw new WidgetError('server-unreachable', 'The connection to the call server was lost while waiting.');
        await sleep(backoff(attempt), stop);
      }
    } catch (error) {
      if (abort.signal.aborted && !signal.aborted && !this.outcome) this.i.setState('prejoin');
      throw stop.aborted ? new WidgetError('aborted', 'The call was cancelled.') : error;
    } finally {
      clearInterval(preview);
      this.waitingNow = false;
      this.visitorSocket?.close();
      this.visitorSocket = undefined;
      this.el.requestUpdate();
    }
  }

  /** On the queue's socket until admitted (the seat), declined (throws), or the socket is lost (undefined). */
  private wait(api: CallChunk, answer: { peerId: string; ticket: string; signaling: Signaling }, signal: AbortSignal): Promise<JoinResponse | undefined> {
    return new Promise((resolve, reject) => {
      const socket = new SignalSocket((message: ServerMessage) => {
        const p = message.payload;
        if (message.type === 'VCW-QUEUE' && typeof p.position === 'number') this.setPosition(p.position);
        else if (message.type === 'VCW-ADMITTED') {
          const seat = parseSeat(api, p.seat);
          if (!seat) return reject(new WidgetError('server-unreachable', api.NOT_UNDERSTOOD));
          emit(this.el, 'vcw-admitted', { participant: null });
          resolve(seat);
        } else if (message.type === 'VCW-DECLINED') {
          const reason = p.reason === 'timeout' ? 'timeout' : 'declined';
          const text = typeof p.message === 'string' ? p.message.slice(0, 500) : '';
          this.outcome = { kind: reason, message: text };
          this.i.media.release();
          this.i.setState('left');
          emit(this.el, 'vcw-declined', { message: text, reason });
          reject(new WidgetError('aborted', `The call was ${reason === 'timeout' ? 'not answered in time' : 'declined'}.`));
        }
      }, () => resolve(undefined));
      this.visitorSocket?.close();
      this.visitorSocket = socket;
      signal.addEventListener('abort', () => {
        socket.close();
        reject(new WidgetError('aborted', 'cancelled'));
      }, { once: true });
      socket.open(answer.signaling, answer.peerId, answer.ticket, signal).then(() => this.sendPreview(), () => resolve(undefined));
    });
  }

  private setPosition(position: number): void {
    if (!Number.isSafeInteger(position) || position < 1 || position === this.position) return;
    this.position = position;
    emit(this.el, 'vcw-queue-update', { position });
    this.el.requestUpdate();
  }

  /** Send the desks a small snapshot of our camera (nothing while it is off). */
  private sendPreview(): void {
    const stream = this.i.media.preview;
    const track = stream?.getVideoTracks()[0];
    if (!stream || !track || track.readyState !== 'live' || !track.enabled || !this.visitorSocket) return;
    const video = (this.snapVideo ??= Object.assign(document.createElement('video'), { muted: true, playsInline: true }));
    if (video.srcObject !== stream) {
      video.srcObject = stream;
      void video.play().catch(() => undefined);
    }
    if (!video.videoWidth) return;
    const canvas = (this.snapCanvas ??= document.createElement('canvas'));
    canvas.width = 192;
    canvas.height = Math.round((192 * video.videoHeight) / video.videoWidth);
    canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = canvas.toDataURL('image/jpeg', 0.7);
    if (image.length < 48 * 1024) this.visitorSocket.send({ type: 'VCW-PREVIEW', payload: { image } });
  }

  /** Leave the queue (the visitor's Cancel). */
  cancelWaiting(): void {
    this.knockAbort?.abort();
  }

  // ——— desk (agent) ———

  /** Register the desk and stay registered (re-registering after a lost socket) until the element goes. */
  private async runDesk(): Promise<void> {
    const run = ++this.deskRun;
    for (let attempt = 0; run === this.deskRun && this.el.isConnected; attempt++) {
      try {
        const key = this.el.getAttribute('agent-key');
        const api = await callChunk();
        const answer = parseTicket(api, await api.roomApi(this.i.base, this.el.room, 'desk', { name: this.i.name, ...(key ? { agentKey: key } : {}) }, await this.token()));
        if (!answer) throw new WidgetError('server-unreachable', api.NOT_UNDERSTOOD);
        const lost = new Promise<void>((resolve) => {
          this.desk = new SignalSocket((m) => this.onDeskMessage(m), () => resolve());
        });
        await this.desk!.open(answer.signaling, answer.peerId, answer.ticket);
        if (run !== this.deskRun) return this.desk?.close();
        attempt = 0;
        this.deskOnline = true;
        this.el.requestUpdate();
        await lost;
      } catch (error) {
        if (run !== this.deskRun) return;
        // Not allowed (no host token, wrong agent key) or a bad room: say so and stop; the error screen retries.
        if (error instanceof WidgetError && (error.code === 'forbidden' || error.code === 'invalid-room')) {
          this.closeDesk();
          this.deskKey = '';
          return this.i.fail(error);
        }
      }
      this.deskOnline = false;
      this.failRequests('The desk lost its connection to the call server.');
      this.el.requestUpdate();
      await sleep(backoff(attempt));
    }
  }

  private closeDesk(): void {
    this.deskRun++;
    this.desk?.close();
    this.desk = undefined;
    this.deskOnline = false;
    this.failRequests('The desk was closed.');
  }

  private failRequests(why: string): void {
    for (const { reject, timer } of this.requests.values()) {
      clearTimeout(timer);
      reject(new Error(why));
    }
    this.requests.clear();
  }

  private onDeskMessage(message: ServerMessage): void {
    const p = message.payload;
    switch (message.type) {
      case 'VCW-WAITING': {
        if (!Array.isArray(p.visitors)) return;
        const now = new Map<string, WaitingVisitor>();
        for (const item of p.visitors) {
          const visitor = parseVisitor(item);
          if (visitor) now.set(visitor.id, { ...visitor, preview: this.visitors.get(visitor.id)?.preview });
        }
        for (const [id, visitor] of this.visitors) {
          if (now.has(id)) continue;
          this.notices.delete(id);
          if (!this.handled.delete(id)) emit(this.el, 'vcw-knock-cancel', { participant: visitor });
        }
        const known = new Set(this.visitors.keys());
        this.visitors.clear();
        for (const [id, visitor] of now) this.visitors.set(id, visitor);
        for (const [id, visitor] of now) if (!known.has(id)) emit(this.el, 'vcw-knock', { participant: visitor });
        break;
      }
      case 'VCW-PREVIEW': {
        const visitor = typeof p.id === 'string' ? this.visitors.get(p.id) : undefined;
        if (visitor && typeof p.image === 'string' && p.image.length <= 64 * 1024 && PREVIEW_URL.test(p.image)) this.visitors.set(visitor.id, { ...visitor, preview: p.image });
        break;
      }
      case 'VCW-RESULT': {
        const pending = typeof p.req === 'number' ? this.requests.get(p.req) : undefined;
        if (!pending) return;
        this.requests.delete(p.req as number);
        clearTimeout(pending.timer);
        if (p.ok === true) pending.resolve(p);
        else {
          // A code we know is said in the agent's language; anything else (a bad request: a bug) as the server said it.
          const known = RESULT_STRINGS[String(p.error)];
          pending.reject(new Error(known ? this.t[known] : typeof p.message === 'string' ? p.message.slice(0, 300) : String(p.error)));
        }
        return;
      }
      default:
        return;
    }
    this.el.requestUpdate();
  }

  /** A desk request; resolves with the server's result, rejects with its reason. */
  private request(type: string, payload: object): Promise<Record<string, unknown>> {
    if (this.mode !== 'desk') return Promise.reject(new Error(this.t.deskOnly));
    const req = this.nextRequest++;
    return new Promise((resolve, reject) => {
      if (!this.desk?.send({ type, payload: { req, ...payload } })) return reject(new Error(this.t.deskOffline));
      const timer = setTimeout(() => {
        this.requests.delete(req);
        reject(new Error(this.t.deskTimeout));
      }, REQUEST_TIMEOUT);
      this.requests.set(req, { resolve, reject, timer });
    });
  }

  /** Admit a waiting visitor: a private call with them starts. */
  async admit(id: string): Promise<void> {
    if (this.mode !== 'desk') throw new Error('Only the agent desk (mode="desk") can admit visitors.');
    if (this.i.call || this.i.pending) throw new Error(this.t.busy);
    const visitor = this.visitors.get(id);
    if (!visitor) throw new Error(this.t.gone);
    this.notices.delete(id);
    const result = await this.request('VCW-ADMIT', { id });
    const api = await callChunk();
    const seat = parseSeat(api, result.seat);
    if (!seat) throw new WidgetError('server-unreachable', api.NOT_UNDERSTOOD);
    this.handled.add(id);
    emit(this.el, 'vcw-admitted', { participant: visitor });
    this.callWith = visitor.name;
    this.i.seat = seat;
    await this.el.join();
  }

  /** Decline a waiting visitor, with a message they see (optional). */
  async decline(id: string, message = ''): Promise<void> {
    if (!this.visitors.has(id)) throw new Error(this.t.gone);
    await this.request('VCW-DECLINE', { id, message: String(message).slice(0, 500) });
    this.handled.add(id);
  }

  /** Remove a participant from the current call (the server closes their connection and keeps them out). */
  async remove(id: string): Promise<void> {
    await this.request('VCW-REMOVE', { id });
  }

  /** Admit or decline from the desk's buttons: a refusal is shown on the visitor's card. */
  act(id: string, action: () => Promise<void>): void {
    action().catch((error: unknown) => {
      this.notices.set(id, error instanceof Error ? error.message : String(error));
      this.el.requestUpdate();
    });
  }

  /** The element's content for this mode, around what the element itself renders (`inner`). */
  render(inner: unknown): unknown {
    return this.mode === 'desk' ? deskView(this.el, this, inner) : launcherView(this.el, this, inner);
  }

  /** The pre-join screen's button. */
  get joinLabel(): string {
    return this.t.callUs;
  }
}
