/**
 * The room API (`POST /api/rooms/{room}/…`) as the widget calls it: JSON in, JSON out, and every failure a
 * WidgetError whose code the server's error maps to. Shared by the call and the support flow (knock, desk).
 */
import { parseApiError } from '../protocol/parse.js';
import { sleep } from '../protocol/retry.js';
import { WidgetError, type ErrorCode } from '../core/types.js';

/** The room API's error code → the widget's error code. */
function apiErrorCode(status: number, code: string | undefined): ErrorCode {
  if (code === 'invalid-room') return 'invalid-room';
  if (code === 'room-full' || status === 409) return 'room-full';
  if (code === 'forbidden' || status === 401 || status === 403) return 'forbidden';
  return 'server-unreachable';
}

export const NOT_UNDERSTOOD = 'The call server sent an answer this widget does not understand.';

/** Pauses before the second and third try of a request that never reached an answer (jittered, ms). */
const RETRY_DELAYS = [150, 500];

/**
 * POST `payload` to the room API (GET when there is none); the JSON answer, or a WidgetError with the code the
 * server's error maps to. A request that gets no answer at all (a dropped connection, a server restarting) is
 * tried twice more within about a second before the server counts as unreachable; an answer, even an error, is
 * final. A join that reached the server but whose answer was lost leaves a seat that expires (SEAT_TIMEOUT_MS).
 */
export async function roomApi(server: string, room: string, action: string, payload?: unknown, token?: string | null, signal?: AbortSignal): Promise<unknown> {
  const base = server.endsWith('/') ? server : `${server}/`;
  let response: Response | undefined;
  for (let attempt = 0; !response; attempt++) {
    try {
      response = await fetch(new URL(`api/rooms/${encodeURIComponent(room)}/${action}`, base), {
        method: payload === undefined ? 'GET' : 'POST',
        headers: { ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: payload === undefined ? null : JSON.stringify(payload),
        signal,
      });
    } catch (error) {
      signal?.throwIfAborted();
      const delay = RETRY_DELAYS[attempt];
      if (delay === undefined) {
        throw new WidgetError('server-unreachable', `The call server at ${base} cannot be reached (${error instanceof Error ? error.message : String(error)}).`);
      }
      await sleep(delay * (0.75 + Math.random() / 2), signal);
    }
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const problem = parseApiError(body);
    throw new WidgetError(apiErrorCode(response.status, problem?.error), problem?.message ?? `The call server answered ${response.status}.`);
  }
  return body;
}
