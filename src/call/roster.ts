/**
 * Roster: the remote participants of one call — who is in it, the connection state each one shows, and sending to
 * them over their data connections. Adding and removing a participant is where the element hears of joins and
 * departures; a change of connection state is where it hears of updates.
 */
import type { DataConnection, MediaConnection } from 'peerjs';
import type { ConnectionState, LeaveReason, Participant } from '../core/types.js';
import type { MediaState, Member, PeerMessage, Role } from '../protocol/wire.js';

export interface Remote extends MediaState {
  readonly id: string;
  /** The name and role the server vouches for ('' until it has named them). */
  name: string;
  role: Role;
  connection: ConnectionState;
  media: MediaConnection | undefined;
  data: DataConnection | undefined;
  /** The files channel beside `data` (binary frames, on the same RTCPeerConnection). */
  files: RTCDataChannel | undefined;
  stream: MediaStream | undefined;
  dataOpen: boolean;
  since: number;
  lastSeen: number;
  suspectSince: number;
  announced: boolean;
  /** We dialled them (we joined after them), so we re-dial after a failure. */
  dialer: boolean;
  /** Re-dials since the connection last worked. */
  redials: number;
  /** When we last dialled them; a re-dial in flight sets `redialing`. */
  dialedAt: number;
  redialing: boolean;
}

/** What the roster tells the element. */
export interface RosterEvents {
  participantJoin(p: Participant): void;
  participantLeave(p: Participant, reason: LeaveReason): void;
  participantUpdate(p: Participant): void;
}

export class Roster {
  readonly remotes = new Map<string, Remote>();
  /**
   * Who is who in the room, as the server vouches for it (join answer, VCW-IDENTITY): the only source of the names
   * and roles shown. Kept after someone leaves, so the history they wrote still shows under their name.
   */
  readonly identities = new Map<string, Member>();
  readonly #events: RosterEvents;
  readonly #host: { requestUpdate(): void };

  constructor(
    events: RosterEvents,
    host: { requestUpdate(): void },
  ) {
    this.#host = host;
    this.#events = events;
  }

  /** The server vouched for these members: name (and rename) them. */
  vouch(members: readonly Member[]): void {
    for (const member of members) {
      this.identities.set(member.peerId, member);
      const remote = this.remotes.get(member.peerId);
      if (remote) {
        remote.name = member.name;
        remote.role = member.role;
        this.refresh(remote, true);
      }
    }
  }

  /** The participant `id`, added (as connecting) if they are not in the call yet. */
  add(id: string): Remote {
    let remote = this.remotes.get(id);
    if (!remote) {
      const now = Date.now();
      const { name, role } = this.identities.get(id) ?? { name: '', role: 'guest' as const };
      remote = {
        id, name, role, connection: 'connecting', audioMuted: false, videoMuted: false, screenSharing: false,
        media: undefined, data: undefined, files: undefined, stream: undefined, dataOpen: false,
        since: now, lastSeen: now, suspectSince: 0, announced: false, dialer: false, redials: 0, dialedAt: 0, redialing: false,
      };
      this.remotes.set(id, remote);
      this.#events.participantJoin(this.participant(remote));
      this.#host.requestUpdate();
    }
    return remote;
  }

  /** Recompute a participant's connection state; tell the element when it (or, with `changed`, anything) changed. */
  refresh(remote: Remote, changed = false): void {
    if (!this.remotes.has(remote.id)) return;
    const pcState = remote.media?.peerConnection?.connectionState;
    const next: ConnectionState =
      remote.stream && remote.dataOpen && pcState === 'connected'
        ? 'connected'
        : remote.connection !== 'connecting' && pcState === 'disconnected'
          ? 'reconnecting'
          : remote.connection;
    if (next === 'connected') remote.redials = 0;
    if (next === remote.connection && !changed) return;
    // A short outage (ICE `disconnected`) gets the same CONNECT_TIMEOUT (liveness.ts) to recover as a failure.
    if (next === 'reconnecting' && remote.connection !== 'reconnecting') remote.since = Date.now();
    remote.connection = next;
    this.#events.participantUpdate(this.participant(remote));
    this.#host.requestUpdate();
  }

  /** Show a participant as reconnecting; the time they have to come back counts from the first call. */
  reconnecting(remote: Remote): void {
    if (remote.connection !== 'reconnecting') {
      remote.connection = 'reconnecting';
      remote.since = Date.now();
      this.#events.participantUpdate(this.participant(remote));
      this.#host.requestUpdate();
    }
  }

  /** Remove a participant and close its connections. Idempotent. */
  drop(remote: Remote, reason: LeaveReason): void {
    if (this.remotes.get(remote.id) !== remote) return;
    this.remotes.delete(remote.id);
    const media = remote.media;
    const data = remote.data;
    remote.media = undefined;
    remote.data = undefined;
    media?.close();
    data?.close();
    // Never reached, or given up on: their connection failed.
    if (reason === 'unreachable') remote.connection = 'failed';
    this.#events.participantLeave(this.participant(remote), reason);
    this.#host.requestUpdate();
  }

  /** The public view of a remote participant, if they are in the call. */
  participantOf(id: string): Participant | undefined {
    const remote = this.remotes.get(id);
    return remote && this.participant(remote);
  }

  participant(remote: Remote): Participant {
    const { id, name, role, audioMuted, videoMuted, screenSharing, connection } = remote;
    return { id, name, role, self: false, audioMuted, videoMuted, screenSharing, connection };
  }

  broadcast(message: PeerMessage): void {
    for (const remote of this.remotes.values()) this.send(remote, message);
  }

  /** Send to one participant; false when their data connection is not open. */
  sendTo(peer: string, message: PeerMessage): boolean {
    const remote = this.remotes.get(peer);
    return !!remote && this.send(remote, message);
  }

  /** Participants whose data connection is open. */
  openPeers(): string[] {
    return [...this.remotes.values()].filter((r) => r.dataOpen).map((r) => r.id);
  }

  /** The files channel to a participant, while it is open. */
  channel(peer: string): RTCDataChannel | undefined {
    const files = this.remotes.get(peer)?.files;
    return files?.readyState === 'open' ? files : undefined;
  }

  send(remote: Remote, message: PeerMessage): boolean {
    if (!remote.dataOpen || !remote.data) return false;
    try {
      void Promise.resolve(remote.data.send(message)).catch(() => undefined);
      return true;
    } catch {
      // A closing channel: the departure is handled by its close event.
      return false;
    }
  }

  /** The media calls' connections, for changing what we send on all of them. */
  *peerConnections(): Generator<RTCPeerConnection | undefined> {
    for (const remote of this.remotes.values()) yield remote.media?.peerConnection;
  }

  /** Forget everyone (leaving: the peer's teardown closes the connections). */
  clear(): void {
    this.remotes.clear();
  }
}
