/**
 * A bare signaling socket for the support flow: a waiting visitor and an agent desk talk to the server over the
 * same PeerServer endpoint the call uses, but need none of PeerJS — only the server's notices (`Notice` in
 * `protocol/limits.ts`), PeerServer's `OPEN`/`ERROR`, and the `HEARTBEAT` PeerServer expects.
 */
import type { NoticeFrame, SignalingEndpoint } from '../protocol/wire.js';

const OPEN_TIMEOUT = 10_000;
const HEARTBEAT_EVERY = 5_000;
/** Largest server message read (the biggest is a desk's queue with previews arriving one by one). */
const MAX_MESSAGE = 256 * 1024;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A frame from the server: its type and payload (an empty payload when it carried none, or no object). */
function parseFrame(data: unknown): NoticeFrame | null {
  if (typeof data !== 'string' || data.length > MAX_MESSAGE) return null;
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return null;
  }
  return isObj(message) && typeof message.type === 'string' ? { type: message.type, payload: isObj(message.payload) ? message.payload : {} } : null;
}

export class SignalSocket {
  #ws: WebSocket | undefined;
  #beat: ReturnType<typeof setInterval> | undefined;
  #closedByUs = false;
  readonly #onMessage: (message: NoticeFrame) => void;
  readonly #onLost: (code: number) => void;

  constructor(
    onMessage: (message: NoticeFrame) => void,
    /** The socket closed without `close()`: `code` is the WebSocket close code. */
    onLost: (code: number) => void,
  ) {
    this.#onLost = onLost;
    this.#onMessage = onMessage;
  }

  /** Connect and register as `id`; resolves once the server said `OPEN`. */
  open(signaling: SignalingEndpoint, id: string, ticket: string, signal?: AbortSignal): Promise<void> {
    const { secure, host, port, path, key } = signaling;
    const url = `${secure ? 'wss' : 'ws'}://${host}:${port}${path}peerjs?key=${encodeURIComponent(key)}&id=${id}&token=${encodeURIComponent(ticket)}`;
    return new Promise((resolve, reject) => {
      let opened = false;
      const ws = new WebSocket(url);
      this.#ws = ws;
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
        const frame = parseFrame(event.data);
        if (!frame) return;
        if (!opened) {
          if (frame.type === 'OPEN') {
            opened = true;
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            this.#beat = setInterval(() => this.send({ type: 'HEARTBEAT' }), HEARTBEAT_EVERY);
            resolve();
          } else if (frame.type === 'ERROR' || frame.type === 'ID-TAKEN' || frame.type === 'INVALID-KEY') {
            fail('The call server refused the connection.');
          }
          return;
        }
        this.#onMessage(frame);
      };
      ws.onclose = (event) => {
        clearInterval(this.#beat);
        if (!opened) return fail('The call server closed the connection.');
        if (!this.#closedByUs && this.#ws === ws) this.#onLost(event.code);
      };
    });
  }

  send(message: { type: string; payload?: object }): boolean {
    if (this.#ws?.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(message));
    return true;
  }

  /** Close for good (no `onLost`). Safe to call twice. */
  close(): void {
    this.#closedByUs = true;
    clearInterval(this.#beat);
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) ws.close(1000);
  }
}
