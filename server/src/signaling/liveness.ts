/**
 * Liveness: WebSocket ping/pong, so a frozen or cut-off peer is noticed within two PING_INTERVAL_MS instead of
 * PeerServer's alive_timeout (browsers answer pings outside page JavaScript). One pass per interval, spread over
 * the interval in slices: each tick visits the next sixteenth of the live socket set (by position, so a socket that
 * just connected is visited within one interval). Pinging every socket in one go stalled joins and relay behind it
 * (see BENCHMARKS.md). A socket is dropped when its ping from the previous visit (at least half an interval old) is
 * still unanswered.
 */
import type { WebSocket } from 'ws';

/**
 * A liveness pass is spread over its interval in this many slices: with 10k sockets, pinging them all at once made
 * 10k pongs arrive at once, and joins waited behind them (join p99 115 ms at 500 joins/s; see BENCHMARKS.md).
 */
export const PING_SLICES = 16;

export class Liveness {
  // Sockets pinged and not yet answered, with when. Kept this way round (not "answered"), it holds only the
  // pings in flight, so liveness costs no memory per client.
  private readonly awaitingPong = new WeakMap<WebSocket, number>();
  /** One pong listener shared by every socket (`this` is the socket): no closure per client. */
  private readonly markAlive: (this: WebSocket) => void;
  private slice = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `sockets`: the live socket set (the WebSocket server's clients, once it exists). */
  constructor(private readonly sockets: () => Set<WebSocket> | undefined, private readonly intervalMs: number) {
    const awaitingPong = this.awaitingPong;
    this.markAlive = function (this: WebSocket) {
      awaitingPong.delete(this);
    };
  }

  /** Listen for this socket's pongs (on connection). */
  watch(socket: WebSocket): void {
    socket.on('pong', this.markAlive);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.intervalMs / PING_SLICES);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const all = this.sockets();
    const k = this.slice;
    this.slice = (this.slice + 1) % PING_SLICES;
    if (!all?.size) return;
    const from = Math.floor((all.size * k) / PING_SLICES);
    const to = Math.floor((all.size * (k + 1)) / PING_SLICES);
    const now = Date.now();
    let i = 0;
    for (const socket of all) {
      if (i >= to) break;
      if (i++ >= from) this.visit(socket, now);
    }
  }

  private visit(socket: WebSocket, now: number): void {
    if (socket.readyState !== socket.OPEN) return;
    const pinged = this.awaitingPong.get(socket);
    if (pinged !== undefined) {
      if (now - pinged >= this.intervalMs / 2) socket.terminate();
      return;
    }
    this.awaitingPong.set(socket, now);
    socket.ping();
  }
}
