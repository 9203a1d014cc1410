/**
 * The room routes: `POST /api/rooms/{room}/join` reserves a seat and answers with a ticket and the members already
 * there; `POST /api/rooms/{room}/renew` gives a widget already in the call a fresh ticket and ICE servers.
 */
import type { Express } from 'express';
import type { JoinAnswer, Member, RenewAnswer } from '../../../src/protocol/wire.js';
import type { ServerDeps } from '../deps.js';
import { ApiError, unavailable } from '../http/errors.js';
import { newPeerId } from '../tickets.js';
import { clientAddress } from '../util/client-address.js';
import { iceServersFor } from '../ice.js';
import { displayName, jsonBody, signalingEndpoint, type RoomChecks } from './common.js';

export function roomRoutes(app: Express, { config, rooms, tickets, support, shared, log }: ServerDeps, checks: RoomChecks): void {
  app.post('/api/rooms/:room/join', jsonBody, (req, res, next) => {
    const room = checks.spendJoin(req);
    // A support call room has exactly the two seats admission reserved: nobody joins it by name.
    if (support.queueOf(room) !== undefined) throw new ApiError(403, 'forbidden', 'This is a private support call.');
    let name = displayName(req.body);
    const grant = checks.roomToken(req, room);
    name = grant?.name ?? name;
    const signaling = signalingEndpoint(req, config);
    const answer = (seat: { peerId: string; members: Member[] } | null) => {
      if (!seat) throw new ApiError(409, 'room-full', `This room is full (${config.maxPeers} people).`);
      log.debug({ room, peer: seat.peerId }, 'seat reserved');
      res.set('Cache-Control', 'no-store');
      res.json({
        peerId: seat.peerId,
        // With tokens on, the ticket lives no longer than the token it was granted for.
        ticket: tickets.issue(room, seat.peerId, name, Date.now(), 'member', grant?.exp),
        members: seat.members,
        iceServers: iceServersFor(config),
        maxPeers: config.maxPeers,
        signaling,
      } satisfies JoinAnswer);
    };
    if (!shared) return answer(rooms.reserve(room, name));
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
        claim = await shared.claim(room, peerId, name);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        log.debug({ err: (error as Error).message }, 'join: redis unreachable');
        throw unavailable();
      }
      if (claim.status === 'full') return answer(null);
      rooms.adopt(room, peerId, name);
      answer({ peerId, members: claim.others });
    };
    take().catch(next);
  });

  // A widget already in the call renews its ticket (before re-registering after an outage or expiry) and gets
  // fresh ICE servers (before re-dialling). The ticket proves who it is, even up to TICKET_TTL after it expired;
  // a room that needs tokens needs a valid one here too. No seat is taken: the socket's upgrade checks the room.
  app.post('/api/rooms/:room/renew', jsonBody, (req, res) => {
    const room = checks.spendJoin(req);
    const body = req.body as unknown;
    const ticket = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).ticket : undefined;
    const claims = tickets.verify(ticket, Date.now(), config.ticketTtl);
    // Waiting and desk tickets hold no seat and are not renewed: a visitor knocks again, a desk opens again.
    if (!claims || claims.room !== room || claims.kind !== 'member') {
      throw new ApiError(401, 'forbidden', 'The ticket is not valid for this room (or expired too long ago): join again.');
    }
    // Removed from a support call: no fresh ticket (the ban lasts as long as the last ticket it could hold).
    if (support.isBanned(room, claims.peerId)) throw new ApiError(403, 'forbidden', 'You were removed from this call.');
    // A support call room is guarded by the tokens of the queue it came from (nobody has a token for it).
    const grant = checks.roomToken(req, support.queueOf(room) ?? room);
    const name = grant?.name ?? claims.name;
    res.set('Cache-Control', 'no-store');
    res.json({
      peerId: claims.peerId,
      ticket: tickets.issue(room, claims.peerId, name, Date.now(), 'member', grant?.exp),
      iceServers: iceServersFor(config),
      signaling: signalingEndpoint(req, config),
    } satisfies RenewAnswer);
  });
}
