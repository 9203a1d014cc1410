/**
 * One process, one port: the HTTP app (health, room API, widget, demo) with PeerServer mounted beside it, and the
 * state both share (rooms, tickets, the support queues, the per-address join budget).
 * `start()` listens, `stop()` closes sockets and the listener; nothing here logs to the console directly.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { ServerDeps } from './deps.js';
import { CallEvents } from './events/call-events.js';
import { RoomLifecycle } from './events/room-lifecycle.js';
import { mountHttp } from './http/app.js';
import { Metrics } from './metrics/metrics.js';
import { Rooms } from './rooms.js';
import { SharedMode } from './shared/cluster.js';
import { createSignaling } from './signaling/peer-server.js';
import type { SupportService } from './support/service.js';
import { SharedSupport } from './support/shared-support.js';
import { Support } from './support/support.js';
import { Tickets } from './tickets.js';
import { KeyedLimiter } from './util/rate-limits.js';
import { WebhookSender } from './webhooks/webhooks.js';

export interface RunningServer {
  readonly server: Server;
  readonly rooms: Rooms;
  /** Room and support events (`room.started`, `participant.left`, `support.knock`, …), as the webhooks get them. */
  readonly events: CallEvents;
  /** The webhook deliveries (WEBHOOK_URL), or null when off. */
  readonly webhooks: WebhookSender | null;
  /** The Prometheus registry behind `GET /metrics`. */
  readonly metrics: Metrics;
  start(): Promise<AddressInfo>;
  stop(): Promise<void>;
}

export function createCallServer(config: Config, log: Logger): RunningServer {
  const rooms = new Rooms(config.maxPeers, config.seatTimeoutMs);
  const tickets = new Tickets(config.ticketSecret, config.ticketTtl);
  const events = new CallEvents(log);
  const lifecycle = new RoomLifecycle(rooms, events);
  const webhooks = config.webhook ? new WebhookSender(config.webhook, log) : null;
  if (webhooks) events.on('event', (event) => webhooks.enqueue(event));
  const allowed = config.allowedOrigins;
  const originAllowed = (origin: string | undefined) => !allowed || origin === undefined || allowed.includes(origin);
  // Joins and WebSocket connects share one bucket per client address: JOIN_RATE_LIMIT per minute, that many at once.
  const joinLimiter = new KeyedLimiter(config.joinRateLimit, config.joinRateLimit / 60);
  const sweeper = setInterval(() => joinLimiter.sweep(), 60_000);
  sweeper.unref();
  const shared = config.shared ? new SharedMode(config.shared, config.maxPeers, config.joinRateLimit, rooms, log, config.ticketTtl * 1000, config.maxSocketsPerAddress) : null;
  // Shared mode: the support queues live in Redis, across instances; else in this process.
  const support: SupportService = shared ? new SharedSupport(config, rooms, tickets, shared, log, events) : new Support(config, rooms, tickets, log, events);
  const metrics = new Metrics({ rooms, support, events, webhooks, redisUp: shared && (() => shared.available), members: () => lifecycle.connected, sockets: () => signaling.sockets() });
  const deps: ServerDeps = { config, rooms, tickets, support, shared, log, originAllowed, joinLimiter, metrics };

  const app = express();
  const server = createServer(app);
  server.on('clientError', (error, socket) => {
    log.debug({ err: error.message }, 'bad HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;

  // PeerServer needs the HTTP server (for the upgrade); the app mounts it first.
  const signaling = createSignaling(server, deps);
  mountHttp(app, signaling.app, deps);

  return {
    server,
    rooms,
    events,
    webhooks,
    metrics,
    start: async () => {
      await shared?.start();
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    stop: async () => {
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Shared mode: leave Redis first, so the seats of the sockets closed below are not freed (nor their members
      // announced as gone) — they lapse, or their members re-register on another instance and keep them.
      await shared?.stop();
      await signaling.stop();
      support.clear();
      rooms.clear();
      lifecycle.clear();
      webhooks?.stop();
      server.closeAllConnections();
      await closed;
    },
  };
}
