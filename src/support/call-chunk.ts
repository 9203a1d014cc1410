/**
 * What the support flow borrows from the call chunk: the room API, for a knock and a desk's registration. Loaded
 * when a visitor presses "Call us" (the call needs the chunk next) or a desk opens, so a page with a closed launcher
 * loads neither PeerJS nor this.
 */

/** The call chunk's room API (`call/index.ts`), as the support flow uses it. */
export interface RoomApi {
  /** `POST /api/rooms/{room}/{action}`: the JSON answer, or a WidgetError with the code the server's error maps to. */
  roomApi(server: string, room: string, action: string, payload?: unknown, token?: string | null, signal?: AbortSignal): Promise<unknown>;
  /** The message of an answer that does not parse. */
  readonly NOT_UNDERSTOOD: string;
}

let chunk: RoomApi | undefined;

/** The room API, loading the call chunk the first time (a failed load is tried again next time). */
export const loadRoomApi = async (): Promise<RoomApi> => (chunk ??= await import('../call/index.js'));
