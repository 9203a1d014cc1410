/**
 * Server configuration: read once from the environment, validated at boot.
 * A bad value throws a ConfigError naming the variable, and the process does not start.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';

export interface Config {
  readonly port: number;
  /** undefined = every interface (Node's default). */
  readonly host: string | undefined;
  readonly maxPeers: number;
  /** null = any origin may embed. */
  readonly allowedOrigins: readonly string[] | null;
  readonly roomTokenSecret: string | null;
  readonly tokenMaxTtl: number;
  readonly stunUrls: readonly string[];
  readonly turnUrls: readonly string[];
  readonly turnSecret: string | null;
  readonly turnTtl: number;
  /** Secret that signs tickets. Survives restarts so running calls can re-register. */
  readonly ticketSecret: Buffer;
  readonly ticketTtl: number;
  /** A reserved seat is released when its WebSocket does not arrive within this time. */
  readonly seatTimeoutMs: number;
  /** WebSocket ping interval; a socket missing one pong is terminated. */
  readonly pingIntervalMs: number;
  /** Behind a reverse proxy: honour X-Forwarded-* (and take the client address from X-Forwarded-For). */
  readonly trustProxy: boolean;
  /** Joins plus WebSocket connects one client address may make per minute (a token bucket of this size). */
  readonly joinRateLimit: number;
  /** WebSockets one client address may hold open at once. */
  readonly maxSocketsPerAddress: number;
  /** Signaling messages per second one socket may send, sustained (bursts up to ten seconds' worth). */
  readonly messageRateLimit: number;
  /** Messages kept for a reserved seat whose WebSocket has not arrived yet, and their total size in bytes. */
  readonly offlineQueueLimit: number;
  readonly offlineQueueBytes: number;
  /** The key that opens an agent desk on any support queue without a room token (AGENT_KEY). */
  readonly agentKey: string;
  /** True when AGENT_KEY is unset and the key is the one generated into STATE_DIR (the server logs the desk link). */
  readonly agentKeyGenerated: boolean;
  /** Visitors one support queue holds. */
  readonly maxWaiting: number;
  /** Visitors one queue holds from one client address, and from one token subject (`sub`). */
  readonly maxWaitingPerVisitor: number;
  /** A visitor waiting longer than this is declined with `timeout`. */
  readonly waitingTimeoutMs: number;
  /** Shared mode (REDIS_URL set): several instances share seats and relay through Redis; null = one process. */
  readonly shared: SharedConfig | null;
  readonly logLevel: string;
  /** `GET /metrics` needs `Authorization: Bearer <this>` when set (METRICS_TOKEN). */
  readonly metricsToken: string | null;
  /** Signed webhooks (WEBHOOK_URL + WEBHOOK_SECRET), or null when off. */
  readonly webhook: WebhookConfig | null;
  readonly staticDir: string;
  readonly demoDir: string;
}

/** Shared mode: where Redis is and how this instance names itself there. */
export interface SharedConfig {
  readonly redisUrl: string;
  /** This instance's name (INSTANCE_ID, else host name + pid + random): its relay channel and its seats' owner. */
  readonly instanceId: string;
  /** Prefix of every Redis key and channel (REDIS_PREFIX, default `vcw:`). */
  readonly prefix: string;
  /** A seat lease in Redis: renewed by the owning instance, lapses this long after the owner stops renewing. */
  readonly seatLeaseMs: number;
}

export interface WebhookConfig {
  readonly url: string;
  /** The signing key: the base64 part of WEBHOOK_SECRET (`whsec_…`), decoded. */
  readonly key: Buffer;
  readonly timeoutMs: number;
  readonly queueLimit: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function list(env: Env, name: string, check: (item: string) => boolean, what: string): string[] {
  const raw = env[name];
  if (!raw) return [];
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!check(item)) throw new ConfigError(name, `"${item}" is not ${what}`);
  }
  return items;
}

function secret(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (raw.length < 32) throw new ConfigError(name, 'must be at least 32 characters long');
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * A random hex secret of `bytes` bytes kept in STATE_DIR/`name`: written once (never overwritten, so two processes
 * sharing the directory agree), read back on every start.
 */
function stateSecret(env: Env, name: string, bytes: number, what: string): string {
  const dir = env.STATE_DIR || join(homedir(), '.video-call-widget');
  const file = join(dir, name);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(bytes).toString('hex'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stored = readFileSync(file, 'utf8').trim();
    if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(stored)) throw new Error(`${file} is not a ${bytes * 2}-digit hex secret`);
    return stored;
  } catch (error) {
    throw new ConfigError('STATE_DIR', `cannot keep the ${what} in ${dir}: ${(error as Error).message}`);
  }
}

/** The ticket secret: TICKET_SECRET, else a random one kept in STATE_DIR so that a restart keeps it. */
function ticketSecret(env: Env): Buffer {
  const given = secret(env, 'TICKET_SECRET');
  if (given) return Buffer.from(given, 'utf8');
  return Buffer.from(stateSecret(env, 'ticket-secret', 32, 'ticket secret'), 'utf8');
}

/**
 * The agent key: AGENT_KEY, else a random one kept in STATE_DIR — so a fresh install has a working agent desk
 * (its link is logged at start) and the link stays valid across restarts.
 */
function agentKey(env: Env): { key: string; generated: boolean } {
  const raw = env.AGENT_KEY;
  if (raw !== undefined && raw !== '') {
    if (raw.length < 16) throw new ConfigError('AGENT_KEY', 'must be at least 16 characters long');
    return { key: raw, generated: false };
  }
  return { key: stateSecret(env, 'agent-key', 16, 'agent key'), generated: true };
}

/** REDIS_URL and what goes with it; null when REDIS_URL is unset (one process, no Redis). */
function sharedConfig(env: Env): SharedConfig | null {
  const url = env.REDIS_URL?.trim();
  if (!url) {
    for (const name of ['INSTANCE_ID', 'REDIS_PREFIX', 'SEAT_LEASE_MS']) {
      if (env[name]) throw new ConfigError(name, 'only applies with REDIS_URL (shared mode)');
    }
    return null;
  }
  if (!/^rediss?:\/\/[^\s]+$/.test(url)) throw new ConfigError('REDIS_URL', `must be a redis:// or rediss:// URL, got "${url}"`);
  const id = env.INSTANCE_ID?.trim() || `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new ConfigError('INSTANCE_ID', 'must be 1–64 letters, digits, ".", "_" or "-"');
  const prefix = env.REDIS_PREFIX ?? 'vcw:';
  if (!/^[A-Za-z0-9:._-]{0,32}$/.test(prefix)) throw new ConfigError('REDIS_PREFIX', 'must be at most 32 letters, digits, ":", ".", "_" or "-"');
  return { redisUrl: url, instanceId: id, prefix, seatLeaseMs: int(env, 'SEAT_LEASE_MS', 15000, 2000, 600_000) };
}

/** WEBHOOK_URL + WEBHOOK_SECRET (Standard Webhooks: `whsec_` + base64 key), or null when WEBHOOK_URL is unset. */
function webhook(env: Env): WebhookConfig | null {
  const url = env.WEBHOOK_URL?.trim() || '';
  const raw = env.WEBHOOK_SECRET?.trim() || '';
  const timeoutMs = int(env, 'WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000);
  const queueLimit = int(env, 'WEBHOOK_QUEUE_LIMIT', 1000, 1, 1_000_000);
  if (!url) {
    if (raw) throw new ConfigError('WEBHOOK_URL', 'is required when WEBHOOK_SECRET is set');
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('WEBHOOK_URL', `"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError('WEBHOOK_URL', 'must be an http: or https: URL');
  if (!raw) throw new ConfigError('WEBHOOK_SECRET', 'is required when WEBHOOK_URL is set');
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(raw);
  const key = match ? Buffer.from(match[1]!, 'base64') : Buffer.alloc(0);
  if (key.length < 24) throw new ConfigError('WEBHOOK_SECRET', 'must be "whsec_" followed by at least 24 bytes in base64');
  return { url: parsed.href, key, timeoutMs, queueLimit };
}

function metricsToken(env: Env): string | null {
  const raw = env.METRICS_TOKEN?.trim() || '';
  if (!raw) return null;
  if (raw.length < 16) throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters long');
  if (!/^[\x21-\x7e]+$/.test(raw)) throw new ConfigError('METRICS_TOKEN', 'must be printable ASCII without spaces');
  return raw;
}

export function loadConfig(env: Env, paths: { staticDir: string; demoDir: string }): Config {
  const host = env.HOST?.trim() || undefined;
  if (host !== undefined && !/^[A-Za-z0-9.:\-[\]]+$/.test(host)) throw new ConfigError('HOST', `"${host}" is not a host name or address`);
  const origins = list(env, 'ALLOWED_ORIGINS', (o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o), 'an origin like https://shop.example.com');
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const turnUrls = list(env, 'TURN_URLS', (u) => /^turns?:[^\s]+$/.test(u), 'a turn: or turns: URL');
  const turnSecret = secret(env, 'TURN_SECRET');
  if (turnUrls.length > 0 && !turnSecret) throw new ConfigError('TURN_SECRET', 'is required when TURN_URLS is set');
  const trustProxy = env.TRUST_PROXY?.trim() ?? '';
  if (!['', '0', '1', 'true', 'false'].includes(trustProxy)) throw new ConfigError('TRUST_PROXY', 'must be 1/true or 0/false');
  const shared = sharedConfig(env);
  if (shared && !env.TICKET_SECRET) throw new ConfigError('TICKET_SECRET', 'is required when REDIS_URL is set (every instance must verify every ticket)');
  if (shared && !env.AGENT_KEY) throw new ConfigError('AGENT_KEY', 'is required when REDIS_URL is set (every instance must accept the same desk key)');
  const agent = agentKey(env);
  return {
    port: int(env, 'PORT', 9000, 0, 65535),
    host,
    maxPeers: int(env, 'MAX_PEERS', 4, 2, 8),
    allowedOrigins: origins.length === 0 || origins.includes('*') ? null : origins,
    roomTokenSecret: secret(env, 'ROOM_TOKEN_SECRET'),
    tokenMaxTtl: int(env, 'TOKEN_MAX_TTL', 3600, 60, 7 * 24 * 3600),
    stunUrls: list(env, 'STUN_URLS', (u) => /^stuns?:[^\s]+$/.test(u), 'a stun: or stuns: URL'),
    turnUrls,
    turnSecret,
    turnTtl: int(env, 'TURN_TTL', 3600, 30, 7 * 24 * 3600),
    ticketSecret: ticketSecret(env),
    ticketTtl: int(env, 'TICKET_TTL', 12 * 3600, 5, 7 * 24 * 3600),
    seatTimeoutMs: int(env, 'SEAT_TIMEOUT_MS', 15000, 1000, 120000),
    pingIntervalMs: int(env, 'PING_INTERVAL_MS', 4000, 500, 60000),
    trustProxy: trustProxy === '1' || trustProxy === 'true',
    joinRateLimit: int(env, 'JOIN_RATE_LIMIT', 120, 1, 1_000_000),
    maxSocketsPerAddress: int(env, 'MAX_SOCKETS_PER_ADDRESS', 64, 1, 1_000_000),
    messageRateLimit: int(env, 'MESSAGE_RATE_LIMIT', 50, 1, 100_000),
    offlineQueueLimit: int(env, 'OFFLINE_QUEUE_LIMIT', 256, 0, 100_000),
    offlineQueueBytes: int(env, 'OFFLINE_QUEUE_BYTES', 512 * 1024, 0, 64 * 1024 * 1024),
    agentKey: agent.key,
    agentKeyGenerated: agent.generated,
    maxWaiting: int(env, 'MAX_WAITING', 20, 1, 1000),
    maxWaitingPerVisitor: int(env, 'MAX_WAITING_PER_VISITOR', 2, 1, 1000),
    waitingTimeoutMs: int(env, 'WAITING_TIMEOUT_MS', 600_000, 1000, 86_400_000),
    shared,
    logLevel,
    metricsToken: metricsToken(env),
    webhook: webhook(env),
    staticDir: paths.staticDir,
    demoDir: paths.demoDir,
  };
}
