/**
 * The support flow in shared mode (REDIS_URL): the queues live in Redis (shared/queue-store.ts), so a visitor
 * knocking on one instance is seen by the desks on every instance, in the same order. Each instance keeps only its
 * own sockets' part: which visitors and desks are attached here, what it last told them, the waiting timeouts of
 * its visitors. A change is one Lua script, then a broadcast naming the queue; every instance holding sockets of
 * that queue reads it again and tells its sockets what changed for them. An outcome (admitted, declined, timed out,
 * removed) goes to the instance holding the socket concerned, before the broadcast.
 *
 * Of two desks admitting one visitor on two instances, exactly one takes it out of the queue (TAKE is atomic); the
 * other hears `gone`, and the call room it prepared is never seated. A call room is recorded in Redis before its
 * seats are claimed: no instance seats anyone else there, nor a member removed from it (seats.ts).
 */
import type { Logger } from 'pino';
import { Close, MAX_PREVIEW, Notice } from '../../../src/protocol/limits.js';
import type { SignalingEndpoint, SupportStatus } from '../../../src/protocol/wire.js';
import type { Config } from '../config.js';
import type { CallEvents } from '../events/call-events.js';
import type { Rooms } from '../rooms.js';
import type { SharedMode } from '../shared/cluster.js';
import type { DeskRecord, QueueLimits } from '../shared/queue-store.js';
import { newPeerId, type SupportKind, type Tickets } from '../tickets.js';
import { atDeadline } from '../util/deadline.js';
import { failedText, previewText, queueText, readDeskRequest, removedText, waitingText, type Transport } from './messages.js';
import { SharedOutcomes, type SupportMessage } from './shared-outcomes.js';
import { AttachedSockets, type Attached } from './shared-sockets.js';
import { PREVIEW_DATA_URL, PREVIEW_INTERVAL_MS, type Knock, type KnockResult, type OpenedDesk, type SupportService } from './service.js';

/** How long a visitor missing from its queue waits for its outcome before its socket is closed (it knocks again). */
const LOST_MS = 1000;

export class SharedSupport implements SupportService {
  private transport: Transport = { send: () => {}, close: () => {} };
  private readonly attached = new AttachedSockets();
  /**
   * Members removed from a call room whose seat was here (`room peer`), for the checks a socket needs at once; the
   * seat claim checks Redis on every instance. Kept as long as a ticket could be used.
   */
  private readonly bans = new Set<string>();
  /** Sockets whose attachment is on its way to Redis: true once the socket closed meanwhile. */
  private readonly attaching = new Map<string, boolean>();
  private readonly limits: QueueLimits;
  private readonly timer: NodeJS.Timeout;
  private readonly outcomes: SharedOutcomes;

  constructor(
    private readonly config: Config,
    private readonly rooms: Rooms,
    private readonly tickets: Tickets,
    private readonly shared: SharedMode,
    private readonly log: Logger,
    private readonly events?: CallEvents,
  ) {
    const leaseMs = config.shared!.seatLeaseMs;
    this.limits = {
      maxWaiting: config.maxWaiting,
      maxWaitingPerVisitor: config.maxWaitingPerVisitor,
      graceMs: config.seatTimeoutMs,
      leaseMs,
      keepMs: config.waitingTimeoutMs + config.seatTimeoutMs + 4 * leaseMs,
    };
    this.outcomes = new SharedOutcomes({
      config, rooms, tickets, shared, log, events, limits: this.limits,
      send: (peerId, text, droppable) => this.transport.send(peerId, text, droppable),
      changed: (queue) => this.changed(queue),
    });
    shared.onSupport((message) => this.received(message as SupportMessage));
    this.timer = setInterval(() => void this.renew(), Math.min(500, Math.floor(leaseMs / 4)));
    this.timer.unref();
  }

  private get store() {
    return this.shared.queues;
  }

  bind(transport: Transport): void {
    this.transport = transport;
  }

  async knock(room: string, visitor: Knock): Promise<KnockResult> {
    const peerId = newPeerId();
    const { name, page, context, signaling, notAfter, address, subject } = visitor;
    const record = { name, page, context, since: Date.now(), signaling, notAfter, address, subject };
    // A knock whose socket never comes holds its place no longer than an unclaimed seat (nor the waiting timeout).
    const graceMs = Math.min(this.config.seatTimeoutMs, this.config.waitingTimeoutMs);
    const knocked = await this.store.knock(room, peerId, record, { ...this.limits, graceMs });
    if (knocked.expired.length > 0) this.changed(room);
    if (knocked.status !== 'queued') return { refused: knocked.status === 'full' ? 'full' : 'too-many-waiting' };
    this.events?.publish('support.knock', { queue: room, visitorId: peerId, name, page });
    this.log.debug({ room, peer: peerId, position: knocked.position }, 'visitor knocked');
    return { peerId, ticket: this.tickets.issue(room, peerId, name, Date.now(), 'waiting', 'guest', notAfter), position: knocked.position };
  }

  async openDesk(room: string, name: string, signaling: SignalingEndpoint, notAfter?: number): Promise<OpenedDesk> {
    const peerId = newPeerId();
    const expired = await this.store.openDesk(room, peerId, { name, signaling, notAfter }, this.limits);
    if (expired.length > 0) this.changed(room);
    this.log.debug({ room, peer: peerId }, 'desk opened');
    return { peerId, ticket: this.tickets.issue(room, peerId, name, Date.now(), 'desk', 'guest', notAfter) };
  }

  async stats(room: string): Promise<SupportStatus> {
    const { visitors, desks } = await this.store.snapshot(room, this.limits);
    return { agents: desks, waiting: visitors.length };
  }

  totals(): { waiting: number; desks: number } {
    return this.attached.totals();
  }

  /** Undefined: the call rooms are in Redis (the routes ask it; the seat claim refuses anyone else). */
  queueOf(): string | undefined {
    return undefined;
  }

  isBanned(room: string, peerId: string): boolean {
    return this.bans.has(`${room} ${peerId}`);
  }

  /** Redis decides once the socket is registered (see `connected`): a ticket no longer in the queue is closed there. */
  accepts(kind: SupportKind): boolean {
    return kind === 'waiting' || kind === 'desk';
  }

  connected(kind: SupportKind, peerId: string, room: string): void {
    this.attaching.set(peerId, false);
    this.attach(kind, peerId, room)
      .catch((error: Error) => {
        // Redis unreachable: the widget hears it is not waiting, knocks (or opens its desk) again, and gets 503 until it is back.
        this.log.debug({ err: error.message, peer: peerId }, 'support socket not attached');
        this.transport.close(peerId, Close.NOT_WAITING, 'not-waiting');
      })
      .finally(() => {
        const closed = this.attaching.get(peerId);
        this.attaching.delete(peerId);
        // The socket went while Redis attached it: it is detached now, rather than renewed for nobody.
        if (closed) this.disconnected(peerId);
      });
  }

  disconnected(peerId: string): void {
    if (this.attaching.has(peerId)) this.attaching.set(peerId, true);
    const entry = this.attached.get(peerId);
    if (!entry) return;
    this.forget(peerId, entry);
    this.store.detach(entry.queue, peerId, this.limits).then(
      (result) => {
        if (result !== 'elsewhere') this.changed(entry.queue);
      },
      // Redis unreachable: the entry's lease lapses by itself.
      (error: Error) => this.log.debug({ err: error.message, peer: peerId }, 'support socket not detached'),
    );
  }

  message(peerId: string, type: string, payload: unknown): void {
    const entry = this.attached.get(peerId);
    if (!entry || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return;
    const p = payload as Record<string, unknown>;
    if (type === Notice.PREVIEW) {
      if (entry.kind === 'waiting') this.preview(peerId, entry, p.image);
      return;
    }
    if (entry.kind !== 'desk') return;
    const request = readDeskRequest(type, p);
    if (!request) return;
    const fail = (error: Parameters<typeof failedText>[1], message: string) => this.transport.send(peerId, failedText(request.req, error, message), false);
    let done: Promise<void>;
    if (request.type === 'invalid') return fail('bad-request', request.message);
    const desk = { queue: entry.queue, record: entry.desk! };
    if (request.type === Notice.ADMIT) done = this.outcomes.admit(peerId, desk, request.req, request.id);
    else if (request.type === Notice.DECLINE) done = this.outcomes.decline(peerId, desk, request.req, request.id, request.message);
    else done = this.outcomes.remove(peerId, desk, request.req, request.id);
    done.catch((error: Error) => {
      this.log.debug({ err: error.message, desk: peerId }, 'desk request failed: redis unreachable');
      fail('gone', 'The service is briefly unavailable; try again in a moment.');
    });
  }

  clear(): void {
    clearInterval(this.timer);
    this.attached.clear();
    this.bans.clear();
  }

  // ------------------------------------------------------------ internals

  private async attach(kind: SupportKind, peerId: string, queue: string): Promise<void> {
    const attached = await this.store.attach(queue, peerId, kind, this.limits);
    if (!attached) return this.transport.close(peerId, Close.NOT_WAITING, 'not-waiting');
    const entry = this.attached.add(peerId, kind, queue, kind === 'desk' ? (attached.record as DeskRecord) : undefined);
    if (kind === 'waiting') {
      const at = (attached.record as { since: number }).since + this.config.waitingTimeoutMs;
      const timeout = () => void this.outcomes.timeout(peerId, queue).catch((error: Error) => this.log.debug({ err: error.message }, 'timeout not recorded'));
      atDeadline(at, timeout, (timer) => (entry.timer = timer));
    }
    // This socket hears where it stands at once; the others on every instance once the broadcast reaches them.
    await this.refresh(queue);
    if (kind === 'desk') {
      const previews = await this.store.previews(queue);
      for (const [id, image] of Object.entries(previews)) this.transport.send(peerId, previewText(id, image), true);
      this.log.debug({ room: queue, peer: peerId }, 'desk online');
    }
    if (attached.first || attached.expired.length > 0) this.changed(queue);
  }

  private forget(peerId: string, entry: Attached): void {
    this.attached.forget(peerId, entry);
  }

  /** Tell every instance that `queue` changed. */
  private changed(queue: string): void {
    this.shared.broadcast({ k: 'q', queue } satisfies SupportMessage).catch((error: Error) => this.log.debug({ err: error.message }, 'queue change not broadcast'));
  }

  private received(message: SupportMessage): void {
    if (typeof message !== 'object' || message === null) return;
    if (message.k === 'q' && typeof message.queue === 'string') {
      if (this.holds(message.queue)) this.refresh(message.queue).catch((error: Error) => this.log.debug({ err: error.message }, 'queue not refreshed'));
    } else if (message.k === 'p' && typeof message.image === 'string') {
      const text = previewText(message.id, message.image);
      for (const [peerId, entry] of this.attached.of(message.queue)) if (entry.kind === 'desk') this.transport.send(peerId, text, true);
    } else if (message.k === 's' && typeof message.text === 'string') {
      const entry = this.attached.get(message.peer);
      // An outcome ends the wait here: the socket stays for the widget to act on it.
      if (message.outcome && entry) this.forget(message.peer, entry);
      this.transport.send(message.peer, message.text, false);
    } else if (message.k === 'x' && typeof message.room === 'string' && typeof message.peer === 'string') {
      const ban = `${message.room} ${message.peer}`;
      this.bans.add(ban);
      setTimeout(() => this.bans.delete(ban), this.config.ticketTtl * 1000).unref();
      this.transport.send(message.peer, removedText(), false);
      this.rooms.release(message.peer, 'removed');
      this.transport.close(message.peer, Close.REMOVED, 'removed');
    }
  }

  private holds(queue: string): boolean {
    for (const _ of this.attached.of(queue)) return true;
    return false;
  }

  /** Read `queue` and tell this instance's sockets of it what changed for them. */
  private async refresh(queue: string): Promise<void> {
    const { visitors, expired } = await this.store.snapshot(queue, this.limits);
    if (expired.length > 0) this.changed(queue);
    const positions = new Map(visitors.map((v, i) => [v.id, i + 1]));
    let text: string | undefined;
    for (const [peerId, entry] of this.attached.of(queue)) {
      if (entry.kind === 'desk') {
        text ??= waitingText(visitors.filter((v) => v.at !== '').map(({ id, record: r }) => ({ id, name: r.name, page: r.page, context: r.context, since: r.since })));
        if (entry.sentText !== text) this.transport.send(peerId, text, false);
        entry.sentText = text;
        continue;
      }
      const position = positions.get(peerId);
      if (position === undefined) {
        this.lost(peerId, entry);
        continue;
      }
      if (entry.sentPosition === position && entry.sentWaiting === visitors.length) continue;
      entry.sentPosition = position;
      entry.sentWaiting = visitors.length;
      this.transport.send(peerId, queueText(position, visitors.length), false);
    }
  }

  /**
   * Taken out of the queue without an outcome heard here (yet), or lost by Redis: closed as not waiting unless the
   * outcome arrives in time (the widget knocks, or opens its desk, again).
   */
  private lost(peerId: string, entry: Attached): void {
    entry.lost ??= setTimeout(() => {
      if (this.attached.get(peerId) !== entry) return;
      this.forget(peerId, entry);
      this.transport.close(peerId, Close.NOT_WAITING, 'not-waiting');
    }, LOST_MS);
  }

  /**
   * Renew the leases of this instance's sockets; lapsed entries (a dead instance's) change their queue; entries
   * of ours Redis no longer has (it restarted empty, or ours lapsed during an outage) are lost.
   */
  private async renew(): Promise<void> {
    if (!this.shared.available) return;
    await Promise.all(
      [...this.attached.queues()].map(async ([queue, entries]) => {
        const renewed = await this.store.renew(queue, [...entries.keys()], this.limits).catch(() => null);
        if (!renewed) return;
        if (renewed.expired.length > 0) this.changed(queue);
        for (const id of renewed.missing) {
          const entry = entries.get(id);
          if (entry) this.lost(id, entry);
        }
      }),
    );
  }

  private preview(peerId: string, entry: Attached, image: unknown): void {
    if (typeof image !== 'string' || image.length > MAX_PREVIEW || !PREVIEW_DATA_URL.test(image)) return;
    const now = Date.now();
    if (now - entry.previewAt < PREVIEW_INTERVAL_MS) return;
    entry.previewAt = now;
    this.store
      .preview(entry.queue, peerId, image, this.limits)
      .then((kept) => (kept ? this.shared.broadcast({ k: 'p', queue: entry.queue, id: peerId, image } satisfies SupportMessage) : undefined))
      .catch((error: Error) => this.log.debug({ err: error.message }, 'preview not shared'));
  }
}
