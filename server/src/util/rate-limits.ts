/**
 * Abuse limits: token buckets (per client address for joins, per socket for messages) and a per-address count of
 * open WebSockets. Which address a request counts against is `client-address.ts`.
 * Every operation is O(1); idle entries are swept so the maps stay as small as the live traffic.
 */

/** A token bucket: `capacity` tokens, refilled at `perSecond`. */
export class Bucket {
  private tokens: number;
  private at: number;

  constructor(private readonly capacity: number, private readonly perSecond: number, now = Date.now()) {
    this.tokens = capacity;
    this.at = now;
  }

  /** Take one token; false when the bucket is empty. */
  take(now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until one token is back (for Retry-After). */
  wait(now = Date.now()): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perSecond);
  }

  /** True once the bucket would be full again: its owner can be forgotten. */
  full(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.at = now;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perSecond);
  }
}

/** One bucket per key (client address). Full buckets are dropped by `sweep()`. */
export class KeyedLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly capacity: number, private readonly perSecond: number) {}

  take(key: string, now = Date.now()): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new Bucket(this.capacity, this.perSecond, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  wait(key: string, now = Date.now()): number {
    return this.buckets.get(key)?.wait(now) ?? 0;
  }

  sweep(now = Date.now()): void {
    for (const [key, bucket] of this.buckets) if (bucket.full(now)) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** Open WebSockets per client address. */
export class SocketCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Count one more socket for `key`, unless it already has `max`. */
  acquire(key: string): boolean {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.max) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  release(key: string): void {
    const count = (this.counts.get(key) ?? 0) - 1;
    if (count > 0) this.counts.set(key, count);
    else this.counts.delete(key);
  }

  get size(): number {
    return this.counts.size;
  }
}
