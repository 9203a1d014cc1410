/**
 * The shapes that cross the network, as one set of types for both ends: the server builds these and the widget
 * parses into them (`parse.ts`). Types only, no code.
 */

/** An ICE server as the join answer carries it (a subset of the DOM's `RTCIceServer`). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Where a browser's signaling WebSocket goes: exactly the PeerJS options `host`, `port`, `path`, `secure`, `key`. */
export interface SignalingEndpoint {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly secure: boolean;
  readonly key: string;
}

/** What a member is in its room: `host` (a host token, or the agent of a support call) or `guest`. */
export type Role = 'host' | 'guest';

/**
 * Someone holding a seat in a room, as the server vouches for them: the name is the room token's `name` when
 * tokens are on, else the name the member joined with (never what a peer says about itself).
 */
export interface Member {
  readonly peerId: string;
  readonly name: string;
  readonly role: Role;
}

/**
 * The answer to `POST /api/rooms/{room}/join`, and the seat an agent's admission hands to both sides of a support
 * call (there with `room`, the call room's name, which is not the queue's).
 */
export interface JoinAnswer {
  readonly peerId: string;
  readonly ticket: string;
  /** Our own name and role, as the server vouches for them to the others. */
  readonly name: string;
  readonly role: Role;
  readonly members: readonly Member[];
  readonly iceServers: readonly IceServer[];
  readonly maxPeers: number;
  readonly signaling: SignalingEndpoint;
  /** Set on a seat from a support queue: the call room it is in (renewals name that room). */
  readonly room?: string;
}

/** The answer to `POST /api/rooms/{room}/renew`. */
export interface RenewAnswer {
  readonly peerId: string;
  readonly ticket: string;
  readonly iceServers: readonly IceServer[];
  /** Where the socket goes, as in the join answer (the server sends it; a widget may keep the one it has). */
  readonly signaling?: SignalingEndpoint;
}

/**
 * The answer to `POST /api/rooms/{room}/cert` (body `{ ticket, key }`): the member's certificate, and the server's
 * public key that checks every member's (raw P-256, base64url). See server/src/certs.ts.
 */
export interface CertAnswer {
  readonly cert: string;
  readonly authority: string;
}

/** A member's signature on a chat message, with the certificate that vouches for its key. */
export interface Signed {
  cert?: string;
  sig?: string;
}

/** The answer to a knock (`…/knock`) or a desk's registration (`…/desk`): a socket to open, in no room. */
export interface TicketAnswer {
  readonly peerId: string;
  readonly ticket: string;
  readonly signaling: SignalingEndpoint;
  /** Knock only: the place in the queue (1 = next). */
  readonly position?: number;
  /** Knock only: how long the visitor may wait before it is declined with `timeout` (WAITING_TIMEOUT_MS). */
  readonly waitTimeoutMs?: number;
}

/** `GET /api/rooms/{room}`: who holds a seat now (`names`: those who gave one), for the pre-join card. */
export interface RoomInfo {
  count: number;
  names: string[];
  maxPeers: number;
}

/** The answer to `GET /api/rooms/{room}/support`: desks online on the queue, and visitors waiting in it. */
export interface SupportStatus {
  readonly agents: number;
  readonly waiting: number;
}

/** The error body of every room API failure. */
export interface ApiErrorBody {
  readonly error: string;
  readonly message: string;
}

/** A server notice on the signaling socket. */
export interface NoticeFrame<P = Record<string, unknown>> {
  readonly type: string;
  readonly payload: P;
}

// ——— peer protocol (version 1): JSON objects over each pair's reliable, ordered data connection. Files travel as
// binary frames on a second channel of the same connection, described in src/files/frames.ts. ———

export interface MediaState {
  audioMuted: boolean;
  videoMuted: boolean;
  screenSharing: boolean;
}

/**
 * A chat message on the wire. `seq` is the sender's Lamport clock: everyone orders by (seq, from, id). `name` is
 * informational only: a receiver shows the name the server vouches for the sender (or, for history relayed by a
 * third member, marks the entry as relayed).
 */
export interface ChatWireFields {
  id: string;
  name: string;
  text: string;
  ts: number;
  seq: number;
}

export interface HistoryItem extends ChatWireFields, Signed {
  from: string;
}

/** The sender's signatures on its chat messages (see `PeerMessage`). */
export interface SigFrame {
  v: 1;
  t: 'sig';
  cert: string;
  sigs: Array<{ id: string; sig: string }>;
}

export type PeerMessage =
  | ({ v: 1; t: 'hello'; name: string } & MediaState)
  | ({ v: 1; t: 'state'; name: string } & MediaState)
  | { v: 1; t: 'ping' }
  | { v: 1; t: 'bye' }
  | ({ v: 1; t: 'chat' } & ChatWireFields & Signed)
  /** Chat messages the sender sent together (in one task), in one frame: each item is a `chat` frame's fields. */
  | { v: 1; t: 'chats'; items: unknown[] }
  /**
   * The sender's signatures on its chat messages, sent once they are made (one frame for the messages sent together,
   * at most SIG_BATCH): the messages themselves go out at once, and each signature travels on with the history its
   * receivers pass on.
   */
  | SigFrame
  /** Earlier messages, sent when a data connection opens; `from` is the original sender. */
  | { v: 1; t: 'history'; items: HistoryItem[] }
  /** The sender started (`on`) or stopped recording the call; sent again to whoever connects while it runs. */
  | { v: 1; t: 'recording'; on: boolean }
  /** The host page's own data (`sendData`): any JSON value, never rendered. */
  | { v: 1; t: 'data'; payload: unknown };
