/**
 * The support queues in Redis (shared mode): per queue, the waiting visitors in knock order, the desks, who is
 * attached where (the instance holding each socket), and a lease per entry. Every change is one Lua script, so of two
 * desks admitting one visitor on two instances exactly one takes it out of the queue, and the queue's capacity and
 * MAX_WAITING_PER_VISITOR are checked and the knock added without another instance's knock in between.
 *
 * Leases: a knock lives until its socket arrives (the seat timeout), a desk until its socket arrives or after it
 * dropped (the same); an attached entry's lease is renewed by the instance holding its socket. Entries whose leases
 * ended (their instance died) are purged by whichever script touches the queue next and returned, so the caller can
 * tell the queue it changed. The queue's keys vanish a while after the last script touched them.
 */
import type { Redis } from 'ioredis';
import type { SignalingEndpoint } from '../../../src/protocol/wire.js';

/** A waiting visitor as stored: what the desks are shown, and what its admission and the caps need. */
export interface VisitorRecord {
  readonly name: string;
  readonly page: string;
  readonly context: Record<string, unknown>;
  /** Knock time, ms since the epoch. */
  readonly since: number;
  readonly signaling: SignalingEndpoint;
  readonly notAfter?: number | undefined;
  readonly address: string;
  readonly subject?: string | undefined;
}

/** A desk as stored. */
export interface DeskRecord {
  readonly name: string;
  readonly signaling: SignalingEndpoint;
  readonly notAfter?: number | undefined;
}

/** One visitor of a queue snapshot: its id, record, and the instance holding its socket ('' before it arrived). */
export interface QueuedVisitor {
  readonly id: string;
  readonly record: VisitorRecord;
  readonly at: string;
}

/** Drop entries whose lease ended before ARGV[1] (returned as `expired`). ARGV[2]: how long the keys are kept. */
const PURGE = `
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  redis.call('ZREM', KEYS[1], unpack(expired))
  redis.call('HDEL', KEYS[3], unpack(expired))
  redis.call('HDEL', KEYS[4], unpack(expired))
  redis.call('SREM', KEYS[5], unpack(expired))
  redis.call('HDEL', KEYS[7], unpack(expired))
end
`;

const TOUCH = `
for i = 1, 7 do redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2])) end
`;

/** Remove entry `id` from every key. */
const DROP = `
local function drop(id)
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
  redis.call('SREM', KEYS[5], id)
  redis.call('HDEL', KEYS[7], id)
end
`;

/**
 * ARGV: now, keep, max waiting, max per visitor, id, record, address, subject ('' for none), lease. Returns
 * {status, position, expired}: status 0 the queue is full, 1 too many from this address or subject, 2 queued.
 */
const KNOCK = `${PURGE}
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return {0, 0, expired} end
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
if #ids > 0 then
  local fromAddress, fromSubject = 0, 0
  for _, raw in ipairs(redis.call('HMGET', KEYS[3], unpack(ids))) do
    if raw then
      local v = cjson.decode(raw)
      if v.address == ARGV[7] then fromAddress = fromAddress + 1 end
      if ARGV[8] ~= '' and v.subject == ARGV[8] then fromSubject = fromSubject + 1 end
    end
  end
  if math.max(fromAddress, fromSubject) >= tonumber(ARGV[4]) then return {1, 0, expired} end
end
redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[6]), ARGV[5])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[9]), ARGV[5])
redis.call('HSET', KEYS[3], ARGV[5], ARGV[6])
${TOUCH}
return {2, redis.call('ZCARD', KEYS[1]), expired}
`;

/** ARGV: now, keep, id, record, lease. Returns expired. */
const DESK = `${PURGE}
redis.call('SADD', KEYS[5], ARGV[3])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[3])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
${TOUCH}
return expired
`;

/**
 * A socket arrived on instance ARGV[4]. ARGV: now, keep, id, instance, lease, kind ('waiting' | 'desk'). Returns
 * {status, expired, record}: 0 no such entry (of that kind), 1 attached for the first time, 2 attached again.
 */
const ATTACH = `${PURGE}
local known = ARGV[6] == 'desk' and redis.call('SISMEMBER', KEYS[5], ARGV[3]) == 1 or ARGV[6] ~= 'desk' and redis.call('ZSCORE', KEYS[1], ARGV[3])
if not known then return {0, expired} end
local before = redis.call('HGET', KEYS[4], ARGV[3])
redis.call('HSET', KEYS[4], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[3])
${TOUCH}
return {before and 2 or 1, expired, redis.call('HGET', KEYS[3], ARGV[3])}
`;

/**
 * The socket on instance ARGV[4] went away. ARGV: now, keep, id, instance, a desk's grace. Returns 0 (not attached
 * there: it moved, or is gone), 1 a visitor left the queue, 2 a desk went offline (forgotten after the grace).
 */
const DETACH = `${DROP}
if redis.call('HGET', KEYS[4], ARGV[3]) ~= ARGV[4] then return 0 end
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then
  drop(ARGV[3])
  return 1
end
redis.call('HDEL', KEYS[4], ARGV[3])
redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ARGV[5]), ARGV[3])
return 2
`;

/**
 * Take visitor ARGV[3] out of the queue (admitted, declined, timed out): exactly one caller gets it. ARGV: now, keep,
 * id, '1' when only an attached visitor may be taken. Returns {taken, record, instance, expired}.
 */
const TAKE = `${PURGE}${DROP}
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) then return {0, '', '', expired} end
local at = redis.call('HGET', KEYS[4], ARGV[3])
if ARGV[4] == '1' and not at then return {0, '', '', expired} end
local record = redis.call('HGET', KEYS[3], ARGV[3])
drop(ARGV[3])
return {1, record, at or '', expired}
`;

/**
 * Renew the leases of the entries attached on instance ARGV[3]. ARGV: now, keep, instance, lease, ids… Returns
 * {expired, missing}: missing are ids no longer in the queue at all (taken out, lapsed, or Redis lost its data).
 */
const RENEW = `${PURGE}
local missing = {}
for i = 5, #ARGV do
  if redis.call('HGET', KEYS[4], ARGV[i]) == ARGV[3] then
    redis.call('ZADD', KEYS[2], 'XX', now + tonumber(ARGV[4]), ARGV[i])
  elseif redis.call('HEXISTS', KEYS[3], ARGV[i]) == 0 then
    table.insert(missing, ARGV[i])
  end
end
${TOUCH}
return {expired, missing}
`;

/** ARGV: now, keep. Returns {[id, record, instance]…, desks online, expired}. */
const SNAPSHOT = `${PURGE}
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  table.insert(out, id)
  table.insert(out, redis.call('HGET', KEYS[3], id) or '{}')
  table.insert(out, redis.call('HGET', KEYS[4], id) or '')
end
local desks = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[5])) do
  if redis.call('HEXISTS', KEYS[4], id) == 1 then desks = desks + 1 end
end
return {out, desks, expired}
`;

/** Keep an attached visitor's latest preview. ARGV: now, keep, id, image. Returns 1 when kept. */
const PREVIEW = `
if not redis.call('HGET', KEYS[4], ARGV[3]) or not redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 0 end
redis.call('HSET', KEYS[7], ARGV[3], ARGV[4])
return 1
`;

type Keys = [string, string, string, string, string, string, string];
type Args = (string | number)[];
type QueueCommands = Redis & {
  vcwKnock(...args: [...Keys, ...Args]): Promise<[number, number, string[]]>;
  vcwDesk(...args: [...Keys, ...Args]): Promise<string[]>;
  vcwAttach(...args: [...Keys, ...Args]): Promise<[number, string[], string?]>;
  vcwDetach(...args: [...Keys, ...Args]): Promise<number>;
  vcwTake(...args: [...Keys, ...Args]): Promise<[number, string, string, string[]]>;
  vcwQueueRenew(...args: [...Keys, ...Args]): Promise<[string[], string[]]>;
  vcwSnapshot(...args: [...Keys, ...Args]): Promise<[string[], number, string[]]>;
  vcwPreview(...args: [...Keys, ...Args]): Promise<number>;
};

/** The limits a knock is checked against, and the leases' lengths. */
export interface QueueLimits {
  readonly maxWaiting: number;
  readonly maxWaitingPerVisitor: number;
  /** An entry whose socket has not arrived (or a desk's after it dropped). */
  readonly graceMs: number;
  /** An attached entry's lease (renewed by its instance). */
  readonly leaseMs: number;
  /** How long a queue's keys outlive the last script that touched them. */
  readonly keepMs: number;
}

export class RedisQueueStore {
  private readonly redis: QueueCommands;

  constructor(redis: Redis, private readonly prefix: string, readonly instance: string) {
    const scripts = { vcwKnock: KNOCK, vcwDesk: DESK, vcwAttach: ATTACH, vcwDetach: DETACH, vcwTake: TAKE, vcwQueueRenew: RENEW, vcwSnapshot: SNAPSHOT, vcwPreview: PREVIEW };
    for (const [name, lua] of Object.entries(scripts)) redis.defineCommand(name, { numberOfKeys: 7, lua });
    this.redis = redis as QueueCommands;
  }

  /** Queue a visitor: its position, or why not. `expired` are entries whose leases lapsed meanwhile. */
  async knock(queue: string, id: string, record: VisitorRecord, limits: QueueLimits): Promise<{ status: 'full' | 'too-many-waiting' | 'queued'; position: number; expired: string[] }> {
    const [status, position, expired] = await this.redis.vcwKnock(
      ...this.keys(queue), Date.now(), limits.keepMs, limits.maxWaiting, limits.maxWaitingPerVisitor, id, JSON.stringify(record), record.address, record.subject ?? '', limits.graceMs,
    );
    return { status: status === 0 ? 'full' : status === 1 ? 'too-many-waiting' : 'queued', position, expired };
  }

  async openDesk(queue: string, id: string, record: DeskRecord, limits: QueueLimits): Promise<string[]> {
    return this.redis.vcwDesk(...this.keys(queue), Date.now(), limits.keepMs, id, JSON.stringify(record), limits.graceMs);
  }

  /** A socket arrived here: null when it is not in the queue any more, else whether it came before, and its record. */
  async attach<K extends 'waiting' | 'desk'>(queue: string, id: string, kind: K, limits: QueueLimits): Promise<{ first: boolean; record: K extends 'desk' ? DeskRecord : VisitorRecord; expired: string[] } | null> {
    const [status, expired, record] = await this.redis.vcwAttach(...this.keys(queue), Date.now(), limits.keepMs, id, this.instance, limits.leaseMs, kind);
    if (status === 0 || !record) return null;
    return { first: status === 1, record: JSON.parse(record) as K extends 'desk' ? DeskRecord : VisitorRecord, expired };
  }

  /** The socket here went away: 'left' (a visitor left the queue), 'offline' (a desk), or 'elsewhere'. */
  async detach(queue: string, id: string, limits: QueueLimits): Promise<'left' | 'offline' | 'elsewhere'> {
    const status = await this.redis.vcwDetach(...this.keys(queue), Date.now(), limits.keepMs, id, this.instance, limits.graceMs);
    return status === 1 ? 'left' : status === 2 ? 'offline' : 'elsewhere';
  }

  /** Take a visitor out of the queue; null when another caller did first (or it is not there, or not attached). */
  async take(queue: string, id: string, attachedOnly: boolean, limits: QueueLimits): Promise<{ record: VisitorRecord; at: string } | null> {
    const [taken, record, at] = await this.redis.vcwTake(...this.keys(queue), Date.now(), limits.keepMs, id, attachedOnly ? '1' : '0');
    return taken === 1 ? { record: JSON.parse(record) as VisitorRecord, at } : null;
  }

  /** Renew the leases of this instance's entries in `queue`: the entries whose leases lapsed, and those of `ids` gone. */
  async renew(queue: string, ids: readonly string[], limits: QueueLimits): Promise<{ expired: string[]; missing: string[] }> {
    const [expired, missing] = await this.redis.vcwQueueRenew(...this.keys(queue), Date.now(), limits.keepMs, this.instance, limits.leaseMs, ...ids);
    return { expired, missing };
  }

  /** The queue as it stands: visitors in knock order, the number of desks online, entries that lapsed just now. */
  async snapshot(queue: string, limits: QueueLimits): Promise<{ visitors: QueuedVisitor[]; desks: number; expired: string[] }> {
    const [flat, desks, expired] = await this.redis.vcwSnapshot(...this.keys(queue), Date.now(), limits.keepMs);
    const visitors: QueuedVisitor[] = [];
    for (let i = 0; i + 2 < flat.length; i += 3) visitors.push({ id: flat[i]!, record: JSON.parse(flat[i + 1]!) as VisitorRecord, at: flat[i + 2]! });
    return { visitors, desks, expired };
  }

  /** Keep an attached visitor's preview (for desks that come online later). */
  async preview(queue: string, id: string, image: string, limits: QueueLimits): Promise<boolean> {
    return (await this.redis.vcwPreview(...this.keys(queue), Date.now(), limits.keepMs, id, image)) === 1;
  }

  /** The previews kept in `queue`, by visitor id. */
  async previews(queue: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys(queue)[6]);
  }

  private keys(queue: string): Keys {
    // One hash tag per queue: every key of a queue lives on one Redis Cluster slot.
    const base = `${this.prefix}queue:{${queue}}`;
    return [`${base}:order`, `${base}:lease`, `${base}:info`, `${base}:at`, `${base}:desks`, `${base}:seq`, `${base}:preview`];
  }
}
