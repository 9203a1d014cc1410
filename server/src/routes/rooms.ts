/**
 * The room routes: `GET /api/rooms/{room}` says who is in a room (for the pre-join card); `POST /api/rooms/{room}/join`
 * reserves a seat and answers with a ticket and the members already there; `POST /api/rooms/{room}/renew` gives a
 * widget already in the call a fresh ticket and ICE servers; `POST /api/rooms/{room}/cert` certifies the key a member
 * signs its chat messages with.
 */
import type { Express, NextFunction } from 'express';
import type { CertAnswer, JoinAnswer, Member, RenewAnswer, RoomInfo } from '../../../src/protocol/wire.js';
import { Certs } from '../certs.js';
import type { ServerDeps } from '../deps.js';
import { ApiError, unavailable } from '../http/errors.js';
import { newPeerId } from '../tickets.js';
import { clientAddress } from '../util/client-address.js';
import { iceServersFor } from '../ice.js';
import { displayName, jsonBody, signalingEndpoint, vouchedName, type RoomChecks } from './common.js';

/** A support call room: the queue it came from, and who was removed from it. */
interface Call {
  readonly queue: string;
  banned(peerId: string): boolean;
}

export function roomRoutes(app: Express, { config, rooms, tickets, support, shared, log }: ServerDeps, checks: RoomChecks): void {
  const certs = new Certs(config.ticketSecret);
  /**
   * Run `then` with the support call `room` is (or null for any other room): at once from this process's knowledge,
   * or in shared mode once Redis said (a call admitted, or a member removed, on any instance). Redis unreachable: 503.
   */
  const withCall = (room: string, then: (call: Call | null) => void, next: NextFunction, address?: string): void => {
    const queue = support.queueOf(room);
    const local = queue === undefined ? null : { queue, banned: (peerId: string) => support.isBanned(room, peerId) };
    if (!shared) return then(local);
    // The address's budget is one across every instance: spent in Redis too (a join spends it in its own route).
    const spent = address === undefined ? Promise.resolve(0) : shared.spendJoin(address);
    spent.then((wait) => {
      if (wait > 0) throw new ApiError(429, 'rate-limited', 'Too many requests from your address; try again in a moment.', wait);
      return shared.calls.callOf(room);
    }).then(
      (record) => {
        try {
          then(record && { queue: record.queue, banned: (peerId) => record.banned(peerId) || support.isBanned(room, peerId) });
        } catch (error) {
          next(error);
        }
      },
      (error: unknown) => next(error instanceof ApiError ? error : unavailable()),
    );
  };
  // The pre-join card shows who is in the room before anyone joins or touches a device. With tokens on, only a
  // holder of a valid token for the room may ask (401 otherwise); a private support call answers 403. No seat.
  // In shared mode the seats in Redis answer, wherever their members are.
  app.get('/api/rooms/:room', (req, res, next) => {
    const room = checks.roomName(req);
    const reply = (occupants: readonly Member[]) => {
      res.set('Cache-Control', 'no-store');
      res.json({ count: occupants.length, names: occupants.flatMap((m) => (m.name ? [m.name] : [])), maxPeers: config.maxPeers } satisfies RoomInfo);
    };
    const answer = (call: Call | null) => {
      if (call) throw new ApiError(403, 'forbidden', 'This is a private support call.');
      checks.roomToken(req, room);
      if (!shared) return reply(rooms.occupants(room));
      shared.calls.occupants(room).then(reply, () => next(unavailable()));
    };
    withCall(room, answer, next);
  });

  app.post('/api/rooms/:room/join', jsonBody, (req, res, next) => {
    const room = checks.spendJoin(req);
    // A support call room has exactly the two seats admission reserved: nobody joins it by name.
    if (support.queueOf(room) !== undefined) throw new ApiError(403, 'forbidden', 'This is a private support call.');
    // The name and role the server vouches for: the token's when tokens are on, else the body's name as a guest.
    const grant = checks.roomToken(req, room);
    const name = vouchedName(grant?.name ?? displayName(req.body));
    const role = grant?.role ?? 'guest';
    const signaling = signalingEndpoint(req, config);
    const answer = (seat: { peerId: string; members: Member[] } | null) => {
      if (!seat) throw new ApiError(409, 'room-full', `This room is full (${config.maxPeers} people).`);
      log.debug({ room, peer: seat.peerId }, 'seat reserved');
      res.set('Cache-Control', 'no-store');
      res.json({
        peerId: seat.peerId,
        // With tokens on, the ticket lives no longer than the token it was granted for.
        ticket: tickets.issue(room, seat.peerId, name, Date.now(), 'member', role, grant?.until),
        name,
        role,
        members: seat.members,
        iceServers: iceServersFor(config),
        maxPeers: config.maxPeers,
        signaling,
      } satisfies JoinAnswer);
    };
    if (!shared) return answer(rooms.reserve(room, name, role));
    // Shared mode: Redis grants the seat (MAX_PEERS across every instance); this instance holds it until the
    // socket arrives. Redis unreachable: 503, nothing granted.
    const peerId = newPeerId();
    const address = clientAddress(req, config.trustProxy);
    const take = async () => {
      let claim;
      try {
        // The address's join budget, counted across every instance.
        const wait = await shared.spendJoin(address);
        if (wait > 0) throw new ApiError(429, 'rate-limited', 'Too many joins from your address; try again in a moment.', wait);
        claim = await shared.claim(room, peerId, name, role);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        log.debug({ err: (error as Error).message }, 'join: redis unreachable');
        throw unavailable();
      }
      if (claim.status === 'full') return answer(null);
      // A support call room (admitted on any instance): its two seats only.
      if (!('others' in claim)) throw new ApiError(403, 'forbidden', 'This is a private support call.');
      rooms.adopt(room, peerId, name, role);
      answer({ peerId, members: claim.others });
    };
    take().catch(next);
  });

  // A widget already in the call renews its ticket (before re-registering after an outage or expiry) and gets
  // fresh ICE servers (before re-dialling). The ticket proves who it is, even up to TICKET_TTL after it expired;
  // a room that needs tokens needs a valid one here too. No seat is taken: the socket's upgrade checks the room.
  app.post('/api/rooms/:room/renew', jsonBody, (req, res, next) => {
    const room = checks.spendJoin(req);
    const body = req.body as unknown;
    const ticket = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).ticket : undefined;
    const claims = tickets.verify(ticket, Date.now(), config.ticketTtl);
    // Waiting and desk tickets hold no seat and are not renewed: a visitor knocks again, a desk opens again.
    if (!claims || claims.room !== room || claims.kind !== 'member') {
      throw new ApiError(401, 'forbidden', 'The ticket is not valid for this room (or expired too long ago): join again.');
    }
    withCall(room, (call) => {
      // Removed from a support call: no fresh ticket (the ban lasts as long as the last ticket it could hold).
      if (call?.banned(claims.peerId)) throw new ApiError(403, 'forbidden', 'You were removed from this call.');
      // A support call room is guarded by the tokens of the queue it came from (nobody has a token for it).
      // The name and role stay what the others were told (a fresh token cannot rename a member mid-call); with
      // tokens on, the ticket lives no longer than the token it was renewed with.
      const grant = checks.roomToken(req, call?.queue ?? room);
      res.set('Cache-Control', 'no-store');
      res.json({
        peerId: claims.peerId,
        ticket: tickets.issue(room, claims.peerId, claims.name, Date.now(), 'member', claims.role, grant?.until),
        iceServers: iceServersFor(config),
        signaling: signalingEndpoint(req, config),
      } satisfies RenewAnswer);
    }, next, clientAddress(req, config.trustProxy));
  });

  // A member's certificate (see certs.ts): its ticket says who it is in which room; the key is the one it signs
  // its chat messages with. Asked for when the widget first sends or checks a chat message.
  app.post('/api/rooms/:room/cert', jsonBody, (req, res, next) => {
    const room = checks.spendJoin(req);
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
    const claims = tickets.verify(body.ticket, Date.now(), config.ticketTtl);
    if (!claims || claims.room !== room || claims.kind !== 'member') throw new ApiError(401, 'forbidden', 'The ticket is not valid for this room.');
    withCall(room, (call) => {
      if (call?.banned(claims.peerId)) throw new ApiError(401, 'forbidden', 'The ticket is not valid for this room.');
      const cert = certs.issue(room, claims.peerId, claims.name, claims.role, body.key);
      if (!cert) throw new ApiError(400, 'bad-request', '"key" must be a P-256 public key (raw, base64url).');
      res.set('Cache-Control', 'no-store');
      res.json({ cert, authority: certs.authority } satisfies CertAnswer);
    }, next);
  });
}
