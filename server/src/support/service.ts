/**
 * What the routes and signaling ask of the support flow, whichever keeps the queues: `Support` (one process, state in
 * memory, everything synchronous) or `SharedSupport` (shared mode: the queues in Redis, across instances). The
 * answers to HTTP requests may come later (a promise); what a socket needs at once is this instance's knowledge,
 * backed in shared mode by the checks Redis makes when a seat is claimed.
 */
import type { SignalingEndpoint, SupportStatus } from '../../../src/protocol/wire.js';
import type { SupportKind } from '../tickets.js';
import type { Transport } from './messages.js';

/** A visitor's previews closer together than this are dropped. */
export const PREVIEW_INTERVAL_MS = 500;
/** What a preview must look like (and it is at most MAX_PREVIEW characters). */
export const PREVIEW_DATA_URL = /^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/;

/** What a knocking visitor tells about itself. */
export interface Knock {
  readonly name: string;
  readonly page: string;
  readonly context: Record<string, unknown>;
  readonly signaling: SignalingEndpoint;
  /** The expiry of the room token it knocked with (unix seconds), if any. */
  readonly notAfter: number | undefined;
  /** The client address it knocks from, and its room token's subject (`sub`) when it has one. */
  readonly address: string;
  readonly subject: string | undefined;
}

/** A knock's outcome: a place in the queue, or why not (the queue is full, or holds enough from this visitor). */
export type KnockResult = { readonly peerId: string; readonly ticket: string; readonly position: number } | { readonly refused: 'full' | 'too-many-waiting' };

/** An opened desk: its id and ticket. */
export interface OpenedDesk {
  readonly peerId: string;
  readonly ticket: string;
}

export interface SupportService {
  bind(transport: Transport): void;
  knock(room: string, visitor: Knock): KnockResult | Promise<KnockResult>;
  openDesk(room: string, name: string, signaling: SignalingEndpoint, notAfter?: number): OpenedDesk | Promise<OpenedDesk>;
  /** `GET /api/rooms/R/support`: desks online, visitors waiting. */
  stats(room: string): SupportStatus | Promise<SupportStatus>;
  /** For metrics: visitors waiting and desks online (shared mode: those whose sockets are on this instance). */
  totals(): { waiting: number; desks: number };
  /** The queue a call room was created from, as far as this instance knows (shared mode: ask Redis as well). */
  queueOf(room: string): string | undefined;
  /** Was this peer removed from this room, as far as this instance knows (shared mode: Redis refuses its seat too)? */
  isBanned(room: string, peerId: string): boolean;
  /** May a socket with a waiting or desk ticket for `room` register as `peerId`? */
  accepts(kind: SupportKind, peerId: string, room: string): boolean;
  /** The socket of an accepted waiting or desk ticket is registered (after OPEN). */
  connected(kind: SupportKind, peerId: string, room: string): void;
  disconnected(peerId: string): void;
  /** A VCW-* message from any socket. */
  message(peerId: string, type: string, payload: unknown): void;
  clear(): void;
}
