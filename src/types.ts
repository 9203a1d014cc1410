/** Public data shapes of the element (see DESIGN.md). */
/** Longest chat message, in characters. */
export const MAX_TEXT = 2000;

export type WidgetState = 'idle' | 'prejoin' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'error';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface Participant {
  readonly id: string;
  readonly name: string;
  readonly self: boolean;
  readonly audioMuted: boolean;
  readonly videoMuted: boolean;
  readonly screenSharing: boolean;
  readonly connection: ConnectionState;
}

export interface ChatMessage {
  readonly id: string;
  readonly from: string;
  readonly name: string;
  readonly text: string;
  readonly ts: number;
  readonly self: boolean;
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
  constructor(readonly code: ErrorCode | 'aborted', message: string) {
    super(message);
    this.name = 'WidgetError';
  }
}

/** Why a participant (or you) left. */
export type LeaveReason = 'left' | 'disconnected' | 'timeout' | 'unreachable' | 'kicked' | 'error' | 'removed';
