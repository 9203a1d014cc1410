/**
 * What only the support flow (launcher and desk) reads from the network, validated like everything in `parse.ts`:
 * the answer to a knock or a desk's registration, a seat handed over, the desk's queue entries. Its own module, so
 * that it loads with the support chunk, not with every call.
 */
import { isName, MAX_PAGE } from './limits.js';
import { isCount, isObj, isPeerId, isTicket, parseEndpoint, parseJoinAnswer } from './parse.js';
import type { JoinAnswer, TicketAnswer } from './wire.js';

/** A seat handed over by the support flow: a join answer that names its call room. */
export function parseSeat(x: unknown): JoinAnswer | null {
  const seat = parseJoinAnswer(x);
  return seat?.room ? seat : null;
}

/** The answer to a knock or a desk's registration. */
export function parseTicketAnswer(x: unknown): TicketAnswer | null {
  if (!isObj(x) || !isPeerId(x.peerId) || !isTicket(x.ticket)) return null;
  const signaling = parseEndpoint(x.signaling);
  if (!signaling) return null;
  return isCount(x.position, 1e6) ? { peerId: x.peerId, ticket: x.ticket, signaling, position: x.position } : { peerId: x.peerId, ticket: x.ticket, signaling };
}

/** One waiting visitor of the desk's queue list (`VCW-WAITING`). */
export interface WaitingEntry {
  readonly id: string;
  readonly name: string;
  readonly page: string;
  readonly context: Record<string, unknown> | null;
  readonly since: number;
}

export function parseWaitingEntry(x: unknown): WaitingEntry | null {
  if (!isObj(x) || !isPeerId(x.id) || !isName(x.name)) return null;
  const page = typeof x.page === 'string' && x.page.length <= MAX_PAGE ? x.page : '';
  const since = typeof x.since === 'number' && Number.isFinite(x.since) ? x.since : Date.now();
  return { id: x.id, name: x.name, page, context: isObj(x.context) ? x.context : null, since };
}
