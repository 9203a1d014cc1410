/**
 * Which instance holds a member of a room, as last read from Redis (shared mode): saves the relay a Redis round
 * trip per message. It is only a hint — the instance it names checks the room itself and sends on what is no longer
 * its own — and it is dropped whenever the owner may have changed: a member's leave or lapsed lease, a member's
 * socket arriving on an instance (it may have moved there), a notice from an instance that no longer held it, a
 * publish nobody heard (its instance died), and everything when Redis comes back.
 */

/** Entries kept at most (the oldest goes first); one per remote member this instance has sent to. */
const MAX_ENTRIES = 100_000;

const keyOf = (room: string, peerId: string): string => `${room}\n${peerId}`;

export class OwnerCache {
  private readonly owners = new Map<string, string>();
  /** Bumped by every invalidation: a lookup begun before one may already be stale, so it is not kept. */
  private epoch = 0;

  get(room: string, peerId: string): string | undefined {
    return this.owners.get(keyOf(room, peerId));
  }

  /** The current epoch, to pass back to {@link set} with what a lookup begun now found. */
  get stamp(): number {
    return this.epoch;
  }

  /** Keep `owner` for (room, peer), unless something was invalidated since the lookup began (`stamp`). */
  set(room: string, peerId: string, owner: string, stamp: number): void {
    if (stamp !== this.epoch) return;
    if (this.owners.size >= MAX_ENTRIES) this.owners.delete(this.owners.keys().next().value as string);
    this.owners.set(keyOf(room, peerId), owner);
  }

  invalidate(room: string, peerId: string): void {
    this.epoch++;
    this.owners.delete(keyOf(room, peerId));
  }

  clear(): void {
    this.epoch++;
    this.owners.clear();
  }

  get size(): number {
    return this.owners.size;
  }
}
