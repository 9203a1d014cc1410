/**
 * The customer-support flow (docs/SUPPORT-PROTOCOL.md): a queue of waiting visitors per support room, the agents'
 * desks on it, and admission into a fresh private call room for one agent and one visitor. This class is what the
 * routes and signaling talk to; the queues' state is `queue-state.ts`, the call rooms `call-rooms.ts`, and the
 * messages on the sockets `messages.ts`.
 *
 * Nobody in a queue is in a room: waiting visitors and desks hold sockets but no seats, so the room-scoped relay
 * drops anything they send or anything sent to them. What they may say is only the VCW-* messages handled here,
 * each validated field by field; anything else is ignored. Everything is synchronous: of two agents admitting
 * one visitor at once, the first takes the visitor out of the queue before the second is looked at.
 *
 * Ordinary room members cost nothing here: state exists only for visitors, desks, and the call rooms admission
 * created (with the ids removed from them).
 */
import type { Logger } from 'pino';
import { Close, MAX_PREVIEW, Notice } from '../../../src/protocol/limits.js';
import type { SignalingEndpoint, SupportStatus } from '../../../src/protocol/wire.js';
import type { Config } from '../config.js';
import type { CallEvents } from '../events/call-events.js';
import type { Rooms } from '../rooms.js';
import { atDeadline } from '../util/deadline.js';
import { newPeerId, type SupportKind, type Tickets } from '../tickets.js';
import { CallRooms } from './call-rooms.js';
import {
  admittedText,
  declinedText,
  doneText,
  failedText,
  previewText,
  queueText,
  readDeskRequest,
  removedText,
  waitingText,
  type ResultError,
  type Transport,
} from './messages.js';
import { QueueState, type Desk, type Queue, type Visitor } from './queue-state.js';
import { PREVIEW_DATA_URL, PREVIEW_INTERVAL_MS, type Knock, type KnockResult, type SupportService } from './service.js';

export class Support implements SupportService {
  private readonly state = new QueueState();
  private readonly calls: CallRooms;
  private transport: Transport = { send: () => {}, close: () => {} };

  constructor(
    private readonly config: Config,
    private readonly rooms: Rooms,
    private readonly tickets: Tickets,
    private readonly log: Logger,
    /** Where `support.*` events go (the server's `events`; webhooks). */
    private readonly events?: CallEvents,
  ) {
    this.calls = new CallRooms(config, rooms, tickets, log);
  }

  bind(transport: Transport): void {
    this.transport = transport;
  }

  // ------------------------------------------------------------ HTTP side

  /**
   * A visitor knocks on queue `room`: its id, ticket and position — or refused when the queue is full, or already
   * holds MAX_WAITING_PER_VISITOR visitors from this client address or this token subject (so one address or one
   * account cannot fill a queue).
   */
  knock(room: string, visitor: Knock): KnockResult {
    const queue = this.state.queue(room);
    if (queue.visitors.size >= this.config.maxWaiting) {
      this.state.dropIfEmpty(room, queue);
      return { refused: 'full' };
    }
    let fromAddress = 0;
    let fromSubject = 0;
    for (const v of queue.visitors.values()) {
      if (v.address === visitor.address) fromAddress++;
      if (visitor.subject !== undefined && v.subject === visitor.subject) fromSubject++;
    }
    if (Math.max(fromAddress, fromSubject) >= this.config.maxWaitingPerVisitor) return { refused: 'too-many-waiting' };
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
    this.state.addVisitor(queue, entry);
    this.events?.publish('support.knock', { queue: room, visitorId: peerId, name: visitor.name, page: visitor.page });
    this.log.debug({ room, peer: peerId, waiting: queue.visitors.size }, 'visitor knocked');
    return { peerId, ticket: this.tickets.issue(room, peerId, visitor.name, Date.now(), 'waiting', 'guest', visitor.notAfter), position: queue.visitors.size };
  }

  /** An agent opens a desk on queue `room` (already authorised). */
  openDesk(room: string, name: string, signaling: SignalingEndpoint, notAfter?: number): { peerId: string; ticket: string } {
    const queue = this.state.queue(room);
    const peerId = newPeerId();
    const desk: Desk = { peerId, room, name, signaling, notAfter, connected: false, timer: undefined };
    desk.timer = setTimeout(() => this.state.forgetDesk(desk), this.config.seatTimeoutMs);
    desk.timer.unref();
    this.state.addDesk(queue, desk);
    this.log.debug({ room, peer: peerId }, 'desk opened');
    return { peerId, ticket: this.tickets.issue(room, peerId, name, Date.now(), 'desk', 'guest', notAfter) };
  }

  /** `GET /api/rooms/R/support`: desks online, visitors waiting. */
  stats(room: string): SupportStatus {
    return this.state.stats(room);
  }

  /** Across all queues (metrics): visitors waiting, desks online. */
  totals(): { waiting: number; desks: number } {
    return this.state.totals();
  }

  /** The queue a call room was created from, or undefined for any other room. */
  queueOf(room: string): string | undefined {
    return this.calls.queueOf(room);
  }

  // ------------------------------------------------------------ socket side

  /** Was this peer removed from this room by an agent? */
  isBanned(room: string, peerId: string): boolean {
    return this.calls.isBanned(room, peerId);
  }

  /** May a socket with a waiting or desk ticket for `room` register as `peerId`? (False once the visitor left the queue.) */
  accepts(kind: SupportKind, peerId: string, room: string): boolean {
    const entry = kind === 'waiting' ? this.state.visitor(peerId) : this.state.desk(peerId);
    return entry !== undefined && entry.room === room;
  }

  /** The socket of an accepted waiting or desk ticket is registered (after OPEN): say where it stands. */
  connected(kind: SupportKind, peerId: string): void {
    if (kind === 'waiting') {
      const visitor = this.state.visitor(peerId);
      if (!visitor) return;
      const queue = this.state.existing(visitor.room)!;
      const first = !visitor.connected;
      if (first) {
        visitor.connected = true;
        clearTimeout(visitor.timer);
        atDeadline(visitor.since + this.config.waitingTimeoutMs, () => this.timeout(visitor), (timer) => (visitor.timer = timer));
      }
      // On connect (also a re-attached socket) the visitor always hears its position.
      visitor.sentPosition = 0;
      this.refresh(queue, first);
      return;
    }
    const desk = this.state.desk(peerId);
    if (!desk) return;
    clearTimeout(desk.timer);
    desk.timer = undefined;
    desk.connected = true;
    const queue = this.state.existing(desk.room)!;
    this.transport.send(peerId, waitingText(this.state.shown(queue)), false);
    for (const visitor of queue.visitors.values()) {
      if (visitor.connected && visitor.preview) this.transport.send(peerId, previewText(visitor.peerId, visitor.preview), true);
    }
    this.log.debug({ room: desk.room, peer: peerId }, 'desk online');
  }

  /** A socket went away: a visitor leaves its queue; a desk goes offline (and is forgotten unless it comes back). */
  disconnected(peerId: string): void {
    const visitor = this.state.visitor(peerId);
    if (visitor) return this.leave(visitor, 'disconnected');
    const desk = this.state.desk(peerId);
    if (!desk || !desk.connected) return;
    desk.connected = false;
    desk.timer = setTimeout(() => this.state.forgetDesk(desk), this.config.seatTimeoutMs);
    desk.timer.unref();
    this.log.debug({ room: desk.room, peer: peerId }, 'desk offline');
  }

  /** A VCW-* message from any socket. Only a visitor's PREVIEW and a desk's ADMIT/DECLINE/REMOVE mean anything. */
  message(peerId: string, type: string, payload: unknown): void {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return;
    const p = payload as Record<string, unknown>;
    if (type === Notice.PREVIEW) {
      const visitor = this.state.visitor(peerId);
      if (visitor?.connected) this.preview(visitor, p.image);
      return;
    }
    const desk = this.state.desk(peerId);
    if (!desk?.connected) return;
    const request = readDeskRequest(type, p);
    if (!request) return;
    switch (request.type) {
      case 'invalid':
        return this.fail(desk, request.req, 'bad-request', request.message);
      case Notice.ADMIT:
        return this.admit(desk, request.req, request.id);
      case Notice.DECLINE:
        return this.decline(desk, request.req, request.id, request.message);
      case Notice.REMOVE:
        return this.remove(desk, request.req, request.id);
    }
  }

  /** Drop every timer and all state (shutdown). */
  clear(): void {
    this.state.clear();
    this.calls.clear();
  }

  // ------------------------------------------------------------ internals

  /** Take a visitor out of its queue (admitted, declined, timed out, gone) and tell everyone what changed. */
  private leave(visitor: Visitor, why: string): void {
    if (!this.state.holds(visitor)) return;
    clearTimeout(visitor.timer);
    const queue = this.state.removeVisitor(visitor);
    if (!queue) return;
    this.log.debug({ room: visitor.room, peer: visitor.peerId, why }, 'visitor left the queue');
    this.refresh(queue, visitor.connected);
    this.state.dropIfEmpty(visitor.room, queue);
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
      this.transport.send(visitor.peerId, queueText(position, waiting), false);
    }
    if (!desksToo) return;
    let text: string | undefined;
    for (const desk of this.state.onlineDesks(queue)) {
      text ??= waitingText(this.state.shown(queue));
      this.transport.send(desk.peerId, text, false);
    }
  }

  private timeout(visitor: Visitor): void {
    if (!this.state.holds(visitor)) return;
    this.transport.send(visitor.peerId, declinedText('timeout', ''), false);
    this.events?.publish('support.timeout', { queue: visitor.room, visitorId: visitor.peerId, waitedMs: Date.now() - visitor.since });
    this.leave(visitor, 'timeout');
  }

  private preview(visitor: Visitor, image: unknown): void {
    if (typeof image !== 'string' || image.length > MAX_PREVIEW || !PREVIEW_DATA_URL.test(image)) return;
    const now = Date.now();
    if (visitor.preview !== undefined && now - visitor.previewAt < PREVIEW_INTERVAL_MS) return;
    visitor.preview = image;
    visitor.previewAt = now;
    const queue = this.state.existing(visitor.room);
    if (!queue) return;
    let text: string | undefined;
    for (const desk of this.state.onlineDesks(queue)) {
      text ??= previewText(visitor.peerId, visitor.preview);
      // A desk that does not read fast enough misses previews, not the queue.
      this.transport.send(desk.peerId, text, true);
    }
  }

  private fail(desk: Desk, req: number, error: ResultError, message: string): void {
    this.transport.send(desk.peerId, failedText(req, error, message), false);
  }

  private admit(desk: Desk, req: number, id: string): void {
    const visitor = this.state.waitingIn(desk, id);
    if (!visitor) return this.fail(desk, req, 'gone', 'This visitor is not waiting any more.');
    const call = this.calls.open(desk.room, desk, visitor);
    if (!call) return this.fail(desk, req, 'room-full', 'No call room could be created.');
    this.transport.send(visitor.peerId, admittedText(call.visitor), false);
    this.transport.send(desk.peerId, doneText(req, call.agent), false);
    this.log.debug({ queue: desk.room, room: call.room, desk: desk.peerId, visitor: visitor.peerId }, 'visitor admitted');
    this.events?.publish('support.admitted', {
      queue: desk.room, visitorId: visitor.peerId, agentId: desk.peerId, agentName: desk.name, room: call.room, waitedMs: Date.now() - visitor.since,
    });
    this.leave(visitor, 'admitted');
  }

  private decline(desk: Desk, req: number, id: string, message: string): void {
    const visitor = this.state.waitingIn(desk, id);
    if (!visitor) return this.fail(desk, req, 'gone', 'This visitor is not waiting any more.');
    this.transport.send(visitor.peerId, declinedText('declined', message), false);
    this.transport.send(desk.peerId, doneText(req), false);
    this.events?.publish('support.declined', { queue: desk.room, visitorId: visitor.peerId, agentId: desk.peerId, waitedMs: Date.now() - visitor.since });
    this.leave(visitor, 'declined');
  }

  private remove(desk: Desk, req: number, id: string): void {
    // Banned before the seat goes, so the socket's own close (or a racing reconnect) cannot take a seat again.
    const room = this.calls.ban(desk.room, id);
    if (room === undefined) return this.fail(desk, req, 'not-found', 'This is not a member of a call this queue created.');
    this.transport.send(id, removedText(), false);
    this.rooms.release(id, 'removed');
    this.transport.close(id, Close.REMOVED, 'removed');
    this.transport.send(desk.peerId, doneText(req), false);
    this.log.debug({ queue: desk.room, room, desk: desk.peerId, peer: id }, 'member removed');
  }
}
