/**
 * Signaling: PeerServer (`peer`) mounted on our HTTP server, with the parts it lacks, each in its own module —
 * the upgrade guard (tickets and per-address limits checked before the WebSocket upgrade), the message rate per
 * socket, the room-scoped relay with its offline queue for members whose socket has not arrived yet, liveness by
 * WebSocket ping/pong, and registration (seats claimed and freed, room notices to the remaining members) — and a
 * bounded payload (MAX_WS_PAYLOAD, here). Sockets of the support flow (waiting visitors, agent desks) register here
 * too but take no seat; their VCW-* messages go to `Support`, which reaches them through the registry.
 */
import type { Server } from 'node:http';
import { ExpressPeerServer, type IClient, type IMessage } from 'peer';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import type { ServerDeps } from '../deps.js';
import { TurnGrants } from '../ice.js';
import { Liveness } from './liveness.js';
import { MessageRate } from './message-rate.js';
import { PEERJS_KEY } from './mount.js';
import { OfflineQueues } from './offline-queue.js';
import { Registration } from './registration.js';
import { Registry } from './registry.js';
import { relay, RELAYED_TYPES } from './relay.js';
import { upgradeGuard } from './upgrade-guard.js';

export const MAX_WS_PAYLOAD = 64 * 1024;

export function createSignaling(server: Server, deps: ServerDeps) {
  const { config, rooms, tickets, support, log } = deps;
  const registry = new Registry();
  const offline = new OfflineQueues(config.offlineQueueLimit, config.offlineQueueBytes);
  const rate = new MessageRate(config.messageRateLimit, log);
  const turn = new TurnGrants(config);
  let wss: WebSocketServer | undefined;
  // The open signaling sockets. Kept here rather than by `ws` (clientTracking): ws would add a closure as a third
  // close listener to every socket, and a third listener grows the listener array to 19 slots (≈ 0.2 KB a client).
  const live = new Set<WebSocket>();
  const liveness = new Liveness(() => live, config.pingIntervalMs);
  const registration = new Registration({ rooms, tickets, support, shared: deps.shared, registry, offline, turn, log });
  const verifyClient = upgradeGuard(deps, (claims, ticket) => registration.replace(claims, ticket));

  const peerServer = ExpressPeerServer(server, {
    path: '/',
    key: PEERJS_KEY,
    allow_discovery: false,
    // Our WebSocket ping/pong finds dead sockets within two ping intervals; this is only a backstop.
    alive_timeout: Math.max(60_000, config.pingIntervalMs * 4),
    concurrent_limit: 100_000,
    corsOptions: { origin: false },
    createWebSocketServer: (options: ServerOptions) => {
      wss = new WebSocketServer({ ...options, maxPayload: MAX_WS_PAYLOAD, verifyClient, clientTracking: false });
      // Runs before PeerServer's own connection listener: ours see every socket event first.
      wss.on('connection', (socket, req) => {
        live.add(socket);
        socket.on('close', closed);
        liveness.watch(socket);
        registration.watch(socket, req);
        rate.watch(socket);
      });
      return wss;
    },
  });

  /** One close listener shared by every socket (`this` is the socket), before PeerServer's: the code goes to registration. */
  function closed(this: WebSocket, code: number): void {
    live.delete(this);
    registration.closed(this, code);
  }

  peerServer.on('error', (error: Error) => log.debug({ err: error.message }, 'signaling input rejected'));
  peerServer.on('connection', (client: IClient) => registration.connected(client));
  peerServer.on('disconnect', (client: IClient) => registration.disconnected(client));
  support.bind(registry.transport);
  deps.shared?.attach({ registry, offline });
  const { metrics } = deps;
  peerServer.on('message', relay({ rooms, support, shared: deps.shared, registry, offline, rate, turn, log, dropped: metrics.dropped, forwarded: (type) => metrics.relay(type) }));
  // After the relay decided: what still has a relayed type is passed on by PeerServer.
  peerServer.on('message', (_client: IClient, message: IMessage) => {
    if (RELAYED_TYPES.has(message.type as string)) metrics.relay(message.type as string);
  });
  liveness.start();

  return {
    app: peerServer,
    /** Open signaling WebSockets (metrics). */
    sockets: (): number => live.size,
    /** Close every signaling socket (shutdown): a close frame first, then the TCP connection. */
    async stop(): Promise<void> {
      liveness.stop();
      offline.clear();
      turn.clear();
      const sockets = [...live];
      for (const socket of sockets) socket.close(1001, 'server shutting down');
      const closed = sockets.map((s) => new Promise((resolve) => (s.readyState === s.CLOSED ? resolve(null) : s.once('close', resolve))));
      await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      for (const socket of sockets) socket.terminate();
      wss?.close();
    },
  };
}
