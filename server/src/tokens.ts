/**
 * Room tokens: JWTs signed with HS256 by the site's backend (ROOM_TOKEN_SECRET). Only HS256 is accepted;
 * `exp` and `iat` are required, the lifetime is capped, `nbf` is honoured, clocks may differ by 30 s. The signature
 * is compared as canonical base64url text: one token has exactly one valid spelling (no padding, no `+`/`/`, no
 * other trailing bits that decode to the same bytes).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_NAME, nameLength } from '../../src/protocol/limits.js';

export interface RoomGrant {
  readonly room: string;
  readonly role: 'host' | 'guest';
  readonly name: string | undefined;
  readonly sub: string | undefined;
  readonly exp: number;
  /**
   * Until when (unix seconds) this server accepts the token: `exp` plus the clock skew it allows. A ticket granted
   * for the token ends then at the latest — a ticket that ended at `exp` could be dead on arrival for a token
   * accepted within the skew.
   */
  readonly until: number;
}

export const CLOCK_SKEW_SECONDS = 30;

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Why a token was refused, in words a developer can act on. */
export class TokenError extends Error {}

export function verifyRoomToken(token: string, secret: string, room: string, maxTtl: number, now = Date.now()): RoomGrant {
  const parts = token.split('.');
  if (parts.length !== 3 || token.length > 4096) throw new TokenError('the token is not a JWT');
  const [head, body, sig] = parts as [string, string, string];
  const header = decodeJson(head);
  if (!header || header.alg !== 'HS256') throw new TokenError('the token must be signed with HS256');
  const expected = Buffer.from(createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url'), 'utf8');
  const given = Buffer.from(sig, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenError('the token signature is invalid');
  const claims = decodeJson(body);
  if (!claims) throw new TokenError('the token payload is not JSON');
  const t = Math.floor(now / 1000);
  const { exp, iat, nbf } = claims;
  if (typeof exp !== 'number' || typeof iat !== 'number') throw new TokenError('the token needs numeric exp and iat claims');
  if (exp + CLOCK_SKEW_SECONDS <= t) throw new TokenError('the token has expired');
  if (iat - CLOCK_SKEW_SECONDS > t) throw new TokenError('the token was issued in the future');
  if (exp - iat > maxTtl) throw new TokenError(`the token lives longer than ${maxTtl} s`);
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - CLOCK_SKEW_SECONDS > t)) throw new TokenError('the token is not valid yet');
  if (claims.room !== room) throw new TokenError('the token is for another room');
  const role = claims.role ?? 'guest';
  if (role !== 'host' && role !== 'guest') throw new TokenError('the token role must be host or guest');
  const name = claims.name;
  if (name !== undefined && (typeof name !== 'string' || nameLength(name) > MAX_NAME)) throw new TokenError(`the token name must be a string of at most ${MAX_NAME} characters`);
  const sub = claims.sub;
  if (sub !== undefined && typeof sub !== 'string') throw new TokenError('the token sub must be a string');
  return { room, role, name, sub, exp, until: exp + CLOCK_SKEW_SECONDS };
}

/** Mint a token (development tool and tests). */
export function signRoomToken(claims: Record<string, unknown>, secret: string): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}
