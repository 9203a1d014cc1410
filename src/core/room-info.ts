/**
 * Who is in a room before joining (`GET /api/rooms/{room}`), for the pre-join card. The server answers with names
 * only to holders of a valid token when tokens are on; anything else (no answer, a refusal, a malformed body) is
 * "not known", and the card leaves the line out.
 */
import { clip, MAX_NAME } from '../protocol/room.js';
import type { RoomInfo } from '../protocol/wire.js';

export type RoomPeek = Pick<RoomInfo, 'count' | 'names'>;

/** The room's occupants as the server tells them, or null when it does not say. */
export async function peekRoom(server: string, room: string, token: string | null): Promise<RoomPeek | null> {
  try {
    const answer = await fetch(new URL(`api/rooms/${room}`, server.replace(/\/?$/, '/')), { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    const { count, names } = (answer.ok ? await answer.json() : {}) as Partial<Record<keyof RoomInfo, unknown>>;
    return Number.isInteger(count) && Array.isArray(names) ? { count: count as number, names: names.map((n) => clip(String(n), MAX_NAME)) } : null;
  } catch {
    return null;
  }
}
