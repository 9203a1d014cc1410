/**
 * Signed webhooks: every call event POSTed to WEBHOOK_URL as `{ type, timestamp, data }` with the Standard Webhooks
 * headers. Deliveries of one room (or support queue) go one at a time, in order; a failed attempt (no 2xx, network
 * error, or no answer within WEBHOOK_TIMEOUT_MS) is retried with growing delays, and after the last retry dropped.
 * All rooms together hold at most WEBHOOK_QUEUE_LIMIT deliveries: an event beyond that is dropped and counted.
 * `enqueue` only appends to a queue; the network work runs on its own, so signaling never waits for a receiver.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { WebhookConfig } from '../config.js';
import type { CallEvent } from '../events/call-events.js';
import { signWebhook } from './signature.js';

/** Delays before each retry; after the last one the delivery is given up. */
export const RETRY_DELAYS_MS: readonly number[] = [500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000];

interface Delivery {
  readonly id: string;
  readonly type: string;
  readonly body: string;
  attempts: number;
}

export interface WebhookStats {
  /** Deliveries waiting or in flight. */
  readonly queued: number;
  readonly delivered: number;
  /** Attempts that failed (each retry counts). */
  readonly failedAttempts: number;
  /** Deliveries given up after the last retry. */
  readonly abandoned: number;
  /** Events never queued: the queue was full (WEBHOOK_QUEUE_LIMIT). */
  readonly dropped: number;
}

/** The room (or support queue) whose deliveries keep their order. */
const orderKey = (event: CallEvent): string => {
  const data = event.data as { room?: string; queue?: string };
  return event.type.startsWith('support.') ? `q:${data.queue}` : `r:${data.room}`;
};

export class WebhookSender {
  private readonly queues = new Map<string, Delivery[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private queued = 0;
  private stopped = false;
  private counts = { delivered: 0, failedAttempts: 0, abandoned: 0, dropped: 0 };

  constructor(
    private readonly config: WebhookConfig,
    private readonly log: Logger,
    private readonly retryDelaysMs: readonly number[] = RETRY_DELAYS_MS,
  ) {}

  /** Queue `event` for delivery (returns at once). False when it was dropped: the queue is full or we stopped. */
  enqueue(event: CallEvent): boolean {
    if (this.stopped) return false;
    if (this.queued >= this.config.queueLimit) {
      this.counts.dropped++;
      this.log.warn({ type: event.type, queued: this.queued }, 'webhook queue full: event dropped');
      return false;
    }
    const delivery: Delivery = { id: `msg_${randomBytes(16).toString('hex')}`, type: event.type, body: JSON.stringify(event), attempts: 0 };
    const key = orderKey(event);
    const queue = this.queues.get(key);
    this.queued++;
    if (queue) {
      queue.push(delivery);
      return true;
    }
    this.queues.set(key, [delivery]);
    // Started after the caller's turn: not even the first request's setup runs inside signaling's handler.
    queueMicrotask(() => void this.pump(key));
    return true;
  }

  stats(): WebhookStats {
    return { queued: this.queued, ...this.counts };
  }

  /** Stop delivering: pending deliveries are dropped, attempts in flight aborted. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
    this.queues.clear();
    this.queued = 0;
  }

  /** Deliver the head of one room's queue until it is empty (one pump per room at a time). */
  private async pump(key: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(key);
      const head = queue?.[0];
      if (!queue || !head || this.stopped) return;
      const ok = await this.attempt(head);
      if (this.stopped) return;
      if (!ok) {
        const delay = this.retryDelaysMs[head.attempts - 1];
        if (delay !== undefined) {
          await this.wait(delay);
          continue;
        }
        this.counts.abandoned++;
        this.log.warn({ id: head.id, type: head.type, attempts: head.attempts }, 'webhook delivery given up');
      }
      queue.shift();
      this.queued--;
      if (queue.length === 0) this.queues.delete(key);
    }
  }

  private async attempt(delivery: Delivery): Promise<boolean> {
    delivery.attempts++;
    const timestamp = Math.floor(Date.now() / 1000);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.config.timeoutMs);
    this.inFlight.add(controller);
    try {
      const res = await fetch(this.config.url, {
        method: 'POST',
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'video-call-widget-server',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(this.config.key, delivery.id, timestamp, delivery.body),
        },
        body: delivery.body,
      });
      // The answer's body is not read: cancel it so the connection is freed.
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) {
        this.counts.delivered++;
        return true;
      }
      this.failed(delivery, `HTTP ${res.status}`);
      return false;
    } catch (error) {
      this.failed(delivery, controller.signal.aborted ? `no answer within ${this.config.timeoutMs} ms` : (error as Error).message);
      return false;
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private failed(delivery: Delivery, why: string): void {
    this.counts.failedAttempts++;
    this.log.debug({ id: delivery.id, type: delivery.type, attempt: delivery.attempts, why }, 'webhook attempt failed');
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.add(timer);
    });
  }
}
