/**
 * Signaling: PeerServer (`peer`) mounted on our HTTP server, with the parts it lacks — tickets checked before
 * the WebSocket upgrade, a bounded payload, relay only inside a room, WebSocket ping/pong liveness, and
 * room notices (who left) pushed to the remaining members.
 */
import type { IncomingMessage, Server } from 'node:http';
import { ExpressPeerServer, type IClient, type IMessage } from 'peer';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Rooms } from './rooms.js';
import type { Tickets } from './tickets.js';

/** Where PeerServer is mounted; the WebSocket endpoint is `${SIGNALING_PATH}/peerjs`. */
export const SIGNALING_PATH = '/signal';
export const PEERJS_KEY = 'vcw';
export const MAX_WS_PAYLOAD = 64 * 1024;
const MAX_PAYLOAD_DEPTH = 32;
const PING_CHUNK = 256;
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']);

/** Our own server → widget message: a member's seat was freed. */
export const ROOM_LEAVE = 'VCW-LEAVE';

/** True when a JSON value nests deeper than `limit` (iterative: a hostile payload cannot blow the stack). */
export function nestsDeeper(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

export interface SignalingDeps {
  readonly config: Config;
  readonly rooms: Rooms;
  readonly tickets: Tickets;
  readonly log: Logger;
  readonly originAllowed: (origin: string | undefined) => boolean;
}

export function createSignaling(server: Server, { config, rooms, tickets, log, originAllowed }: SignalingDeps) {
  const clients = new Map<string, IClient>();
  const sockets = new Map<string, WebSocket>();
  // Sockets pinged and not yet answered. Kept this way round (not "answered"), it is nearly empty between
  // passes, so liveness costs no memory per client. One shared pong listener (`this` is the socket).
  const awaitingPong = new WeakSet<WebSocket>();
  function markAlive(this: WebSocket): void {
    awaitingPong.delete(this);
  }
  let wss: WebSocketServer | undefined;

  const verifyClient = (
    info: { origin: string; req: IncomingMessage },
    done: (ok: boolean, status?: number, message?: string) => void,
  ): void => {
    if (!originAllowed(info.origin || undefined)) return done(false, 403, 'Origin not allowed');
    const query = new URL(info.req.url ?? '/', 'http://signal').searchParams;
    const id = query.get('id');
    const claims = tickets.verify(query.get('token'));
    if (query.get('key') !== PEERJS_KEY || !claims || claims.p !== id) return done(false, 401, 'Invalid ticket');
    if (!rooms.canConnect(claims.r, claims.p)) return done(false, 409, 'Room is full');
    done(true);
  };

  const peerServer = ExpressPeerServer(server, {
    path: '/',
    key: PEERJS_KEY,
    allow_discovery: false,
    // Our WebSocket ping/pong finds dead sockets within two ping intervals; this is only a backstop.
    alive_timeout: Math.max(60_000, config.pingIntervalMs * 4),
    concurrent_limit: 100_000,
    corsOptions: { origin: false },
    createWebSocketServer: (options: ServerOptions) => {
      wss = new WebSocketServer({ ...options, maxPayload: MAX_WS_PAYLOAD, verifyClient });
      wss.on('connection', (socket) => {
        socket.on('pong', markAlive);
      });
      return wss;
    },
  });

  peerServer.on('error', (error: Error) => log.debug({ err: error.message }, 'signaling input rejected'));

  peerServer.on('connection', (client: IClient) => {
    const claims = tickets.verify(client.getToken());
    if (!claims || !rooms.connect(claims.r, claims.p, claims.n)) {
      client.send({ type: 'ERROR', payload: { msg: 'room-full' } });
      client.getSocket()?.close(4009, 'room-full');
      return;
    }
    // PeerServer re-attaches a second socket with the same id and ticket silently: drop the old socket and
    // send the OPEN PeerServer leaves out, or the widget would wait for it forever.
    const id = client.getId();
    const socket = client.getSocket();
    const previous = sockets.get(id);
    if (previous && previous !== socket) {
      previous.terminate();
      client.send({ type: 'OPEN' });
    }
    if (socket) sockets.set(id, socket);
    clients.set(id, client);
    log.debug({ room: claims.r, peer: claims.p }, 'peer registered');
  });

  peerServer.on('disconnect', (client: IClient) => {
    const id = client.getId();
    if (clients.get(id) === client) clients.delete(id);
    sockets.delete(id);
    rooms.release(id, 'disconnected');
  });

  // Relay only inside a room; drop everything else before PeerServer sees it. PeerServer passes the same
  // object to its handlers after this listener, and has no handler for an unknown type.
  peerServer.on('message', (client: IClient, message: IMessage) => {
    const msg = message as unknown as { type: unknown; dst: unknown; payload: unknown };
    if (msg.type === 'HEARTBEAT') return;
    const room = rooms.roomOf(client.getId());
    const ok =
      typeof msg.type === 'string' &&
      RELAYED.has(msg.type) &&
      typeof msg.dst === 'string' &&
      room !== undefined &&
      rooms.roomOf(msg.dst) === room &&
      !nestsDeeper(msg.payload, MAX_PAYLOAD_DEPTH);
    if (!ok) {
      log.debug({ peer: client.getId(), type: String(msg.type).slice(0, 32) }, 'signaling message dropped');
      msg.type = 'DROPPED';
    }
  });

  rooms.on('release', (room, peerId, reason, members) => {
    for (const member of members) clients.get(member.peerId)?.send({ type: ROOM_LEAVE, payload: { peerId, reason } });
    log.debug({ room, peer: peerId, reason }, 'seat released');
  });

  // One liveness pass per interval, in chunks with the event loop free in between: pinging every socket in
  // one go stalled joins and relay behind it (join p99 ~400 ms with 10k sockets; see BENCHMARKS.md).
  const pingSome = (batch: WebSocket[], from: number): void => {
    const end = Math.min(from + PING_CHUNK, batch.length);
    for (let i = from; i < end; i++) {
      const socket = batch[i]!;
      if (socket.readyState !== socket.OPEN) continue;
      if (awaitingPong.has(socket)) {
        socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
    if (end < batch.length) setImmediate(pingSome, batch, end);
  };
  const pinger = setInterval(() => pingSome([...(wss?.clients ?? [])], 0), config.pingIntervalMs);
  pinger.unref();

  return {
    app: peerServer,
    /** Close every signaling socket (shutdown): a close frame first, then the TCP connection. */
    async stop(): Promise<void> {
      clearInterval(pinger);
      const sockets = [...(wss?.clients ?? [])];
      for (const socket of sockets) socket.close(1001, 'server shutting down');
      const closed = sockets.map((s) => new Promise((resolve) => (s.readyState === s.CLOSED ? resolve(null) : s.once('close', resolve))));
      await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      for (const socket of sockets) socket.terminate();
      wss?.close();
    },
  };
}
