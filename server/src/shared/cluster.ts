/**
 * Shared mode (REDIS_URL): this instance's part in a group of instances sharing one Redis. Seats are granted by
 * Redis ({@link RedisSeats}); the seats held here are renewed every pass (and re-asserted at once when Redis comes
 * back, even empty); signaling for a member on another instance crosses through Redis pub/sub on that instance's
 * channel, batched, where the room check is made again before delivery ({@link RelayBus}); a member's leave (or its
 * lapsed lease) is told to every instance holding members of the room. While Redis is unreachable nothing new is
 * granted (503), and what runs keeps running.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Notice } from '../../../src/protocol/limits.js';
import type { Member, Role } from '../../../src/protocol/wire.js';
import type { SharedConfig } from '../config.js';
import type { ReleaseReason, Rooms } from '../rooms.js';
import type { OfflineQueues } from '../signaling/offline-queue.js';
import type { Registry } from '../signaling/registry.js';
import { RedisJoinBudget, RedisSocketCount } from './limits.js';
import { RedisQueueStore } from './queue-store.js';
import { RelayBus, type Batch, type Relayed } from './relay-bus.js';
import { RedisSeats, type Claim } from './seats.js';

export type { Relayed } from './relay-bus.js';

/**
 * What crosses an instance's channel: relayed messages for its members (a batch; `r`, one message, is what an
 * instance of the previous version sends), a member's leave, a member's vouched name and role (its socket arrived
 * on another instance), "that member is not where you thought" (`o`), or a support-queue message.
 */
type BusMessage =
  | Batch
  | { t: 'r'; room: string; m: Relayed }
  | { t: 'l'; room: string; peerId: string; reason: ReleaseReason }
  | { t: 'i'; room: string; member: Member }
  | { t: 'o'; room: string; peerId: string }
  | { t: 's'; m: unknown };

/** A support-queue message from another instance (or a broadcast): handled by the shared support desk. */
export type SupportListener = (message: unknown) => void;

export class SharedMode {
  readonly instance: string;
  // Made in start(): ioredis is loaded only in shared mode.
  private redis!: Redis;
  private sub!: Redis;
  private seats!: RedisSeats;
  private budget!: RedisJoinBudget;
  private bus!: RelayBus;
  private readonly channel: string;
  private timer: NodeJS.Timeout | undefined;
  private signaling: { registry: Registry; offline: OfflineQueues } | undefined;
  private renewing = false;
  private stopped = false;
  private supportListener: SupportListener = () => {};
  /** The support queues in Redis (made in start()). */
  queues!: RedisQueueStore;
  /** MAX_SOCKETS_PER_ADDRESS across instances (made in start()). */
  sockets!: RedisSocketCount;

  constructor(
    private readonly config: SharedConfig,
    private readonly maxPeers: number,
    private readonly joinRateLimit: number,
    private readonly rooms: Rooms,
    private readonly log: Logger,
    /** How long a support call room's record (its queue, its bans) outlives its last renewed seat. */
    private readonly callKeepMs: number,
    private readonly maxSocketsPerAddress: number,
  ) {
    this.instance = config.instanceId;
    this.channel = this.channelOf(this.instance);
    rooms.on('release', (room, peerId, reason) => void this.released(room, peerId, reason));
  }

  /** Connect to Redis and listen on this instance's channel. Resolves even when Redis is down (it retries). */
  async start(): Promise<void> {
    const { config, log } = this;
    const { Redis } = await import('ioredis');
    const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 200, connectTimeout: 2000 };
    this.redis = new Redis(config.redisUrl, options);
    this.sub = new Redis(config.redisUrl, { ...options, enableOfflineQueue: true });
    for (const client of [this.redis, this.sub]) client.on('error', (error: Error) => log.debug({ err: error.message }, 'redis'));
    this.seats = new RedisSeats(this.redis, config.prefix, this.instance, this.maxPeers, config.seatLeaseMs, this.callKeepMs);
    this.queues = new RedisQueueStore(this.redis, config.prefix, this.instance);
    this.sockets = new RedisSocketCount(this.redis, config.prefix, this.instance, this.maxSocketsPerAddress, config.seatLeaseMs);
    this.sockets.start();
    this.budget = new RedisJoinBudget(this.redis, config.prefix, this.joinRateLimit);
    this.bus = new RelayBus({
      instance: this.instance,
      redis: this.redis,
      seats: this.seats,
      rooms: this.rooms,
      log,
      channelOf: (instance) => this.channelOf(instance),
      notice: (instance, room, peerId) => this.redis.publish(this.channelOf(instance), JSON.stringify({ t: 'o', room, peerId } satisfies BusMessage)),
      signaling: () => this.signaling,
    });
    // Redis back (or restarted empty): this instance's members are re-asserted at once, and where the others' are
    // is read again (notices may have been lost meanwhile).
    this.redis.on('ready', () => {
      log.info({ instance: this.instance }, 'redis connected');
      this.bus.reset();
      void this.renew();
    });
    // Logged once per outage (the client retries every 200 ms).
    let up = false;
    this.redis.on('ready', () => (up = true));
    this.redis.on('close', () => {
      if (up) log.warn({ instance: this.instance }, 'redis unreachable: no new seats until it is back');
      up = false;
    });
    this.sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.received(message));
    // Renewing is also when lapsed leases are found: every half second at most, so a member whose instance died is
    // announced within SEAT_LEASE_MS + 0.5 s (plus a round trip to Redis), inside the promised SEAT_LEASE_MS + 1 s.
    this.timer = setInterval(() => void this.renew(), Math.min(500, Math.floor(config.seatLeaseMs / 4)));
    this.timer.unref();
    await Promise.allSettled([this.redis.connect(), this.sub.connect()]);
    // Redis down at boot: the subscription waits for it (and is renewed by ioredis after every reconnect).
    const subscribed = this.sub.subscribe(this.channel, this.supportChannel);
    if (this.sub.status === 'ready') await subscribed;
    else subscribed.catch((error: Error) => log.warn({ err: error.message }, 'redis subscription failed'));
  }

  /** Where support-queue messages from the bus go (see {@link tellInstance} and {@link broadcast}). */
  onSupport(listener: SupportListener): void {
    this.supportListener = listener;
  }

  /** A support message for the instance holding a socket (handled at once when that is this one). */
  async tellInstance(instance: string, message: unknown): Promise<void> {
    if (instance === this.instance) return this.supportListener(message);
    await this.redis.publish(this.channelOf(instance), JSON.stringify({ t: 's', m: message } satisfies BusMessage));
  }

  /** A support message for every instance, this one included (it hears it back through Redis, in order). */
  async broadcast(message: unknown): Promise<void> {
    await this.redis.publish(this.supportChannel, JSON.stringify({ t: 's', m: message } satisfies BusMessage));
  }

  /** Seats and records of support call rooms (see seats.ts). */
  get calls(): RedisSeats {
    return this.seats;
  }

  /** The registry and offline queues signaling delivers through (set once signaling exists). */
  attach(signaling: { registry: Registry; offline: OfflineQueues }): void {
    this.signaling = signaling;
  }

  get available(): boolean {
    return this.redis?.status === 'ready';
  }

  /**
   * Spend one of the address's joins (JOIN_RATE_LIMIT, counted across every instance): 0 when allowed, else the
   * seconds to wait. Throws when Redis is unreachable.
   */
  spendJoin(address: string): Promise<number> {
    return this.budget.spend(address);
  }

  /** Take a seat in Redis (throws when Redis is unreachable). Lapsed leases it found are announced. */
  async claim(room: string, peerId: string, name: string, role: Role): Promise<Claim> {
    const claim = await this.seats.claim(room, peerId, name, role);
    if (claim.expired.length > 0) this.announceLapsed(room, claim.expired).catch((error: Error) => this.log.debug({ err: error.message }, 'lapsed seats not announced'));
    return claim;
  }

  /**
   * A member's socket arrived here: the members of its room on other instances hear its name and role (VCW-IDENTITY),
   * as those here already did. Redis unreachable: they go without (their widgets keep the name from the join).
   */
  identify(room: string, member: Member): void {
    this.seats
      .instancesOf(room)
      .then((instances) => this.tell(instances, { t: 'i', room, member }))
      .catch((error: Error) => this.log.debug({ err: error.message, peer: member.peerId }, 'identity not told to other instances'));
  }

  /**
   * A relayed message whose receiver is not here: to the instance holding it, which checks the room again. False
   * when no instance holds it (dropped); rejects when Redis is unreachable.
   */
  forward(room: string, message: Relayed): Promise<boolean> {
    return this.bus.forward(room, message);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.sockets?.stop();
    this.sub?.disconnect();
    // Our seats stay until their leases lapse: members re-register on another instance and keep them.
    this.redis?.disconnect();
  }

  private get supportChannel(): string {
    return `${this.config.prefix}support`;
  }

  private channelOf(instance: string): string {
    return `${this.config.prefix}instance:${instance}`;
  }

  /** One renewal pass over every seat held here; moved members are let go, lapsed ones announced. */
  private async renew(): Promise<void> {
    if (this.renewing || !this.available) return;
    this.renewing = true;
    try {
      await Promise.all(
        [...this.rooms.held()].map(async ([room, members]) => {
          const { moved, expired } = await this.seats.renew(room, members);
          for (const peerId of moved) this.movedAway(peerId);
          if (expired.length > 0) await this.announceLapsed(room, expired);
        }),
      );
    } catch (error) {
      this.log.debug({ err: (error as Error).message }, 'seat renewal failed');
    } finally {
      this.renewing = false;
    }
  }

  /** The member re-registered on another instance: its seat here is forgotten without a word, its socket closed. */
  private movedAway(peerId: string): void {
    this.log.debug({ peer: peerId }, 'member moved to another instance');
    this.rooms.forget(peerId);
    this.signaling?.registry.socket(peerId)?.terminate();
  }

  private async released(room: string, peerId: string, reason: ReleaseReason): Promise<void> {
    if (this.stopped) return;
    try {
      this.bus.owners.invalidate(room, peerId);
      const instances = await this.seats.release(room, peerId);
      // Its member sits on another instance now: nobody is told it left.
      if (instances) await this.tell(instances, { t: 'l', room, peerId, reason });
    } catch (error) {
      // Redis down: the lease lapses by itself and whoever purges it announces the member.
      this.log.debug({ err: (error as Error).message, peer: peerId }, 'seat release not recorded');
    }
  }

  /** Members whose leases lapsed (their instance died and they did not come back): left, for everyone. */
  private async announceLapsed(room: string, expired: readonly string[]): Promise<void> {
    const instances = await this.seats.instancesOf(room);
    for (const peerId of expired) {
      this.rooms.forget(peerId);
      this.bus.owners.invalidate(room, peerId);
      this.leave(room, peerId, 'disconnected');
      await this.tell(instances, { t: 'l', room, peerId, reason: 'disconnected' });
    }
  }

  /** Publish to every other instance among `instances` (once each; all sent at once, so none waits behind another). */
  private async tell(instances: readonly string[], message: BusMessage): Promise<void> {
    const text = JSON.stringify(message);
    const others = [...new Set(instances)].filter((instance) => instance !== this.instance);
    await Promise.all(others.map((instance) => this.redis.publish(this.channelOf(instance), text)));
  }

  private received(raw: Buffer): void {
    let message: BusMessage;
    try {
      message = JSON.parse(raw.toString('utf8')) as BusMessage;
    } catch {
      return;
    }
    try {
      if (message?.t === 'b') this.bus.received(message);
      else if (message?.t === 'l') this.left(message.room, message.peerId, message.reason);
      else if (message?.t === 'i') this.identity(message.room, message.member);
      else if (message?.t === 'o' && typeof message.room === 'string' && typeof message.peerId === 'string') this.bus.owners.invalidate(message.room, message.peerId);
      else if (message?.t === 'r') this.bus.received({ m: [[message.room, message.m?.type, message.m?.src, message.m?.dst, message.m?.payload, 1]] });
      else if (message?.t === 's') this.supportListener(message.m);
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'a message from another instance could not be handled');
    }
  }

  /** Another instance announced `peerId`'s leave: where it was is forgotten, and this instance's members hear it. */
  private left(room: string, peerId: string, reason: ReleaseReason): void {
    if (typeof room !== 'string' || typeof peerId !== 'string') return;
    this.bus.owners.invalidate(room, peerId);
    this.leave(room, peerId, reason);
  }

  /** Tell this instance's members of `room` that `peerId` left. */
  private leave(room: string, peerId: string, reason: ReleaseReason): void {
    const registry = this.signaling?.registry;
    if (!registry) return;
    for (const member of this.rooms.connectedIn(room)) if (member.peerId !== peerId) registry.send(member.peerId, { type: Notice.LEAVE, payload: { peerId, reason } });
  }

  /** A member on another instance, as that instance vouches for it: named to this instance's members of `room`. */
  private identity(room: string, member: Member): void {
    const registry = this.signaling?.registry;
    if (!registry || typeof member?.peerId !== 'string' || typeof member.name !== 'string' || (member.role !== 'host' && member.role !== 'guest')) return;
    const { peerId, name, role } = member;
    // Its socket arrived on another instance: it may have moved there from where this one thought it was.
    if (typeof room === 'string') this.bus.owners.invalidate(room, peerId);
    for (const other of this.rooms.connectedIn(room)) if (other.peerId !== peerId) registry.send(other.peerId, { type: Notice.IDENTITY, payload: { members: [{ peerId, name, role }] } });
  }
}
