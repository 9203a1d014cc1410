/**
 * The visitor's wait in the support queue (`docs/SUPPORT-PROTOCOL.md`): knock, then listen on a bare signaling
 * socket that is in no room — nothing sent there reaches anyone until an agent admits us — for the place in the
 * queue, the admission (a seat in a fresh two-person call room) or a decline. Sends the desks a small camera
 * snapshot now and then. A lost socket knocks again, a few times.
 */
import type { WidgetHost } from '../core/host.js';
import { backoff, sleep } from '../protocol/retry.js';
import { WidgetError } from '../core/types.js';
import { clip, MAX_DECLINE_MESSAGE, MAX_PAGE, MAX_PREVIEW, Notice } from '../protocol/limits.js';
import { parseSeat, parseTicketAnswer } from '../protocol/parse-support.js';
import type { JoinAnswer, TicketAnswer } from '../protocol/wire.js';
import { loadRoomApi, type RoomApi } from './call-chunk.js';
import { Snapshot } from './snapshot.js';
import { SignalSocket } from './socket.js';

const PREVIEW_EVERY = 2_000;
const KNOCK_ATTEMPTS = 5;
const FIRST_BACKOFF = 500;
const MAX_BACKOFF = 8_000;

/** What the wait needs of the element. */
export type WaitingHost = Pick<WidgetHost, 'serverBase' | 'room' | 'selfName' | 'roomToken' | 'media' | 'requestUpdate'>;

/** How a wait ended: admitted with a seat, or turned away (declined by an agent, or not answered in time). */
export type QueueOutcome =
  | { readonly kind: 'admitted'; readonly seat: JoinAnswer }
  | { readonly kind: 'declined' | 'timeout'; readonly message: string };

export class WaitingRoom {
  /** Waiting in the queue now. */
  waiting = false;
  /** The place in the queue (1 = next); the last one heard, kept after the wait. */
  position = 0;
  /** The queue's socket while waiting. */
  #socket: SignalSocket | undefined;
  readonly #snapshot = new Snapshot();
  readonly #host: WaitingHost;
  readonly #context: () => Record<string, unknown> | undefined;
  readonly #onMove: (position: number) => void;

  constructor(
    host: WaitingHost,
    /** What the site passes with the knock. */
    context: () => Record<string, unknown> | undefined,
    /** The place in the queue changed. */
    onMove: (position: number) => void,
  ) {
    this.#onMove = onMove;
    this.#context = context;
    this.#host = host;
  }

  /**
   * Knock and wait until an agent admits or declines us. Rejects with a WidgetError when the server cannot be
   * reached or answers what we do not understand, and with code `aborted` when `signal` aborts.
   */
  async wait(signal: AbortSignal): Promise<QueueOutcome> {
    this.waiting = true;
    this.#host.requestUpdate();
    const preview = setInterval(() => this.#sendPreview(), PREVIEW_EVERY);
    try {
      for (let attempt = 0; ; attempt++) {
        const body = { name: this.#host.selfName, page: clip(location.origin + location.pathname + location.search, MAX_PAGE), context: this.#context() };
        const api = await loadRoomApi();
        const reply = await api.roomApi(this.#host.serverBase, this.#host.room, 'knock', body, await this.#host.roomToken(), signal);
        const ticket = parseTicketAnswer(reply);
        if (!ticket || ticket.position === undefined) throw new WidgetError('server-unreachable', api.NOT_UNDERSTOOD);
        this.#move(ticket.position);
        const outcome = await this.#listen(api, ticket, signal);
        if (outcome) return outcome;
        if (attempt + 1 >= KNOCK_ATTEMPTS) throw new WidgetError('server-unreachable', 'The connection to the call server was lost while waiting.');
        await sleep(backoff(attempt, FIRST_BACKOFF, MAX_BACKOFF), signal);
      }
    } finally {
      clearInterval(preview);
      this.waiting = false;
      this.#socket?.close();
      this.#socket = undefined;
      this.#host.requestUpdate();
    }
  }

  /** On the queue's socket until admitted or declined (the outcome), or the socket is lost (undefined). */
  #listen(api: RoomApi, ticket: TicketAnswer, signal: AbortSignal): Promise<QueueOutcome | undefined> {
    return new Promise((resolve, reject) => {
      const socket = new SignalSocket(({ type, payload }) => {
        if (type === Notice.QUEUE && typeof payload.position === 'number') this.#move(payload.position);
        else if (type === Notice.ADMITTED) {
          const seat = parseSeat(payload.seat);
          if (seat) resolve({ kind: 'admitted', seat });
          else reject(new WidgetError('server-unreachable', api.NOT_UNDERSTOOD));
        } else if (type === Notice.DECLINED) {
          const message = typeof payload.message === 'string' ? clip(payload.message, MAX_DECLINE_MESSAGE) : '';
          resolve({ kind: payload.reason === 'timeout' ? 'timeout' : 'declined', message });
        }
      }, () => resolve(undefined));
      this.#socket?.close();
      this.#socket = socket;
      signal.addEventListener('abort', () => {
        socket.close();
        reject(new WidgetError('aborted', 'cancelled'));
      }, { once: true });
      socket.open(ticket.signaling, ticket.peerId, ticket.ticket, signal).then(() => this.#sendPreview(), () => resolve(undefined));
    });
  }

  #move(position: number): void {
    if (!Number.isSafeInteger(position) || position < 1 || position === this.position) return;
    this.position = position;
    this.#onMove(position);
  }

  /** Send the desks a small snapshot of our camera (nothing while it is off). */
  #sendPreview(): void {
    if (!this.#socket) return;
    const image = this.#snapshot.take(this.#host.media.preview, MAX_PREVIEW);
    if (image) this.#socket.send({ type: Notice.PREVIEW, payload: { image } });
  }
}
