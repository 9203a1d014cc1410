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
import { mountHttp } from './http/app.js';
import { Rooms } from './rooms.js';
import { SharedMode } from './shared/cluster.js';
import { createSignaling } from './signaling/peer-server.js';
import { Support } from './support/support.js';
import { Tickets } from './tickets.js';
import { KeyedLimiter } from './util/rate-limits.js';

export interface RunningServer {
  readonly server: Server;
  readonly rooms: Rooms;
  start(): Promise<AddressInfo>;
  stop(): Promise<void>;
}

export function createCallServer(config: Config, log: Logger): RunningServer {
  const rooms = new Rooms(config.maxPeers, config.seatTimeoutMs);
  const tickets = new Tickets(config.ticketSecret, config.ticketTtl);
  const support = new Support(config, rooms, tickets, log);
  const allowed = config.allowedOrigins;
  const originAllowed = (origin: string | undefined) => !allowed || origin === undefined || allowed.includes(origin);
  // Joins and WebSocket connects share one bucket per client address: JOIN_RATE_LIMIT per minute, that many at once.
  const joinLimiter = new KeyedLimiter(config.joinRateLimit, config.joinRateLimit / 60);
  const sweeper = setInterval(() => joinLimiter.sweep(), 60_000);
  sweeper.unref();
  const shared = config.shared ? new SharedMode(config.shared, config.maxPeers, config.joinRateLimit, rooms, log) : null;
  const deps: ServerDeps = { config, rooms, tickets, support, shared, log, originAllowed, joinLimiter };

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
      server.closeAllConnections();
      await closed;
    },
  };
}
