/**
 * Who is registered on the signaling server, by peer id: PeerServer's client (to send through) and its WebSocket
 * (to look at its backlog or close it). PeerServer keeps its own realm; this one is ours, so we can tell an old
 * socket of the same id from the new one, and reach support sockets from `Support` through a {@link Transport}.
 */
import type { IClient } from 'peer';
import type { WebSocket } from 'ws';
import type { Transport } from '../support/messages.js';

/** While a socket has this much unsent data (it does not read fast enough), messages to it are dropped. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

export class Registry {
  private readonly clients = new Map<string, IClient>();
  private readonly sockets = new Map<string, WebSocket>();

  /** Is a client registered as `id` (its socket may still be on its way out)? */
  has(id: string): boolean {
    return this.clients.has(id);
  }

  client(id: string): IClient | undefined {
    return this.clients.get(id);
  }

  socket(id: string): WebSocket | undefined {
    return this.sockets.get(id);
  }

  register(id: string, client: IClient, socket: WebSocket | undefined): void {
    if (socket) this.sockets.set(id, socket);
    this.clients.set(id, client);
  }

  /** `client` went away: forget it (unless a newer client took its id) and its id's socket, which is returned. */
  unregister(id: string, client: IClient): WebSocket | undefined {
    const socket = this.sockets.get(id);
    if (this.clients.get(id) === client) this.clients.delete(id);
    this.sockets.delete(id);
    return socket;
  }

  /** Send a message through PeerServer's client registered as `id`, if any. */
  send(id: string, message: object): void {
    this.clients.get(id)?.send(message);
  }

  /** How `Support` reaches its sockets; what it sends is never queued for an absent socket. */
  readonly transport: Transport = {
    send: (peerId, text, droppable) => {
      const target = this.sockets.get(peerId);
      if (!target || target.readyState !== target.OPEN) return;
      if (droppable && target.bufferedAmount > MAX_BUFFERED_BYTES) return;
      target.send(text);
    },
    close: (peerId, code, reason) => {
      const target = this.sockets.get(peerId);
      if (!target) return;
      target.close(code, reason);
      // A client that does not finish the close handshake is cut off (as for an over-rate socket).
      setTimeout(() => target.terminate(), 1000).unref();
    },
  };
}
