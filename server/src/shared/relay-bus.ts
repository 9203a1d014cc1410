/**
 * Signaling between instances (shared mode). A message for a member held by another instance goes to that
 * instance's channel; the owner comes from {@link OwnerCache} (one Redis read per member, not per message), and
 * everything sent in one tick to one instance goes as one PUBLISH of up to MAX_BATCH messages (MAX_BATCH_BYTES). At most one round
 * of lookups and publishes is in flight: what arrives meanwhile waits for the next round, so messages leave in the
 * order they came and each member's messages arrive in order.
 *
 * A stale owner costs a detour, never a wrong delivery: the receiving instance checks the room itself and sends on
 * what it no longer holds (once, after reading the owner from Redis) and tells the sender to forget its entry; a
 * publish nobody hears (the instance died) is sent again after a fresh lookup when the cache had routed it.
 *
 * Known limit: while a member moves to another instance, a message the old instance sends on can arrive after a newer
 * one sent straight to the new instance (if the old instance forgets the member within about one Redis round trip of
 * the sender learning the new owner; senders normally learn it well before). Closing it needs a fence through the old
 * instance.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Rooms } from '../rooms.js';
import type { OfflineQueues } from '../signaling/offline-queue.js';
import { MAX_BUFFERED_BYTES, type Registry } from '../signaling/registry.js';
import { OwnerCache } from './owner-cache.js';
import type { RedisSeats } from './seats.js';

/** A relayed signaling message (OFFER, ANSWER, CANDIDATE, LEAVE). */
export interface Relayed {
  readonly type: string;
  readonly src: string;
  readonly dst: string;
  readonly payload: unknown;
}

/** Messages in one PUBLISH at most (most signaling messages are < 1 KB)… */
export const MAX_BATCH = 128;
/** …and bytes (one message alone may be larger: up to the 64 KB a WebSocket frame may carry). */
export const MAX_BATCH_BYTES = 256 * 1024;

const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']);
/** Kept for an absent member (as the local relay does); LEAVE is not. */
const QUEUED = new Set(['OFFER', 'ANSWER', 'CANDIDATE']);

/** One message in a batch: room, type, src, dst, payload, and 1 when it was already sent on once. */
type Entry = [string, string, string, string, unknown] | [string, string, string, string, unknown, 1];

/** A batch of relayed messages on an instance's channel, from instance `f`. */
export interface Batch {
  t: 'b';
  f: string;
  m: Entry[];
}

interface Pending {
  readonly room: string;
  readonly m: Relayed;
  /** Sent on by an instance that no longer held its receiver: not sent on again. */
  readonly hop: boolean;
  /** Routed by the cache, not by a fresh lookup (a publish nobody heard is then tried once more). */
  cached: boolean;
  retried: boolean;
  /** The instance to tell that it routed this receiver wrongly (after this is sent on). */
  readonly notify: string | undefined;
  readonly settle: (sent: boolean) => void;
  readonly fail: (error: Error) => void;
}

export interface RelayBusDeps {
  readonly instance: string;
  readonly redis: Redis;
  readonly seats: RedisSeats;
  readonly rooms: Rooms;
  readonly log: Logger;
  readonly channelOf: (instance: string) => string;
  /** Publish "forget where `peerId` of `room` is" to `instance`. */
  readonly notice: (instance: string, room: string, peerId: string) => Promise<unknown>;
  readonly signaling: () => { registry: Registry; offline: OfflineQueues } | undefined;
}

const ignore = (): void => {};

export class RelayBus {
  readonly owners = new OwnerCache();
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing = false;

  constructor(private readonly deps: RelayBusDeps) {}

  /**
   * A message whose receiver is not here, for the instance holding it. Resolves false when no instance holds it
   * (dropped); rejects when Redis is unreachable.
   */
  forward(room: string, m: Relayed): Promise<boolean> {
    return new Promise((settle, fail) => this.push({ room, m, hop: false, cached: false, retried: false, notify: undefined, settle, fail }));
  }

  /** A batch from another instance's channel (from Redis: every part is checked; nothing in it can throw). */
  received(batch: { f?: unknown; m?: unknown }): void {
    if (!Array.isArray(batch.m)) return;
    const from = typeof batch.f === 'string' ? batch.f : undefined;
    for (const entry of batch.m as unknown[]) {
      if (!Array.isArray(entry)) continue;
      const [room, type, src, dst, payload, hop] = entry as unknown[];
      if (typeof room !== 'string' || typeof type !== 'string' || !RELAYED.has(type) || typeof src !== 'string' || typeof dst !== 'string') continue;
      this.arrived(room, { type, src, dst, payload }, hop === 1, from);
    }
  }

  /** One relayed message from another instance: delivered only to a member of that room here (the check is ours). */
  arrived(room: string, m: Relayed, hop: boolean, from?: string): void {
    if (this.deps.rooms.roomOf(m.dst) === room) return this.deliver(m);
    // Not ours (any more): sent on once to whoever holds it now, and its sender forgets where it thought it was.
    if (hop) return;
    this.owners.invalidate(room, m.dst);
    const notify = from !== undefined && from !== this.deps.instance ? from : undefined;
    this.push({ room, m, hop: true, cached: false, retried: false, notify, settle: ignore, fail: ignore });
  }

  /** Forget every owner (Redis came back: it may have been restarted empty, and members may have moved meanwhile). */
  reset(): void {
    this.owners.clear();
  }

  private deliver(m: Relayed): void {
    const { registry, offline } = this.deps.signaling() ?? {};
    if (!registry || !offline) return;
    const out = { type: m.type, src: m.src, dst: m.dst, payload: m.payload };
    if (!registry.has(m.dst)) {
      if (QUEUED.has(m.type)) offline.enqueue(m.dst, out, JSON.stringify(out).length);
      return;
    }
    const socket = registry.socket(m.dst);
    if (socket && socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
    registry.send(m.dst, out);
  }

  private push(pending: Pending): void {
    this.queue.push(pending);
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // After this turn's I/O: every message that came in with it goes in the same round.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const round = this.queue;
        this.queue = [];
        let again: Pending[] = [];
        try {
          again = await this.send(round);
        } catch (error) {
          // Nothing here should throw; if it does, this round is lost (and said so), never the process.
          this.deps.log.warn({ err: (error as Error).message }, 'relayed messages not sent to other instances');
          for (const p of round) p.fail(error as Error);
        }
        // Before anything newer: their receivers' later messages stay behind them.
        if (again.length > 0) this.queue = again.concat(this.queue);
      }
    } finally {
      this.flushing = false;
    }
  }

  /** One round: owners looked up where unknown, one PUBLISH per instance (per MAX_BATCH). Returns what to try again. */
  private async send(round: Pending[]): Promise<Pending[]> {
    const { instance, seats, log } = this.deps;
    const routes = new Array<string | null>(round.length);
    const missing = new Map<string, [string, string]>();
    for (let i = 0; i < round.length; i++) {
      const p = round[i]!;
      const owner = this.owners.get(p.room, p.m.dst);
      p.cached = owner !== undefined;
      if (owner !== undefined) routes[i] = owner;
      else missing.set(`${p.room}\n${p.m.dst}`, [p.room, p.m.dst]);
    }
    if (missing.size > 0) {
      const stamp = this.owners.stamp;
      let found: (string | null)[];
      try {
        found = await seats.ownersOf([...missing.values()]);
      } catch (error) {
        for (const p of round) p.fail(error as Error);
        return [];
      }
      const byKey = new Map<string, string | null>();
      let n = 0;
      for (const [key, [room, peerId]] of missing) {
        const owner = found[n++] ?? null;
        byKey.set(key, owner);
        if (owner !== null && owner !== instance) this.owners.set(room, peerId, owner, stamp);
      }
      for (let i = 0; i < round.length; i++) if (!round[i]!.cached) routes[i] = byKey.get(`${round[i]!.room}\n${round[i]!.m.dst}`) ?? null;
    }
    const groups = new Map<string, Pending[]>();
    for (let i = 0; i < round.length; i++) {
      const owner = routes[i];
      // Nobody holds it, or Redis says this instance does while it does not (it is leaving): dropped.
      if (!owner || owner === instance) {
        round[i]!.settle(false);
        continue;
      }
      const group = groups.get(owner);
      if (group) group.push(round[i]!);
      else groups.set(owner, [round[i]!]);
    }
    const again: Pending[] = [];
    const published: Promise<void>[] = [];
    const head = `{"t":"b","f":${JSON.stringify(instance)},"m":[`;
    for (const [owner, group] of groups) {
      let chunk: Pending[] = [];
      let entries: string[] = [];
      let bytes = 0;
      const publish = (): void => {
        const sent = chunk;
        published.push(
          this.deps.redis.publish(this.deps.channelOf(owner), `${head}${entries.join(',')}]}`).then(
            (heard) => this.published(sent, heard, again),
            (error: Error) => sent.forEach((p) => p.fail(error)),
          ),
        );
        chunk = [];
        entries = [];
        bytes = 0;
      };
      for (const p of group) {
        const entry: Entry = p.hop ? [p.room, p.m.type, p.m.src, p.m.dst, p.m.payload, 1] : [p.room, p.m.type, p.m.src, p.m.dst, p.m.payload];
        const text = JSON.stringify(entry);
        if (chunk.length > 0 && (chunk.length >= MAX_BATCH || bytes + text.length > MAX_BATCH_BYTES)) publish();
        chunk.push(p);
        entries.push(text);
        bytes += text.length;
      }
      if (chunk.length > 0) publish();
    }
    // After what was sent on, on the same connection: the sender that routed it wrongly hears of it once per receiver.
    const told = new Set<string>();
    for (const p of round) {
      const key = `${p.notify}\n${p.room}\n${p.m.dst}`;
      if (p.notify === undefined || told.has(key)) continue;
      told.add(key);
      this.deps.notice(p.notify, p.room, p.m.dst).catch((error: Error) => log.debug({ err: error.message }, 'owner notice not sent'));
    }
    await Promise.all(published);
    return again;
  }

  /** A publish was answered: `heard` subscribers got it (0: the instance is gone). */
  private published(chunk: Pending[], heard: number, again: Pending[]): void {
    if (heard > 0) return chunk.forEach((p) => p.settle(true));
    for (const p of chunk) {
      // The cache named a dead instance: forgotten, and tried once more with what Redis says now. A fresh lookup
      // named it: its member has not re-registered anywhere yet, and the message is lost (counted as dropped).
      if (p.cached && !p.retried) {
        this.owners.invalidate(p.room, p.m.dst);
        p.retried = true;
        again.push(p);
      } else p.settle(false);
    }
  }
}
