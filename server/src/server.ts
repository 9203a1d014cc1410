/**
 * One process, one port: the HTTP app (health, room API, widget, demo) with PeerServer mounted beside it.
 * `start()` listens, `stop()` closes sockets and the listener; nothing here logs to the console directly.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Logger } from 'pino';
import { createApi } from './api.js';
import type { Config } from './config.js';
import { KeyedLimiter } from './limits.js';
import { Rooms } from './rooms.js';
import { createSignaling, SIGNALING_PATH } from './signaling.js';
import { Support } from './support.js';
import { Tickets } from './tickets.js';

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

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  const server = createServer(app);
  server.on('clientError', (error, socket) => {
    log.debug({ err: error.message }, 'bad HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;

  const api = createApi({ config, rooms, tickets, support, log, originAllowed, joinLimiter });
  const signaling = createSignaling(server, { config, rooms, tickets, support, log, originAllowed, joinLimiter });
  app.use(SIGNALING_PATH, signaling.app);
  app.use(api.app);
  api.errors(app);

  return {
    server,
    rooms,
    start: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    stop: async () => {
      clearInterval(sweeper);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await signaling.stop();
      support.clear();
      rooms.clear();
      server.closeAllConnections();
      await closed;
    },
  };
}
