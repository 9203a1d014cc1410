/**
 * The HTTP app: health, the room API, the widget bundle and the demo. Errors are JSON
 * `{ error: "<code>", message }` with the codes of the public contract.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { iceServersFor } from './ice.js';
import { Bucket, clientAddress, type KeyedLimiter } from './limits.js';
import type { Rooms } from './rooms.js';
import { nestsDeeper, PEERJS_KEY, SIGNALING_PATH } from './signaling.js';
import { sameSecret, type Endpoint, type Support } from './support.js';
import { ROOM_NAME, type Tickets } from './tickets.js';
import { TokenError, verifyRoomToken, type RoomGrant } from './tokens.js';

export type ErrorCode = 'invalid-room' | 'forbidden' | 'room-full' | 'rate-limited' | 'bad-request' | 'not-found' | 'internal';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode, message: string, readonly retryAfter?: number) {
    super(message);
  }
}

export interface ApiDeps {
  readonly config: Config;
  readonly rooms: Rooms;
  readonly tickets: Tickets;
  readonly support: Support;
  readonly log: Logger;
  readonly originAllowed: (origin: string | undefined) => boolean;
  /** Joins per client address (shared with WebSocket connects). */
  readonly joinLimiter: KeyedLimiter;
}

/**
 * The strict Content-Security-Policy of the demo page `/csp.html`: what a careful embedding site may send, and what
 * the widget must work under — no inline script or style, no eval, Trusted Types for script sinks (Lit's own
 * `lit-html` policy is the only one needed). Violations are reported to `/csp-report` (logged as warnings).
 */
export const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "base-uri 'none'",
  "form-action 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
  'report-uri /csp-report',
].join('; ');

const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/** Where the browser reached us, which is where its WebSocket must go. */
function signalingEndpoint(req: Request, config: Config): Endpoint {
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

/** Limits of what a knocking visitor tells the agents about itself. */
const MAX_PAGE = 512;
const MAX_CONTEXT_BYTES = 2048;
const MAX_CONTEXT_DEPTH = 4;

/** The page a visitor knocks from: an http(s) URL of at most 512 characters, or '' when not given. */
function pageOf(body: unknown): string {
  const page = (body as Record<string, unknown> | null | undefined)?.page;
  if (page === undefined) return '';
  const bad = () => new ApiError(400, 'bad-request', `"page" must be an http(s) URL of at most ${MAX_PAGE} characters.`);
  if (typeof page !== 'string' || page.length > MAX_PAGE) throw bad();
  let url: URL;
  try {
    url = new URL(page);
  } catch {
    throw bad();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad();
  return page;
}

/**
 * What the embedding site tells the agents about the visitor (order number, plan, …): a JSON object of at most
 * 2048 bytes serialized and 4 levels deep, or {} when not given. It is shown to agents only, never to other visitors.
 */
function contextOf(body: unknown): Record<string, unknown> {
  const context = (body as Record<string, unknown> | null | undefined)?.context;
  if (context === undefined) return {};
  if (typeof context !== 'object' || context === null || Array.isArray(context)) throw new ApiError(400, 'bad-request', '"context" must be a JSON object.');
  if (nestsDeeper(context, MAX_CONTEXT_DEPTH)) throw new ApiError(400, 'bad-request', `"context" must nest at most ${MAX_CONTEXT_DEPTH} levels deep.`);
  if (Buffer.byteLength(JSON.stringify(context), 'utf8') > MAX_CONTEXT_BYTES) throw new ApiError(400, 'bad-request', `"context" must be at most ${MAX_CONTEXT_BYTES} bytes as JSON.`);
  return context as Record<string, unknown>;
}

export function createApi({ config, rooms, tickets, support, log, originAllowed, joinLimiter }: ApiDeps) {
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

  /**
   * The room token check: the grant (its name overrides the body's), or undefined when the server needs no
   * tokens — or, when `optional`, none was given. A token that is given and fails is a 401 either way.
   */
  function checkRoomToken(req: Request, room: string, optional = false): RoomGrant | undefined {
    if (!config.roomTokenSecret) return undefined;
    const auth = req.get('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
    if (!token && optional && auth === '') return undefined;
    if (!token) throw new ApiError(401, 'forbidden', 'This room needs a token and none was given.');
    try {
      return verifyRoomToken(token, config.roomTokenSecret, room, config.tokenMaxTtl);
    } catch (error) {
      if (error instanceof TokenError) throw new ApiError(401, 'forbidden', `The room token was refused: ${error.message}.`);
      throw error;
    }
  }

  /** A valid room name from a site allowed to embed us (no rate limit: for cheap reads). */
  function roomName(req: Request): string {
    const room = req.params.room ?? '';
    if (!ROOM_NAME.test(room)) throw new ApiError(400, 'invalid-room', 'Room names are 1–64 letters, digits, "-" or "_".');
    if (!originAllowed(req.get('origin'))) throw new ApiError(403, 'forbidden', 'This site is not allowed to embed calls from this server.');
    return room;
  }

  /** `roomName`, and one of the address's joins spent. */
  function roomOf(req: Request): string {
    const room = roomName(req);
    const address = clientAddress(req, config.trustProxy);
    if (!joinLimiter.take(address)) {
      log.debug({ address }, 'join rate-limited');
      throw new ApiError(429, 'rate-limited', 'Too many joins from your address; try again in a moment.', Math.max(1, joinLimiter.wait(address)));
    }
    return room;
  }

  const json = express.json({ limit: '4kb', strict: false, type: () => true });

  app.post('/api/rooms/:room/join', json, (req, res) => {
    const room = roomOf(req);
    // A support call room has exactly the two seats admission reserved: nobody joins it by name.
    if (support.queueOf(room) !== undefined) throw new ApiError(403, 'forbidden', 'This is a private support call.');
    let name = displayName(req.body);
    name = checkRoomToken(req, room)?.name ?? name;
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

  // A widget already in the call renews its ticket (before re-registering after an outage or expiry) and gets
  // fresh ICE servers (before re-dialling). The ticket proves who it is, even up to TICKET_TTL after it expired;
  // a room that needs tokens needs a valid one here too. No seat is taken: the socket's upgrade checks the room.
  app.post('/api/rooms/:room/renew', json, (req, res) => {
    const room = roomOf(req);
    const body = req.body as unknown;
    const ticket = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).ticket : undefined;
    const claims = tickets.verify(ticket, Date.now(), config.ticketTtl);
    // Waiting and desk tickets hold no seat and are not renewed: a visitor knocks again, a desk opens again.
    if (!claims || claims.r !== room || claims.k !== undefined) {
      throw new ApiError(401, 'forbidden', 'The ticket is not valid for this room (or expired too long ago): join again.');
    }
    // Removed from a support call: no fresh ticket (the ban lasts as long as the last ticket it could hold).
    if (support.isBanned(room, claims.p)) throw new ApiError(403, 'forbidden', 'You were removed from this call.');
    // A support call room is guarded by the tokens of the queue it came from (nobody has a token for it).
    const name = checkRoomToken(req, support.queueOf(room) ?? room)?.name ?? claims.n;
    res.set('Cache-Control', 'no-store');
    res.json({
      peerId: claims.p,
      ticket: tickets.issue(room, claims.p, name),
      iceServers: iceServersFor(config),
      signaling: signalingEndpoint(req, config),
    });
  });

  // Support queues (docs/SUPPORT-PROTOCOL.md). A launcher asks whether anyone is at the desk before it shows itself.
  app.get('/api/rooms/:room/support', (req, res) => {
    const room = roomName(req);
    res.set('Cache-Control', 'no-store');
    res.json(support.stats(room));
  });

  // A visitor knocks: a place in the queue and a waiting ticket (a socket, no seat). Its page and context are
  // for the agents; the body may be a little bigger than a join's to fit them.
  const knockJson = express.json({ limit: '8kb', strict: false, type: () => true });
  app.post('/api/rooms/:room/knock', knockJson, (req, res) => {
    const room = roomOf(req);
    let name = displayName(req.body);
    const page = pageOf(req.body);
    const context = contextOf(req.body);
    name = checkRoomToken(req, room)?.name ?? name;
    const signaling = signalingEndpoint(req, config);
    const knocked = support.knock(room, { name, page, context, signaling });
    if (!knocked) throw new ApiError(409, 'room-full', `The queue is full (${config.maxWaiting} waiting); try again later.`);
    res.set('Cache-Control', 'no-store');
    res.json({ ...knocked, signaling, waitTimeoutMs: config.waitingTimeoutMs });
  });

  // An agent opens a desk on a queue: with a host token for the room, or with the agent key.
  app.post('/api/rooms/:room/desk', json, (req, res) => {
    const room = roomOf(req);
    let name = displayName(req.body);
    const agentKey = (req.body as Record<string, unknown> | null | undefined)?.agentKey;
    if (agentKey !== undefined && typeof agentKey !== 'string') throw new ApiError(400, 'bad-request', '"agentKey" must be a string.');
    const grant = checkRoomToken(req, room, true);
    const keyOk = typeof agentKey === 'string' && sameSecret(agentKey, config.agentKey);
    if (grant?.role !== 'host' && !keyOk) throw new ApiError(403, 'forbidden', 'An agent desk needs a host token for this room or the agent key.');
    name = grant?.name ?? name;
    const signaling = signalingEndpoint(req, config);
    const desk = support.openDesk(room, name, signaling);
    res.set('Cache-Control', 'no-store');
    res.json({ ...desk, signaling });
  });

  app.use('/api', (_req, _res, next) => next(new ApiError(404, 'not-found', 'No such API endpoint.')));

  // The strict-CSP demo page, and where browsers report what that policy blocked (short summaries only).
  app.use((req, res, next) => {
    if (req.method === 'GET' && (req.path === '/csp.html' || req.path === '/csp')) res.set('Content-Security-Policy', DEMO_CSP);
    next();
  });
  const reportBudget = new Bucket(60, 1);
  app.post('/csp-report', express.json({ limit: '16kb', type: () => true }), (req, res) => {
    if (!reportBudget.take()) return void res.sendStatus(429);
    const report = (req.body as { 'csp-report'?: Record<string, unknown> } | null)?.['csp-report'];
    const field = (name: string) => String(report?.[name] ?? '').slice(0, 200);
    log.warn({ directive: field('violated-directive'), blocked: field('blocked-uri'), document: field('document-uri'), sample: field('script-sample') }, 'csp violation report');
    res.sendStatus(204);
  });

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
        if (e.retryAfter !== undefined) res.set('Retry-After', String(e.retryAfter));
        res.status(e.status).json({ error: e.code, message: e.message });
      });
    },
  };
}
