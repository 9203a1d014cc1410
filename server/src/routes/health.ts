/** `GET /healthz`: `{ ok: true, rooms, peers }` for probes and load balancers. */
import type { Express } from 'express';
import type { Rooms } from '../rooms.js';

export function healthRoute(app: Express, rooms: Rooms): void {
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, ...rooms.stats() });
  });
}
