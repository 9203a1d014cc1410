/**
 * Everything that crosses the network, validated before use. `parse*` functions take `unknown` and return a
 * typed value or null; they never throw.
 *
 * Peer protocol (version 1): JSON objects over each pair's reliable, ordered data connection.
 */
export const PROTOCOL_VERSION = 1;
export const MAX_NAME = 64;
import { MAX_TEXT } from './types.js';
export { MAX_TEXT } from './types.js';
/** Largest file a participant can share. */
export const MAX_FILE = 25 * 1024 * 1024;
/** Longest file name. */
export const MAX_FILE_NAME = 255;
/** Largest frame accepted from a data connection (PeerJS's JSON channel sends at most 16,300 bytes). */
export const MAX_FRAME = 16_384;
/** Bytes of a file per chunk message: base64 of it plus the envelope stays well under MAX_FRAME. */
export const CHUNK_BYTES = 9 * 1024;
/** Messages per history batch (each batch also stays under MAX_FRAME). */
export const HISTORY_BATCH = 100;

export interface MediaState {
  audioMuted: boolean;
  videoMuted: boolean;
  screenSharing: boolean;
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

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isName = (x: unknown): x is string => typeof x === 'string' && x.length <= MAX_NAME;
const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
const isId = (x: unknown): x is string => typeof x === 'string' && /^[\w-]{1,64}$/.test(x);
const isCount = (x: unknown, max: number): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= max;

function chatFields(data: Obj): ChatWireFields | null {
  const { id, name, text, ts, seq } = data;
  return isId(id) && isName(name) && typeof text === 'string' && text.length > 0 && text.length <= MAX_TEXT &&
    typeof ts === 'number' && Number.isFinite(ts) && isCount(seq, Number.MAX_SAFE_INTEGER)
    ? { id, name, text, ts, seq }
    : null;
}

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
    case 'history':
      // Items are checked one by one by the receiver, so one bad entry does not cost the rest.
      return Array.isArray(data.items) && data.items.length <= HISTORY_BATCH ? { v: 1, t: 'history', items: data.items as HistoryItem[] } : null;
    case 'file': {
      const { id, name, size, type, hash, ts } = data;
      return isId(id) && typeof name === 'string' && name.length > 0 && name.length <= MAX_FILE_NAME && isCount(size, MAX_FILE) && size > 0 &&
        typeof type === 'string' && type.length <= 127 && typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) &&
        typeof ts === 'number' && Number.isFinite(ts)
        ? { v: 1, t: 'file', id, name, size, type: /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : '', hash, ts }
        : null;
    }
    case 'chunk':
      return isId(data.id) && typeof data.data === 'string' && data.data.length > 0 && data.data.length <= MAX_FRAME && /^[A-Za-z0-9+/]+={0,2}$/.test(data.data)
        ? { v: 1, t: 'chunk', id: data.id, data: data.data }
        : null;
    case 'file-end':
    case 'file-cancel':
      return isId(data.id) ? { v: 1, t: data.t, id: data.id } : null;
    case 'recording':
      return isBool(data.on) ? { v: 1, t: 'recording', on: data.on } : null;
    case 'file-ack':
      return isId(data.id) && isBool(data.ok) ? { v: 1, t: 'file-ack', id: data.id, ok: data.ok } : null;
    default:
      return null;
  }
}

/** What a newcomer attaches to its call and data connection so the member can name the tile at once. */
export function parseMetadata(data: unknown): { name: string } | null {
  return isObj(data) && isName(data.name) ? { name: data.name } : null;
}

/** The server's answer to `POST /api/rooms/{room}/join`. */
export interface JoinResponse {
  peerId: string;
  ticket: string;
  members: Array<{ peerId: string; name: string }>;
  iceServers: RTCIceServer[];
  maxPeers: number;
  signaling: { host: string; port: number; path: string; secure: boolean; key: string };
  /** Set on a seat from a support queue: the call room it is in (not the queue's name). */
  room?: string;
}

/** A server-assigned peer id. */
export const PEER_ID = /^[0-9a-f]{32}$/;

function parseIceServer(x: unknown): RTCIceServer | null {
  if (!isObj(x)) return null;
  const urls = typeof x.urls === 'string' ? [x.urls] : x.urls;
  if (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string' && /^(stuns?|turns?):/.test(u))) return null;
  const server: RTCIceServer = { urls };
  if (typeof x.username === 'string') server.username = x.username;
  if (typeof x.credential === 'string') server.credential = x.credential;
  return server;
}

/**
 * One `{ peerId, name }` of a member list from the server, which allows names of 64 characters counted as code
 * points (an emoji is one): `isName` counts UTF-16 units and would refuse the whole list for such a name.
 */
function parseMember(m: unknown): { peerId: string; name: string } | null {
  return isObj(m) && typeof m.peerId === 'string' && PEER_ID.test(m.peerId) && typeof m.name === 'string' && [...m.name].length <= MAX_NAME
    ? { peerId: m.peerId, name: m.name }
    : null;
}

export function parseJoinResponse(x: unknown): JoinResponse | null {
  if (!isObj(x) || typeof x.peerId !== 'string' || !PEER_ID.test(x.peerId) || typeof x.ticket !== 'string') return null;
  if (!/^[\w.-]{1,1024}$/.test(x.ticket) || !Array.isArray(x.members) || !Array.isArray(x.iceServers)) return null;
  const members = x.members.map(parseMember);
  const iceServers = x.iceServers.map(parseIceServer);
  const s = x.signaling;
  if (members.includes(null) || iceServers.includes(null) || typeof x.maxPeers !== 'number' || !isObj(s)) return null;
  if (typeof s.host !== 'string' || !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/.test(s.host)) return null;
  if (typeof s.port !== 'number' || typeof s.path !== 'string' || !/^\/[\w/-]*$/.test(s.path) || !isBool(s.secure) || typeof s.key !== 'string' || !/^\w+$/.test(s.key)) return null;
  return {
    peerId: x.peerId,
    ticket: x.ticket,
    members: members as JoinResponse['members'],
    iceServers: iceServers as RTCIceServer[],
    maxPeers: x.maxPeers,
    signaling: { host: s.host, port: s.port, path: s.path, secure: s.secure, key: s.key },
  };
}

/** The server's answer to `POST /api/rooms/{room}/renew`. */
export function parseRenewResponse(x: unknown): { peerId: string; ticket: string; iceServers: RTCIceServer[] } | null {
  if (!isObj(x) || typeof x.peerId !== 'string' || !PEER_ID.test(x.peerId) || typeof x.ticket !== 'string' || !/^[\w.-]{1,1024}$/.test(x.ticket)) return null;
  const iceServers = Array.isArray(x.iceServers) ? x.iceServers.map(parseIceServer) : [null];
  return iceServers.includes(null) ? null : { peerId: x.peerId, ticket: x.ticket, iceServers: iceServers as RTCIceServer[] };
}

/** Server → widget notices over the signaling socket (our own message types beside PeerJS's). */
export function parseRoomLeave(x: unknown): { peerId: string; reason: 'left' | 'removed' | null } | null {
  if (!isObj(x) || x.type !== 'VCW-LEAVE' || !isObj(x.payload) || typeof x.payload.peerId !== 'string' || !PEER_ID.test(x.payload.peerId)) return null;
  // `gone`: their page went away; `removed`: the support desk removed them; anything else: their socket dropped.
  const reason = x.payload.reason === 'gone' ? 'left' : x.payload.reason === 'removed' ? 'removed' : null;
  return { peerId: x.payload.peerId, reason };
}

/** The server's list of who holds a seat, sent to a widget that took its seat anew after a server restart. */
export function parseRoomMembers(x: unknown): Array<{ peerId: string; name: string }> | null {
  if (!isObj(x) || x.type !== 'VCW-MEMBERS' || !isObj(x.payload) || !Array.isArray(x.payload.members) || x.payload.members.length > 64) return null;
  const members = x.payload.members.map(parseMember);
  return members.includes(null) ? null : (members as Array<{ peerId: string; name: string }>);
}

/** Error bodies of the room API. */
export function parseApiError(x: unknown): { error: string; message: string } | null {
  return isObj(x) && typeof x.error === 'string' && typeof x.message === 'string' ? { error: x.error, message: x.message } : null;
}
