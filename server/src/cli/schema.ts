/**
 * Every environment variable the server reads, with what it means and its default — the one list that `--help`
 * (`help.ts`) and the README's configuration table (`scripts/config-docs.mjs`) are generated from. `loadConfig`
 * reads exactly these names; server/test/cli.test.ts fails when the code, this list and the README drift apart.
 */

export interface ConfigVariable {
  readonly name: string;
  /** One line of plain Markdown (backticks allowed): what it does, its range, what happens beyond it. */
  readonly meaning: string;
  /** The default, as a reader should see it (Markdown). */
  readonly default: string;
  readonly group: ConfigGroup;
}

export type ConfigGroup = 'listen' | 'rooms' | 'ice' | 'tickets' | 'limits' | 'support' | 'shared' | 'operations';

export const CONFIG_GROUPS: Readonly<Record<ConfigGroup, string>> = {
  listen: 'Listening',
  rooms: 'Rooms and tokens',
  ice: 'ICE (STUN/TURN)',
  tickets: 'Tickets and restarts',
  limits: 'Limits',
  support: 'Customer support',
  shared: 'Several instances (Redis)',
  operations: 'Operations (logs, metrics, webhooks)',
};

export const CONFIG_SCHEMA: readonly ConfigVariable[] = [
  { group: 'listen', name: 'PORT', meaning: 'HTTP port', default: '`9000`' },
  { group: 'listen', name: 'HOST', meaning: 'address to listen on', default: 'all interfaces' },
  { group: 'listen', name: 'TRUST_PROXY', meaning: '`1` behind a reverse proxy (honours `X-Forwarded-Proto/Host`; the last `X-Forwarded-For` entry is the client address for the limits)', default: '`0`' },
  { group: 'listen', name: 'ALLOWED_ORIGINS', meaning: 'comma-separated origins allowed to embed (REST and WebSocket)', default: 'any' },
  { group: 'rooms', name: 'MAX_PEERS', meaning: 'people per room, 2–8', default: '`4`' },
  { group: 'rooms', name: 'ROOM_TOKEN_SECRET', meaning: 'when set (≥ 32 chars), every join needs an HS256 JWT with `room`, `iat`, `exp`', default: 'unset' },
  { group: 'rooms', name: 'TOKEN_MAX_TTL', meaning: 'longest accepted token lifetime, seconds', default: '`3600`' },
  { group: 'ice', name: 'STUN_URLS', meaning: 'comma-separated `stun:` URLs given to browsers', default: 'none' },
  { group: 'ice', name: 'TURN_URLS', meaning: 'comma-separated `turn:`/`turns:` URLs; browsers get short-lived credentials for them', default: 'none' },
  { group: 'ice', name: 'TURN_SECRET', meaning: "the TURN server's shared secret (coturn `static-auth-secret`, ≥ 32 chars); required with `TURN_URLS`", default: 'none' },
  { group: 'ice', name: 'TURN_TTL', meaning: 'TURN credential lifetime, seconds (30 s – 7 days); widgets renew them at half their life', default: '`3600`' },
  { group: 'tickets', name: 'TICKET_SECRET', meaning: 'secret that signs tickets (≥ 32 chars)', default: 'random, kept in `STATE_DIR`' },
  { group: 'tickets', name: 'STATE_DIR', meaning: 'where the generated ticket secret and agent key are kept, so a restart keeps running calls', default: '`~/.video-call-widget`' },
  { group: 'tickets', name: 'TICKET_TTL', meaning: 'ticket lifetime, seconds (5 s – 7 days); with room tokens a ticket never outlives its token', default: '`43200`' },
  { group: 'tickets', name: 'SEAT_TIMEOUT_MS', meaning: 'a reserved seat is freed when its WebSocket does not arrive in time', default: '`15000`' },
  { group: 'limits', name: 'PING_INTERVAL_MS', meaning: 'WebSocket ping interval (each pass spread over the interval); a socket that misses a pong is dropped (so a frozen client goes within two intervals)', default: '`4000`' },
  { group: 'limits', name: 'JOIN_RATE_LIMIT', meaning: 'joins plus WebSocket connects per client address per minute (bursts up to the same number); over it: `429 rate-limited`', default: '`120`' },
  { group: 'limits', name: 'MAX_SOCKETS_PER_ADDRESS', meaning: 'signaling WebSockets one client address may hold open; over it: `429` before the upgrade', default: '`64`' },
  { group: 'limits', name: 'MESSAGE_RATE_LIMIT', meaning: 'signaling messages per second per socket (bursts of ten seconds\' worth); over it the socket is closed (`1008 rate-limited`)', default: '`50`' },
  { group: 'limits', name: 'OFFLINE_QUEUE_LIMIT', meaning: 'messages kept for a member who has reserved a seat but not connected yet', default: '`256`' },
  { group: 'limits', name: 'OFFLINE_QUEUE_BYTES', meaning: 'bytes kept for such a member', default: '`524288`' },
  { group: 'support', name: 'AGENT_KEY', meaning: 'the key that opens an agent desk without a room token (≥ 16 chars)', default: 'random, kept in `STATE_DIR`; the server logs the desk\'s link at start' },
  { group: 'support', name: 'MAX_WAITING', meaning: 'visitors one support queue holds; more get `409 room-full`', default: '`20`' },
  { group: 'support', name: 'MAX_WAITING_PER_VISITOR', meaning: 'visitors one support queue holds from one client address, and from one room token subject (`sub`); more get `409 too-many-waiting`', default: '`2`' },
  { group: 'support', name: 'WAITING_TIMEOUT_MS', meaning: 'a visitor waiting longer is told nobody could answer', default: '`600000`' },
  { group: 'shared', name: 'REDIS_URL', meaning: '`redis://…` (`rediss://` for TLS) turns on shared mode: several instances (behind a room-affine load balancer, `deploy/haproxy/haproxy.cfg`) share seats, the support queues, the per-address limits and relay signaling through Redis; `TICKET_SECRET` and `AGENT_KEY` are then required. While Redis is unreachable joins, knocks and desks answer `503 unavailable` (the widget shows `server-unreachable`); calls in progress continue, and `/healthz` stays 200 with `redis: false` (it also names the `instance`). See docs/DEPLOY.md', default: 'unset: one process, no Redis' },
  { group: 'shared', name: 'INSTANCE_ID', meaning: "this instance's name in Redis (its relay channel, the owner of its members' seats), 1–64 letters, digits, `.`, `_`, `-`; shared mode only", default: 'host name, pid and a random suffix' },
  { group: 'shared', name: 'REDIS_PREFIX', meaning: 'prefix of every Redis key and channel (several deployments on one Redis), at most 32 chars; shared mode only', default: '`vcw:`' },
  { group: 'shared', name: 'SEAT_LEASE_MS', meaning: "a seat's lease in Redis (2000 – 600000), renewed by the instance holding the member; a killed instance's members lose their seats (and are announced as left) this long after it stops, unless they re-register on another instance first; its waiting visitors, desks and open sockets stop counting after as long; shared mode only", default: '`15000`' },
  { group: 'operations', name: 'LOG_LEVEL', meaning: 'pino level (`silent` … `trace`)', default: '`info`' },
  { group: 'operations', name: 'METRICS_TOKEN', meaning: '`GET /metrics` (Prometheus) then needs `Authorization: Bearer <token>` (≥ 16 chars); otherwise 401', default: 'unset: `/metrics` is open' },
  { group: 'operations', name: 'WEBHOOK_URL', meaning: 'an `http(s):` URL that receives signed POSTs for room and support events (Standard Webhooks)', default: 'unset: no webhooks' },
  { group: 'operations', name: 'WEBHOOK_SECRET', meaning: 'the signing secret, `whsec_` + base64 (at least 24 bytes); required with `WEBHOOK_URL`', default: 'none' },
  { group: 'operations', name: 'WEBHOOK_TIMEOUT_MS', meaning: 'one delivery attempt is abandoned (and retried) after this long', default: '`5000`' },
  { group: 'operations', name: 'WEBHOOK_QUEUE_LIMIT', meaning: 'deliveries waiting at once (all rooms); beyond it new events are dropped and counted', default: '`1000`' },
];

export const CONFIG_NAMES: ReadonlySet<string> = new Set(CONFIG_SCHEMA.map((v) => v.name));
