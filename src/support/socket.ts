/**
 * A bare signaling socket for the support flow: a waiting visitor and an agent desk talk to the server over the
 * same PeerServer endpoint the call uses, but need none of PeerJS — only our own `VCW-*` messages, PeerServer's
 * `OPEN`/`ERROR`, and the `HEARTBEAT` PeerServer expects.
 */
import type { JoinResponse } from '../protocol.js';

const OPEN_TIMEOUT = 10_000;
const HEARTBEAT_EVERY = 5_000;
/** Largest server message read (the biggest is a desk's queue with previews arriving one by one). */
const MAX_MESSAGE = 256 * 1024;

export type Signaling = JoinResponse['signaling'];

export interface ServerMessage {
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

export class SignalSocket {
  private ws: WebSocket | undefined;
  private beat: ReturnType<typeof setInterval> | undefined;
  private closedByUs = false;

  constructor(
    private readonly onMessage: (message: ServerMessage) => void,
    /** The socket closed without `close()`: `code` is the WebSocket close code. */
    private readonly onLost: (code: number) => void,
  ) {}

  /** Connect and register as `id`; resolves once the server said `OPEN`. */
  open(signaling: Signaling, id: string, ticket: string, signal?: AbortSignal): Promise<void> {
    const { secure, host, port, path, key } = signaling;
    const url = `${secure ? 'wss' : 'ws'}://${host}:${port}${path}peerjs?key=${encodeURIComponent(key)}&id=${id}&token=${encodeURIComponent(ticket)}`;
    return new Promise((resolve, reject) => {
      let opened = false;
      const ws = new WebSocket(url);
      this.ws = ws;
      const fail = (why: string) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(new Error(why));
        this.close();
      };
      const onAbort = () => fail('cancelled');
      signal?.addEventListener('abort', onAbort);
      const timer = setTimeout(() => fail('The call server did not answer in time.'), OPEN_TIMEOUT);
      ws.onmessage = (event) => {
        if (typeof event.data !== 'string' || event.data.length > MAX_MESSAGE) return;
        let message: unknown;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        if (typeof message !== 'object' || message === null || typeof (message as { type?: unknown }).type !== 'string') return;
        const { type, payload } = message as { type: string; payload?: unknown };
        if (!opened) {
          if (type === 'OPEN') {
            opened = true;
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            this.beat = setInterval(() => this.send({ type: 'HEARTBEAT' }), HEARTBEAT_EVERY);
            resolve();
          } else if (type === 'ERROR' || type === 'ID-TAKEN' || type === 'INVALID-KEY') {
            fail('The call server refused the connection.');
          }
          return;
        }
        this.onMessage({ type, payload: typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {} });
      };
      ws.onclose = (event) => {
        clearInterval(this.beat);
        if (!opened) return fail('The call server closed the connection.');
        if (!this.closedByUs && this.ws === ws) this.onLost(event.code);
      };
    });
  }

  send(message: { type: string; payload?: object }): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Close for good (no `onLost`). Safe to call twice. */
  close(): void {
    this.closedByUs = true;
    clearInterval(this.beat);
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.close(1000);
  }
}
