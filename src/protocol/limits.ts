/**
 * The wire contract's names, limits and patterns: the one definition compiled into both the widget and the server
 * (the server's build reaches here; nothing in this folder may use DOM or Node APIs). What the widget's pre-join
 * script needs (room names, display names) is in `room.ts`, re-exported here.
 */
import { MAX_NAME, nameLength } from './room.js';
export { clip, MAX_NAME, nameLength, ROOM_NAME } from './room.js';

/** A display name within {@link MAX_NAME} characters. */
export const isName = (x: unknown): x is string => typeof x === 'string' && x.length <= 2 * MAX_NAME && nameLength(x) <= MAX_NAME;

/** A server-assigned peer id (also a waiting visitor's queue id): 128 random bits in hex. */
export const PEER_ID = /^[0-9a-f]{32}$/;
/** A ticket as the server issues it (base64url parts joined by dots). */
export const TICKET = /^[\w.-]{1,1024}$/;
/** Longest chat message, in UTF-16 units (what `maxlength` and `String.length` count). */
export const MAX_TEXT = 2000;
/** The most members a room may hold (`MAX_PEERS` ≤ this): a mesh beyond it is not honest. */
export const MAX_ROOM = 8;
/** An agent's decline message, in characters (code points). */
export const MAX_DECLINE_MESSAGE = 500;
/** A visitor's camera snapshot: a JPEG data URL of at most this many characters. */
export const MAX_PREVIEW = 48 * 1024;
/** The site's context passed with a knock, as JSON text. */
export const MAX_CONTEXT = 2048;
/** How deep that context may nest (an object at the top is one level). */
export const MAX_CONTEXT_DEPTH = 4;
/** The page a visitor called from, in characters. */
export const MAX_PAGE = 512;

/**
 * The server's own messages on the signaling WebSocket (beside PeerJS's OPEN, OFFER, ANSWER, …): `{ type, payload }`.
 * See docs/SUPPORT-PROTOCOL.md for the support queue's.
 */
export const Notice = {
  /** Server → members: `{ peerId, reason? }` someone's socket went away (`gone`: their page closed it; `removed`). */
  LEAVE: 'VCW-LEAVE',
  /** Server → a member that took its seat anew: `{ members }` who holds a seat now. */
  MEMBERS: 'VCW-MEMBERS',
  /**
   * Server → member: `{ members: [{ peerId, name, role }] }` who these members are, as the server vouches. Sent to
   * the members already connected when a member's socket registers (before anything it sends them), and to that
   * member about everyone else holding a seat. It names; it never asks anyone to dial.
   */
  IDENTITY: 'VCW-IDENTITY',
  /** Server → removed member: the support desk removed you. */
  REMOVED: 'VCW-REMOVED',
  /** Server → visitor: `{ position }` your place in the queue. */
  QUEUE: 'VCW-QUEUE',
  /** Server → visitor: `{ seat }` an agent admitted you. */
  ADMITTED: 'VCW-ADMITTED',
  /** Server → visitor: `{ reason, message }` declined or not answered in time. */
  DECLINED: 'VCW-DECLINED',
  /** Server → desk: `{ visitors }` who waits now. */
  WAITING: 'VCW-WAITING',
  /** Visitor → server → desks: `{ image }` / `{ id, image }` a camera snapshot. */
  PREVIEW: 'VCW-PREVIEW',
  /** Server → desk: `{ req, ok, … }` the outcome of a desk request. */
  RESULT: 'VCW-RESULT',
  /** Desk → server: `{ req, id }` admit this visitor. */
  ADMIT: 'VCW-ADMIT',
  /** Desk → server: `{ req, id, message? }` decline this visitor. */
  DECLINE: 'VCW-DECLINE',
  /** Desk → server: `{ req, id }` remove this member from the desk's call. */
  REMOVE: 'VCW-REMOVE',
  /**
   * Server → member, on its admitted socket just before OPEN: `{ iceServers }` with its TURN credentials (join and
   * renew answers carry STUN only). Member → server once registered, `{}`: fresh ones, please (before they expire).
   */
  ICE: 'VCW-ICE',
} as const;

export type NoticeType = (typeof Notice)[keyof typeof Notice];

/** Every name in {@link Notice} starts with this; PeerServer's own types never do. */
export const NOTICE_PREFIX = 'VCW-';

/** Close codes of the signaling socket the widget acts on. */
export const Close = {
  /** An agent removed this member from a support call. */
  REMOVED: 4003,
  /** A waiting or desk ticket that has no visitor in the queue / desk any more: knock (or open) again. */
  NOT_WAITING: 4410,
} as const;
