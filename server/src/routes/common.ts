/**
 * What every room route checks and reads: the room name, the embedding origin, the address's join budget, the
 * room token, the display name in the body, and where the browser's signaling WebSocket must go.
 */
import express, { type Request, type RequestHandler } from 'express';
import { clip, MAX_NAME, nameLength, ROOM_NAME } from '../../../src/protocol/limits.js';
import type { SignalingEndpoint } from '../../../src/protocol/wire.js';
import type { Config } from '../config.js';
import type { ServerDeps } from '../deps.js';
import { ApiError } from '../http/errors.js';
import { PEERJS_KEY, SIGNALING_PATH } from '../signaling/mount.js';
import { TokenError, verifyRoomToken, type RoomGrant } from '../tokens.js';
import { clientAddress } from '../util/client-address.js';

/** A small JSON body (a join's, a renewal's, a desk's). */
export const jsonBody: RequestHandler = express.json({ limit: '4kb', strict: false, type: () => true });

const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/** Where the browser reached us, which is where its WebSocket must go. */
export function signalingEndpoint(req: Request, config: Config): SignalingEndpoint {
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

/** The body's display name, trimmed ('' when not given). */
export function displayName(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'bad-request', 'The body must be a JSON object.');
  const name = (body as Record<string, unknown>).name;
  if (name === undefined) return '';
  if (typeof name !== 'string') throw new ApiError(400, 'bad-request', '"name" must be a string.');
  const trimmed = name.trim();
  if (nameLength(trimmed) > MAX_NAME) throw new ApiError(400, 'bad-request', `"name" must be at most ${MAX_NAME} characters.`);
  return trimmed;
}

/** The name the server vouches for, from a token's or a body's name: clipped by the shared rules, `Guest` when empty. */
export function vouchedName(name: string): string {
  return clip(name.trim(), MAX_NAME) || 'Guest';
}

/** The checks of a room route, bound to the server's configuration. */
export interface RoomChecks {
  /** A valid room name from a site allowed to embed us (no rate limit: for cheap reads). */
  roomName(req: Request): string;
  /** `roomName`, and one of the address's joins spent. */
  spendJoin(req: Request): string;
  /**
   * The room token check: the grant (its name overrides the body's), or undefined when the server needs no
   * tokens — or, when `optional`, none was given. A token that is given and fails is a 401 either way.
   */
  roomToken(req: Request, room: string, optional?: boolean): RoomGrant | undefined;
}

export function roomChecks({ config, log, originAllowed, joinLimiter }: ServerDeps): RoomChecks {
  const roomName = (req: Request): string => {
    const room = req.params.room ?? '';
    if (!ROOM_NAME.test(room)) throw new ApiError(400, 'invalid-room', 'Room names are 1–64 letters, digits, "-" or "_".');
    if (!originAllowed(req.get('origin'))) throw new ApiError(403, 'forbidden', 'This site is not allowed to embed calls from this server.');
    return room;
  };
  return {
    roomName,
    spendJoin(req) {
      const room = roomName(req);
      const address = clientAddress(req, config.trustProxy);
      if (!joinLimiter.take(address)) {
        log.debug({ address }, 'join rate-limited');
        throw new ApiError(429, 'rate-limited', 'Too many joins from your address; try again in a moment.', Math.max(1, joinLimiter.wait(address)));
      }
      return room;
    },
    roomToken(req, room, optional = false) {
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
    },
  };
}
