/**
 * The message rate of each socket (MESSAGE_RATE_LIMIT, bursts up to ten seconds' worth), counted on the raw frame
 * before PeerServer parses it. Over its rate, a socket is told why (1008 `rate-limited`), read no more, and cut
 * off if it does not finish the close handshake. The relay asks {@link MessageRate} about the frame PeerServer
 * is about to hand it.
 */
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';

/** Close code for a socket that exceeded its message rate (1008 = policy violation). */
export const RATE_LIMITED_CLOSE = 1008;

/**
 * A socket's message budget, a token bucket kept on the socket itself rather than in an object of its own (memory
 * per client): the messages it may still send (CLOSED once it went over and is being closed) and when they were
 * last refilled.
 */
const TOKENS = Symbol('tokens');
const REFILLED = Symbol('refilled');
const CLOSED = -1;
type Budgeted = WebSocket & { [TOKENS]?: number; [REFILLED]?: number };

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
    const capacity = perSecond * 10;
    const overRate = function (this: Budgeted): boolean {
      const tokens = this[TOKENS];
      if (tokens === undefined || tokens === CLOSED) return true;
      const now = Date.now();
      const refilled = Math.min(capacity, tokens + (Math.max(0, now - (this[REFILLED] ?? now)) / 1000) * perSecond);
      this[REFILLED] = now;
      if (refilled >= 1) {
        this[TOKENS] = refilled - 1;
        return false;
      }
      // Over the rate: say why, stop reading (nothing more is parsed or relayed), and cut the connection
      // if the client does not finish the close handshake at once.
      this[TOKENS] = CLOSED;
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
    (socket as Budgeted)[TOKENS] = this.perSecond * 10;
    (socket as Budgeted)[REFILLED] = Date.now();
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
