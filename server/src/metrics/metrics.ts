/**
 * Prometheus metrics (prom-client), one registry per server: what is live right now is read on each scrape from its
 * owner (rooms, members, sockets, support queues, webhook queue, Redis in shared mode); what happens is counted where it happens (joins
 * and refusals, relayed and dropped signaling messages, support waiting times, webhook deliveries). Node's own
 * metrics (event-loop lag, heap, CPU, GC) come from prom-client's defaults. docs/DEPLOY.md says what to alert on.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CallEvents } from '../events/call-events.js';
import type { Rooms } from '../rooms.js';
import type { SupportService } from '../support/service.js';
import type { WebhookSender } from '../webhooks/webhooks.js';

/** Why the relay dropped a signaling message. */
export type DropReason = 'rate-limited' | 'not-allowed' | 'offline-queue-full' | 'receiver-backlogged';

export interface MetricSources {
  readonly rooms: Rooms;
  readonly support: SupportService;
  readonly events: CallEvents;
  readonly webhooks: WebhookSender | null;
  /** Shared mode (REDIS_URL): does this instance reach Redis now? Absent (or null) in a single process. */
  readonly redisUp?: (() => boolean) | null;
  /** Connected members (seats whose socket arrived). */
  readonly members: () => number;
  /** Open signaling WebSockets. */
  readonly sockets: () => number;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly joins: Counter<'result'>;
  private readonly joinSeconds: Histogram;
  private readonly relayed: Counter<'type'>;
  private readonly droppedMessages: Counter<'reason'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'vcw_rooms', help: 'Rooms with at least one seat (reserved or connected).', registers,
      collect() {
        this.set(sources.rooms.stats().rooms);
      },
    });
    new Gauge({
      name: 'vcw_members', help: 'Seats by state: connected (socket arrived) or reserved (joined, socket not yet there).', labelNames: ['state'], registers,
      collect() {
        const connected = sources.members();
        this.set({ state: 'connected' }, connected);
        this.set({ state: 'reserved' }, Math.max(0, sources.rooms.stats().peers - connected));
      },
    });
    new Gauge({
      name: 'vcw_sockets', help: 'Open signaling WebSockets (members, waiting visitors, desks).', registers,
      collect() {
        this.set(sources.sockets());
      },
    });
    new Gauge({
      name: 'vcw_support_waiting', help: 'Visitors waiting in support queues.', registers,
      collect() {
        this.set(sources.support.totals().waiting);
      },
    });
    new Gauge({
      name: 'vcw_support_desks', help: 'Agent desks online.', registers,
      collect() {
        this.set(sources.support.totals().desks);
      },
    });
    const waited = new Histogram({
      name: 'vcw_support_wait_seconds', help: 'How long visitors waited, by outcome.', labelNames: ['outcome'], registers,
      buckets: [5, 15, 30, 60, 120, 300, 600, 1200],
    });
    sources.events.on('support.admitted', (e) => waited.observe({ outcome: 'admitted' }, e.data.waitedMs / 1000));
    sources.events.on('support.declined', (e) => waited.observe({ outcome: 'declined' }, e.data.waitedMs / 1000));
    sources.events.on('support.timeout', (e) => waited.observe({ outcome: 'timeout' }, e.data.waitedMs / 1000));
    const { redisUp, webhooks } = sources;
    if (redisUp) {
      new Gauge({
        name: 'vcw_redis_up', help: 'Shared mode: 1 while this instance reaches Redis, 0 while it does not (joins and knocks then answer 503).', registers,
        collect() {
          this.set(redisUp() ? 1 : 0);
        },
      });
    }
    if (webhooks) {
      new Gauge({
        name: 'vcw_webhook_queue', help: 'Webhook deliveries waiting or in flight.', registers,
        collect() {
          this.set(webhooks.stats().queued);
        },
      });
      new Counter({
        name: 'vcw_webhook_deliveries_total', labelNames: ['result'], registers,
        help: 'Webhook deliveries: delivered, failed_attempt (each retry), abandoned (after the last retry), dropped (queue full).',
        collect() {
          const s = webhooks.stats();
          this.reset();
          this.inc({ result: 'delivered' }, s.delivered);
          this.inc({ result: 'failed_attempt' }, s.failedAttempts);
          this.inc({ result: 'abandoned' }, s.abandoned);
          this.inc({ result: 'dropped' }, s.dropped);
        },
      });
    }
    this.joins = new Counter({
      name: 'vcw_joins_total', help: 'Room join requests by result: ok, or the refusal code (room-full, forbidden, rate-limited, invalid-room, …).',
      labelNames: ['result'], registers,
    });
    this.joinSeconds = new Histogram({
      name: 'vcw_join_duration_seconds', help: 'Time to answer a room join request (seat reserved, ticket issued).', registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    });
    this.relayed = new Counter({ name: 'vcw_relayed_messages_total', help: 'Signaling messages relayed between members, by type.', labelNames: ['type'], registers });
    this.droppedMessages = new Counter({
      name: 'vcw_dropped_messages_total', labelNames: ['reason'], registers,
      help: 'Signaling messages dropped by reason: rate-limited, not-allowed (wrong type, outside the room, too deep), offline-queue-full, receiver-backlogged.',
    });
  }

  /** A join request was answered: `result` is `ok` or the error code. */
  join(result: string, seconds: number): void {
    this.joins.inc({ result });
    if (result === 'ok') this.joinSeconds.observe(seconds);
  }

  relay(type: string): void {
    this.relayed.inc({ type });
  }

  readonly dropped = (reason: DropReason): void => {
    this.droppedMessages.inc({ reason });
  };
}
