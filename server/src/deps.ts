/**
 * What the HTTP app and signaling share, built once by `createCallServer`: the configuration, the state (rooms,
 * tickets, support queues), the logger, the origin policy and the per-address join budget.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Metrics } from './metrics/metrics.js';
import type { Rooms } from './rooms.js';
import type { SharedMode } from './shared/cluster.js';
import type { SupportService } from './support/service.js';
import type { Tickets } from './tickets.js';
import type { KeyedLimiter } from './util/rate-limits.js';

export interface ServerDeps {
  readonly config: Config;
  readonly rooms: Rooms;
  readonly tickets: Tickets;
  readonly support: SupportService;
  /** Shared mode (REDIS_URL): seats in Redis, relay across instances; null in a single process. */
  readonly shared: SharedMode | null;
  readonly log: Logger;
  /** May a page of this origin embed calls (ALLOWED_ORIGINS)? Requests without an Origin may. */
  readonly originAllowed: (origin: string | undefined) => boolean;
  /** Joins and WebSocket connects per client address (JOIN_RATE_LIMIT), one budget for both. */
  readonly joinLimiter: KeyedLimiter;
  /** Counters for `/metrics` (joins, relayed and dropped messages). */
  readonly metrics: Metrics;
}
