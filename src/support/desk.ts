/**
 * The agent's side (`mode="desk"`): registered with the queue on a bare signaling socket (re-registering after a
 * lost socket) while the element is on the page; the live list of waiting visitors; Admit / Decline / Remove as
 * requests the server answers. An admission hands over a seat in a fresh two-person call room, which the element
 * takes (`takeSeat()`) when it joins.
 */
import type { WidgetHost } from '../core/host.js';
import { backoff, sleep } from '../protocol/retry.js';
import { WidgetError, type WaitingVisitor } from '../core/types.js';
import { clip, MAX_DECLINE_MESSAGE, Notice, type NoticeType } from '../protocol/limits.js';
import { parseSeat, parseTicketAnswer } from '../protocol/parse-support.js';
import type { JoinAnswer, NoticeFrame } from '../protocol/wire.js';
import { loadRoomApi } from './call-chunk.js';
import { DeskRequests } from './requests.js';
import { SignalSocket } from './socket.js';
import type { SupportStrings } from './strings.js';
import { VisitorQueue } from './visitor-queue.js';

/** What the desk needs of the element. */
export type DeskHost = Pick<
  WidgetHost,
  'element' | 'mode' | 'room' | 'serverBase' | 'selfName' | 'roomToken' | 'call' | 'joining' | 'join' | 'fail' | 'notify' | 'requestUpdate'
>;

const REQUEST_TIMEOUT = 10_000;
const FIRST_BACKOFF = 500;
const MAX_BACKOFF = 8_000;
/** The server's refusal codes for desk requests → what the agent is told (in the UI's language). */
const RESULT_STRINGS: Partial<Record<string, 'gone' | 'deskRoomFull' | 'deskNotInCall'>> = { gone: 'gone', 'room-full': 'deskRoomFull', 'not-found': 'deskNotInCall' };

export class Desk {
  /** Registered with the server (its socket is up). */
  online = false;
  /** A problem with one visitor (a failed admit), shown on their card. */
  readonly notices = new Map<string, string>();
  /** The visitor in the current call, by name. */
  callWith = '';
  readonly #queue: VisitorQueue;
  readonly #requests: DeskRequests;
  #socket: SignalSocket | undefined;
  /** Counts registrations: a loop that sees another number has been replaced and stops. */
  #generation = 0;
  /** The server and queue the desk is registered with ('' when none). */
  #key = '';
  /** The seat an admission handed over, until the element takes it. */
  #seat: JoinAnswer | undefined;
  /** Re-renders each second while visitors wait (their waiting times). */
  #ticker: ReturnType<typeof setInterval> | undefined;
  readonly #host: DeskHost;
  readonly #t: () => SupportStrings;

  constructor(
    host: DeskHost,
    t: () => SupportStrings,
  ) {
    this.#t = t;
    this.#host = host;
    this.#queue = new VisitorQueue({
      left: (visitor, handled) => {
        this.notices.delete(visitor.id);
        if (!handled) host.notify({ type: 'knock-cancel', participant: visitor });
      },
      arrived: (visitor) => host.notify({ type: 'knock', participant: visitor }),
    });
    this.#requests = new DeskRequests(REQUEST_TIMEOUT, () => this.#t().deskTimeout);
  }

  /** The visitors waiting, longest first. */
  get waiting(): WaitingVisitor[] {
    return this.#queue.list;
  }

  connected(): void {
    this.#ticker ??= setInterval(() => this.#queue.size && this.#host.requestUpdate(), 1_000);
  }

  disconnected(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.close();
  }

  /** Registered with the element's server and queue while it is a desk: (re)register on a change, close when it is none. */
  sync(): void {
    const key = this.#host.mode === 'desk' ? `${this.#host.serverBase} ${this.#host.room}` : '';
    if (key === this.#key) return;
    this.close();
    this.#key = key;
    if (key) void this.#run();
  }

  /** Register the desk and stay registered (re-registering after a lost socket) until the element goes. */
  async #run(): Promise<void> {
    const run = ++this.#generation;
    for (let attempt = 0; run === this.#generation && this.#host.element.isConnected; attempt++) {
      try {
        const key = this.#host.element.getAttribute('agent-key');
        const api = await loadRoomApi();
        const body = { name: this.#host.selfName, ...(key ? { agentKey: key } : {}) };
        const ticket = parseTicketAnswer(await api.roomApi(this.#host.serverBase, this.#host.room, 'desk', body, await this.#host.roomToken()));
        if (!ticket) throw new WidgetError('server-unreachable', api.NOT_UNDERSTOOD);
        if (run !== this.#generation) return;
        let onLost = () => {};
        const lost = new Promise<void>((resolve) => (onLost = resolve));
        const socket = (this.#socket = new SignalSocket((frame) => this.#onMessage(frame), () => onLost()));
        await socket.open(ticket.signaling, ticket.peerId, ticket.ticket);
        if (run !== this.#generation) return socket.close();
        attempt = 0;
        this.online = true;
        this.#host.requestUpdate();
        await lost;
      } catch (error) {
        if (run !== this.#generation) return;
        // Not allowed (no host token, wrong agent key) or a bad room: say so and stop; the error screen retries.
        if (error instanceof WidgetError && (error.code === 'forbidden' || error.code === 'invalid-room')) {
          this.close();
          this.#key = '';
          return this.#host.fail(error);
        }
      }
      this.online = false;
      this.#requests.failAll('The desk lost its connection to the call server.');
      this.#host.requestUpdate();
      await sleep(backoff(attempt, FIRST_BACKOFF, MAX_BACKOFF));
    }
  }

  /** Unregister: the socket closes and open requests fail. */
  close(): void {
    this.#generation++;
    this.#socket?.close();
    this.#socket = undefined;
    this.online = false;
    this.#requests.failAll('The desk was closed.');
  }

  #onMessage({ type, payload: p }: NoticeFrame): void {
    switch (type) {
      case Notice.WAITING:
        if (!Array.isArray(p.visitors)) return;
        this.#queue.update(p.visitors);
        break;
      case Notice.PREVIEW:
        this.#queue.preview(p.id, p.image);
        break;
      case Notice.RESULT:
        if (typeof p.req !== 'number') return;
        this.#requests.settle(p.req, p.ok === true ? { result: p } : { error: () => this.#refusal(p) });
        return;
      default:
        return;
    }
    this.#host.requestUpdate();
  }

  /** Why the server refused a request: a code we know in the agent's language, anything else (a bug) as the server said it. */
  #refusal(p: Record<string, unknown>): Error {
    const known = RESULT_STRINGS[String(p.error)];
    return new Error(known ? this.#t()[known] : typeof p.message === 'string' ? p.message.slice(0, 300) : String(p.error));
  }

  /** A desk request; resolves with the server's result, rejects with its reason. */
  #request(type: NoticeType, payload: object): Promise<Record<string, unknown>> {
    const t = this.#t();
    if (this.#host.mode !== 'desk') return Promise.reject(new Error(t.deskOnly));
    return this.#requests.send((req) => this.#socket?.send({ type, payload: { req, ...payload } }) ?? false, t.deskOffline);
  }

  /** Admit a waiting visitor: a private call with them starts. */
  async admit(id: string): Promise<void> {
    if (this.#host.call || this.#host.joining) throw new Error(this.#t().busy);
    const visitor = this.#queue.get(id);
    if (!visitor) throw new Error(this.#t().gone);
    this.notices.delete(id);
    const result = await this.#request(Notice.ADMIT, { id });
    const api = await loadRoomApi();
    const seat = parseSeat(result.seat);
    if (!seat) throw new WidgetError('server-unreachable', api.NOT_UNDERSTOOD);
    this.#queue.handled(id);
    this.#host.notify({ type: 'admitted', participant: visitor });
    this.callWith = visitor.name;
    this.#seat = seat;
    await this.#host.join();
  }

  /** An admission handed over a seat not taken yet. */
  get hasSeat(): boolean {
    return !!this.#seat;
  }

  /** The seat the last admission handed over, taken once. */
  takeSeat(): JoinAnswer | undefined {
    const seat = this.#seat;
    this.#seat = undefined;
    return seat;
  }

  /** Decline a waiting visitor, with a message they see (optional). */
  async decline(id: string, message = ''): Promise<void> {
    if (!this.#queue.has(id)) throw new Error(this.#t().gone);
    await this.#request(Notice.DECLINE, { id, message: clip(String(message), MAX_DECLINE_MESSAGE) });
    this.#queue.handled(id);
  }

  /** Remove a participant from the current call (the server closes their connection and keeps them out). */
  async remove(id: string): Promise<void> {
    await this.#request(Notice.REMOVE, { id });
  }

  /** Admit, decline or remove from the desk's buttons: a refusal is shown on the visitor's card. */
  act(id: string, action: () => Promise<void>): void {
    action().catch((error: unknown) => {
      this.notices.set(id, error instanceof Error ? error.message : String(error));
      this.#host.requestUpdate();
    });
  }
}
