/**
 * Registration: what happens when PeerServer registers a socket and when it lets one go. A member's socket claims
 * its seat (or, after a server restart, takes one anew and hears who holds the others), receives what waited for
 * it, and replaces an older socket of the same id; a support socket (waiting visitor, desk) is handed to `Support`.
 * When a socket goes, its seat is freed — `gone` when the page closed it going away — and the room's remaining
 * members hear it (VCW-LEAVE). A member back with a renewed ticket while its old socket still looks open (a
 * network change leaves it half-open until the pings miss) replaces that socket at once and keeps its seat.
 * A socket is only taken when PeerServer registered exactly the id and ticket the
 * upgrade guard admitted; seats are freed by the id of the ticket that was taken, never by an id a socket named.
 */
import type { IncomingMessage } from 'node:http';
import type { IClient } from 'peer';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { Close, Notice } from '../../../src/protocol/limits.js';
import type { Member } from '../../../src/protocol/wire.js';
import type { TurnGrants } from '../ice.js';
import type { Rooms } from '../rooms.js';
import type { SharedMode } from '../shared/cluster.js';
import type { Claim } from '../shared/seats.js';
import type { SupportService } from '../support/service.js';
import { kindCode, peerToken, type TicketClaims, type Tickets } from '../tickets.js';
import type { OfflineQueues } from './offline-queue.js';
import type { Registry } from './registry.js';
import { admittedTicket, sharedClaim } from './upgrade-guard.js';

/** `local` and then the members only Redis knows of (held on other instances), each once. */
function withOthers(local: readonly Member[], remote: readonly Member[]): Member[] {
  const known = new Set(local.map((m) => m.peerId));
  return [...local, ...remote.filter((m) => !known.has(m.peerId))];
}

/** The WebSocket close code a browser sends when the page goes away. */
const GOING_AWAY = 1001;
/** Close code for a member ticket that finds its room full. */
const ROOM_FULL_CLOSE = 4009;
/** How long a replacement waits for PeerServer to let the old socket go (it takes a few ms). */
const REPLACE_DEADLINE_MS = 2000;

export interface RegistrationDeps {
  readonly rooms: Rooms;
  readonly tickets: Tickets;
  readonly support: SupportService;
  readonly shared: SharedMode | null;
  readonly registry: Registry;
  readonly offline: OfflineQueues;
  readonly turn: TurnGrants;
  readonly log: Logger;
}

export class Registration {
  /** How each socket closed, for the seat's release reason. */
  private readonly closeCodes = new WeakMap<WebSocket, number>();
  /** The ticket each socket's upgrade was admitted with, until `connected` has checked it. */
  private readonly admitted = new WeakMap<WebSocket, string>();
  /**
   * The member clients we took, with their room (the string the seat holds, not a copy). Only what `replace` and
   * `disconnected` need is kept per client: its id is PeerServer's, its seat is in `Rooms`.
   */
  private readonly members = new WeakMap<IClient, string>();
  /** The support clients (waiting visitors, desks) we took. */
  private readonly supportClients = new WeakSet<IClient>();
  /**
   * A new socket of an id that is registered already, with that id's socket as it was before PeerServer re-attached
   * the client to the new one (same ticket): kept from `watch` until `connected`.
   */
  private readonly previous = new WeakMap<WebSocket, WebSocket>();
  /** Old sockets being replaced by a newer one of the same member: their close keeps the seat. */
  private readonly replaced = new WeakSet<WebSocket>();
  /** Shared mode: the Redis claim each member socket was admitted with, until `connected` has read it. */
  private readonly claims = new WeakMap<WebSocket, Claim>();

  constructor(private readonly deps: RegistrationDeps) {
    const { rooms, registry, offline, turn, log } = deps;
    rooms.on('release', (room, peerId, reason, members) => {
      offline.drop(peerId);
      turn.drop(peerId);
      for (const member of members) registry.send(member.peerId, { type: Notice.LEAVE, payload: { peerId, reason } });
      log.debug({ room, peer: peerId, reason }, 'seat released');
    });
    // Shared mode: a member now on another instance (or lapsed) keeps nothing here.
    rooms.on('forget', (_room, peerId) => {
      offline.drop(peerId);
      turn.drop(peerId);
    });
  }

  /**
   * On a new socket, before PeerServer's listeners: the check in `connected` needs the ticket the upgrade was
   * admitted with.
   */
  watch(socket: WebSocket, req: IncomingMessage): void {
    const ticket = admittedTicket(req);
    const claim = sharedClaim(req);
    if (claim) this.claims.set(socket, claim);
    if (ticket === undefined) return;
    this.admitted.set(socket, ticket);
    const claims = this.deps.tickets.verify(ticket);
    // PeerServer will re-attach its client of this id (same ticket) to this socket, and forget the one it had.
    const previous = claims && this.deps.registry.socket(claims.peerId);
    if (previous && previous !== socket) this.previous.set(socket, previous);
    // A member's socket that passed the guard hears its ICE servers, with its TURN credentials, first — before
    // PeerServer's OPEN, so the widget holds them before it dials or answers anyone. Nobody else gets any: not a
    // join answer, a renewal, a waiting visitor or a desk.
    if (claims?.kind === 'member') socket.send(JSON.stringify({ type: Notice.ICE, payload: { iceServers: this.deps.turn.for(claims.peerId) } }));
  }

  /** A socket closed with `code` (before PeerServer hears of it): the release reason reads it. */
  closed(socket: WebSocket, code: number): void {
    this.closeCodes.set(socket, code);
  }

  /**
   * Before the upgrade of a member ticket (already verified): if its id is registered with another ticket of the
   * same room — the same member, renewed — close the old socket and wait until PeerServer has let it go, so the new
   * one registers instead of getting ID-TAKEN. The seat stays (as a reservation until the new socket arrives).
   * Resolves at once when there is nothing to replace; PeerServer re-attaches the same ticket by itself.
   */
  async replace(claims: TicketClaims, ticket: string): Promise<void> {
    const { registry, log } = this.deps;
    const client = registry.client(claims.peerId);
    const socket = client?.getSocket();
    const room = client && this.members.get(client);
    if (!client || !socket || room === undefined || claims.kind !== 'member' || room !== claims.room) return;
    if (client.getToken() === peerToken(ticket)) return;
    log.debug({ room: claims.room, peer: claims.peerId }, 'socket replaced by a renewed ticket');
    this.replaced.add(socket);
    const gone = new Promise<void>((resolve) => {
      if (socket.readyState === socket.CLOSED) return resolve();
      const timer = setTimeout(resolve, REPLACE_DEADLINE_MS);
      // Listens after PeerServer's own close listener: when this runs, PeerServer has forgotten the old client.
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    socket.terminate();
    await gone;
  }

  /** PeerServer registered `client` (its ticket passed the upgrade guard). */
  connected(client: IClient): void {
    const { rooms, tickets, support, registry, offline, log } = this.deps;
    const socket = client.getSocket();
    // PeerServer must have registered the very id and ticket the guard admitted (it reads the URL itself; its
    // token is the ticket's signature): any other client is closed at once and never takes, frees or receives anything.
    const ticket = socket ? this.admitted.get(socket) : undefined;
    const claims = tickets.verify(ticket);
    const previous = socket ? this.previous.get(socket) : undefined;
    // Shared mode: who else holds a seat, as Redis said at the upgrade (up to MAX_PEERS − 1 members: not kept).
    const claim = socket ? this.claims.get(socket) : undefined;
    if (socket) {
      this.admitted.delete(socket);
      this.previous.delete(socket);
      this.claims.delete(socket);
    }
    if (!socket || ticket === undefined || client.getToken() !== peerToken(ticket) || claims?.peerId !== client.getId()) {
      log.warn({ peer: client.getId() }, 'signaling socket registered with an id or ticket other than the one admitted: closed');
      socket?.terminate();
      return;
    }
    // Removed between the upgrade check and now (a reconnect racing the removal): no seat again.
    if (claims?.kind === 'member' && support.isBanned(claims.room, claims.peerId)) {
      socket?.close(Close.REMOVED, 'removed');
      return;
    }
    let seat = claims?.kind === 'member' ? rooms.connect(claims.room, claims.peerId, claims.name, claims.role) : undefined;
    // Shared mode, a seat this instance did not hold: Redis knows the whole room. A seat it still held (the member
    // moved here from another instance) needs no telling; one taken anew hears every holder, wherever they sit.
    if (seat?.others && claim && 'others' in claim) seat = { others: claim.status === 'held' ? null : claim.others };
    if (seat === null) {
      client.send({ type: 'ERROR', payload: { msg: 'room-full' } });
      socket?.close(ROOM_FULL_CLOSE, 'room-full');
      return;
    }
    // A waiting ticket whose visitor is not in the queue any more (declined, timed out, a server restart) or a
    // desk that was forgotten: the widget knocks (or opens the desk) again.
    if (claims.kind !== 'member' && !support.accepts(claims.kind, claims.peerId, claims.room)) {
      // An older socket of the same ticket (still open after a decline) goes too: PeerServer now knows only this one.
      if (previous) previous.close(Close.NOT_WAITING, 'not-waiting');
      socket?.close(Close.NOT_WAITING, 'not-waiting');
      return;
    }
    // PeerServer re-attaches a second socket with the same id and ticket silently: drop the old socket and
    // send the OPEN PeerServer leaves out, or the widget would wait for it forever.
    const id = client.getId();
    if (previous) {
      previous.terminate();
      client.send({ type: 'OPEN' });
    }
    registry.register(id, client);
    if (claims.kind === 'member') this.members.set(client, rooms.roomOf(id) ?? claims.room);
    else this.supportClients.add(client);
    log.debug({ room: claims.room, peer: claims.peerId, kind: kindCode(claims.kind) }, 'peer registered');
    // Support sockets hear where they stand (after OPEN); nothing is queued for them.
    if (claims.kind !== 'member') return support.connected(claims.kind, id, claims.room);
    // Who is who, as we vouch for it: the members already connected hear this one's name and role before anything
    // it sends them (it can dial only after OPEN, and its offers go out on their sockets after this notice); it
    // hears everyone else's before what they sent it while it was on its way.
    // Shared mode: the members on other instances hear it through theirs (before anything it sends them, which
    // crosses the same channels after this), and it hears every holder Redis knows of, wherever they sit.
    const { connected, all } = rooms.othersOf(id);
    const self = rooms.memberOf(id);
    if (self) for (const other of connected) registry.send(other.peerId, { type: Notice.IDENTITY, payload: { members: [self] } });
    if (self && this.deps.shared) this.deps.shared.identify(claims.room, self);
    const everyone = claim && 'others' in claim ? withOthers(all, claim.others) : all;
    if (everyone.length) client.send({ type: Notice.IDENTITY, payload: { members: everyone } });
    // What others sent before this socket arrived, in order, after OPEN (as stock PeerServer does).
    for (const message of offline.take(id)) client.send(message);
    // Re-registering after a server restart, it takes its seat anew: whoever reserved a seat meanwhile got a
    // member list without it, and members never dial newcomers. It hears who holds a seat and dials those it has
    // no connection with (its old partners it has; a newcomer cannot have dialled it) — one dialler per pair.
    if (seat?.others?.length) client.send({ type: Notice.MEMBERS, payload: { members: seat.others } });
  }

  // A page that is closed, reloaded or removed closes its socket with 1001 "going away": the room hears that the
  // member is gone for good, not only that its socket dropped (which a running call survives), so the others can
  // remove the tile at once even when the page's own goodbye on the data connection did not make it out.
  disconnected(client: IClient): void {
    const { rooms, support, registry } = this.deps;
    // A client we never took (refused above) holds nothing: nothing is freed in its name. Its id is the one its
    // ticket was checked for (in `connected`).
    const member = this.members.has(client);
    if (!member && !this.supportClients.has(client)) return;
    const id = client.getId();
    // The socket that closed (PeerServer lets a client go with it), or none when PeerServer dropped it itself.
    const socket = client.getSocket() ?? undefined;
    registry.unregister(id, client);
    // Replaced by the same member's newer socket: the seat waits for it.
    if (socket && this.replaced.has(socket)) rooms.detach(id);
    else if (member) rooms.release(id, socket && this.closeCodes.get(socket) === GOING_AWAY ? 'gone' : 'disconnected');
    // A waiting visitor leaves its queue, a desk goes offline.
    else support.disconnected(id);
  }
}
