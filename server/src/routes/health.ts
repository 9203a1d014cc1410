/**
 * `GET /healthz`: `{ ok: true, rooms, peers }` for probes and load balancers (rooms and peers held by this process).
 * In shared mode also `instance` and `redis` (reachable or not): the instance stays healthy while Redis is down —
 * its calls go on, only new joins wait — so a balancer does not take every instance out at once.
 */
import type { Express } from 'express';
import type { Rooms } from '../rooms.js';
import type { SharedMode } from '../shared/cluster.js';

export function healthRoute(app: Express, rooms: Rooms, shared: SharedMode | null): void {
  app.get('/healthz', (_req, res) => {
    res.json(shared ? { ok: true, ...rooms.stats(), instance: shared.instance, redis: shared.available } : { ok: true, ...rooms.stats() });
  });
}
