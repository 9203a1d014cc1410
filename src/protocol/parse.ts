/**
 * Everything that crosses the network, validated before use. `parse*` functions take `unknown` and return a
 * typed value or null; they never throw. The shapes are `wire.ts`'s, the limits `limits.ts`'s (shared with the
 * server). Loaded with the call (and the support flow), not before; what only the support flow reads is in
 * `parse-support.ts`, which loads with it.
 */
import { isName, MAX_TEXT, Notice, PEER_ID, ROOM_NAME, TICKET } from './limits.js';
import type { ApiErrorBody, ChatWireFields, Signed, HistoryItem, IceServer, JoinAnswer, Member, NoticeFrame, PeerMessage, RenewAnswer, SignalingEndpoint } from './wire.js';

export const PROTOCOL_VERSION = 1;
/** Largest file a participant can share. */
export const MAX_FILE = 25 * 1024 * 1024;
/** Longest file name. */
export const MAX_FILE_NAME = 255;
/** Largest frame accepted from a data connection (PeerJS's JSON channel sends at most 16,300 bytes). */
export const MAX_FRAME = 16_384;
/** Largest frame accepted from a files channel: a 64 KiB chunk of a file and its header (`files/frames.ts`). */
export const MAX_FILE_FRAME = 64 * 1024 + 66;
/** Messages per history batch (each batch also stays under MAX_FRAME). */
export const HISTORY_BATCH = 100;
/** Chat messages per `chats` frame (each frame also stays under MAX_FRAME). */
export const CHAT_BATCH = 100;
/** Signatures per `sig` frame (well under a data-channel frame with the certificate). */
export const SIG_BATCH = 64;
/** The host page's data (`sendData`): at most this many bytes as JSON (UTF-8), so one message fits one frame. */
export const MAX_DATA = 16_000;
/** Messages a second a page may send with `sendData`, after a burst of DATA_BURST. */
export const DATA_RATE = 60;
export const DATA_BURST = 120;
/** How deep the host page's data may nest (a value that is not an object or array is level 0). */
export const MAX_DATA_DEPTH = 32;

/** `x` (a JSON value) nests at most `max` levels of objects and arrays. */
export const shallow = (x: unknown, max = MAX_DATA_DEPTH): boolean =>
  typeof x !== 'object' || x === null || (max > 0 && Object.values(x).every((v) => shallow(v, max - 1)));

type Obj = Record<string, unknown>;
export type { ChatWireFields, HistoryItem, PeerMessage };
export const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
const isId = (x: unknown): x is string => typeof x === 'string' && /^[\w-]{1,64}$/.test(x);
export const isCount = (x: unknown, max: number): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= max;

/** A member certificate (server/src/certs.ts) and an ECDSA P-256 signature (64 bytes), base64url. */
const CERT = /^[\w-]{1,900}\.[\w-]{86}$/;
const SIG = /^[\w-]{86}$/;

/** A chat message's fields, with its certificate and signature when it is signed (both, well-formed, or neither). */
function chatFields(data: Obj): (ChatWireFields & Signed) | null {
  const { id, name, text, ts, seq, cert, sig } = data;
  const signed = cert === undefined && sig === undefined ? {} : typeof cert === 'string' && CERT.test(cert) && typeof sig === 'string' && SIG.test(sig) ? { cert, sig } : null;
  return signed && isId(id) && isName(name) && typeof text === 'string' && text.length > 0 && text.length <= MAX_TEXT &&
    typeof ts === 'number' && Number.isFinite(ts) && isCount(seq, Number.MAX_SAFE_INTEGER)
    ? { id, name, text, ts, seq, ...signed }
    : null;
}

/** One item of a `chats` frame, or null when it is malformed. */
export const parseChatItem = (x: unknown): (ChatWireFields & Signed) | null => (isObj(x) ? chatFields(x) : null);

/** One history entry, or null when it is malformed. */
export function parseHistoryItem(x: unknown): HistoryItem | null {
  if (!isObj(x) || typeof x.from !== 'string' || !PEER_ID.test(x.from)) return null;
  const fields = chatFields(x);
  return fields && { ...fields, from: x.from };
}

export function parsePeerMessage(data: unknown): PeerMessage | null {
  if (!isObj(data) || data.v !== PROTOCOL_VERSION) return null;
  switch (data.t) {
    case 'hello':
    case 'state':
      return isName(data.name) && isBool(data.audioMuted) && isBool(data.videoMuted) && isBool(data.screenSharing)
        ? { v: 1, t: data.t, name: data.name, audioMuted: data.audioMuted, videoMuted: data.videoMuted, screenSharing: data.screenSharing }
        : null;
    case 'ping':
    case 'bye':
      return { v: 1, t: data.t };
    case 'chat': {
      const fields = chatFields(data);
      return fields && { v: 1, t: 'chat', ...fields };
    }
    case 'chats':
      // Items are checked one by one by the receiver (`parseChatItem`), so one bad entry does not cost the rest.
      return Array.isArray(data.items) && data.items.length > 0 && data.items.length <= CHAT_BATCH ? { v: 1, t: 'chats', items: data.items as unknown[] } : null;
    case 'sig':
      return typeof data.cert === 'string' && CERT.test(data.cert) && Array.isArray(data.sigs) && data.sigs.length > 0 && data.sigs.length <= SIG_BATCH &&
        data.sigs.every((s: unknown) => isObj(s) && isId(s.id) && typeof s.sig === 'string' && SIG.test(s.sig))
        ? { v: 1, t: 'sig', cert: data.cert, sigs: (data.sigs as Array<{ id: string; sig: string }>).map(({ id, sig }) => ({ id, sig })) }
        : null;
    case 'history':
      // Items are checked one by one by the receiver, so one bad entry does not cost the rest.
      return Array.isArray(data.items) && data.items.length <= HISTORY_BATCH ? { v: 1, t: 'history', items: data.items as HistoryItem[] } : null;
    case 'recording':
      return isBool(data.on) ? { v: 1, t: 'recording', on: data.on } : null;
    case 'data':
      // Bounded by the frame guard (MAX_FRAME); any JSON value, as deep as the sender may make it.
      return data.payload !== undefined && shallow(data.payload) ? { v: 1, t: 'data', payload: data.payload } : null;
    default:
      return null;
  }
}

/** What a newcomer attaches to its call and data connection so the member can name the tile at once. */
export function parseMetadata(data: unknown): { name: string } | null {
  return isObj(data) && isName(data.name) ? { name: data.name } : null;
}

export const isPeerId = (x: unknown): x is string => typeof x === 'string' && PEER_ID.test(x);
export const isTicket = (x: unknown): x is string => typeof x === 'string' && TICKET.test(x);

function parseIceServer(x: unknown): IceServer | null {
  if (!isObj(x)) return null;
  const urls = typeof x.urls === 'string' ? [x.urls] : x.urls;
  if (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string' && /^(stuns?|turns?):/.test(u))) return null;
  const server: IceServer = { urls };
  if (typeof x.username === 'string') server.username = x.username;
  if (typeof x.credential === 'string') server.credential = x.credential;
  return server;
}

/** Every item parsed by `parse`, or null when one of them is malformed. */
function all<T>(items: unknown, parse: (x: unknown) => T | null, max = Infinity): T[] | null {
  if (!Array.isArray(items) || items.length > max) return null;
  const out: T[] = [];
  for (const item of items) {
    const parsed = parse(item);
    if (!parsed) return null;
    out.push(parsed);
  }
  return out;
}

/** One `{ peerId, name, role }` of a member list from the server (a server without roles: `guest`). */
function parseMember(m: unknown): Member | null {
  return isObj(m) && isPeerId(m.peerId) && isName(m.name) ? { peerId: m.peerId, name: m.name, role: m.role === 'host' ? 'host' : 'guest' } : null;
}

export function parseEndpoint(s: unknown): SignalingEndpoint | null {
  if (!isObj(s) || typeof s.host !== 'string' || !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/.test(s.host)) return null;
  if (typeof s.port !== 'number' || typeof s.path !== 'string' || !/^\/[\w/-]*$/.test(s.path) || !isBool(s.secure) || typeof s.key !== 'string' || !/^\w+$/.test(s.key)) return null;
  return { host: s.host, port: s.port, path: s.path, secure: s.secure, key: s.key };
}

/** The server's answer to `POST /api/rooms/{room}/join` (or a seat from a support queue, with its `room`). */
export function parseJoinAnswer(x: unknown): JoinAnswer | null {
  if (!isObj(x) || !isPeerId(x.peerId) || !isTicket(x.ticket) || typeof x.maxPeers !== 'number') return null;
  const members = all(x.members, parseMember);
  const iceServers = all(x.iceServers, parseIceServer);
  const signaling = parseEndpoint(x.signaling);
  if (!members || !iceServers || !signaling) return null;
  if (x.room !== undefined && (typeof x.room !== 'string' || !ROOM_NAME.test(x.room))) return null;
  if (!isName(x.name)) return null;
  const role = x.role === 'host' ? 'host' : 'guest';
  const answer = { peerId: x.peerId, ticket: x.ticket, name: x.name, role, members, iceServers, maxPeers: x.maxPeers, signaling } as const;
  return typeof x.room === 'string' ? { ...answer, room: x.room } : answer;
}

/** The server's answer to `POST /api/rooms/{room}/renew`. */
export function parseRenewAnswer(x: unknown): RenewAnswer | null {
  if (!isObj(x) || !isPeerId(x.peerId) || !isTicket(x.ticket)) return null;
  const iceServers = all(x.iceServers, parseIceServer);
  return iceServers && { peerId: x.peerId, ticket: x.ticket, iceServers };
}

/** Server → a connected member: the ICE servers it may use, with its TURN credentials (VCW-ICE). */
export function parseIceGrant(x: unknown): IceServer[] | null {
  const notice = parseNotice(x, Notice.ICE);
  return notice && all(notice.payload.iceServers, parseIceServer);
}

/** A server notice (`{ type: 'VCW-…', payload: {…} }`) of one of `types`, or null. */
export function parseNotice(x: unknown, ...types: string[]): NoticeFrame | null {
  return isObj(x) && typeof x.type === 'string' && types.includes(x.type) && isObj(x.payload) ? { type: x.type, payload: x.payload } : null;
}

/** Server → members: someone's socket went away. */
export function parseRoomLeave(x: unknown): { peerId: string; reason: 'left' | 'removed' | null } | null {
  const notice = parseNotice(x, Notice.LEAVE);
  if (!notice || !isPeerId(notice.payload.peerId)) return null;
  // `gone`: their page went away; `removed`: the support desk removed them; anything else: their socket dropped.
  const reason = notice.payload.reason === 'gone' ? 'left' : notice.payload.reason === 'removed' ? 'removed' : null;
  return { peerId: notice.payload.peerId, reason };
}

/** The server's list of who holds a seat, sent to a widget that took its seat anew after a server restart. */
export function parseRoomMembers(x: unknown): Member[] | null {
  const notice = parseNotice(x, Notice.MEMBERS);
  return notice && all(notice.payload.members, parseMember, 64);
}

/** Server → member: who these members are (VCW-IDENTITY). */
export function parseIdentities(x: unknown): Member[] | null {
  const notice = parseNotice(x, Notice.IDENTITY);
  return notice && all(notice.payload.members, parseMember, 64);
}

/** Error bodies of the room API. */
export function parseApiError(x: unknown): ApiErrorBody | null {
  return isObj(x) && typeof x.error === 'string' && typeof x.message === 'string' ? { error: x.error, message: x.message } : null;
}
