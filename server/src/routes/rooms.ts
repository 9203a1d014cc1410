/**
 * The room routes: `GET /api/rooms/{room}` says who is in a room (for the pre-join card); `POST /api/rooms/{room}/join` reserves a seat and answers with a ticket and the members already
 * there; `POST /api/rooms/{room}/renew` gives a widget already in the call a fresh ticket and ICE servers.
 */
import type { Express } from 'express';
import type { JoinAnswer, RenewAnswer, RoomInfo } from '../../../src/protocol/wire.js';
import type { ServerDeps } from '../deps.js';
import { ApiError } from '../http/errors.js';
import { iceServersFor } from '../ice.js';
import { displayName, jsonBody, signalingEndpoint, type RoomChecks } from './common.js';

export function roomRoutes(app: Express, { config, rooms, tickets, support, log }: ServerDeps, checks: RoomChecks): void {
  // The pre-join card shows who is in the room before anyone joins or touches a device. With tokens on, only a
  // holder of a valid token for the room may ask (401 otherwise); a private support call answers 403. No seat.
  app.get('/api/rooms/:room', (req, res) => {
    const room = checks.roomName(req);
    if (support.queueOf(room) !== undefined) throw new ApiError(403, 'forbidden', 'This is a private support call.');
    checks.roomToken(req, room);
    const occupants = rooms.occupants(room);
    res.set('Cache-Control', 'no-store');
    res.json({ count: occupants.length, names: occupants.flatMap((m) => (m.name ? [m.name] : [])), maxPeers: config.maxPeers } satisfies RoomInfo);
  });

  app.post('/api/rooms/:room/join', jsonBody, (req, res) => {
    const room = checks.spendJoin(req);
    // A support call room has exactly the two seats admission reserved: nobody joins it by name.
    if (support.queueOf(room) !== undefined) throw new ApiError(403, 'forbidden', 'This is a private support call.');
    let name = displayName(req.body);
    name = checks.roomToken(req, room)?.name ?? name;
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
    } satisfies JoinAnswer);
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
    const name = checks.roomToken(req, support.queueOf(room) ?? room)?.name ?? claims.name;
    res.set('Cache-Control', 'no-store');
    res.json({
      peerId: claims.peerId,
      ticket: tickets.issue(room, claims.peerId, name),
      iceServers: iceServersFor(config),
      signaling: signalingEndpoint(req, config),
    } satisfies RenewAnswer);
  });
}
