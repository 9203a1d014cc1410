/**
 * Liveness: whether each participant is still there, and getting them back when their path breaks. A heartbeat
 * pings everyone over the data connections; silence, a connection that never comes up, and the server's word that a
 * socket went (held against their heartbeat) drop a participant. A broken path shows them as reconnecting and, if we
 * dialled them, dials again with fresh ICE servers — the newcomer → member direction never changes.
 */
import type { LeaveReason } from '../core/types.js';
import type { PeerMessage } from '../protocol/wire.js';
import type { Remote } from './roster.js';

const CONNECT_TIMEOUT = 15_000;
const HEARTBEAT_EVERY = 1_500;
const SILENCE_LIMIT = 8_000;
/** After the server says a member's socket went away: how long their heartbeat has to prove them alive. */
const SUSPECT_GRACE = 2_500;
/** Re-dials of one participant before they are given up (within CONNECT_TIMEOUT of the failure). */
const MAX_REDIALS = 3;
/** Least time between two dials of one participant. */
const REDIAL_SPACING = SILENCE_LIMIT;

/** What liveness needs from the call. */
export interface LivenessLink {
  readonly remotes: ReadonlyMap<string, Remote>;
  /** The call was left. */
  ended(): boolean;
  /** Our own signaling connection is up (then the server can vouch for the others). */
  serverConnected(): boolean;
  send(remote: Remote, message: PeerMessage): boolean;
  drop(remote: Remote, reason: LeaveReason): void;
  /** Show them as reconnecting (see Roster.reconnecting). */
  reconnecting(remote: Remote): void;
  /** Renew the ticket and ICE servers (see Credentials.renew). */
  renew(): Promise<void>;
  /** Dial them: a media call and a data connection. */
  dial(id: string): void;
}

export class Liveness {
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  readonly #link: LivenessLink;

  constructor(link: LivenessLink) {
    this.#link = link;
  }

  start(): void {
    this.#heartbeat = setInterval(() => this.#beat(), HEARTBEAT_EVERY);
  }

  stop(): void {
    clearInterval(this.#heartbeat);
  }

  /** The server says their socket went away, for no stated reason. */
  suspect(remote: Remote): void {
    remote.suspectSince = Date.now();
    // The server saw their socket go, and we have not heard from them for two heartbeats either: gone.
    if (remote.connection !== 'connected' || remote.suspectSince - remote.lastSeen > 2 * HEARTBEAT_EVERY) this.#link.drop(remote, 'disconnected');
  }

  #beat(): void {
    const now = Date.now();
    for (const remote of [...this.#link.remotes.values()]) {
      this.#link.send(remote, { v: 1, t: 'ping' });
      const silent = now - remote.lastSeen > SILENCE_LIMIT;
      if (remote.suspectSince && remote.lastSeen < remote.suspectSince && now - remote.suspectSince > SUSPECT_GRACE) {
        // The server saw their socket go and they have been silent since: gone.
        this.#link.drop(remote, 'disconnected');
      } else if (remote.connection !== 'connected' && now - remote.since > CONNECT_TIMEOUT) {
        this.#link.drop(remote, 'unreachable');
      } else if (silent && remote.connection !== 'connecting') {
        // Silent, but the server still counts them in: their path to us broke (re-dial if we dialled);
        // with our own server connection down we cannot tell, so they are gone.
        if (this.#link.serverConnected() && !remote.suspectSince) this.lost(remote);
        else this.#link.drop(remote, 'timeout');
      } else if (remote.lastSeen > remote.suspectSince) {
        remote.suspectSince = 0;
      }
    }
  }

  /**
   * The path to a participant broke (ICE failed, or silence while the server still counts them in): show them
   * as reconnecting and, if we dialled them, dial again with fresh ICE servers. They have CONNECT_TIMEOUT to
   * come back before they are dropped.
   */
  lost(remote: Remote): void {
    if (this.#link.remotes.get(remote.id) !== remote || this.#link.ended()) return;
    this.#link.reconnecting(remote);
    // One re-dial at a time, and a new one only once the last has had REDIAL_SPACING to connect.
    if (remote.dialer && !remote.redialing && remote.redials < MAX_REDIALS && Date.now() - remote.dialedAt > REDIAL_SPACING) {
      remote.redials++;
      remote.redialing = true;
      void this.#redial(remote).finally(() => (remote.redialing = false));
    }
  }

  async #redial(remote: Remote): Promise<void> {
    await this.#link.renew().catch(() => undefined);
    // Gone meanwhile, or the path came back by itself while we renewed (a late message after a silence):
    // tearing down a working call would only cause the outage we meant to repair.
    if (this.#link.remotes.get(remote.id) !== remote || this.#link.ended() || remote.connection === 'connected') return;
    const { media, data } = remote;
    remote.media = undefined;
    remote.data = undefined;
    remote.stream = undefined;
    remote.dataOpen = false;
    media?.close();
    data?.close();
    remote.since = Date.now();
    this.#link.dial(remote.id);
  }
}
