/**
 * The state of the support queues: per queue, the waiting visitors in knock order and the desks on it; and by
 * peer id, every visitor and desk. Only state and lookups live here — what is sent to whom, and the timers that
 * move an entry along, are `Support`'s. Ordinary room members have no entry: state exists only for the flow.
 */
import type { SignalingEndpoint } from '../../../src/protocol/wire.js';
import type { WaitingVisitor } from './messages.js';

export interface Visitor {
  readonly peerId: string;
  /** The queue. */
  readonly room: string;
  readonly name: string;
  readonly page: string;
  readonly context: Record<string, unknown>;
  /** Knock time, ms since the epoch. */
  readonly since: number;
  readonly signaling: SignalingEndpoint;
  /** The expiry of the room token it knocked with (unix seconds), if any: its tickets never outlive it. */
  readonly notAfter: number | undefined;
  /** The client address it knocked from and its room token's subject (`sub`), each capped per queue. */
  readonly address: string;
  readonly subject: string | undefined;
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

export interface Desk {
  readonly peerId: string;
  /** The queue. */
  readonly room: string;
  readonly name: string;
  readonly signaling: SignalingEndpoint;
  /** The expiry of the host token it opened with (unix seconds), if any: its tickets never outlive it. */
  readonly notAfter: number | undefined;
  connected: boolean;
  /** While not connected (before its socket came, or after it dropped): forgotten when this fires. */
  timer: NodeJS.Timeout | undefined;
}

export interface Queue {
  /** In knock order (a Map keeps insertion order). */
  readonly visitors: Map<string, Visitor>;
  readonly desks: Set<string>;
}

export class QueueState {
  private readonly queues = new Map<string, Queue>();
  private readonly visitors = new Map<string, Visitor>();
  private readonly desks = new Map<string, Desk>();

  /** The queue named `room`, created when missing. */
  queue(room: string): Queue {
    let queue = this.queues.get(room);
    if (!queue) {
      queue = { visitors: new Map(), desks: new Set() };
      this.queues.set(room, queue);
    }
    return queue;
  }

  /** The queue named `room` if it exists. */
  existing(room: string): Queue | undefined {
    return this.queues.get(room);
  }

  /** Forget a queue that has neither visitors nor desks. */
  dropIfEmpty(room: string, queue: Queue): void {
    if (queue.visitors.size === 0 && queue.desks.size === 0) this.queues.delete(room);
  }

  visitor(peerId: string): Visitor | undefined {
    return this.visitors.get(peerId);
  }

  desk(peerId: string): Desk | undefined {
    return this.desks.get(peerId);
  }

  addVisitor(queue: Queue, visitor: Visitor): void {
    queue.visitors.set(visitor.peerId, visitor);
    this.visitors.set(visitor.peerId, visitor);
  }

  addDesk(queue: Queue, desk: Desk): void {
    queue.desks.add(desk.peerId);
    this.desks.set(desk.peerId, desk);
  }

  /** Is this the visitor entry that holds its place (not one already taken out)? */
  holds(visitor: Visitor): boolean {
    return this.visitors.get(visitor.peerId) === visitor;
  }

  /** Take a visitor out of its queue: the queue it was in, if that still exists. */
  removeVisitor(visitor: Visitor): Queue | undefined {
    this.visitors.delete(visitor.peerId);
    const queue = this.queues.get(visitor.room);
    queue?.visitors.delete(visitor.peerId);
    return queue;
  }

  /** Forget a desk that is offline (and still this desk's entry). */
  forgetDesk(desk: Desk): void {
    if (desk.connected || this.desks.get(desk.peerId) !== desk) return;
    this.desks.delete(desk.peerId);
    const queue = this.queues.get(desk.room);
    if (!queue) return;
    queue.desks.delete(desk.peerId);
    this.dropIfEmpty(desk.room, queue);
  }

  /** Desks online on this queue. */
  *onlineDesks(queue: Queue): Generator<Desk> {
    for (const id of queue.desks) {
      const desk = this.desks.get(id);
      if (desk?.connected) yield desk;
    }
  }

  /** `GET /api/rooms/R/support`: desks online, visitors waiting. */
  stats(room: string): { agents: number; waiting: number } {
    const queue = this.queues.get(room);
    if (!queue) return { agents: 0, waiting: 0 };
    let agents = 0;
    for (const _ of this.onlineDesks(queue)) agents++;
    return { agents, waiting: queue.visitors.size };
  }

  /** The visitor `id` waiting in this desk's queue with a socket (only those are shown to desks), or undefined. */
  waitingIn(desk: Desk, id: string): Visitor | undefined {
    const visitor = this.visitors.get(id);
    return visitor && visitor.room === desk.room && visitor.connected ? visitor : undefined;
  }

  /** The connected visitors of a queue, in knock order, as the desks see them. */
  shown(queue: Queue): WaitingVisitor[] {
    const visitors: WaitingVisitor[] = [];
    for (const v of queue.visitors.values()) {
      if (v.connected) visitors.push({ id: v.peerId, name: v.name, page: v.page, context: v.context, since: v.since });
    }
    return visitors;
  }

  /** Drop every timer and all state (shutdown). */
  /** Across all queues (metrics): visitors waiting, desks online. */
  totals(): { waiting: number; desks: number } {
    let desks = 0;
    for (const desk of this.desks.values()) if (desk.connected) desks++;
    return { waiting: this.visitors.size, desks };
  }

  clear(): void {
    for (const visitor of this.visitors.values()) clearTimeout(visitor.timer);
    for (const desk of this.desks.values()) clearTimeout(desk.timer);
    this.queues.clear();
    this.visitors.clear();
    this.desks.clear();
  }
}
