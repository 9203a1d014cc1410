/**
 * The data chunk: sending the host page's own data over the call's data connections (`sendData`; the others get
 * `vcw-data`). JSON values, each at most MAX_DATA bytes, at most DATA_RATE a second after a burst. Loaded when a page
 * first sends data (most calls never do); receiving is the call chunk's (`call/session.ts`), which drops what a peer
 * sends beyond the rate.
 */
import { DATA_BURST, DATA_RATE, MAX_DATA, MAX_DATA_DEPTH, shallow } from '../protocol/parse.js';
import type { PeerMessage } from '../protocol/wire.js';

const encoder = new TextEncoder();

/** A token bucket: `take()` is false once more than `burst` went out faster than `rate` per second. */
class Bucket {
  #tokens: number;
  #at = performance.now();
  constructor(readonly rate: number, readonly burst: number) {
    this.#tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate);
    this.#at = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}

/** What sending needs from the call. */
interface DataLink {
  readonly selfId: string;
  broadcast(message: PeerMessage): void;
  sendTo(peer: string, message: PeerMessage): boolean;
  participantOf(id: string): unknown;
}

/** Sends one element's data; its rate limit lasts across calls. */
export class DataSender {
  readonly #bucket = new Bucket(DATA_RATE, DATA_BURST);

  /** Send `payload` to `to` (a participant's id) or everyone; throws an Error that says why it cannot (sends nothing). */
  send(call: DataLink | undefined, payload: unknown, to?: string): void {
    if (!call?.selfId) throw new Error('Join the call before sending data.');
    if (to !== undefined && !call.participantOf(to)) throw new Error(`sendData: nobody with the id "${String(to)}" is in the call.`);
    let text: string | undefined;
    try {
      text = JSON.stringify(payload);
    } catch (error) {
      throw new Error(`sendData: the payload is not JSON (${error instanceof Error ? error.message : String(error)}).`);
    }
    if (text === undefined) throw new Error('sendData: the payload is not JSON (undefined, a function or a symbol).');
    const bytes = encoder.encode(text).length;
    if (bytes > MAX_DATA) throw new Error(`sendData: the payload is ${bytes} bytes as JSON; at most ${MAX_DATA} are allowed.`);
    // What arrives is the JSON text parsed again (dates as strings, no undefined): check the depth of that.
    const message = { v: 1, t: 'data', payload: JSON.parse(text) as unknown } as const;
    if (!shallow(message.payload)) throw new Error(`sendData: the payload nests deeper than ${MAX_DATA_DEPTH} levels.`);
    if (!this.#bucket.take()) throw new Error(`sendData: more than ${DATA_RATE} messages a second (bursts of ${DATA_BURST}); wait a moment and send again.`);
    if (to === undefined) call.broadcast(message);
    else if (!call.sendTo(to, message)) throw new Error(`sendData: the connection to "${to}" is not open.`);
  }
}
