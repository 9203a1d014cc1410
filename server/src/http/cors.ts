/**
 * CORS: the bundle and the demo are public (any page may load the script); the room API answers only the origins
 * allowed to embed calls (ALLOWED_ORIGINS). Preflights end here with 204.
 */
import type { RequestHandler } from 'express';

export function cors(originAllowed: (origin: string | undefined) => boolean): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin && originAllowed(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Vary', 'Origin');
      res.set('Access-Control-Allow-Headers', 'Content-Type, Authorization');
      res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.set('Access-Control-Max-Age', '600');
    } else if (!req.path.startsWith('/api/')) {
      res.set('Access-Control-Allow-Origin', '*');
    }
    if (req.method === 'OPTIONS') return void res.sendStatus(204);
    next();
  };
}
