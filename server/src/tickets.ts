/**
 * Tickets: what the server hands a widget with its peer id, and what the widget presents as the PeerJS `token`
 * when its WebSocket upgrades. A ticket is the room, peer id, name and expiry, HMAC-signed with a secret that
 * survives restarts — so after a restart a widget re-registers with the same id, and nobody else can take it.
 * Tickets of the support flow carry a kind (`w` a waiting visitor, `d` an agent's desk): they open a socket but
 * never a seat. A member ticket has no kind, so every ticket issued before the support flow keeps its meaning.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** `w`: a visitor waiting in a support queue; `d`: an agent's desk on one. */
export type TicketKind = 'w' | 'd';

export interface TicketClaims {
  /** room */
  readonly r: string;
  /** peer id */
  readonly p: string;
  /** display name */
  readonly n: string;
  /** expiry, unix seconds */
  readonly e: number;
  /** kind; absent on a member ticket (the only kind that takes a seat) */
  readonly k?: TicketKind;
}

/** 128 random bits as 32 hex digits: unguessable, and valid as a PeerJS id. */
export function newPeerId(): string {
  return randomBytes(16).toString('hex');
}

export const PEER_ID = /^[0-9a-f]{32}$/;
export const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export class Tickets {
  constructor(private readonly secret: Buffer, private readonly ttlSeconds: number) {}

  issue(room: string, peerId: string, name: string, now = Date.now(), kind?: TicketKind): string {
    const e = Math.floor(now / 1000) + this.ttlSeconds;
    const claims: TicketClaims = kind === undefined ? { r: room, p: peerId, n: name, e } : { r: room, p: peerId, n: name, e, k: kind };
    const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /**
   * The claims of a genuine ticket that has not expired — or, with `graceSeconds`, that expired at most that long
   * ago (for renewal by its holder); null for anything else. Never throws.
   */
  verify(ticket: unknown, now = Date.now(), graceSeconds = 0): TicketClaims | null {
    if (typeof ticket !== 'string' || ticket.length > 1024) return null;
    const dot = ticket.indexOf('.');
    if (dot < 1) return null;
    const body = ticket.slice(0, dot);
    // Compare the signature as text: one ticket has exactly one valid spelling.
    const given = Buffer.from(ticket.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.sign(body), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof claims !== 'object' || claims === null) return null;
    const { r, p, n, e, k } = claims as Record<string, unknown>;
    if (typeof r !== 'string' || !ROOM_NAME.test(r)) return null;
    if (typeof p !== 'string' || !PEER_ID.test(p)) return null;
    if (typeof n !== 'string' || [...n].length > 64) return null;
    if (typeof e !== 'number' || (e + graceSeconds) * 1000 <= now) return null;
    if (k === undefined) return { r, p, n, e };
    // An unknown kind is refused, never read as a member ticket: it might be one a later version gives no seat.
    if (k !== 'w' && k !== 'd') return null;
    return { r, p, n, e, k };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
