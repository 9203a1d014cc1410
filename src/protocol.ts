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
  | { v: 1; t: 'chat'; id: string; name: string; text: string; ts: number };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isName = (x: unknown): x is string => typeof x === 'string' && x.length <= MAX_NAME;
const isBool = (x: unknown): x is boolean => typeof x === 'boolean';

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
    case 'chat':
      return typeof data.id === 'string' && /^[\w-]{1,64}$/.test(data.id) && isName(data.name) &&
        typeof data.text === 'string' && data.text.length > 0 && data.text.length <= MAX_TEXT &&
        typeof data.ts === 'number' && Number.isFinite(data.ts)
        ? { v: 1, t: 'chat', id: data.id, name: data.name, text: data.text, ts: data.ts }
        : null;
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

export function parseJoinResponse(x: unknown): JoinResponse | null {
  if (!isObj(x) || typeof x.peerId !== 'string' || !PEER_ID.test(x.peerId) || typeof x.ticket !== 'string') return null;
  if (!/^[\w.-]{1,1024}$/.test(x.ticket) || !Array.isArray(x.members) || !Array.isArray(x.iceServers)) return null;
  const members = x.members.map((m) => (isObj(m) && typeof m.peerId === 'string' && PEER_ID.test(m.peerId) && isName(m.name) ? { peerId: m.peerId, name: m.name } : null));
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

/** Server → widget notices over the signaling socket (our own message types beside PeerJS's). */
export function parseRoomLeave(x: unknown): string | null {
  return isObj(x) && x.type === 'VCW-LEAVE' && isObj(x.payload) && typeof x.payload.peerId === 'string' && PEER_ID.test(x.payload.peerId)
    ? x.payload.peerId
    : null;
}

/** Error bodies of the room API. */
export function parseApiError(x: unknown): { error: string; message: string } | null {
  return isObj(x) && typeof x.error === 'string' && typeof x.message === 'string' ? { error: x.error, message: x.message } : null;
}
