/**
 * The outcomes of a wait in shared mode: an admission, a decline, a timeout (each takes the visitor out of the queue
 * in one atomic script, so exactly one of them happens), and a removal from a call room. Each outcome goes first to
 * the instance holding the socket concerned, then the queue's change to every instance (`changed`).
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { CallEvents } from '../events/call-events.js';
import type { Rooms } from '../rooms.js';
import type { SharedMode } from '../shared/cluster.js';
import type { DeskRecord, QueueLimits } from '../shared/queue-store.js';
import { newPeerId, type Tickets } from '../tickets.js';
import { callRoomName, callSeat } from './call-rooms.js';
import { admittedText, declinedText, doneText, failedText } from './messages.js';

/** What crosses the bus: a queue changed, a preview (both broadcast); a text for a socket, a removal (targeted). */
export type SupportMessage =
  | { k: 'q'; queue: string }
  | { k: 'p'; queue: string; id: string; image: string }
  | { k: 's'; peer: string; text: string; outcome: boolean }
  | { k: 'x'; room: string; peer: string };

/** A desk attached to this instance: its queue and its own record (its name and endpoint for the call room). */
export interface DeskAt {
  readonly queue: string;
  readonly record: DeskRecord;
}

export interface OutcomeDeps {
  readonly config: Config;
  readonly rooms: Rooms;
  readonly tickets: Tickets;
  readonly shared: SharedMode;
  readonly limits: QueueLimits;
  readonly log: Logger;
  readonly events: CallEvents | undefined;
  /** Send a text to a socket on this instance. */
  send(peerId: string, text: string, droppable: boolean): void;
  /** Tell every instance that a queue changed. */
  changed(queue: string): void;
}

export class SharedOutcomes {
  constructor(private readonly deps: OutcomeDeps) {}

  async timeout(peerId: string, queue: string): Promise<void> {
    const taken = await this.deps.shared.queues.take(queue, peerId, false, this.deps.limits);
    if (!taken) return;
    await this.deps.shared.tellInstance(taken.at || this.deps.shared.instance, { k: 's', peer: peerId, text: declinedText('timeout', ''), outcome: true } satisfies SupportMessage);
    this.deps.events?.publish('support.timeout', { queue, visitorId: peerId, waitedMs: Date.now() - taken.record.since });
    this.deps.changed(queue);
  }


  async admit(deskId: string, desk: DeskAt, req: number, id: string): Promise<void> {
    const queue = desk.queue;
    const room = callRoomName(queue);
    const agentId = newPeerId();
    const visitorSeatId = newPeerId();
    // Recorded first: from now on no instance seats anyone but these two there.
    await this.deps.shared.calls.markCall(room, queue, agentId, visitorSeatId);
    const taken = await this.deps.shared.queues.take(queue, id, true, this.deps.limits);
    if (!taken) return this.deps.send(deskId, failedText(req, 'gone', 'This visitor is not waiting any more.'), false);
    const visitor = taken.record;
    const agent = desk.record;
    const agentClaim = await this.deps.shared.claim(room, agentId, agent.name, 'host');
    const visitorClaim = await this.deps.shared.claim(room, visitorSeatId, visitor.name, 'guest');
    if (!('others' in agentClaim) || !('others' in visitorClaim)) {
      this.deps.send(deskId, failedText(req, 'room-full', 'No call room could be created.'), false);
      return this.deps.changed(queue);
    }
    this.deps.rooms.adopt(room, agentId, agent.name, 'host');
    this.deps.rooms.adopt(room, visitorSeatId, visitor.name, 'guest');
    const seat = (peerId: string, party: DeskRecord, role: 'host' | 'guest', members: typeof visitorClaim.others) =>
      callSeat(this.deps.config, this.deps.tickets, room, peerId, { ...party, notAfter: party.notAfter }, role, members);
    const visitorSeat = seat(visitorSeatId, visitor, 'guest', visitorClaim.others);
    await this.deps.shared.tellInstance(taken.at, { k: 's', peer: id, text: admittedText(visitorSeat), outcome: true } satisfies SupportMessage);
    this.deps.send(deskId, doneText(req, seat(agentId, agent, 'host', [])), false);
    this.deps.log.debug({ queue, room, desk: deskId, visitor: id }, 'visitor admitted');
    this.deps.events?.publish('support.admitted', { queue, visitorId: id, agentId: deskId, agentName: agent.name, room, waitedMs: Date.now() - visitor.since });
    this.deps.changed(queue);
  }

  async decline(deskId: string, desk: DeskAt, req: number, id: string, message: string): Promise<void> {
    const taken = await this.deps.shared.queues.take(desk.queue, id, true, this.deps.limits);
    if (!taken) return this.deps.send(deskId, failedText(req, 'gone', 'This visitor is not waiting any more.'), false);
    await this.deps.shared.tellInstance(taken.at, { k: 's', peer: id, text: declinedText('declined', message), outcome: true } satisfies SupportMessage);
    this.deps.send(deskId, doneText(req), false);
    this.deps.events?.publish('support.declined', { queue: desk.queue, visitorId: id, agentId: deskId, waitedMs: Date.now() - taken.record.since });
    this.deps.changed(desk.queue);
  }

  async remove(deskId: string, desk: DeskAt, req: number, id: string): Promise<void> {
    // Banned in Redis before the seat goes: no instance seats it again, whatever its socket does meanwhile.
    const banned = await this.deps.shared.calls.ban(desk.queue, id);
    if (!banned) return this.deps.send(deskId, failedText(req, 'not-found', 'This is not a member of a call this queue created.'), false);
    await this.deps.shared.tellInstance(banned.owner, { k: 'x', room: banned.room, peer: id } satisfies SupportMessage);
    this.deps.send(deskId, doneText(req), false);
    this.deps.log.debug({ queue: desk.queue, room: banned.room, desk: deskId, peer: id }, 'member removed');
  }
}
