/**
 * The message rate of each socket (MESSAGE_RATE_LIMIT, bursts up to ten seconds' worth), counted on the raw frame
 * before PeerServer parses it. Over its rate, a socket is told why (1008 `rate-limited`), read no more, and cut
 * off if it does not finish the close handshake. The relay asks {@link MessageRate} about the frame PeerServer
 * is about to hand it.
 */
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { Bucket } from '../util/rate-limits.js';

/** Close code for a socket that exceeded its message rate (1008 = policy violation). */
export const RATE_LIMITED_CLOSE = 1008;

/** A socket's message budget (null once it went over and is being closed). */
const BUDGET = Symbol('budget');
type Budgeted = WebSocket & { [BUDGET]?: Bucket | null };

export class MessageRate {
  // The frame PeerServer is about to parse: our raw listener runs first on every socket, and PeerServer parses
  // and emits `message` synchronously right after, so these describe the message the `message` listener sees.
  private frameBytes = 0;
  private frameOverRate = false;
  private readonly overRate: (this: Budgeted) => boolean;
  private readonly onFrame: (this: Budgeted, data: Buffer | ArrayBuffer | Buffer[]) => void;

  constructor(private readonly perSecond: number, log: Logger) {
    // Listeners shared by every socket (their state lives on the socket): no closures per client.
    /** Spend one of the socket's message budget; over it, close the socket (once) and say so. */
    const overRate = function (this: Budgeted): boolean {
      const budget = this[BUDGET];
      if (!budget) return true;
      if (budget.take()) return false;
      // Over the rate: say why, stop reading (nothing more is parsed or relayed), and cut the connection
      // if the client does not finish the close handshake at once.
      this[BUDGET] = null;
      log.debug({ rate: perSecond }, 'socket over its message rate: closed');
      this.close(RATE_LIMITED_CLOSE, 'rate-limited');
      this.pause();
      setTimeout(() => this.terminate(), 1000).unref();
      return true;
    };
    const meter = this;
    this.overRate = overRate;
    this.onFrame = function (this: Budgeted, data) {
      meter.frameBytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
      meter.frameOverRate = overRate.call(this);
    };
  }

  /** Count this socket's frames (and pings) from now on; registered before PeerServer's own listener, it sees every frame first. */
  watch(socket: WebSocket): void {
    (socket as Budgeted)[BUDGET] = new Bucket(this.perSecond * 10, this.perSecond);
    socket.on('message', this.onFrame);
    // Browsers never ping; a client that floods pings (each answered with a pong) spends the same budget.
    socket.on('ping', this.overRate);
  }

  /** The size in bytes of the frame PeerServer is handing the `message` listeners now. */
  get currentBytes(): number {
    return this.frameBytes;
  }

  /** Did the frame PeerServer is handing the `message` listeners now go over its socket's rate? */
  get currentOverRate(): boolean {
    return this.frameOverRate;
  }
}
