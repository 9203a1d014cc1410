/**
 * The desk's view of the queue: the visitors waiting, longest first, as the server lists them, each with their
 * latest camera snapshot. Tells who arrived and who left; a visitor this desk admitted or declined leaving the
 * queue is no cancel.
 */
import type { WaitingVisitor } from '../core/types.js';
import { MAX_PREVIEW, PEER_ID } from '../protocol/limits.js';
import { parseWaitingEntry } from '../protocol/parse-support.js';

/** A snapshot as desks show it: a base64 JPEG data URL. */
const PREVIEW_URL = /^data:image\/jpeg;base64,[A-Za-z0-9+/]+=*$/;

/** Told of changes to the queue, in the order they happen. */
export interface QueueListener {
  /** `visitor` is no longer waiting; `handled`: this desk admitted or declined them. Called before the list changes. */
  left(visitor: WaitingVisitor, handled: boolean): void;
  /** `visitor` started waiting. Called once the list has changed. */
  arrived(visitor: WaitingVisitor): void;
}

export class VisitorQueue {
  readonly #visitors = new Map<string, WaitingVisitor>();
  /** Visitors this desk admitted or declined (their leaving the queue is no cancel). */
  readonly #handledIds = new Set<string>();
  readonly #listener: QueueListener;

  constructor(listener: QueueListener) {
    this.#listener = listener;
  }

  /** The visitors waiting, longest first. */
  get list(): WaitingVisitor[] {
    return [...this.#visitors.values()];
  }

  get size(): number {
    return this.#visitors.size;
  }

  get(id: string): WaitingVisitor | undefined {
    return this.#visitors.get(id);
  }

  has(id: string): boolean {
    return this.#visitors.has(id);
  }

  /** This desk admitted or declined `id`. */
  handled(id: string): void {
    this.#handledIds.add(id);
  }

  /** The server's list of who waits now (malformed entries are left out); snapshots carry over. */
  update(items: readonly unknown[]): void {
    const now = new Map<string, WaitingVisitor>();
    for (const item of items) {
      const entry = parseWaitingEntry(item);
      if (entry) now.set(entry.id, { ...entry, preview: this.#visitors.get(entry.id)?.preview });
    }
    for (const [id, visitor] of this.#visitors) if (!now.has(id)) this.#listener.left(visitor, this.#handledIds.delete(id));
    const known = new Set(this.#visitors.keys());
    this.#visitors.clear();
    for (const [id, visitor] of now) this.#visitors.set(id, visitor);
    for (const [id, visitor] of now) if (!known.has(id)) this.#listener.arrived(visitor);
  }

  /** A waiting visitor's new camera snapshot (anything that is not a small JPEG data URL is dropped). */
  preview(id: unknown, image: unknown): void {
    const visitor = typeof id === 'string' && PEER_ID.test(id) ? this.#visitors.get(id) : undefined;
    if (visitor && typeof image === 'string' && image.length <= MAX_PREVIEW && PREVIEW_URL.test(image)) this.#visitors.set(visitor.id, { ...visitor, preview: image });
  }
}
