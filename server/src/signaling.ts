/**
 * Signaling: PeerServer (`peer`) mounted on our HTTP server, with the parts it lacks — tickets checked before
 * the WebSocket upgrade, per-address limits on connects and open sockets, a bounded payload, a message rate per
 * socket, relay only inside a room, a bounded queue for members whose socket has not arrived yet, WebSocket
 * ping/pong liveness, and room notices (who left) pushed to the remaining members. Sockets of the support flow
 * (waiting visitors, agent desks: `w`/`d` tickets) register here too but take no seat; their VCW-* messages go to
 * `Support`, and as they are in no room, the relay drops anything else from or to them.
 */
import type { IncomingMessage, OutgoingHttpHeaders, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ExpressPeerServer, type IClient, type IMessage } from 'peer';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { Bucket, clientAddress, SocketCounter, type KeyedLimiter } from './limits.js';
import type { Rooms } from './rooms.js';
import { NOT_WAITING_CLOSE, REMOVED_CLOSE, type Support } from './support.js';
import type { Tickets } from './tickets.js';

/** Where PeerServer is mounted; the WebSocket endpoint is `${SIGNALING_PATH}/peerjs`. */
export const SIGNALING_PATH = '/signal';
export const PEERJS_KEY = 'vcw';
export const MAX_WS_PAYLOAD = 64 * 1024;
const MAX_PAYLOAD_DEPTH = 32;
/**
 * A liveness pass is spread over its interval in this many slices: with 10k sockets, pinging them all at once made
 * 10k pongs arrive at once, and joins waited behind them (join p99 115 ms at 500 joins/s; see BENCHMARKS.md).
 */
const PING_SLICES = 16;
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']);
/** Kept for a member that has not connected yet (as stock PeerServer does, but bounded); LEAVE is not. */
const QUEUED = new Set(['OFFER', 'ANSWER', 'CANDIDATE']);
/** While a socket has this much unsent data (it does not read fast enough), messages to it are dropped. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Close code for a socket that exceeded its message rate (1008 = policy violation). */
export const RATE_LIMITED_CLOSE = 1008;

/** Our own server → widget message: a member's seat was freed. */
export const ROOM_LEAVE = 'VCW-LEAVE';
/** Our own server → widget message: who holds a seat, for a peer that took its seat anew (re-registration). */
export const ROOM_MEMBERS = 'VCW-MEMBERS';
/** The WebSocket close code a browser sends when the page goes away. */
const GOING_AWAY = 1001;
/** A socket's message budget (null once it went over and is being closed). */
const BUDGET = Symbol('budget');
type Budgeted = WebSocket & { [BUDGET]?: Bucket | null };
/** The client address a TCP connection counts against (MAX_SOCKETS_PER_ADDRESS). */
const ADDRESS = Symbol('address');
type Addressed = Duplex & { [ADDRESS]?: string };

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
  readonly support: Support;
  readonly log: Logger;
  readonly originAllowed: (origin: string | undefined) => boolean;
  /** Joins and connects per client address (shared with the room API). */
  readonly joinLimiter: KeyedLimiter;
}

type Done = (ok: boolean, status?: number, message?: string, headers?: OutgoingHttpHeaders) => void;

/** Refuse an upgrade with the API's JSON error shape. */
function refuse(done: Done, status: number, error: string, message: string, headers: OutgoingHttpHeaders = {}): void {
  done(false, status, JSON.stringify({ error, message }), { 'Content-Type': 'application/json', ...headers });
}

interface Queue {
  readonly messages: object[];
  bytes: number;
}

export function createSignaling(server: Server, { config, rooms, tickets, support, log, originAllowed, joinLimiter }: SignalingDeps) {
  const clients = new Map<string, IClient>();
  const sockets = new Map<string, WebSocket>();
  // Sockets pinged and not yet answered, with when. Kept this way round (not "answered"), it holds only the
  // pings in flight, so liveness costs no memory per client. One shared pong listener (`this` is the socket).
  const awaitingPong = new WeakMap<WebSocket, number>();
  function markAlive(this: WebSocket): void {
    awaitingPong.delete(this);
  }
  const open = new SocketCounter(config.maxSocketsPerAddress);
  function releaseAddress(this: Addressed): void {
    if (this[ADDRESS] !== undefined) open.release(this[ADDRESS]);
  }
  /** Messages for reserved seats whose socket has not arrived yet, bounded per seat; cleared when the seat goes. */
  const queues = new Map<string, Queue>();
  let wss: WebSocketServer | undefined;
  // The frame PeerServer is about to parse: our raw listener runs first on every socket, and PeerServer parses
  // and emits `message` synchronously right after, so these describe the message the `message` listener sees.
  let frameBytes = 0;
  let frameOverRate = false;

  const verifyClient = (info: { origin: string; req: IncomingMessage }, done: Done): void => {
    if (!originAllowed(info.origin || undefined)) return refuse(done, 403, 'forbidden', 'This site is not allowed to embed calls from this server.');
    const address = clientAddress(info.req, config.trustProxy);
    if (!joinLimiter.take(address)) {
      log.debug({ address }, 'connect rate-limited');
      const wait = Math.max(1, joinLimiter.wait(address));
      return refuse(done, 429, 'rate-limited', 'Too many connections from your address; try again in a moment.', { 'Retry-After': String(wait) });
    }
    const query = new URL(info.req.url ?? '/', 'http://signal').searchParams;
    const id = query.get('id');
    const claims = tickets.verify(query.get('token'));
    if (query.get('key') !== PEERJS_KEY || !claims || claims.p !== id) return refuse(done, 401, 'forbidden', 'The ticket is missing, invalid or expired.');
    if (support.isBanned(claims.r, claims.p)) return refuse(done, 403, 'forbidden', 'You were removed from this call.');
    // Waiting and desk tickets take no seat, so a full room does not concern them.
    if (claims.k === undefined && !rooms.canConnect(claims.r, claims.p)) return refuse(done, 409, 'room-full', 'This room is full.');
    if (!open.acquire(address)) {
      log.debug({ address }, 'too many sockets');
      return refuse(done, 429, 'rate-limited', 'Too many open connections from your address.');
    }
    // Counted until the TCP connection closes, whether or not the upgrade completes (a shared listener: the
    // address rides on the TCP socket).
    (info.req.socket as Addressed)[ADDRESS] = address;
    info.req.socket.once('close', releaseAddress);
    done(true);
  };

  /** How each socket closed, for the seat's release reason. */
  const closeCodes = new WeakMap<WebSocket, number>();
  function recordClose(this: WebSocket, code: number): void {
    closeCodes.set(this, code);
  }
  /** Spend one of the socket's message budget; over it, close the socket (once) and say so. */
  function overRate(this: Budgeted): boolean {
    const budget = this[BUDGET];
    if (!budget) return true;
    if (budget.take()) return false;
    // Over the rate: say why, stop reading (nothing more is parsed or relayed), and cut the connection
    // if the client does not finish the close handshake at once.
    this[BUDGET] = null;
    log.debug({ rate: config.messageRateLimit }, 'socket over its message rate: closed');
    this.close(RATE_LIMITED_CLOSE, 'rate-limited');
    this.pause();
    setTimeout(() => this.terminate(), 1000).unref();
    return true;
  }
  function onFrame(this: Budgeted, data: Buffer | ArrayBuffer | Buffer[]): void {
    frameBytes = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    frameOverRate = overRate.call(this);
  }
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
        // Listeners shared by every socket (their state lives on the socket): no closures per client.
        socket.on('pong', markAlive);
        // Before PeerServer's close listener, which hands the seat back: the release reason needs the code.
        socket.on('close', recordClose);
        // Registered before PeerServer's own listener: sees every frame first.
        (socket as Budgeted)[BUDGET] = new Bucket(config.messageRateLimit * 10, config.messageRateLimit);
        socket.on('message', onFrame);
        // Browsers never ping; a client that floods pings (each answered with a pong) spends the same budget.
        socket.on('ping', overRate);
      });
      return wss;
    },
  });

  peerServer.on('error', (error: Error) => log.debug({ err: error.message }, 'signaling input rejected'));

  peerServer.on('connection', (client: IClient) => {
    const claims = tickets.verify(client.getToken());
    const kind = claims?.k;
    const socket = client.getSocket();
    // Removed between the upgrade check and now (a reconnect racing the removal): no seat again.
    if (claims && kind === undefined && support.isBanned(claims.r, claims.p)) {
      socket?.close(REMOVED_CLOSE, 'removed');
      return;
    }
    const seat = claims && kind === undefined ? rooms.connect(claims.r, claims.p, claims.n) : undefined;
    if (!claims || seat === null) {
      client.send({ type: 'ERROR', payload: { msg: 'room-full' } });
      socket?.close(4009, 'room-full');
      return;
    }
    // A waiting ticket whose visitor is not in the queue any more (declined, timed out, a server restart) or a
    // desk that was forgotten: the widget knocks (or opens the desk) again.
    if (kind !== undefined && !support.accepts(kind, claims.p, claims.r)) {
      // An older socket of the same ticket (still open after a decline) goes too: PeerServer now knows only this one.
      const previous = sockets.get(claims.p);
      if (previous && previous !== socket) previous.close(NOT_WAITING_CLOSE, 'not-waiting');
      socket?.close(NOT_WAITING_CLOSE, 'not-waiting');
      return;
    }
    // PeerServer re-attaches a second socket with the same id and ticket silently: drop the old socket and
    // send the OPEN PeerServer leaves out, or the widget would wait for it forever.
    const id = client.getId();
    const previous = sockets.get(id);
    if (previous && previous !== socket) {
      previous.terminate();
      client.send({ type: 'OPEN' });
    }
    if (socket) sockets.set(id, socket);
    clients.set(id, client);
    log.debug({ room: claims.r, peer: claims.p, kind }, 'peer registered');
    // Support sockets hear where they stand (after OPEN); nothing is queued for them.
    if (kind !== undefined) return support.connected(kind, id);
    // What others sent before this socket arrived, in order, after OPEN (as stock PeerServer does).
    const queue = queues.get(id);
    queues.delete(id);
    for (const message of queue?.messages ?? []) client.send(message);
    // Re-registering after a server restart, it takes its seat anew: whoever reserved a seat meanwhile got a
    // member list without it, and members never dial newcomers. It hears who holds a seat and dials those it has
    // no connection with (its old partners it has; a newcomer cannot have dialled it) — one dialler per pair.
    if (seat?.others?.length) client.send({ type: ROOM_MEMBERS, payload: { members: seat.others } });
  });

  // A page that is closed, reloaded or removed closes its socket with 1001 "going away": the room hears that the
  // member is gone for good, not only that its socket dropped (which a running call survives), so the others can
  // remove the tile at once even when the page's own goodbye on the data connection did not make it out.
  peerServer.on('disconnect', (client: IClient) => {
    const id = client.getId();
    const socket = sockets.get(id);
    if (clients.get(id) === client) clients.delete(id);
    sockets.delete(id);
    rooms.release(id, socket && closeCodes.get(socket) === GOING_AWAY ? 'gone' : 'disconnected');
    // A waiting visitor leaves its queue, a desk goes offline (nothing for a member).
    support.disconnected(id);
  });

  // Support reaches its sockets through the same registry; what it sends is never queued for an absent socket.
  support.bind({
    send(peerId, text, droppable) {
      const target = sockets.get(peerId);
      if (!target || target.readyState !== target.OPEN) return;
      if (droppable && target.bufferedAmount > MAX_BUFFERED_BYTES) return;
      target.send(text);
    },
    close(peerId, code, reason) {
      const target = sockets.get(peerId);
      if (!target) return;
      target.close(code, reason);
      // A client that does not finish the close handshake is cut off (as for an over-rate socket).
      setTimeout(() => target.terminate(), 1000).unref();
    },
  });

  /** Keep a message for a member that has reserved a seat but not connected yet, within the bounds. */
  const enqueue = (dst: string, message: object, bytes: number): boolean => {
    let queue = queues.get(dst);
    if (!queue) {
      if (config.offlineQueueLimit === 0) return false;
      queue = { messages: [], bytes: 0 };
      queues.set(dst, queue);
    }
    if (queue.messages.length >= config.offlineQueueLimit || queue.bytes + bytes > config.offlineQueueBytes) return false;
    queue.messages.push(message);
    queue.bytes += bytes;
    return true;
  };

  // Relay only inside a room; drop everything else before PeerServer sees it. PeerServer passes the same
  // object to its handlers after this listener, and has no handler for an unknown type.
  // Everything that is not relayed now is turned into a type PeerServer has no handler for, so PeerServer
  // neither relays nor queues it; what waits for a member that has not connected yet waits in `queues`.
  peerServer.on('message', (client: IClient, message: IMessage) => {
    const msg = message as unknown as { type: unknown; src: unknown; dst: unknown; payload: unknown };
    if (frameOverRate) {
      msg.type = 'DROPPED';
      return;
    }
    if (msg.type === 'HEARTBEAT') return;
    // Our own client messages (the support flow's): Support checks who sent what; never relayed.
    if (typeof msg.type === 'string' && msg.type.startsWith('VCW-')) {
      support.message(client.getId(), msg.type, msg.payload);
      msg.type = 'DROPPED';
      return;
    }
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
      return;
    }
    const dst = msg.dst as string;
    if (!clients.has(dst)) {
      const kept = QUEUED.has(msg.type as string) && enqueue(dst, { type: msg.type, src: msg.src, dst, payload: msg.payload }, frameBytes);
      if (!kept) log.debug({ peer: client.getId(), dst }, 'message for a member not connected yet dropped');
      msg.type = 'DROPPED';
      return;
    }
    // A receiver that does not keep up is not buffered for without end: while its backlog is over the bound,
    // messages to it are dropped (it keeps its socket — a flood from someone else must not cost it the call).
    const target = sockets.get(dst);
    if (target && target.bufferedAmount > MAX_BUFFERED_BYTES) {
      log.debug({ peer: dst }, 'receiver backlogged: message dropped');
      msg.type = 'DROPPED';
    }
  });

  rooms.on('release', (room, peerId, reason, members) => {
    queues.delete(peerId);
    for (const member of members) clients.get(member.peerId)?.send({ type: ROOM_LEAVE, payload: { peerId, reason } });
    log.debug({ room, peer: peerId, reason }, 'seat released');
  });

  // One liveness pass per interval, spread over the interval in slices: each tick visits the next sixteenth of
  // the live socket set (by position, so a socket that just connected is visited within one interval). Pinging
  // every socket in one go stalled joins and relay behind it (see BENCHMARKS.md). A socket is dropped when its
  // ping from the previous visit (at least half an interval old) is still unanswered.
  const visit = (socket: WebSocket, now: number): void => {
    if (socket.readyState !== socket.OPEN) return;
    const pinged = awaitingPong.get(socket);
    if (pinged !== undefined) {
      if (now - pinged >= config.pingIntervalMs / 2) socket.terminate();
      return;
    }
    awaitingPong.set(socket, now);
    socket.ping();
  };
  let slice = 0;
  const pinger = setInterval(() => {
    const all = wss?.clients;
    const k = slice;
    slice = (slice + 1) % PING_SLICES;
    if (!all?.size) return;
    const from = Math.floor((all.size * k) / PING_SLICES);
    const to = Math.floor((all.size * (k + 1)) / PING_SLICES);
    const now = Date.now();
    let i = 0;
    for (const socket of all) {
      if (i >= to) break;
      if (i++ >= from) visit(socket, now);
    }
  }, config.pingIntervalMs / PING_SLICES);
  pinger.unref();

  return {
    app: peerServer,
    /** Close every signaling socket (shutdown): a close frame first, then the TCP connection. */
    async stop(): Promise<void> {
      clearInterval(pinger);
      queues.clear();
      const sockets = [...(wss?.clients ?? [])];
      for (const socket of sockets) socket.close(1001, 'server shutting down');
      const closed = sockets.map((s) => new Promise((resolve) => (s.readyState === s.CLOSED ? resolve(null) : s.once('close', resolve))));
      await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
      for (const socket of sockets) socket.terminate();
      wss?.close();
    },
  };
}
