/**
 * The support queue's routes (docs/SUPPORT-PROTOCOL.md): `GET …/support` (is anyone at the desk?), `POST …/knock`
 * (a visitor's place in the queue) and `POST …/desk` (an agent opens a desk). What the queue does is `Support`'s.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type NextFunction } from 'express';
import { MAX_CONTEXT, MAX_CONTEXT_DEPTH, MAX_PAGE } from '../../../src/protocol/limits.js';
import type { SupportStatus, TicketAnswer } from '../../../src/protocol/wire.js';
import type { ServerDeps } from '../deps.js';
import type { SharedMode } from '../shared/cluster.js';
import { ApiError, unavailable } from '../http/errors.js';
import { clientAddress } from '../util/client-address.js';
import { nestsDeeper } from '../util/json-depth.js';
import { displayName, jsonBody, signalingEndpoint, vouchedName, type RoomChecks } from './common.js';

/** A knock's body may be a little bigger than a join's, to fit the page and context. */
const knockBody = express.json({ limit: '8kb', strict: false, type: () => true });

/** The page a visitor knocks from: an http(s) URL of at most MAX_PAGE characters, or '' when not given. */
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
 * MAX_CONTEXT bytes serialized and MAX_CONTEXT_DEPTH levels deep, or {} when not given. It is shown to agents
 * only, never to other visitors.
 */
function contextOf(body: unknown): Record<string, unknown> {
  const context = (body as Record<string, unknown> | null | undefined)?.context;
  if (context === undefined) return {};
  if (typeof context !== 'object' || context === null || Array.isArray(context)) throw new ApiError(400, 'bad-request', '"context" must be a JSON object.');
  if (nestsDeeper(context, MAX_CONTEXT_DEPTH)) throw new ApiError(400, 'bad-request', `"context" must nest at most ${MAX_CONTEXT_DEPTH} levels deep.`);
  if (Buffer.byteLength(JSON.stringify(context), 'utf8') > MAX_CONTEXT) throw new ApiError(400, 'bad-request', `"context" must be at most ${MAX_CONTEXT} bytes as JSON.`);
  return context as Record<string, unknown>;
}

/** Compare secrets in constant time, whatever their lengths (both hashed to 32 bytes first). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Answer with `value` at once (one process), or once it settles (shared mode, from Redis): an ApiError thrown by
 * `then` goes to the error handler, and Redis unreachable answers 503.
 */
function settle<T>(value: T | Promise<T>, next: NextFunction, then: (value: T) => void): void {
  if (!(value instanceof Promise)) return then(value);
  value.then(
    (settled) => {
      try {
        then(settled);
      } catch (error) {
        next(error);
      }
    },
    (error: unknown) => next(error instanceof ApiError ? error : unavailable()),
  );
}

/** Shared mode: one of the address's joins spent in Redis too (the budget is one across every instance). */
async function spendShared(shared: SharedMode, address: string): Promise<void> {
  const wait = await shared.spendJoin(address);
  if (wait > 0) throw new ApiError(429, 'rate-limited', 'Too many requests from your address; try again in a moment.', wait);
}

export function supportRoutes(app: Express, { config, support, shared }: ServerDeps, checks: RoomChecks): void {
  // A launcher asks whether anyone is at the desk before it shows itself.
  app.get('/api/rooms/:room/support', (req, res, next) => {
    const room = checks.roomName(req);
    settle(support.stats(room), next, (stats) => {
      res.set('Cache-Control', 'no-store');
      res.json(stats satisfies SupportStatus);
    });
  });

  // A visitor knocks: a place in the queue and a waiting ticket (a socket, no seat). Its page and context are
  // for the agents.
  app.post('/api/rooms/:room/knock', knockBody, (req, res, next) => {
    const room = checks.spendJoin(req);
    // Shared mode: the queue is in Redis; no knock is taken while Redis is unreachable.
    if (shared && !shared.available) throw unavailable();
    let name = displayName(req.body);
    const page = pageOf(req.body);
    const context = contextOf(req.body);
    const grant = checks.roomToken(req, room);
    name = vouchedName(grant?.name ?? name);
    const signaling = signalingEndpoint(req, config);
    const address = clientAddress(req, config.trustProxy);
    const knock = { name, page, context, signaling, notAfter: grant?.until, address, subject: grant?.sub };
    settle(shared ? spendShared(shared, address).then(() => support.knock(room, knock)) : support.knock(room, knock), next, (knocked) => {
      if ('refused' in knocked) {
        if (knocked.refused === 'full') throw new ApiError(409, 'room-full', `The queue is full (${config.maxWaiting} waiting); try again later.`);
        throw new ApiError(
          409,
          'too-many-waiting',
          `You are already waiting in this queue (at most ${config.maxWaitingPerVisitor} from one address or account): wait there, or try again once it is your turn.`,
        );
      }
      res.set('Cache-Control', 'no-store');
      res.json({ ...knocked, signaling, waitTimeoutMs: config.waitingTimeoutMs } satisfies TicketAnswer);
    });
  });

  // An agent opens a desk on a queue: with a host token for the room, or with the agent key.
  app.post('/api/rooms/:room/desk', jsonBody, (req, res, next) => {
    const room = checks.spendJoin(req);
    if (shared && !shared.available) throw unavailable();
    let name = displayName(req.body);
    const agentKey = (req.body as Record<string, unknown> | null | undefined)?.agentKey;
    if (agentKey !== undefined && typeof agentKey !== 'string') throw new ApiError(400, 'bad-request', '"agentKey" must be a string.');
    const grant = checks.roomToken(req, room, true);
    const keyOk = typeof agentKey === 'string' && sameSecret(agentKey, config.agentKey);
    if (grant?.role !== 'host' && !keyOk) throw new ApiError(403, 'forbidden', 'An agent desk needs a host token for this room or the agent key.');
    name = vouchedName(grant?.name ?? name);
    const signaling = signalingEndpoint(req, config);
    // A desk opened with the agent key is not bound to a token; one opened with a host token lives no longer.
    const notAfter = keyOk ? undefined : grant?.until;
    const opened = shared ? spendShared(shared, clientAddress(req, config.trustProxy)).then(() => support.openDesk(room, name, signaling, notAfter)) : support.openDesk(room, name, signaling, notAfter);
    settle(opened, next, (desk) => {
      res.set('Cache-Control', 'no-store');
      res.json({ ...desk, signaling } satisfies TicketAnswer);
    });
  });
}
