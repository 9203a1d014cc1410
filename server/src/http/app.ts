/**
 * The HTTP app, assembled from its parts in the order requests meet them. The outer app every request enters:
 * security headers, PeerServer at SIGNALING_PATH, the site, and last the JSON error handler. The site (its own
 * express app: no ETags, TRUST_PROXY): CORS, health, the room and support routes, a JSON 404 under `/api`, the
 * strict-CSP demo, and the static widget bundle and demo pages.
 */
import express, { type Express, type RequestHandler } from 'express';
import type { ServerDeps } from '../deps.js';
import { roomChecks } from '../routes/common.js';
import { healthRoute } from '../routes/health.js';
import { joinCounter, metricsRoute } from '../routes/metrics.js';
import { roomRoutes } from '../routes/rooms.js';
import { supportRoutes } from '../routes/support.js';
import { SIGNALING_PATH } from '../signaling/mount.js';
import { cors } from './cors.js';
import { cspDemo } from './csp-demo.js';
import { apiNotFound, errorHandler } from './errors.js';
import { staticFiles } from './static.js';

/** Health, the room API, the widget bundle and the demo. */
function site(deps: ServerDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // API answers are never cached (no-store), so hashing each body for an ETag is wasted work per join.
  app.disable('etag');
  app.set('trust proxy', deps.config.trustProxy);
  app.use(cors(deps.originAllowed));
  healthRoute(app, deps.rooms, deps.shared);
  metricsRoute(app, deps.metrics, deps.config.metricsToken);
  joinCounter(app, deps.metrics);
  const checks = roomChecks(deps);
  roomRoutes(app, deps, checks);
  supportRoutes(app, deps, checks);
  app.use('/api', apiNotFound);
  cspDemo(app, deps.log);
  staticFiles(app, deps.config);
  return app;
}

/** Mount everything on `app`, the HTTP server's request listener; `signaling` is PeerServer's app, made for that server. */
export function mountHttp(app: Express, signaling: RequestHandler, deps: ServerDeps): void {
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(SIGNALING_PATH, signaling);
  app.use(site(deps));
  app.use(errorHandler(deps.log));
}
