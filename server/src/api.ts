/**
 * The HTTP app: health, the room API, the widget bundle and the demo. Errors are JSON
 * `{ error: "<code>", message }` with the codes of the public contract.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { iceServersFor } from './ice.js';
import type { Rooms } from './rooms.js';
import { PEERJS_KEY, SIGNALING_PATH } from './signaling.js';
import { ROOM_NAME, type Tickets } from './tickets.js';
import { TokenError, verifyRoomToken } from './tokens.js';

export type ErrorCode = 'invalid-room' | 'forbidden' | 'room-full' | 'rate-limited' | 'bad-request' | 'not-found' | 'internal';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode, message: string) {
    super(message);
  }
}

export interface ApiDeps {
  readonly config: Config;
  readonly rooms: Rooms;
  readonly tickets: Tickets;
  readonly log: Logger;
  readonly originAllowed: (origin: string | undefined) => boolean;
}

const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/** Where the browser reached us, which is where its WebSocket must go. */
function signalingEndpoint(req: Request, config: Config) {
  const forwarded = config.trustProxy ? req.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  const match = HOST_HEADER.exec(forwarded || req.get('host') || '');
  if (!match) throw new ApiError(400, 'bad-request', 'The Host header is not a host name.');
  const secure = req.protocol === 'https';
  return {
    host: match[1]!,
    port: match[2] ? Number(match[2]) : secure ? 443 : 80,
    path: `${SIGNALING_PATH}/`,
    secure,
    key: PEERJS_KEY,
  };
}

function displayName(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'bad-request', 'The body must be a JSON object.');
  const name = (body as Record<string, unknown>).name;
  if (name === undefined) return '';
  if (typeof name !== 'string') throw new ApiError(400, 'bad-request', '"name" must be a string.');
  const trimmed = name.trim();
  if ([...trimmed].length > 64) throw new ApiError(400, 'bad-request', '"name" must be at most 64 characters.');
  return trimmed;
}

export function createApi({ config, rooms, tickets, log, originAllowed }: ApiDeps) {
  const app = express();
  app.disable('x-powered-by');
  // API answers are never cached (no-store), so hashing each body for an ETag is wasted work per join.
  app.disable('etag');
  app.set('trust proxy', config.trustProxy);

  // CORS: the bundle is public (any page may load the script); the API answers only allowed origins.
  app.use((req, res, next) => {
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
  });

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, ...rooms.stats() });
  });

  app.post('/api/rooms/:room/join', express.json({ limit: '4kb', strict: false, type: () => true }), (req, res) => {
    const room = req.params.room ?? '';
    if (!ROOM_NAME.test(room)) throw new ApiError(400, 'invalid-room', 'Room names are 1–64 letters, digits, "-" or "_".');
    if (!originAllowed(req.get('origin'))) throw new ApiError(403, 'forbidden', 'This site is not allowed to embed calls from this server.');
    let name = displayName(req.body);
    if (config.roomTokenSecret) {
      const auth = req.get('authorization') ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
      if (!token) throw new ApiError(401, 'forbidden', 'This room needs a token and none was given.');
      try {
        const grant = verifyRoomToken(token, config.roomTokenSecret, room, config.tokenMaxTtl);
        if (grant.name) name = grant.name;
      } catch (error) {
        if (error instanceof TokenError) throw new ApiError(401, 'forbidden', `The room token was refused: ${error.message}.`);
        throw error;
      }
    }
    const signaling = signalingEndpoint(req, config);
    const seat = rooms.reserve(room, name);
    if (!seat) throw new ApiError(409, 'room-full', `This room is full (${config.maxPeers} people).`);
    log.debug({ room, peer: seat.peerId }, 'seat reserved');
    res.set('Cache-Control', 'no-store');
    res.json({
      peerId: seat.peerId,
      ticket: tickets.issue(room, seat.peerId, name),
      members: seat.members,
      iceServers: iceServersFor(config),
      maxPeers: config.maxPeers,
      signaling,
    });
  });

  app.use('/api', (_req, _res, next) => next(new ApiError(404, 'not-found', 'No such API endpoint.')));

  app.use(
    express.static(config.staticDir, {
      index: false,
      setHeaders(res, path) {
        // Chunks carry a content hash in their name; the entry file must stay fresh.
        res.set('Cache-Control', /-[A-Za-z0-9_-]{8}\.js$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  app.use(express.static(config.demoDir, { extensions: ['html'] }));

  return {
    app,
    /** Install after every other route: JSON errors for the API, never a stack trace. */
    errors(target: express.Express) {
      target.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
        const status = (error as { status?: unknown } | null)?.status;
        const known =
          error instanceof ApiError
            ? error
            : (error as { type?: string }).type === 'entity.parse.failed'
              ? new ApiError(400, 'bad-request', 'The request body is not valid JSON.')
              : typeof status === 'number' && status >= 400 && status < 500
                ? new ApiError(status, 'bad-request', `The request was refused: ${(error as Error).message}.`)
                : error instanceof URIError
                  ? new ApiError(400, 'bad-request', 'The request path is not valid.')
                  : null;
        if (!known) log.error({ err: error, path: req.path }, 'request failed');
        const e = known ?? new ApiError(500, 'internal', 'The server could not handle this request.');
        res.status(e.status).json({ error: e.code, message: e.message });
      });
    },
  };
}
