/**
 * Tickets: what the server hands a widget with its peer id, and what the widget presents as the PeerJS `token`
 * when its WebSocket upgrades. A ticket is the room, peer id, name and expiry, HMAC-signed with a secret that
 * survives restarts — so after a restart a widget re-registers with the same id, and nobody else can take it.
 * Tickets of the support flow carry a kind (a waiting visitor, an agent's desk): they open a socket but never a
 * seat. A member ticket has no kind on the wire, so every ticket issued before the support flow keeps its meaning.
 *
 * On the wire the claims have one-letter keys (tickets ride in every socket URL, and a load balancer may read the
 * room from them); this module is the only place that knows them. Everything else sees {@link TicketClaims}.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MAX_NAME, nameLength, PEER_ID, ROOM_NAME } from '../../src/protocol/limits.js';
import type { Role } from '../../src/protocol/wire.js';

/** `member`: takes a seat in its room; `waiting`: a visitor waiting in a support queue; `desk`: an agent's desk on one. */
export type TicketKind = 'member' | 'waiting' | 'desk';
/** The kinds of the support flow: a socket, never a seat. */
export type SupportKind = Exclude<TicketKind, 'member'>;

/** What a genuine ticket says. */
export interface TicketClaims {
  /** The room (for a waiting or desk ticket: the support queue). */
  readonly room: string;
  readonly peerId: string;
  /** The display name the server vouches for. */
  readonly name: string;
  /** Expiry, unix seconds. */
  readonly expires: number;
  readonly kind: TicketKind;
  /** The member's role in its room (`host` on the wire as `o: 'h'`; absent: guest). */
  readonly role: Role;
}

/** The claims as signed: room, peer id, name, expiry, and a kind only on support tickets (`w` waiting, `d` desk). */
interface WireClaims {
  readonly r: string;
  readonly p: string;
  readonly n: string;
  readonly e: number;
  readonly k?: 'w' | 'd';
  readonly o?: 'h';
}

const KIND_ON_WIRE = { waiting: 'w', desk: 'd' } as const;

/** How a ticket spells its kind: `w`, `d`, nothing for a member (what the debug log names, as it always has). */
export function kindCode(kind: TicketKind): 'w' | 'd' | undefined {
  return kind === 'member' ? undefined : KIND_ON_WIRE[kind];
}

/** 128 random bits as 32 hex digits: unguessable, and valid as a PeerJS id. */
export function newPeerId(): string {
  return randomBytes(16).toString('hex');
}

/** Characters of the ticket's signature PeerServer holds as the token: 132 bits. */
const PEER_TOKEN_LENGTH = 22;

/**
 * What PeerServer holds as a socket's token: the start of the ticket's signature (132 of its 256 bits). Each
 * ticket has one, and two tickets never share it, so PeerServer re-attaches a socket of the same ticket and refuses
 * (ID-TAKEN) one of another ticket, as it would with the whole ticket — but it keeps its token for the socket's
 * life (with the URL it was read from), and this is an eighth of the ticket's length (see BENCHMARKS.md, memory
 * per client). Only for a ticket that passed `verify`.
 */
export function peerToken(ticket: string): string {
  const dot = ticket.indexOf('.');
  return ticket.slice(dot + 1, dot + 1 + PEER_TOKEN_LENGTH);
}

export class Tickets {
  constructor(private readonly secret: Buffer, private readonly ttlSeconds: number) {}

  /**
   * A ticket for `peerId` in `room`, valid for the configured lifetime — or, with `notAfter` (unix seconds: the
   * expiry of the room token it was granted for), not a second longer than that: a ticket never outlives its token.
   */
  issue(room: string, peerId: string, name: string, now = Date.now(), kind: TicketKind = 'member', role: Role = 'guest', notAfter?: number): string {
    const e = Math.min(Math.floor(now / 1000) + this.ttlSeconds, notAfter ?? Infinity);
    const k = kindCode(kind);
    const claims: WireClaims = { r: room, p: peerId, n: name, e, ...(k === undefined ? {} : { k }), ...(role === 'host' ? { o: 'h' } : {}) };
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
    const { r, p, n, e, k, o } = claims as Record<string, unknown>;
    if (typeof r !== 'string' || !ROOM_NAME.test(r)) return null;
    if (typeof p !== 'string' || !PEER_ID.test(p)) return null;
    if (typeof n !== 'string' || nameLength(n) > MAX_NAME) return null;
    if (typeof e !== 'number' || (e + graceSeconds) * 1000 <= now) return null;
    // An unknown kind is refused, never read as a member ticket: it might be one a later version gives no seat.
    const kind = k === undefined ? 'member' : k === 'w' ? 'waiting' : k === 'd' ? 'desk' : null;
    if (kind === null || (o !== undefined && o !== 'h')) return null;
    return { room: r, peerId: p, name: n, expires: e, kind, role: o === 'h' ? 'host' : 'guest' };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
