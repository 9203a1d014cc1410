/** Public data shapes of the element (see DESIGN.md). */

export type WidgetState = 'idle' | 'prejoin' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'error';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface Participant {
  readonly id: string;
  /** The name the server vouches for (the room token's `name` when tokens are on), never what a peer says. */
  readonly name: string;
  /** `host` (a host token, or the agent of a support call) or `guest`, as the server vouches. */
  readonly role: 'host' | 'guest';
  readonly self: boolean;
  readonly audioMuted: boolean;
  readonly videoMuted: boolean;
  readonly screenSharing: boolean;
  readonly connection: ConnectionState;
}

export interface ChatMessage {
  readonly id: string;
  readonly from: string;
  /** The sender's name as the server vouches for it (for history a third member relayed, see `relayedBy`). */
  readonly name: string;
  readonly text: string;
  readonly ts: number;
  readonly self: boolean;
  /**
   * Set on history that a member other than its author passed on: that member's id. Nobody can check such an
   * entry's sender or text; the widget marks it as relayed and unverified.
   */
  readonly relayedBy?: string;
}

export type TransferStatus = 'sending' | 'receiving' | 'done' | 'failed' | 'cancelled';

/** A file shared in the chat. `url` (an object URL) is set once the file is complete and verified. */
export interface FileTransfer {
  readonly id: string;
  /** Peer id of the sender. */
  readonly from: string;
  /** Display name of the sender. */
  readonly name: string;
  readonly fileName: string;
  readonly size: number;
  /**
   * The type the file is kept as (and `url`'s blob has): the sender's own when it is on the safe list (PNG, JPEG,
   * GIF, WebP, AVIF, PDF, plain text, common audio and video), else `application/octet-stream`.
   */
  readonly type: string;
  readonly ts: number;
  readonly self: boolean;
  readonly status: TransferStatus;
  /** 0…1 */
  readonly progress: number;
  readonly url: string | undefined;
  readonly error: string | undefined;
}

export type ErrorCode =
  | 'permission-denied'
  | 'no-device'
  | 'device-in-use'
  | 'server-unreachable'
  | 'invalid-room'
  | 'forbidden'
  | 'room-full'
  | 'connection-lost'
  | 'unsupported-browser';

/** The error `join()` rejects with and `vcw-error` describes. */
export class WidgetError extends Error {
  /**
   * @param next for `aborted` (the support queue declined, did not answer, or the visitor cancelled): the screen to
   *   show instead of an error
   */
  constructor(readonly code: ErrorCode | 'aborted', message: string, readonly next?: 'prejoin' | 'left') {
    super(message);
    this.name = 'WidgetError';
  }
}

/** A visitor waiting in a support queue, as the agent desk sees them (`waiting`, `vcw-knock`). */
export interface WaitingVisitor {
  /** Their id in the queue (not a call participant's id). */
  readonly id: string;
  readonly name: string;
  /** The page they called from. */
  readonly page: string;
  /** What the site passed with the call (`context`), or null. */
  readonly context: Readonly<Record<string, unknown>> | null;
  /** When they started waiting (ms since the epoch). */
  readonly since: number;
  /** Their latest camera snapshot (a `data:` URL), if their camera is on. */
  readonly preview: string | undefined;
}

/** Why a participant (or you) left. */
export type LeaveReason = 'left' | 'disconnected' | 'timeout' | 'unreachable' | 'removed';

/** Bits per second received (`inbound`) and sent (`outbound`). */
export interface Bitrate {
  readonly inbound: number;
  readonly outbound: number;
}

/** `getStats()`: one entry per remote participant; times in ms, rates in bits per second. */
export interface PeerStats {
  /** Peer id of the participant. */
  readonly id: string;
  /** Round-trip time of the media path (null until measured). */
  readonly rtt: number | null;
  /** Packets lost of those expected, received audio and video, since the previous sample. */
  readonly packetLossPercent: number;
  /** Jitter of the received audio. */
  readonly jitter: number;
  readonly bitrate: { readonly audio: Bitrate; readonly video: Bitrate };
  /** The received picture. */
  readonly video: { readonly framesPerSecond: number; readonly frameWidth: number; readonly frameHeight: number };
  /** The selected candidate pair goes through a TURN relay. */
  readonly usingRelay: boolean;
}

/** Connection quality of a tile, from round-trip time, packet loss and bitrate. */
export type Quality = 'good' | 'fair' | 'poor';
