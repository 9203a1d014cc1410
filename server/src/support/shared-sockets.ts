/**
 * Shared mode: the support sockets attached to this instance (waiting visitors and desks), by id and by queue, with
 * what each was told last and its timers. Only this instance's part: the queues themselves are in Redis.
 */
import type { DeskRecord } from '../shared/queue-store.js';
import type { SupportKind } from '../tickets.js';

/** A socket of the flow attached to this instance. */
export interface Attached {
  readonly kind: SupportKind;
  readonly queue: string;
  /** A desk's own record (its name and endpoint, for the call rooms it admits into). */
  readonly desk: DeskRecord | undefined;
  /** A visitor's waiting timeout; a visitor missing from the queue without an outcome is closed by `lost`. */
  timer: NodeJS.Timeout | undefined;
  lost: NodeJS.Timeout | undefined;
  sentPosition: number;
  sentWaiting: number;
  /** The VCW-WAITING a desk was sent last. */
  sentText: string | undefined;
  previewAt: number;
}

export class AttachedSockets {
  private readonly byId = new Map<string, Attached>();
  private readonly byQueue = new Map<string, Map<string, Attached>>();

  get(peerId: string): Attached | undefined {
    return this.byId.get(peerId);
  }

  /** A fresh entry for a socket of `queue` (replacing the one it had). */
  add(peerId: string, kind: SupportKind, queue: string, desk: DeskRecord | undefined): Attached {
    const previous = this.byId.get(peerId);
    if (previous) this.forget(peerId, previous);
    const entry: Attached = { kind, queue, desk, timer: undefined, lost: undefined, sentPosition: 0, sentWaiting: 0, sentText: undefined, previewAt: 0 };
    this.byId.set(peerId, entry);
    const ofQueue = this.byQueue.get(queue) ?? new Map<string, Attached>();
    this.byQueue.set(queue, ofQueue.set(peerId, entry));
    return entry;
  }

  /** Drop an entry (if it is still this socket's) and its timers. */
  forget(peerId: string, entry: Attached): void {
    clearTimeout(entry.timer);
    clearTimeout(entry.lost);
    if (this.byId.get(peerId) !== entry) return;
    this.byId.delete(peerId);
    const ofQueue = this.byQueue.get(entry.queue);
    ofQueue?.delete(peerId);
    if (ofQueue?.size === 0) this.byQueue.delete(entry.queue);
  }

  /** The entries of one queue. */
  of(queue: string): Iterable<[string, Attached]> {
    return this.byQueue.get(queue) ?? [];
  }

  /** Every queue with a socket here, with its entries. */
  queues(): Iterable<[string, Map<string, Attached>]> {
    return this.byQueue;
  }

  /** Visitors and desks attached here (metrics). */
  totals(): { waiting: number; desks: number } {
    let desks = 0;
    for (const entry of this.byId.values()) if (entry.kind === 'desk') desks++;
    return { waiting: this.byId.size - desks, desks };
  }

  clear(): void {
    for (const [peerId, entry] of [...this.byId]) this.forget(peerId, entry);
  }
}
