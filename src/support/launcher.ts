/**
 * The visitor's side (`mode="launcher"`): a floating button that opens a panel with the element's pre-join screen,
 * shown only while someone can take the call (within business hours and at least one agent online); then the wait
 * in the queue, and how it ended. The element owns the state: this asks it to restart or release the devices, and
 * answers its knock.
 */
import type { WidgetHost } from '../core/host.js';
import { WidgetError, type LeaveReason } from '../core/types.js';
import { ROOM_NAME } from '../protocol/limits.js';
import type { JoinAnswer } from '../protocol/wire.js';
import { LauncherSettings } from './settings.js';
import { WaitingRoom, type QueueOutcome } from './waiting-room.js';

/** What the launcher needs of the element. */
export type LauncherHost = Pick<
  WidgetHost,
  | 'element' | 'mode' | 'room' | 'context' | 'serverBase' | 'selfName' | 'roomToken' | 'media' | 'state' | 'joining'
  | 'notify' | 'restart' | 'settled' | 'requestUpdate' | 'updateComplete'
>;

/** How a visitor's last attempt ended, for the panel's closing screen. */
export interface Outcome {
  readonly kind: 'declined' | 'timeout' | 'ended' | 'removed';
  readonly message: string;
}

/** How often the launcher asks whether any agent is online (while not in a call). */
const STATUS_EVERY = 30_000;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export class Launcher {
  /** The panel is open. */
  open = false;
  /** Agents online (null until the server said). */
  agents: number | null = null;
  /** How the last call or knock ended. */
  outcome: Outcome | null = null;
  readonly settings: LauncherSettings;
  readonly #room: WaitingRoom;
  #knockAbort: AbortController | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #host: LauncherHost;

  constructor(host: LauncherHost) {
    this.#host = host;
    this.settings = new LauncherSettings(host);
    this.#room = new WaitingRoom(host, () => this.settings.context(), (position) => {
      host.notify({ type: 'queue-update', position });
      host.requestUpdate();
    });
  }

  /** Waiting in the queue now. */
  get waiting(): boolean {
    return this.#room.waiting;
  }

  /** The place in the queue (1 = next), the last one heard. */
  get position(): number {
    return this.#room.position;
  }

  /** Someone can take a call now: within business hours and at least one agent online. */
  get online(): boolean {
    return this.settings.inHours && !!this.agents;
  }

  /** The element may show its pre-join screen: the panel is open and someone can take the call. */
  get canEnter(): boolean {
    return this.open && this.online;
  }

  /** The element is on the page: keep the online state and business hours fresh (each refresh re-renders). */
  connected(): void {
    this.#timer ??= setInterval(() => this.#host.mode !== 'desk' && !this.#host.joining && this.#host.state !== 'joined' && void this.refreshStatus(), STATUS_EVERY);
    if (this.#host.mode !== 'desk') void this.refreshStatus();
  }

  disconnected(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#knockAbort?.abort();
  }

  /** Ask the server whether any agent is online. An unreachable server counts as offline. */
  async refreshStatus(): Promise<void> {
    const room = this.#host.room;
    if (!ROOM_NAME.test(room)) return;
    const base = this.#host.serverBase;
    try {
      const status: unknown = await fetch(new URL(`api/rooms/${encodeURIComponent(room)}/support`, base.endsWith('/') ? base : `${base}/`), { cache: 'no-store' })
        .then((r) => (r.ok ? r.json() : null));
      this.agents = isObj(status) && typeof status.agents === 'number' ? status.agents : 0;
    } catch {
      this.agents = 0;
    }
    this.#host.requestUpdate();
  }

  /** Open or close the panel. Closing cancels a knock, releases the camera and leaves the element idle. */
  async toggle(open = !this.open): Promise<void> {
    if (open === this.open) return;
    if (!open && (this.#host.state === 'joined' || this.#host.state === 'reconnecting')) return;
    this.open = open;
    this.outcome = null;
    if (open) {
      await this.refreshStatus();
      this.#host.restart();
    } else {
      this.#knockAbort?.abort();
      await this.#host.settled();
      this.#host.media.release();
      this.#host.restart();
    }
    // A keyboard user lands in the panel it opened, and back on the button when it closes (only when focus was in
    // the widget: a panel opened or closed from code does not take the page's focus).
    const root = this.#host.element.shadowRoot;
    const focused = !!root?.activeElement;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    if (focused) root?.querySelector<HTMLElement>(open ? '.panel' : '.launcher-button')?.focus();
  }

  /** "Call again" after a call or a decline: the pre-join screen once more. */
  callAgain(): void {
    this.outcome = null;
    this.#host.requestUpdate();
    this.#host.restart();
  }

  /**
   * Knock and wait in the queue until an agent admits us: the seat to join with. Declined or not answered: rejects
   * with code `aborted` and `next` = `left` (the page hears `vcw-declined` first); cancelled by the visitor: `aborted`
   * with `next` = `prejoin`; a server that cannot be reached: its WidgetError.
   */
  async knock(signal: AbortSignal): Promise<JoinAnswer> {
    const abort = (this.#knockAbort = new AbortController());
    const stop = AbortSignal.any([signal, abort.signal]);
    this.outcome = null;
    let outcome: QueueOutcome;
    try {
      outcome = await this.#room.wait(stop);
    } catch (error) {
      if (!stop.aborted) throw error;
      // Our own cancel (the Cancel button, the panel closing) goes back to the pre-join screen; when the element
      // aborted the join, it knows what to show.
      throw new WidgetError('aborted', 'The call was cancelled.', abort.signal.aborted && !signal.aborted ? 'prejoin' : undefined);
    }
    if (outcome.kind === 'admitted') {
      this.#host.notify({ type: 'admitted', participant: null });
      return outcome.seat;
    }
    this.outcome = { kind: outcome.kind, message: outcome.message };
    this.#host.notify({ type: 'declined', message: outcome.message, reason: outcome.kind });
    throw new WidgetError('aborted', `The call was ${outcome.kind === 'timeout' ? 'not answered in time' : 'declined'}.`, 'left');
  }

  /** Leave the queue (the visitor's Cancel). */
  cancel(): void {
    this.#knockAbort?.abort();
  }

  /** The call ended: the panel says how. */
  ended(reason: LeaveReason): void {
    this.outcome = { kind: reason === 'removed' ? 'removed' : 'ended', message: '' };
  }
}
