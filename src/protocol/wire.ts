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

/** Someone holding a seat in a room. */
export interface Member {
  readonly peerId: string;
  readonly name: string;
}

/**
 * The answer to `POST /api/rooms/{room}/join`, and the seat an agent's admission hands to both sides of a support
 * call (there with `room`, the call room's name, which is not the queue's).
 */
export interface JoinAnswer {
  readonly peerId: string;
  readonly ticket: string;
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

/** The answer to `GET /api/rooms/{room}/support`: desks online on the queue, and visitors waiting in it. */
/** `GET /api/rooms/{room}`: who holds a seat now (`names`: those who gave one), for the pre-join card. */
export interface RoomInfo {
  count: number;
  names: string[];
  maxPeers: number;
}

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

// ——— peer protocol (version 1): JSON objects over each pair's reliable, ordered data connection ———

export interface MediaState {
  audioMuted: boolean;
  videoMuted: boolean;
  screenSharing: boolean;
}

/** A chat message on the wire. `seq` is the sender's Lamport clock: everyone orders by (seq, from, id). */
export interface ChatWireFields {
  id: string;
  name: string;
  text: string;
  ts: number;
  seq: number;
}

export interface HistoryItem extends ChatWireFields {
  from: string;
}

export type PeerMessage =
  | ({ v: 1; t: 'hello'; name: string } & MediaState)
  | ({ v: 1; t: 'state'; name: string } & MediaState)
  | { v: 1; t: 'ping' }
  | { v: 1; t: 'bye' }
  | ({ v: 1; t: 'chat' } & ChatWireFields)
  /** Earlier messages, sent when a data connection opens; `from` is the original sender. */
  | { v: 1; t: 'history'; items: HistoryItem[] }
  /** A file offer: chunks, then `file-end`, follow on the same (ordered) connection. */
  | { v: 1; t: 'file'; id: string; name: string; size: number; type: string; hash: string; ts: number }
  | { v: 1; t: 'chunk'; id: string; data: string }
  | { v: 1; t: 'file-end'; id: string }
  /** Receiver → sender: the file arrived intact (`ok`) or failed its integrity check. */
  | { v: 1; t: 'file-ack'; id: string; ok: boolean }
  /** Either side: stop this transfer. */
  | { v: 1; t: 'file-cancel'; id: string }
  /** The sender started (`on`) or stopped recording the call; sent again to whoever connects while it runs. */
  | { v: 1; t: 'recording'; on: boolean };
