/**
 * Seats in Redis (shared mode): per room a sorted set of leases (peer id → lease end, ms), a hash of names and a
 * hash of which instance holds each member. Every change is one Lua script, so the capacity check and the
 * reservation cannot interleave with another instance's join: MAX_PEERS holds across instances. Expired leases
 * are purged by whichever script touches the room next and returned, so the caller can announce those members
 * as left. The instance holding a member renews its lease; a killed instance's leases lapse on their own.
 */
import type { Redis } from 'ioredis';
import type { Member, Role } from '../../../src/protocol/wire.js';

/** A seat's entry in the names hash: its vouched name and role, as JSON. */
const encode = (name: string, role: Role): string => JSON.stringify([name, role]);

/** Read a names-hash entry; anything unreadable (an instance of an older version wrote a bare name) is a guest. */
function decode(peerId: string, value: string): Member {
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && (parsed[1] === 'host' || parsed[1] === 'guest')) return { peerId, name: parsed[0], role: parsed[1] };
  } catch {
    // a bare name
  }
  return { peerId, name: value, role: 'guest' };
}

/** Purge leases that ended before ARGV[1]; their ids are returned by each script. Shared prologue. */
const PURGE = `
local now = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
if #expired > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  redis.call('HDEL', KEYS[2], unpack(expired))
  redis.call('HDEL', KEYS[3], unpack(expired))
end
`;

/** Keep the room's keys a while after their last lease (an empty room vanishes by itself). */
const TOUCH = `
local keep = tonumber(ARGV[2]) * 4
redis.call('PEXPIRE', KEYS[1], keep)
redis.call('PEXPIRE', KEYS[2], keep)
redis.call('PEXPIRE', KEYS[3], keep)
`;

/**
 * Take (or keep) a seat. ARGV: now, lease, max, peer, name, instance. Returns {status, holders, expired}: status 0
 * full, 1 taken anew, 2 already held (its lease renewed, its instance updated), 3 refused (a support call room, KEYS[4],
 * that is not this peer's, or that removed it); holders = names and roles of the others before this one, as a flat
 * [id, name+role, …] list.
 */
const CLAIM = `${PURGE}
if redis.call('EXISTS', KEYS[4]) == 1 then
  local c = redis.call('HMGET', KEYS[4], 'a', 'v', 'b:' .. ARGV[4])
  if c[3] or (c[1] ~= ARGV[4] and c[2] ~= ARGV[4]) then return {3, {}, expired} end
end
local held = redis.call('ZSCORE', KEYS[1], ARGV[4])
if not held and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return {0, {}, expired} end
local holders = redis.call('HGETALL', KEYS[2])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[4])
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[6])
${TOUCH}
return {held and 2 or 1, holders, expired}
`;

/**
 * Re-assert this instance's seats of one room (every renewal pass, and at once after Redis comes back, even empty).
 * ARGV: now, lease, instance, how long a call room's record outlives its seats, then id/name+role pairs. A seat another instance now holds (its member re-registered
 * there) is left alone and returned as moved. Returns {moved, expired}.
 */
const RENEW = `
local me = ARGV[3]
local moved = {}
local n = tonumber(ARGV[1]) + tonumber(ARGV[2])
for i = 5, #ARGV, 2 do
  local owner = redis.call('HGET', KEYS[3], ARGV[i])
  if owner and owner ~= me then
    table.insert(moved, ARGV[i])
  else
    redis.call('ZADD', KEYS[1], n, ARGV[i])
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
    redis.call('HSET', KEYS[3], ARGV[i], me)
  end
end
${PURGE}
${TOUCH}
-- A support call room's record lives on while any of its seats is renewed, and ARGV[4] after the last.
if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[4])) end
return {moved, expired}
`;

/**
 * Free a seat held by this instance. ARGV: now, lease, peer, instance. Returns {freed, instances still in the room};
 * a seat another instance holds now (its member moved there) is not freed.
 */
const RELEASE = `
local owner = redis.call('HGET', KEYS[3], ARGV[3])
local freed = 0
if owner == ARGV[4] or not owner then
  redis.call('ZREM', KEYS[1], ARGV[3])
  redis.call('HDEL', KEYS[2], ARGV[3])
  redis.call('HDEL', KEYS[3], ARGV[3])
  freed = 1
end
return {freed, redis.call('HVALS', KEYS[3])}
`;

/**
 * Remove a member from a support call room of queue ARGV[1] (KEYS[4] its record): banned before anything else, so no
 * instance seats it again. ARGV: queue, peer. Returns the instance holding its seat, or false when it is not a
 * seated member of a call that queue created.
 */
const BAN = `
if redis.call('HGET', KEYS[4], 'q') ~= ARGV[1] then return false end
local owner = redis.call('HGET', KEYS[3], ARGV[2])
if not owner then return false end
redis.call('HSET', KEYS[4], 'b:' .. ARGV[2], '1')
return owner
`;

/** A support call room's record, as every instance reads it. */
export interface CallRecord {
  readonly queue: string;
  banned(peerId: string): boolean;
}

/** Who holds a live seat in a room: a flat [id, name+role, …] list. ARGV: now. Read only. */
const OCCUPANTS = `
local live = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf')
if #live == 0 then return {} end
local names = redis.call('HMGET', KEYS[2], unpack(live))
local out = {}
for i = 1, #live do
  out[#out + 1] = live[i]
  out[#out + 1] = names[i] or ''
end
return out
`;

export type Claim =
  | { readonly status: 'full' | 'forbidden'; readonly expired: string[] }
  | { readonly status: 'taken' | 'held'; readonly others: Member[]; readonly expired: string[] };

type SeatCommands = Redis & {
  vcwClaim(seats: string, names: string, where: string, ...args: (string | number)[]): Promise<[number, string[], string[]]>;
  vcwRenew(seats: string, names: string, where: string, ...args: (string | number)[]): Promise<[string[], string[]]>;
  vcwRelease(seats: string, names: string, where: string, ...args: (string | number)[]): Promise<[number, string[]]>;
  vcwBan(seats: string, names: string, where: string, call: string, queue: string, peerId: string): Promise<string | null>;
  vcwOccupants(seats: string, names: string, now: number): Promise<string[]>;
};

/** How long the link from an admitted member's id to its call room is kept (REMOVE finds the room by it). */
const MEMBER_LINK_MS = 24 * 3600 * 1000;

export class RedisSeats {
  private readonly redis: SeatCommands;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly instance: string,
    private readonly maxPeers: number,
    private readonly leaseMs: number,
    private readonly callKeepMs: number,
  ) {
    redis.defineCommand('vcwClaim', { numberOfKeys: 4, lua: CLAIM });
    redis.defineCommand('vcwRenew', { numberOfKeys: 4, lua: RENEW });
    redis.defineCommand('vcwRelease', { numberOfKeys: 3, lua: RELEASE });
    redis.defineCommand('vcwBan', { numberOfKeys: 4, lua: BAN });
    redis.defineCommand('vcwOccupants', { numberOfKeys: 2, lua: OCCUPANTS });
    this.redis = redis as SeatCommands;
  }

  /** Take a seat for `peerId` in `room` (a join, or a member's socket arriving on this instance). */
  async claim(room: string, peerId: string, name: string, role: Role): Promise<Claim> {
    const [status, holders, expired] = await this.redis.vcwClaim(...this.keys(room), this.callKey(room), Date.now(), this.leaseMs, this.maxPeers, peerId, encode(name, role), this.instance);
    if (status === 0) return { status: 'full', expired };
    if (status === 3) return { status: 'forbidden', expired };
    const others: Member[] = [];
    for (let i = 0; i + 1 < holders.length; i += 2) if (holders[i] !== peerId) others.push(decode(holders[i]!, holders[i + 1]!));
    return { status: status === 1 ? 'taken' : 'held', others, expired };
  }

  /** Renew this instance's seats in `room`: the ids another instance holds now, and the leases that lapsed. */
  async renew(room: string, members: readonly Member[]): Promise<{ moved: string[]; expired: string[] }> {
    const pairs = members.flatMap((m) => [m.peerId, encode(m.name, m.role)]);
    const [moved, expired] = await this.redis.vcwRenew(...this.keys(room), this.callKey(room), Date.now(), this.leaseMs, this.instance, this.callKeepMs, ...pairs);
    return { moved, expired };
  }

  /** Free this instance's seat of `peerId`: the instances still holding members of the room, or null when it moved. */
  async release(room: string, peerId: string): Promise<string[] | null> {
    const [freed, instances] = await this.redis.vcwRelease(...this.keys(room), Date.now(), this.leaseMs, peerId, this.instance);
    return freed === 1 ? instances : null;
  }

  /** Who holds a live seat in `room`, on whichever instance (for the pre-join card). */
  async occupants(room: string): Promise<Member[]> {
    const [seats, names] = this.keys(room);
    const flat = await this.redis.vcwOccupants(seats, names, Date.now());
    const members: Member[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) members.push(decode(flat[i]!, flat[i + 1]!));
    return members;
  }

  /** The instance holding each (room, peer), or null: one round trip for all of them. */
  async ownersOf(pairs: readonly (readonly [string, string])[]): Promise<(string | null)[]> {
    if (pairs.length === 1) return [await this.redis.hget(this.keys(pairs[0]![0])[2], pairs[0]![1])];
    const pipeline = this.redis.pipeline();
    for (const [room, peerId] of pairs) pipeline.hget(this.keys(room)[2], peerId);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([error, owner]) => {
      if (error) throw error;
      return typeof owner === 'string' ? owner : null;
    });
  }

  /** Every instance holding a member of `room`. */
  async instancesOf(room: string): Promise<string[]> {
    return this.redis.hvals(this.keys(room)[2]);
  }

  /**
   * Record `room` as a support call of `queue` whose only seats are `agent`'s and `visitor`'s (before either is
   * claimed: from then on no instance seats anyone else there), and link both ids to it.
   */
  async markCall(room: string, queue: string, agent: string, visitor: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.callKey(room), 'q', queue, 'a', agent, 'v', visitor)
      .pexpire(this.callKey(room), this.callKeepMs)
      .set(this.linkKey(agent), room, 'PX', MEMBER_LINK_MS)
      .set(this.linkKey(visitor), room, 'PX', MEMBER_LINK_MS)
      .exec();
  }

  /** The record of support call room `room`, or null for any other room. */
  async callOf(room: string): Promise<CallRecord | null> {
    const record = await this.redis.hgetall(this.callKey(room));
    if (typeof record.q !== 'string') return null;
    return { queue: record.q, banned: (peerId) => record[`b:${peerId}`] !== undefined };
  }

  /**
   * Ban `peerId` from its support call room if that room came from `queue` and it holds a seat there: the room and
   * the instance holding the seat, or null.
   */
  async ban(queue: string, peerId: string): Promise<{ room: string; owner: string } | null> {
    const room = await this.redis.get(this.linkKey(peerId));
    if (room === null) return null;
    const owner = await this.redis.vcwBan(...this.keys(room), this.callKey(room), queue, peerId);
    return owner ? { room, owner } : null;
  }

  private callKey(room: string): string {
    return `${this.prefix}room:{${room}}:call`;
  }

  private linkKey(peerId: string): string {
    return `${this.prefix}call-of:${peerId}`;
  }

  private keys(room: string): [string, string, string] {
    // One hash tag per room: the three keys live on one Redis Cluster slot too.
    const base = `${this.prefix}room:{${room}}`;
    return [`${base}:seats`, `${base}:names`, `${base}:where`];
  }
}
