/**
 * The upgrade guard: every check a signaling WebSocket passes before the upgrade, so a refusal is a real HTTP
 * status with the API's JSON error body (PeerServer itself would accept and then close). In order: the embedding
 * origin, the address's connect budget (shared with joins), a query with each parameter once (see query.ts), the
 * ticket for this peer id, a removal from a support call, the same member's older socket (replaced: see
 * Registration.replace), a full room, and the address's count of open sockets
 * (MAX_SOCKETS_PER_ADDRESS). The ticket that passed rides on the request ({@link admittedTicket}), so registration
 * can check that PeerServer registered exactly that id with exactly that ticket.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiErrorBody } from '../../../src/protocol/wire.js';
import type { ServerDeps } from '../deps.js';
import type { Claim } from '../shared/seats.js';
import { peerToken, type TicketClaims } from '../tickets.js';
import { clientAddress } from '../util/client-address.js';
import { SocketCounter } from '../util/rate-limits.js';
import { PEERJS_KEY } from './mount.js';
import { signalingQuery } from './query.js';

/** The `verifyClient` callback of `ws`. */
type Done = (ok: boolean, status?: number, message?: string, headers?: OutgoingHttpHeaders) => void;
export type VerifyClient = (info: { origin: string; req: IncomingMessage }, done: Done) => void;

/** Refuse an upgrade with the API's JSON error shape. */
function refuse(done: Done, status: number, error: string, message: string, headers: OutgoingHttpHeaders = {}): void {
  done(false, status, JSON.stringify({ error, message } satisfies ApiErrorBody), { 'Content-Type': 'application/json', ...headers });
}

/** The client address a TCP connection counts against (MAX_SOCKETS_PER_ADDRESS). */
const ADDRESS = Symbol('address');
/** Shared mode: the connection's place among its address's sockets in Redis. */
const HOLDER = Symbol('holder');
type Addressed = Duplex & { [ADDRESS]?: string | undefined; [HOLDER]?: string | undefined };

/** The ticket the guard admitted an upgrade request with. */
const ADMITTED = Symbol('admitted');
type Admitted = IncomingMessage & { [ADMITTED]?: string };

/**
 * Mark an upgrade request as admitted with this ticket for `peerId` (the guard's last step). PeerServer reads the
 * URL itself and keeps the id and token it finds there for the socket's life, as slices of the whole URL: it is
 * given the same URL with the ticket's signature as the token ({@link peerToken}) instead of the whole ticket.
 */
export function admit(req: IncomingMessage, ticket: string, peerId: string): void {
  (req as Admitted)[ADMITTED] = ticket;
  const url = req.url ?? '';
  const at = url.indexOf('?');
  req.url = `${at < 0 ? url : url.slice(0, at)}?key=${PEERJS_KEY}&id=${peerId}&token=${peerToken(ticket)}`;
}

/** The ticket this upgrade request was admitted with (undefined when the guard did not admit it). */
export function admittedTicket(req: IncomingMessage): string | undefined {
  return (req as Admitted)[ADMITTED];
}

/** Shared mode: the Redis claim a member's upgrade was admitted with. */
const CLAIM = Symbol('claim');
type Claimed = IncomingMessage & { [CLAIM]?: Claim };

/** The Redis claim this upgrade request was admitted with (shared mode; undefined otherwise). */
export function sharedClaim(req: IncomingMessage): Claim | undefined {
  return (req as Claimed)[CLAIM];
}

/**
 * Make way for a member's ticket whose id is registered with another ticket (see Registration.replace); resolves
 * when the upgrade may go on.
 */
export type Replace = (claims: TicketClaims, ticket: string) => Promise<void>;

export function upgradeGuard({ config, rooms, tickets, support, shared, log, originAllowed, joinLimiter }: ServerDeps, replace: Replace): VerifyClient {
  const open = new SocketCounter(config.maxSocketsPerAddress);
  // One close listener shared by every TCP connection (the address rides on the socket).
  function releaseAddress(this: Addressed): void {
    if (this[ADDRESS] === undefined) return;
    open.release(this[ADDRESS]);
    this[ADDRESS] = undefined;
  }
  function releaseHolder(this: Addressed): void {
    if (this[HOLDER] === undefined) return;
    shared?.sockets.release(this[HOLDER]);
    this[HOLDER] = undefined;
  }

  return (info, done) => {
    if (!originAllowed(info.origin || undefined)) return refuse(done, 403, 'forbidden', 'This site is not allowed to embed calls from this server.');
    const address = clientAddress(info.req, config.trustProxy);
    if (!joinLimiter.take(address)) {
      log.debug({ address }, 'connect rate-limited');
      const wait = Math.max(1, joinLimiter.wait(address));
      return refuse(done, 429, 'rate-limited', 'Too many connections from your address; try again in a moment.', { 'Retry-After': String(wait) });
    }
    // A repeated id or token would be read one way here and another way by PeerServer: refused outright.
    const query = signalingQuery(info.req.url);
    if (!query) return refuse(done, 400, 'bad-request', 'The signaling URL must carry key, id and token once each, and nothing else.');
    const ticket = query.token ?? '';
    const claims = tickets.verify(ticket);
    if (query.key !== PEERJS_KEY || !claims || claims.peerId !== query.id) return refuse(done, 401, 'forbidden', 'The ticket is missing, invalid or expired.');
    if (support.isBanned(claims.room, claims.peerId)) return refuse(done, 403, 'forbidden', 'You were removed from this call.');
    // The same member back with a renewed ticket while its old socket still looks open: that socket goes first.
    if (claims.kind !== 'member') return finish(claims, ticket, address, info.req, done);
    replace(claims, ticket).then(
      () => finish(claims, ticket, address, info.req, done),
      (error: unknown) => {
        log.error({ err: error }, 'replacing a socket failed');
        refuse(done, 500, 'internal', 'The server could not take this connection.');
      },
    );
  };

  /** The checks after the ticket's: a full room (for a member ticket) and the address's open sockets. */
  function finish(claims: TicketClaims, ticket: string, address: string, req: IncomingMessage, done: Done): void {
    // The client gave up while an old socket was replaced: nothing to count or admit.
    if (req.socket.destroyed) return refuse(done, 400, 'bad-request', 'The connection closed.');
    // Waiting and desk tickets take no seat, so a full room does not concern them.
    if (claims.kind === 'member' && shared) {
      return void claimShared(claims, ticket, address, req, done).catch((error: unknown) => {
        log.error({ err: error }, 'admitting a socket failed');
        refuse(done, 500, 'internal', 'The server could not take this connection.');
      });
    }
    if (claims.kind === 'member' && !rooms.canConnect(claims.room, claims.peerId)) return refuse(done, 409, 'room-full', 'This room is full.');
    accept(claims, ticket, address, req, done);
  }

  /** Shared mode: Redis says whether the seat is this member's (held, or free to take) across every instance. */
  async function claimShared(claims: TicketClaims, ticket: string, address: string, req: IncomingMessage, done: Done): Promise<void> {
    let claim;
    try {
      // The address's joins and connects, counted across every instance.
      const wait = await shared!.spendJoin(address);
      if (wait > 0) return refuse(done, 429, 'rate-limited', 'Too many connections from your address; try again in a moment.', { 'Retry-After': String(wait) });
      claim = await shared!.claim(claims.room, claims.peerId, claims.name, claims.role);
    } catch {
      return refuse(done, 503, 'unavailable', 'The call service is briefly unavailable; try again in a moment.', { 'Retry-After': '2' });
    }
    if (claim.status === 'full') return refuse(done, 409, 'room-full', 'This room is full.');
    // A support call room that is not this member's, or that removed it (on whichever instance).
    if (claim.status === 'forbidden') return refuse(done, 403, 'forbidden', 'You were removed from this call.');
    if (req.socket.destroyed) return refuse(done, 400, 'bad-request', 'The connection closed.');
    (req as Claimed)[CLAIM] = claim;
    accept(claims, ticket, address, req, done);
  }

  /** The last step: the address's open sockets (across every instance in shared mode), then admitted. */
  function accept(claims: TicketClaims, ticket: string, address: string, req: IncomingMessage, done: Done): void {
    if (shared) return void acceptShared(claims, ticket, address, req, done);
    if (!open.acquire(address)) {
      log.debug({ address }, 'too many sockets');
      return refuse(done, 429, 'rate-limited', 'Too many open connections from your address.');
    }
    // Counted until the TCP connection closes, whether or not the upgrade completes. `on`, not `once`: a TCP
    // socket closes once, and `once` would wrap the shared listener in a bound function and a state object per socket.
    (req.socket as Addressed)[ADDRESS] = address;
    req.socket.on('close', releaseAddress);
    admit(req, ticket, claims.peerId);
    done(true);
  }

  /** Shared mode: the address's place is taken in Redis, held while the TCP connection lasts, and renewed by us. */
  async function acceptShared(claims: TicketClaims, ticket: string, address: string, req: IncomingMessage, done: Done): Promise<void> {
    let holder;
    try {
      holder = await shared!.sockets.acquire(address);
    } catch {
      return refuse(done, 503, 'unavailable', 'The call service is briefly unavailable; try again in a moment.', { 'Retry-After': '2' });
    }
    if (holder === null) {
      log.debug({ address }, 'too many sockets');
      return refuse(done, 429, 'rate-limited', 'Too many open connections from your address.');
    }
    const place = holder;
    if (req.socket.destroyed) {
      shared!.sockets.release(place);
      return refuse(done, 400, 'bad-request', 'The connection closed.');
    }
    (req.socket as Addressed)[HOLDER] = place;
    req.socket.on('close', releaseHolder);
    admit(req, ticket, claims.peerId);
    done(true);
  }
}
