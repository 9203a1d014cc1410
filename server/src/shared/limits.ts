/**
 * Per-address join budget across instances (shared mode): the same token bucket as JOIN_RATE_LIMIT's in one
 * process (capacity = the limit, refilled at limit/60 per second), kept in Redis by one Lua script on Redis's own
 * clock, so an address gets the same budget however HAProxy spreads its requests over the instances.
 */
import type { Redis } from 'ioredis';

const BUCKET = `
local cap = tonumber(ARGV[1])
local per_ms = cap / 60000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = tonumber(b[1]) or cap
local at = tonumber(b[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - at) * per_ms)
local ok = 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'a', now)
redis.call('PEXPIRE', KEYS[1], 61000)
if ok == 1 then return 0 end
return math.max(1, math.ceil((1 - tokens) / per_ms / 1000))
`;

type BucketCommands = Redis & { vcwBucket(key: string, capacity: number): Promise<number> };

export class RedisJoinBudget {
  private readonly redis: BucketCommands;

  constructor(redis: Redis, private readonly prefix: string, private readonly capacity: number) {
    redis.defineCommand('vcwBucket', { numberOfKeys: 1, lua: BUCKET });
    this.redis = redis as BucketCommands;
  }

  /** Spend one join of `address`: 0 when allowed, else the seconds until one is back (for Retry-After). */
  async spend(address: string): Promise<number> {
    return this.redis.vcwBucket(`${this.prefix}joins:${address}`, this.capacity);
  }
}

/** Take a socket place of address KEYS[1]. ARGV: now, max, holder, lease. Returns 1 when taken, 0 when full. */
const ACQUIRE = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) * 2)
return 1
`;

type SocketCommands = Redis & { vcwSocketTake(key: string, now: number, max: number, holder: string, lease: number): Promise<number> };

/**
 * MAX_SOCKETS_PER_ADDRESS across instances (shared mode): per address a sorted set of the open sockets' places
 * (`instance#n` → lease end). This instance renews the leases of its sockets' places; a killed instance's lapse
 * after the lease, so its sockets stop counting.
 */
export class RedisSocketCount {
  private readonly redis: SocketCommands;
  /** This instance's places: holder → address. */
  private readonly held = new Map<string, string>();
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(redis: Redis, private readonly prefix: string, private readonly instance: string, private readonly max: number, private readonly leaseMs: number) {
    redis.defineCommand('vcwSocketTake', { numberOfKeys: 1, lua: ACQUIRE });
    this.redis = redis as SocketCommands;
  }

  /** Take a place for a socket of `address`: its holder name (give it back with `release`), or null when full. */
  async acquire(address: string): Promise<string | null> {
    const holder = `${this.instance}#${++this.next}`;
    const taken = await this.redis.vcwSocketTake(this.key(address), Date.now(), this.max, holder, this.leaseMs);
    if (taken !== 1) return null;
    this.held.set(holder, address);
    return holder;
  }

  /** The socket closed: its place is free (or, Redis unreachable, lapses with its lease). */
  release(holder: string): void {
    const address = this.held.get(holder);
    if (address === undefined) return;
    this.held.delete(holder);
    this.redis.zrem(this.key(address), holder).catch(() => {});
  }

  /** Renew this instance's places every quarter lease (at most every 2 s). */
  start(): void {
    this.timer = setInterval(() => void this.renew(), Math.min(2000, Math.floor(this.leaseMs / 4)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0 || this.redis.status !== 'ready') return;
    const until = Date.now() + this.leaseMs;
    const pipeline = this.redis.pipeline();
    for (const [holder, address] of this.held) pipeline.zadd(this.key(address), until, holder).pexpire(this.key(address), this.leaseMs * 2);
    await pipeline.exec().catch(() => {});
  }

  private key(address: string): string {
    return `${this.prefix}sockets:${address}`;
  }
}
