/**
 * Rooms and seats. A seat is reserved by a join request and becomes connected when the widget's WebSocket
 * arrives; a reservation that is not claimed in time is released. Everything here is synchronous, so the
 * capacity check and the reservation cannot interleave with another join.
 */
import { EventEmitter } from 'node:events';
import type { Member, Role } from '../../src/protocol/wire.js';
import { newPeerId } from './tickets.js';

/**
 * Why a seat was freed: the socket dropped, the page closed it going away, the seat was never claimed, or an
 * agent removed the member from a support call.
 */
export type ReleaseReason = 'disconnected' | 'gone' | 'expired' | 'removed';

interface Seat extends Member {
  connected: boolean;
  /** Its socket arrived at least once (`connect` was emitted for it). */
  joined: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** A room's seats in the order they were taken, with the room's name: one string per room, not one per member. */
class RoomSeats extends Map<string, Seat> {
  constructor(readonly name: string) {
    super();
  }
}

export type RoomEvents = {
  /** A seat became connected for the first time: its socket arrived (once per seat, not again for a later socket). */
  connect: [room: string, peerId: string, name: string];
  /**
   * A seat was freed: the peer disconnected or never came. `members` are the peers still connected; `name` the
   * freed seat's; `joined` whether its socket ever arrived (`connect` was emitted for it).
   */
  release: [room: string, peerId: string, reason: ReleaseReason, members: Member[], name: string, joined: boolean];
  /** Shared mode: a seat dropped without a word (its member sits on another instance now, or its lease lapsed). */
  forget: [room: string, peerId: string, joined: boolean];
};

/** Who holds the seats (reserved or connected), as the widgets are told. */
const member = ({ peerId, name, role }: Seat): Member => ({ peerId, name, role });
const membersOf = (seats: Map<string, Seat>): Member[] => [...seats.values()].map(member);

export class Rooms extends EventEmitter<RoomEvents> {
  private readonly rooms = new Map<string, RoomSeats>();
  /** Each seat holder's room (its seats, which carry the name). */
  private readonly roomOfPeer = new Map<string, RoomSeats>();

  constructor(private readonly maxPeers: number, private readonly seatTimeoutMs: number) {
    super();
  }

  /** Reserve a seat for a newcomer: its fresh peer id and the members already there, or null when full. */
  reserve(room: string, name: string, role: Role = 'guest'): { peerId: string; members: Member[] } | null {
    const seats = this.rooms.get(room);
    if ((seats?.size ?? 0) >= this.maxPeers) return null;
    const members = seats ? membersOf(seats) : [];
    const peerId = newPeerId();
    this.adopt(room, peerId, name, role);
    return { peerId, members };
  }

  /**
   * Hold a seat as a reservation that is released as `expired` when its WebSocket does not arrive in time, without a
   * capacity check: `reserve` checks first; in shared mode Redis has already granted it.
   */
  adopt(room: string, peerId: string, name: string, role: Role): void {
    const seats = this.seatsOf(room);
    const seat: Seat = { peerId, name, role, connected: false, joined: false, timer: undefined };
    seat.timer = setTimeout(() => this.release(peerId, 'expired'), this.seatTimeoutMs);
    seat.timer.unref();
    seats.set(peerId, seat);
    this.roomOfPeer.set(peerId, seats);
  }

  /** The room's seats, created (empty, and kept) when the room has none. */
  private seatsOf(room: string): RoomSeats {
    let seats = this.rooms.get(room);
    if (!seats) {
      seats = new RoomSeats(room);
      this.rooms.set(room, seats);
    }
    return seats;
  }

  /** Shared mode: drop a seat without telling anyone (its member now sits on another instance). */
  forget(peerId: string): void {
    const taken = this.unseat(peerId);
    if (taken) this.emit('forget', taken.seats.name, peerId, taken.seat?.joined ?? false);
  }

  /** The members of `room` connected here (whom a notice about the room reaches). */
  connectedIn(room: string): Member[] {
    const seats = this.rooms.get(room);
    return seats ? [...seats.values()].filter((s) => s.connected).map(member) : [];
  }

  /** Every room with the seats held here (reserved or connected): what shared mode renews in Redis. */
  *held(): Iterable<[string, Member[]]> {
    for (const [room, seats] of this.rooms) yield [room, membersOf(seats)];
  }

  /** Could this peer take (or keep) its seat in this room right now? */
  canConnect(room: string, peerId: string): boolean {
    const seats = this.rooms.get(room);
    if (!seats) return true;
    return seats.has(peerId) || seats.size < this.maxPeers;
  }

  /**
   * The peer's WebSocket arrived. Claims its reserved seat, or — after a server restart, when the room lives
   * only in the tickets of the widgets that re-register — takes a seat anew if one is free. Null when refused;
   * for a seat taken anew, `others`: everyone else holding a seat (reserved or connected), whom nobody has told
   * about this peer.
   */
  connect(room: string, peerId: string, name: string, role: Role = 'guest'): { others: Member[] | null } | null {
    const current = this.roomOfPeer.get(peerId);
    if (current !== undefined && current.name !== room) return null;
    let seat = current?.get(peerId);
    let others: Member[] | null = null;
    if (!seat) {
      const existing = this.rooms.get(room);
      if ((existing?.size ?? 0) >= this.maxPeers) return null;
      others = existing ? membersOf(existing) : [];
      const seats = existing ?? this.seatsOf(room);
      seat = { peerId, name, role, connected: false, joined: false, timer: undefined };
      seats.set(peerId, seat);
      this.roomOfPeer.set(peerId, seats);
    }
    clearTimeout(seat.timer);
    seat.timer = undefined;
    seat.connected = true;
    if (!seat.joined) {
      seat.joined = true;
      this.emit('connect', room, peerId, seat.name);
    }
    return { others };
  }

  /**
   * The peer's socket is being replaced by a newer one (the same member back after a network change): its seat is
   * kept, but as a reservation again — released as `expired` when the new socket does not arrive in time.
   */
  detach(peerId: string): void {
    const seat = this.roomOfPeer.get(peerId)?.get(peerId);
    if (!seat) return;
    seat.connected = false;
    clearTimeout(seat.timer);
    seat.timer = setTimeout(() => this.release(peerId, 'expired'), this.seatTimeoutMs);
    seat.timer.unref();
  }

  /** Free a peer's seat. Deletes the room when it is empty. Safe to call for unknown peers. */
  release(peerId: string, reason: ReleaseReason): void {
    const taken = this.unseat(peerId);
    if (!taken) return;
    const { seats, seat } = taken;
    const members = [...seats.values()].filter((s) => s.connected).map(member);
    this.emit('release', seats.name, peerId, reason, members, seat?.name ?? '', seat?.joined ?? false);
  }

  /** Take `peerId`'s seat out of its room (and the room out when it empties); undefined for an unknown peer. */
  private unseat(peerId: string): { seats: RoomSeats; seat: Seat | undefined } | undefined {
    const seats = this.roomOfPeer.get(peerId);
    if (seats === undefined) return undefined;
    this.roomOfPeer.delete(peerId);
    const seat = seats.get(peerId);
    clearTimeout(seat?.timer);
    seats.delete(peerId);
    if (seats.size === 0) this.rooms.delete(seats.name);
    return { seats, seat };
  }

  /** Who holds a seat in `peerId`'s room, `peerId` aside: `connected` (sockets up) and everyone (reserved too). */
  othersOf(peerId: string): { connected: Member[]; all: Member[] } {
    const seats = [...(this.roomOfPeer.get(peerId)?.values() ?? [])].filter((s) => s.peerId !== peerId);
    return { connected: seats.filter((s) => s.connected).map(member), all: seats.map(member) };
  }

  /** This member as the room knows it. */
  memberOf(peerId: string): Member | undefined {
    const seat = this.roomOfPeer.get(peerId)?.get(peerId);
    return seat && member(seat);
  }

  /** Does this room hold any seat (reserved or connected)? An empty room does not exist. */
  has(room: string): boolean {
    return this.rooms.has(room);
  }

  /** Who holds a seat in this room now (reserved or connected), in the order they came. */
  occupants(room: string): Member[] {
    const seats = this.rooms.get(room);
    return seats ? membersOf(seats) : [];
  }

  roomOf(peerId: string): string | undefined {
    return this.roomOfPeer.get(peerId)?.name;
  }

  stats(): { rooms: number; peers: number } {
    return { rooms: this.rooms.size, peers: this.roomOfPeer.size };
  }

  /** Drop every seat and timer (shutdown). */
  clear(): void {
    for (const seats of this.rooms.values()) for (const seat of seats.values()) clearTimeout(seat.timer);
    this.rooms.clear();
    this.roomOfPeer.clear();
  }
}
