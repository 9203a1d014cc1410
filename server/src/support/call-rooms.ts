/**
 * The call rooms admission creates: one fresh private room per admitted visitor, with exactly two seats reserved
 * (the agent's and the visitor's). For each: the queue it came from (its tokens guard renewals there, and nobody
 * joins it by name), the ids an agent removed from it (refused if they try to register again), and — once the
 * room is empty — the timer that forgets it.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { JoinAnswer, Member, Role, SignalingEndpoint } from '../../../src/protocol/wire.js';
import type { Config } from '../config.js';
import { iceServersFor } from '../ice.js';
import type { Rooms } from '../rooms.js';
import type { Tickets } from '../tickets.js';

interface CallRoom {
  readonly queue: string;
  /** Removed member ids (created on the first removal). */
  banned: Set<string> | undefined;
  linger: NodeJS.Timeout | undefined;
}

/** One side of an admission: who takes a seat, and where its browser's signaling socket goes. */
export interface Party {
  readonly name: string;
  readonly signaling: SignalingEndpoint;
  /** The expiry of the room token the party came with (unix seconds), if any: its call ticket never outlives it. */
  readonly notAfter: number | undefined;
}

/** `R` cut so that `${R}-${16 hex}` is a room name (≤ 64 characters). */
export function callRoomName(queue: string): string {
  return `${queue.slice(0, 64 - 17)}-${randomBytes(8).toString('hex')}`;
}

/** One party's join answer for its seat `peerId` in call room `room` (`members`: who sat down before it). */
export function callSeat(config: Config, tickets: Tickets, room: string, peerId: string, party: Party, role: Role, members: Member[]): JoinAnswer {
  return {
    peerId,
    ticket: tickets.issue(room, peerId, party.name, Date.now(), 'member', role, party.notAfter),
    name: party.name,
    role,
    members,
    iceServers: iceServersFor(config),
    maxPeers: config.maxPeers,
    signaling: party.signaling,
    room,
  };
}

export class CallRooms {
  private readonly calls = new Map<string, CallRoom>();

  constructor(
    private readonly config: Config,
    private readonly rooms: Rooms,
    private readonly tickets: Tickets,
    log: Logger,
  ) {
    // A call room whose last seat went is not forgotten at once: the member tickets for it stay valid for up to
    // TICKET_TTL, and any of them can bring the room back (the after-restart path of Rooms.connect). Until the
    // last ticket a removed member could hold has expired (renew refuses it), its ban and the refusal of
    // `/join` must outlive the room; then the entry goes.
    rooms.on('release', (room) => {
      const call = this.calls.get(room);
      if (!call || rooms.has(room)) return;
      clearTimeout(call.linger);
      call.linger = setTimeout(() => {
        if (rooms.has(room)) return;
        this.calls.delete(room);
        log.debug({ room }, 'support call room forgotten');
      }, this.config.ticketTtl * 1000);
      call.linger.unref();
    });
  }

  /**
   * A fresh call room for an agent of queue `queue` and a visitor, with a seat for each: their join answers (the
   * visitor's `members` is the agent, so the visitor dials), or null when no room could be made.
   */
  open(queue: string, agent: Party, visitor: Party): { room: string; agent: JoinAnswer; visitor: JoinAnswer } | null {
    const room = callRoomName(queue);
    // Agent first: the visitor's `members` is the agent, and the visitor dials.
    // The agent is the call's host; the visitor a guest.
    const agentSeat = this.rooms.reserve(room, agent.name, 'host');
    const visitorSeat = agentSeat && this.rooms.reserve(room, visitor.name, 'guest');
    if (!agentSeat || !visitorSeat) {
      if (agentSeat) this.rooms.release(agentSeat.peerId, 'expired');
      return null;
    }
    this.calls.set(room, { queue, banned: undefined, linger: undefined });
    const seat = (peerId: string, party: Party, role: Role, members: Member[]) => callSeat(this.config, this.tickets, room, peerId, party, role, members);
    return {
      room,
      visitor: seat(visitorSeat.peerId, visitor, 'guest', visitorSeat.members),
      agent: seat(agentSeat.peerId, agent, 'host', agentSeat.members),
    };
  }

  /** The queue a call room was created from, or undefined for any other room. */
  queueOf(room: string): string | undefined {
    return this.calls.get(room)?.queue;
  }

  /** Was this peer removed from this room by an agent? */
  isBanned(room: string, peerId: string): boolean {
    return this.calls.get(room)?.banned?.has(peerId) ?? false;
  }

  /**
   * Ban member `peerId` from its call room if that room came from queue `queue`: the room, or undefined when
   * `peerId` is not in a call this queue created.
   */
  ban(queue: string, peerId: string): string | undefined {
    const room = this.rooms.roomOf(peerId);
    const call = room === undefined ? undefined : this.calls.get(room);
    if (!call || call.queue !== queue) return undefined;
    (call.banned ??= new Set()).add(peerId);
    return room;
  }

  /** Drop every timer and entry (shutdown). */
  clear(): void {
    for (const call of this.calls.values()) clearTimeout(call.linger);
    this.calls.clear();
  }
}
