/**
 * The support flow's socket messages (docs/SUPPORT-PROTOCOL.md): the notices the server sends, as JSON text ready
 * for the socket, and the desk requests it reads — each validated field by field. How they reach a socket is the
 * {@link Transport} that signaling provides.
 */
import { MAX_DECLINE_MESSAGE, nameLength, Notice, PEER_ID } from '../../../src/protocol/limits.js';
import type { JoinAnswer } from '../../../src/protocol/wire.js';

/** How support reaches sockets (bound by the signaling layer): sends are best effort, never throw. */
export interface Transport {
  /** Send a JSON text to the socket registered as `peerId`; a `droppable` one is skipped while that socket is backlogged. */
  send(peerId: string, text: string, droppable: boolean): void;
  /** Close the socket registered as `peerId`. */
  close(peerId: string, code: number, reason: string): void;
}

/** A waiting visitor as the desks see it (VCW-WAITING). */
export interface WaitingVisitor {
  readonly id: string;
  readonly name: string;
  readonly page: string;
  readonly context: Record<string, unknown>;
  /** Knock time, ms since the epoch. */
  readonly since: number;
}

export type ResultError = 'gone' | 'room-full' | 'not-found' | 'bad-request';

const notice = (type: string, payload: object): string => JSON.stringify({ type, payload });

/** Server → visitor: its place in the queue. */
export const queueText = (position: number, waiting: number): string => notice(Notice.QUEUE, { position, waiting });
/** Server → visitor: an agent admitted it, into this seat. */
export const admittedText = (seat: JoinAnswer): string => notice(Notice.ADMITTED, { seat });
/** Server → visitor: declined by an agent, or not answered in time. */
export const declinedText = (reason: 'declined' | 'timeout', message: string): string => notice(Notice.DECLINED, { reason, message });
/** Server → desk: who waits now. */
export const waitingText = (visitors: WaitingVisitor[]): string => notice(Notice.WAITING, { visitors });
/** Server → desk: a waiting visitor's camera snapshot. */
export const previewText = (id: string, image: string | undefined): string => notice(Notice.PREVIEW, { id, image });
/** Server → desk: a request done (with the agent's seat after an admission). */
export const doneText = (req: number, seat?: JoinAnswer): string => notice(Notice.RESULT, seat ? { req, ok: true, seat } : { req, ok: true });
/** Server → desk: a request refused. */
export const failedText = (req: number, error: ResultError, message: string): string => notice(Notice.RESULT, { req, ok: false, error, message });
/** Server → removed member. */
export const removedText = (): string => notice(Notice.REMOVED, {});

const MAX_REQ = 2 ** 31 - 1;

function isReq(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_REQ;
}

/** A desk's request, read from a VCW-ADMIT / VCW-DECLINE / VCW-REMOVE. */
export type DeskRequest =
  | { readonly type: typeof Notice.ADMIT; readonly req: number; readonly id: string }
  | { readonly type: typeof Notice.DECLINE; readonly req: number; readonly id: string; readonly message: string }
  | { readonly type: typeof Notice.REMOVE; readonly req: number; readonly id: string }
  /** Well formed enough to answer, but not valid: answered with this `bad-request`. */
  | { readonly type: 'invalid'; readonly req: number; readonly message: string };

/**
 * A desk's request, or null for anything that is not one — or that lacks a valid `req`, without which the answer
 * could not be matched to its request (nothing is answered).
 */
export function readDeskRequest(type: string, payload: Record<string, unknown>): DeskRequest | null {
  if (type !== Notice.ADMIT && type !== Notice.DECLINE && type !== Notice.REMOVE) return null;
  const req = payload.req;
  if (!isReq(req)) return null;
  const id = payload.id;
  if (typeof id !== 'string' || !PEER_ID.test(id)) return { type: 'invalid', req, message: '"id" must be a peer id.' };
  if (type !== Notice.DECLINE) return { type, req, id };
  const message = payload.message ?? '';
  if (typeof message !== 'string' || message.length > 2 * MAX_DECLINE_MESSAGE || nameLength(message) > MAX_DECLINE_MESSAGE) {
    return { type: 'invalid', req, message: `"message" must be a string of at most ${MAX_DECLINE_MESSAGE} characters.` };
  }
  return { type, req, id, message };
}
