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
