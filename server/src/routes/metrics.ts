/**
 * `GET /metrics` (Prometheus text format), behind `Authorization: Bearer <METRICS_TOKEN>` when that is set, and the
 * join counter: every `POST /api/rooms/{room}/join` is counted by result (ok, or the error code it was refused
 * with) and timed.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Express } from 'express';
import type { Metrics } from '../metrics/metrics.js';

export function metricsRoute(app: Express, metrics: Metrics, token: string | null): void {
  const expected = token === null ? null : Buffer.from(`Bearer ${token}`);
  app.get('/metrics', async (req, res, next) => {
    if (expected) {
      const given = Buffer.from(req.get('authorization') ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.set('WWW-Authenticate', 'Bearer realm="metrics"').status(401).json({ error: 'forbidden', message: 'Metrics need the bearer token (METRICS_TOKEN).' });
        return;
      }
    }
    try {
      const text = await metrics.registry.metrics();
      res.set('Cache-Control', 'no-store').type(metrics.registry.contentType).send(text);
    } catch (error) {
      next(error);
    }
  });
}

/** Count and time join requests (install before the room routes). */
export function joinCounter(app: Express, metrics: Metrics): void {
  app.use('/api/rooms/:room/join', (req, res, next) => {
    if (req.method !== 'POST') return next();
    const started = process.hrtime.bigint();
    let code: string | undefined;
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const error = (body as { error?: unknown } | null)?.error;
      if (typeof error === 'string') code = error;
      return json(body);
    };
    res.once('finish', () => {
      const result = res.statusCode === 200 ? 'ok' : code ?? `http-${res.statusCode}`;
      metrics.join(result, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  });
}
