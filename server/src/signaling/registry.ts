/**
 * Who is registered on the signaling server, by peer id: PeerServer's client (to send through, and whose socket
 * we look at for its backlog or close). PeerServer keeps its own realm; this one is ours, so we can tell an old
 * client of the same id from the new one, and reach support sockets from `Support` through a {@link Transport}.
 * A client's socket is always the one PeerServer holds for it: no second map of sockets (memory per client).
 */
import type { IClient } from 'peer';
import type { WebSocket } from 'ws';
import type { Transport } from '../support/messages.js';

/** While a socket has this much unsent data (it does not read fast enough), messages to it are dropped. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

export class Registry {
  private readonly clients = new Map<string, IClient>();

  /** Is a client registered as `id` (its socket may still be on its way out)? */
  has(id: string): boolean {
    return this.clients.has(id);
  }

  client(id: string): IClient | undefined {
    return this.clients.get(id);
  }

  /** The socket of the client registered as `id`, as PeerServer holds it. */
  socket(id: string): WebSocket | undefined {
    return this.clients.get(id)?.getSocket() ?? undefined;
  }

  register(id: string, client: IClient): void {
    this.clients.set(id, client);
  }

  /** `client` went away: forget it, unless a newer client took its id. */
  unregister(id: string, client: IClient): void {
    if (this.clients.get(id) === client) this.clients.delete(id);
  }

  /** Send a message through PeerServer's client registered as `id`, if any. */
  send(id: string, message: object): void {
    this.clients.get(id)?.send(message);
  }

  /** How `Support` reaches its sockets; what it sends is never queued for an absent socket. */
  readonly transport: Transport = {
    send: (peerId, text, droppable) => {
      const target = this.socket(peerId);
      if (!target || target.readyState !== target.OPEN) return;
      if (droppable && target.bufferedAmount > MAX_BUFFERED_BYTES) return;
      target.send(text);
    },
    close: (peerId, code, reason) => {
      const target = this.socket(peerId);
      if (!target) return;
      target.close(code, reason);
      // A client that does not finish the close handshake is cut off (as for an over-rate socket).
      setTimeout(() => target.terminate(), 1000).unref();
    },
  };
}
