/**
 * The customer-support flow (docs/SUPPORT-PROTOCOL.md): a queue of waiting visitors per support room, the agents'
 * desks on it, and admission into a fresh private call room for one agent and one visitor.
 *
 * Nobody in a queue is in a room: waiting visitors and desks hold sockets but no seats, so the room-scoped relay
 * drops anything they send or anything sent to them. What they may say is only the VCW-* messages handled here,
 * each validated field by field; anything else is ignored. Everything is synchronous: of two agents admitting
 * one visitor at once, the first takes the visitor out of the queue before the second is looked at.
 *
 * Ordinary room members cost nothing here: state exists only for visitors, desks, and the call rooms admission
 * created (with the ids removed from them).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { iceServersFor, type IceServer } from './ice.js';
import type { Member, Rooms } from './rooms.js';
import { newPeerId, PEER_ID, type TicketKind, type Tickets } from './tickets.js';

/** Where a browser's signaling WebSocket goes (the `signaling` of a join answer), as seen by its HTTP request. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly secure: boolean;
  readonly key: string;
}

/** A `join` answer: what a widget needs to take its seat in a room. */
export interface SeatAnswer {
  readonly peerId: string;
  readonly ticket: string;
  readonly members: Member[];
  readonly iceServers: IceServer[];
  readonly maxPeers: number;
  readonly signaling: Endpoint;
  /** The call room's name (the widget renews its ticket there). */
  readonly room: string;
}

/** How support reaches sockets (bound by the signaling layer): sends are best effort, never throw. */
export interface Transport {
  /** Send a JSON text to the socket registered as `peerId`; a `droppable` one is skipped while that socket is backlogged. */
  send(peerId: string, text: string, droppable: boolean): void;
  /** Close the socket registered as `peerId`. */
  close(peerId: string, code: number, reason: string): void;
}

/** Close code for a waiting or desk ticket that has no visitor in the queue / desk any more: knock (or open) again. */
export const NOT_WAITING_CLOSE = 4410;
/** Close code for a member an agent removed from a support call. */
export const REMOVED_CLOSE = 4003;

/** Server → visitor. */
export const QUEUE = 'VCW-QUEUE';
export const ADMITTED = 'VCW-ADMITTED';
export const DECLINED = 'VCW-DECLINED';
/** Server → desk. */
export const WAITING = 'VCW-WAITING';
export const PREVIEW = 'VCW-PREVIEW';
export const RESULT = 'VCW-RESULT';
/** Desk → server. */
export const ADMIT = 'VCW-ADMIT';
export const DECLINE = 'VCW-DECLINE';
export const REMOVE = 'VCW-REMOVE';
/** Server → removed member. */
export const REMOVED = 'VCW-REMOVED';

/** A preview is a JPEG data URL of at most this many characters (48 KiB). */
export const MAX_PREVIEW = 48 * 1024;
/** A visitor's previews closer together than this are dropped. */
export const PREVIEW_INTERVAL_MS = 500;
/** An agent's decline message, in characters. */
export const MAX_DECLINE_MESSAGE = 500;
const PREVIEW_DATA_URL = /^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/;
const MAX_REQ = 2 ** 31 - 1;

export type ResultError = 'gone' | 'room-full' | 'not-found' | 'bad-request';

interface Visitor {
  readonly peerId: string;
  readonly room: string;
  readonly name: string;
  readonly page: string;
  readonly context: Record<string, unknown>;
  /** Knock time, ms since the epoch. */
  readonly since: number;
  readonly signaling: Endpoint;
  /** Its socket arrived. Only connected visitors are shown to desks (only they can hear the outcome). */
  connected: boolean;
  /** The latest preview kept, and when it was kept. */
  preview: string | undefined;
  previewAt: number;
  /** The last VCW-QUEUE sent, so only changes are sent. */
  sentPosition: number;
  sentWaiting: number;
  /** Until the socket arrives: the knock expires like an unclaimed seat. Then: the waiting timeout. */
  timer: NodeJS.Timeout | undefined;
}

interface Desk {
  readonly peerId: string;
  readonly room: string;
  readonly name: string;
  readonly signaling: Endpoint;
  connected: boolean;
  /** While not connected (before its socket came, or after it dropped): forgotten when this fires. */
  timer: NodeJS.Timeout | undefined;
}

interface Queue {
  /** In knock order (a Map keeps insertion order). */
  readonly visitors: Map<string, Visitor>;
  readonly desks: Set<string>;
}

interface CallRoom {
  readonly queue: string;
  /** Removed member ids (created on the first removal). */
  banned: Set<string> | undefined;
  linger: NodeJS.Timeout | undefined;
}

type Payload = Record<string, unknown>;

/** `R` cut so that `${R}-${16 hex}` is a room name (≤ 64 characters). */
function callRoomName(queue: string): string {
  return `${queue.slice(0, 64 - 17)}-${randomBytes(8).toString('hex')}`;
}

function isReq(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_REQ;
}

/** Compare secrets in constant time, whatever their lengths (both hashed to 32 bytes first). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export class Support {
  private readonly queues = new Map<string, Queue>();
  private readonly visitors = new Map<string, Visitor>();
  private readonly desks = new Map<string, Desk>();
  /**
   * Call rooms admission created: the queue they came from, the ids removed from them (refused if they try to
   * register there again), and — once the room is empty — the timer that forgets them.
   */
  private readonly callRooms = new Map<string, CallRoom>();
  private transport: Transport = { send: () => {}, close: () => {} };

  constructor(
    private readonly config: Config,
    private readonly rooms: Rooms,
    private readonly tickets: Tickets,
    private readonly log: Logger,
  ) {
    // A call room whose last seat went is not forgotten at once: the member tickets for it stay valid for up to
    // TICKET_TTL, and any of them can bring the room back (the after-restart path of Rooms.connect). Until the
    // last ticket a removed member could hold has expired (renew refuses it), its ban and the refusal of
    // `/join` must outlive the room; then the entry goes.
    rooms.on('release', (room) => {
      const call = this.callRooms.get(room);
      if (!call || rooms.has(room)) return;
      clearTimeout(call.linger);
      call.linger = setTimeout(() => {
        if (rooms.has(room)) return;
        this.callRooms.delete(room);
        log.debug({ room }, 'support call room forgotten');
      }, this.config.ticketTtl * 1000);
      call.linger.unref();
    });
  }

  bind(transport: Transport): void {
    this.transport = transport;
  }

  // ------------------------------------------------------------ HTTP side

  /** A visitor knocks on queue `room`: its id, ticket and position, or null when the queue is full. */
  knock(room: string, visitor: { name: string; page: string; context: Record<string, unknown>; signaling: Endpoint }): { peerId: string; ticket: string; position: number } | null {
    const queue = this.queue(room);
    if (queue.visitors.size >= this.config.maxWaiting) {
      this.dropIfEmpty(room, queue);
      return null;
    }
    const peerId = newPeerId();
    const entry: Visitor = {
      peerId,
      room,
      ...visitor,
      since: Date.now(),
      connected: false,
      preview: undefined,
      previewAt: 0,
      sentPosition: 0,
      sentWaiting: 0,
      timer: undefined,
    };
    // A knock whose socket never comes must not hold a place in the queue for the whole waiting timeout.
    entry.timer = setTimeout(() => this.leave(entry, 'expired'), Math.min(this.config.seatTimeoutMs, this.config.waitingTimeoutMs));
    entry.timer.unref();
    queue.visitors.set(peerId, entry);
    this.visitors.set(peerId, entry);
    this.log.debug({ room, peer: peerId, waiting: queue.visitors.size }, 'visitor knocked');
    return { peerId, ticket: this.tickets.issue(room, peerId, visitor.name, Date.now(), 'w'), position: queue.visitors.size };
  }

  /** An agent opens a desk on queue `room` (already authorised). */
  openDesk(room: string, name: string, signaling: Endpoint): { peerId: string; ticket: string } {
    const queue = this.queue(room);
    const peerId = newPeerId();
    const desk: Desk = { peerId, room, name, signaling, connected: false, timer: undefined };
    desk.timer = setTimeout(() => this.forgetDesk(desk), this.config.seatTimeoutMs);
    desk.timer.unref();
    queue.desks.add(peerId);
    this.desks.set(peerId, desk);
    this.log.debug({ room, peer: peerId }, 'desk opened');
    return { peerId, ticket: this.tickets.issue(room, peerId, name, Date.now(), 'd') };
  }

  /** `GET /api/rooms/R/support`: desks online, visitors waiting. */
  stats(room: string): { agents: number; waiting: number } {
    const queue = this.queues.get(room);
    if (!queue) return { agents: 0, waiting: 0 };
    let agents = 0;
    for (const id of queue.desks) if (this.desks.get(id)?.connected) agents++;
    return { agents, waiting: queue.visitors.size };
  }

  /** The queue a call room was created from, or undefined for any other room. */
  queueOf(room: string): string | undefined {
    return this.callRooms.get(room)?.queue;
  }

  // ------------------------------------------------------------ socket side

  /** Was this peer removed from this room by an agent? */
  isBanned(room: string, peerId: string): boolean {
    return this.callRooms.get(room)?.banned?.has(peerId) ?? false;
  }

  /** May a socket with a `w`/`d` ticket for `room` register as `peerId`? (False once the visitor left the queue.) */
  accepts(kind: TicketKind, peerId: string, room: string): boolean {
    const entry = kind === 'w' ? this.visitors.get(peerId) : this.desks.get(peerId);
    return entry !== undefined && entry.room === room;
  }

  /** The socket of an accepted `w`/`d` ticket is registered (after OPEN): say where it stands. */
  connected(kind: TicketKind, peerId: string): void {
    if (kind === 'w') {
      const visitor = this.visitors.get(peerId);
      if (!visitor) return;
      const queue = this.queues.get(visitor.room)!;
      const first = !visitor.connected;
      if (first) {
        visitor.connected = true;
        clearTimeout(visitor.timer);
        const left = Math.max(0, visitor.since + this.config.waitingTimeoutMs - Date.now());
        visitor.timer = setTimeout(() => this.timeout(visitor), left);
        visitor.timer.unref();
      }
      // On connect (also a re-attached socket) the visitor always hears its position.
      visitor.sentPosition = 0;
      this.refresh(queue, first);
      return;
    }
    const desk = this.desks.get(peerId);
    if (!desk) return;
    clearTimeout(desk.timer);
    desk.timer = undefined;
    desk.connected = true;
    const queue = this.queues.get(desk.room)!;
    this.transport.send(peerId, this.waitingText(queue), false);
    for (const visitor of queue.visitors.values()) {
      if (visitor.connected && visitor.preview) this.transport.send(peerId, previewText(visitor), true);
    }
    this.log.debug({ room: desk.room, peer: peerId }, 'desk online');
  }

  /** A socket went away: a visitor leaves its queue; a desk goes offline (and is forgotten unless it comes back). */
  disconnected(peerId: string): void {
    const visitor = this.visitors.get(peerId);
    if (visitor) return this.leave(visitor, 'disconnected');
    const desk = this.desks.get(peerId);
    if (!desk || !desk.connected) return;
    desk.connected = false;
    desk.timer = setTimeout(() => this.forgetDesk(desk), this.config.seatTimeoutMs);
    desk.timer.unref();
    this.log.debug({ room: desk.room, peer: peerId }, 'desk offline');
  }

  /** A VCW-* message from any socket. Only a visitor's PREVIEW and a desk's ADMIT/DECLINE/REMOVE mean anything. */
  message(peerId: string, type: string, payload: unknown): void {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return;
    const p = payload as Payload;
    if (type === PREVIEW) {
      const visitor = this.visitors.get(peerId);
      if (visitor?.connected) this.preview(visitor, p.image);
      return;
    }
    const desk = this.desks.get(peerId);
    if (!desk?.connected) return;
    // Without a valid `req` the answer could not be matched to its request: nothing is answered.
    if (type !== ADMIT && type !== DECLINE && type !== REMOVE) return;
    if (!isReq(p.req)) return;
    const req = p.req;
    if (typeof p.id !== 'string' || !PEER_ID.test(p.id)) return this.result(desk, req, 'bad-request', '"id" must be a peer id.');
    if (type === ADMIT) return this.admit(desk, req, p.id);
    if (type === DECLINE) {
      const text = p.message ?? '';
      if (typeof text !== 'string' || text.length > 2 * MAX_DECLINE_MESSAGE || [...text].length > MAX_DECLINE_MESSAGE) {
        return this.result(desk, req, 'bad-request', `"message" must be a string of at most ${MAX_DECLINE_MESSAGE} characters.`);
      }
      return this.decline(desk, req, p.id, text);
    }
    return this.remove(desk, req, p.id);
  }

  /** Drop every timer and all state (shutdown). */
  clear(): void {
    for (const visitor of this.visitors.values()) clearTimeout(visitor.timer);
    for (const desk of this.desks.values()) clearTimeout(desk.timer);
    for (const call of this.callRooms.values()) clearTimeout(call.linger);
    this.queues.clear();
    this.visitors.clear();
    this.desks.clear();
    this.callRooms.clear();
  }

  // ------------------------------------------------------------ internals

  private queue(room: string): Queue {
    let queue = this.queues.get(room);
    if (!queue) {
      queue = { visitors: new Map(), desks: new Set() };
      this.queues.set(room, queue);
    }
    return queue;
  }

  private dropIfEmpty(room: string, queue: Queue): void {
    if (queue.visitors.size === 0 && queue.desks.size === 0) this.queues.delete(room);
  }

  private forgetDesk(desk: Desk): void {
    if (desk.connected || this.desks.get(desk.peerId) !== desk) return;
    this.desks.delete(desk.peerId);
    const queue = this.queues.get(desk.room);
    if (!queue) return;
    queue.desks.delete(desk.peerId);
    this.dropIfEmpty(desk.room, queue);
  }

  /** Take a visitor out of its queue (admitted, declined, timed out, gone) and tell everyone what changed. */
  private leave(visitor: Visitor, why: string): void {
    if (this.visitors.get(visitor.peerId) !== visitor) return;
    clearTimeout(visitor.timer);
    this.visitors.delete(visitor.peerId);
    const queue = this.queues.get(visitor.room);
    if (!queue) return;
    queue.visitors.delete(visitor.peerId);
    this.log.debug({ room: visitor.room, peer: visitor.peerId, why }, 'visitor left the queue');
    this.refresh(queue, visitor.connected);
    this.dropIfEmpty(visitor.room, queue);
  }

  /**
   * Send each connected visitor its position when it changed, and the desks the queue when what they see
   * (the connected visitors) changed.
   */
  private refresh(queue: Queue, desksToo: boolean): void {
    const waiting = queue.visitors.size;
    let position = 0;
    for (const visitor of queue.visitors.values()) {
      position++;
      if (!visitor.connected || (visitor.sentPosition === position && visitor.sentWaiting === waiting)) continue;
      visitor.sentPosition = position;
      visitor.sentWaiting = waiting;
      this.transport.send(visitor.peerId, JSON.stringify({ type: QUEUE, payload: { position, waiting } }), false);
    }
    if (!desksToo) return;
    let text: string | undefined;
    for (const id of queue.desks) {
      if (!this.desks.get(id)?.connected) continue;
      text ??= this.waitingText(queue);
      this.transport.send(id, text, false);
    }
  }

  private waitingText(queue: Queue): string {
    const visitors = [];
    for (const v of queue.visitors.values()) {
      if (v.connected) visitors.push({ id: v.peerId, name: v.name, page: v.page, context: v.context, since: v.since });
    }
    return JSON.stringify({ type: WAITING, payload: { visitors } });
  }

  private timeout(visitor: Visitor): void {
    if (this.visitors.get(visitor.peerId) !== visitor) return;
    this.transport.send(visitor.peerId, JSON.stringify({ type: DECLINED, payload: { reason: 'timeout', message: '' } }), false);
    this.leave(visitor, 'timeout');
  }

  private preview(visitor: Visitor, image: unknown): void {
    if (typeof image !== 'string' || image.length > MAX_PREVIEW || !PREVIEW_DATA_URL.test(image)) return;
    const now = Date.now();
    if (visitor.preview !== undefined && now - visitor.previewAt < PREVIEW_INTERVAL_MS) return;
    visitor.preview = image;
    visitor.previewAt = now;
    const queue = this.queues.get(visitor.room);
    if (!queue) return;
    let text: string | undefined;
    for (const id of queue.desks) {
      if (!this.desks.get(id)?.connected) continue;
      text ??= previewText(visitor);
      // A desk that does not read fast enough misses previews, not the queue.
      this.transport.send(id, text, true);
    }
  }

  private result(desk: Desk, req: number, error: ResultError, message: string): void {
    this.transport.send(desk.peerId, JSON.stringify({ type: RESULT, payload: { req, ok: false, error, message } }), false);
  }

  /** The visitor `id` waiting in this desk's queue with a socket (only those are shown to desks), or undefined. */
  private waitingIn(desk: Desk, id: string): Visitor | undefined {
    const visitor = this.visitors.get(id);
    return visitor && visitor.room === desk.room && visitor.connected ? visitor : undefined;
  }

  private admit(desk: Desk, req: number, id: string): void {
    const visitor = this.waitingIn(desk, id);
    if (!visitor) return this.result(desk, req, 'gone', 'This visitor is not waiting any more.');
    const room = callRoomName(desk.room);
    // Agent first: the visitor's `members` is the agent, and the visitor dials.
    const agentSeat = this.rooms.reserve(room, desk.name);
    const visitorSeat = agentSeat && this.rooms.reserve(room, visitor.name);
    if (!agentSeat || !visitorSeat) {
      if (agentSeat) this.rooms.release(agentSeat.peerId, 'expired');
      return this.result(desk, req, 'room-full', 'No call room could be created.');
    }
    this.callRooms.set(room, { queue: desk.room, banned: undefined, linger: undefined });
    const iceServers = iceServersFor(this.config);
    const seat = (peerId: string, name: string, members: Member[], signaling: Endpoint): SeatAnswer => ({
      peerId,
      ticket: this.tickets.issue(room, peerId, name),
      members,
      iceServers,
      maxPeers: this.config.maxPeers,
      signaling,
      room,
    });
    const forVisitor = seat(visitorSeat.peerId, visitor.name, visitorSeat.members, visitor.signaling);
    const forAgent = seat(agentSeat.peerId, desk.name, agentSeat.members, desk.signaling);
    this.transport.send(visitor.peerId, JSON.stringify({ type: ADMITTED, payload: { seat: forVisitor } }), false);
    this.transport.send(desk.peerId, JSON.stringify({ type: RESULT, payload: { req, ok: true, seat: forAgent } }), false);
    this.log.debug({ queue: desk.room, room, desk: desk.peerId, visitor: visitor.peerId }, 'visitor admitted');
    this.leave(visitor, 'admitted');
  }

  private decline(desk: Desk, req: number, id: string, message: string): void {
    const visitor = this.waitingIn(desk, id);
    if (!visitor) return this.result(desk, req, 'gone', 'This visitor is not waiting any more.');
    this.transport.send(visitor.peerId, JSON.stringify({ type: DECLINED, payload: { reason: 'declined', message } }), false);
    this.transport.send(desk.peerId, JSON.stringify({ type: RESULT, payload: { req, ok: true } }), false);
    this.leave(visitor, 'declined');
  }

  private remove(desk: Desk, req: number, id: string): void {
    const room = this.rooms.roomOf(id);
    const call = room === undefined ? undefined : this.callRooms.get(room);
    if (!call || call.queue !== desk.room) return this.result(desk, req, 'not-found', 'This is not a member of a call this queue created.');
    // Banned before the seat goes, so the socket's own close (or a racing reconnect) cannot take a seat again.
    (call.banned ??= new Set()).add(id);
    this.transport.send(id, JSON.stringify({ type: REMOVED, payload: {} }), false);
    this.rooms.release(id, 'removed');
    this.transport.close(id, REMOVED_CLOSE, 'removed');
    this.transport.send(desk.peerId, JSON.stringify({ type: RESULT, payload: { req, ok: true } }), false);
    this.log.debug({ queue: desk.room, room, desk: desk.peerId, peer: id }, 'member removed');
  }
}

function previewText(visitor: Visitor): string {
  return JSON.stringify({ type: PREVIEW, payload: { id: visitor.peerId, image: visitor.preview } });
}
