/**
 * Room life as events, from the seats `Rooms` hands out: a seat claimed by its socket is `participant.joined` (and
 * the first one in a room `room.started`); a connected seat freed is `participant.left` (and the last one
 * `room.ended`). Reserved seats never claimed (expired) are no event. Costs one entry per room with connected members:
 * `Rooms` says whether a freed seat had joined, and under which name.
 */
import type { Rooms } from '../rooms.js';
import type { CallEvents } from './call-events.js';

export class RoomLifecycle {
  /** Rooms with connected members: how many, and since when. */
  private readonly live = new Map<string, { count: number; since: number }>();
  /** Members joined and not yet left, all rooms. */
  private members = 0;

  constructor(rooms: Rooms, private readonly events: CallEvents) {
    rooms.on('connect', (room, peerId, name) => this.joined(room, peerId, name));
    rooms.on('release', (room, peerId, reason, _members, name, joined) => {
      if (!joined) return;
      this.members--;
      this.events.publish('participant.left', { room, peerId, name, reason });
      const state = this.live.get(room);
      if (state && --state.count === 0) {
        this.live.delete(room);
        this.events.publish('room.ended', { room, durationMs: Date.now() - state.since });
      }
    });
    // Shared mode: a member that moved to another instance is that instance's to report; here it is only uncounted.
    rooms.on('forget', (room, _peerId, joined) => {
      if (!joined) return;
      this.members--;
      const state = this.live.get(room);
      if (state && --state.count === 0) this.live.delete(room);
    });
  }

  /** `Rooms` says so once per seat. */
  private joined(room: string, peerId: string, name: string): void {
    let state = this.live.get(room);
    if (!state) {
      state = { count: 0, since: Date.now() };
      this.live.set(room, state);
      this.events.publish('room.started', { room });
    }
    state.count++;
    this.members++;
    this.events.publish('participant.joined', { room, peerId, name });
  }

  /** Connected members, all rooms. */
  get connected(): number {
    return this.members;
  }

  clear(): void {
    this.members = 0;
    this.live.clear();
  }
}
