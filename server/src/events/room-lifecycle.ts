/**
 * Room life as events, from the seats `Rooms` hands out: a seat claimed by its socket is `participant.joined` (and
 * the first one in a room `room.started`); a connected seat freed is `participant.left` (and the last one
 * `room.ended`). Reserved seats never claimed (expired) are no event. Costs one entry per connected member.
 */
import type { Rooms } from '../rooms.js';
import type { CallEvents } from './call-events.js';

export class RoomLifecycle {
  /** Connected members by peer id. */
  private readonly members = new Map<string, { room: string; name: string }>();
  /** Rooms with connected members: how many, and since when. */
  private readonly live = new Map<string, { count: number; since: number }>();

  constructor(rooms: Rooms, private readonly events: CallEvents) {
    rooms.on('connect', (room, peerId, name) => this.joined(room, peerId, name));
    rooms.on('release', (room, peerId, reason) => {
      const member = this.members.get(peerId);
      if (!member) return;
      this.members.delete(peerId);
      this.events.publish('participant.left', { room, peerId, name: member.name, reason });
      const state = this.live.get(room);
      if (state && --state.count === 0) {
        this.live.delete(room);
        this.events.publish('room.ended', { room, durationMs: Date.now() - state.since });
      }
    });
    // Shared mode: a member that moved to another instance is that instance's to report; here it is only uncounted.
    rooms.on('forget', (room, peerId) => {
      if (!this.members.delete(peerId)) return;
      const state = this.live.get(room);
      if (state && --state.count === 0) this.live.delete(room);
    });
  }

  private joined(room: string, peerId: string, name: string): void {
    if (this.members.has(peerId)) return;
    let state = this.live.get(room);
    if (!state) {
      state = { count: 0, since: Date.now() };
      this.live.set(room, state);
      this.events.publish('room.started', { room });
    }
    state.count++;
    this.members.set(peerId, { room, name });
    this.events.publish('participant.joined', { room, peerId, name });
  }

  /** Connected members, all rooms. */
  get connected(): number {
    return this.members.size;
  }

  clear(): void {
    this.members.clear();
    this.live.clear();
  }
}
