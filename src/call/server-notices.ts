/**
 * ServerNotices: what the signaling server tells us about the room on our PeerJS socket, beside PeerJS's own
 * messages — we were removed (VCW-REMOVED), who is in the room after we re-registered (VCW-MEMBERS), who is who
 * (VCW-IDENTITY: the names and roles tiles and chat show), that a member's socket went away (VCW-LEAVE), and the ICE
 * servers with TURN credentials we may use (VCW-ICE).
 */
import type { LeaveReason } from '../core/types.js';
import { Notice } from '../protocol/limits.js';
import { parseIceGrant, parseIdentities, parseNotice, parseRoomLeave, parseRoomMembers } from '../protocol/parse.js';
import type { IceServer, Member } from '../protocol/wire.js';
import type { Remote } from './roster.js';

/** What the notices act on. */
export interface NoticesLink {
  readonly remotes: ReadonlyMap<string, Remote>;
  /** Our peer id. */
  selfId(): string;
  /** The server removed us from the call. */
  removed(): void;
  /** The server vouched for who these members are. */
  vouch(members: readonly Member[]): void;
  dial(id: string): void;
  drop(remote: Remote, reason: LeaveReason): void;
  /** Their socket went, for no stated reason: hold it against their heartbeat (see Liveness.suspect). */
  suspect(remote: Remote): void;
  /** The server granted these ICE servers (with TURN credentials) to us, a connected member. */
  ice(servers: IceServer[]): void;
}

export class ServerNotices {
  readonly #link: NoticesLink;
  constructor(link: NoticesLink) {
    this.#link = link;
  }

  /** A message on the signaling socket; anything but our notices is PeerJS's own and passes by. */
  handle(message: unknown): void {
    if (parseNotice(message, Notice.REMOVED)) return this.#link.removed();
    const ice = parseIceGrant(message);
    if (ice) return this.#link.ice(ice);
    const identities = parseIdentities(message);
    if (identities) return this.#link.vouch(identities);
    // Back after a server restart: whoever took a seat while we were away does not know us. Dial those.
    const members = parseRoomMembers(message);
    if (members) {
      this.#link.vouch(members);
      for (const m of members) if (m.peerId !== this.#link.selfId() && !this.#link.remotes.has(m.peerId)) this.#link.dial(m.peerId);
      return;
    }
    const gone = parseRoomLeave(message);
    const remote = gone ? this.#link.remotes.get(gone.peerId) : undefined;
    // Their page went away (it closed its socket "going away"), or the server removed them: the goodbye a page
    // sends on pagehide may not have made it out before its connections were torn down.
    if (remote && gone?.reason) this.#link.drop(remote, gone.reason);
    else if (remote) this.#link.suspect(remote);
  }
}
