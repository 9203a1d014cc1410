/**
 * File sharing's wire format: binary frames on the files channel, a reliable, ordered RTCDataChannel beside each
 * pair's JSON data connection (negotiated on the same RTCPeerConnection, see `call/connections.ts`). One channel
 * carries every message of a transfer in both directions, so an offer, its chunks, its end and a cancel arrive in
 * the order they were sent. Chunks are the file's bytes as they are (no base64, no JSON).
 *
 * A frame: `[kind: u8][id length: u8][id: ASCII][body]`
 * - `OFFER` body: UTF-8 JSON `{ name, size, type, hash, ts }` (hash: SHA-256 of the whole file, hex)
 * - `CHUNK` body: the next bytes of the file (at most CHUNK_BYTES)
 * - `END`, `ACK_OK`, `ACK_FAILED`, `CANCEL`: no body
 * `parseFrame` takes any bytes and returns a checked frame or null; it never throws.
 */
import { MAX_FILE, MAX_FILE_NAME } from '../protocol/parse.js';

export const Kind = { OFFER: 0, CHUNK: 1, END: 2, ACK_OK: 3, ACK_FAILED: 4, CANCEL: 5 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** Bytes of a file per chunk frame. */
export const CHUNK_BYTES = 64 * 1024;

export interface Offer {
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly hash: string;
  readonly ts: number;
}

export type Frame =
  | { kind: typeof Kind.OFFER; id: string; offer: Offer }
  | { kind: typeof Kind.CHUNK; id: string; data: Uint8Array }
  | { kind: Exclude<Kind, typeof Kind.OFFER | typeof Kind.CHUNK>; id: string };

const ID = /^[\w-]{1,64}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A frame of `kind` for transfer `id` with `body` (an offer's fields, or a chunk's bytes). */
export function frame(kind: Kind, id: string, body?: Offer | Uint8Array): Uint8Array<ArrayBuffer> {
  const bytes = body === undefined ? new Uint8Array(0) : body instanceof Uint8Array ? body : encoder.encode(JSON.stringify(body));
  const out = new Uint8Array(2 + id.length + bytes.length);
  out[0] = kind;
  out[1] = id.length;
  out.set(encoder.encode(id), 2);
  out.set(bytes, 2 + id.length);
  return out;
}

function parseOffer(bytes: Uint8Array): Offer | null {
  let x: unknown;
  try {
    x = JSON.parse(decoder.decode(bytes));
  } catch {
    return null;
  }
  if (typeof x !== 'object' || x === null) return null;
  const { name, size, type, hash, ts } = x as Record<string, unknown>;
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_FILE_NAME &&
    typeof size === 'number' && Number.isSafeInteger(size) && size > 0 && size <= MAX_FILE &&
    typeof type === 'string' && type.length <= 127 && typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) &&
    typeof ts === 'number' && Number.isFinite(ts)
    ? { name, size, type: /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : '', hash, ts }
    : null;
}

/** A frame from the files channel, checked; null when it is malformed. */
export function parseFrame(buffer: ArrayBuffer): Frame | null {
  const bytes = new Uint8Array(buffer);
  const kind = bytes[0] as Kind | undefined;
  const length = bytes[1] ?? 0;
  if (kind === undefined || kind > Kind.CANCEL || bytes.length < 2 + length) return null;
  const id = String.fromCharCode(...bytes.subarray(2, 2 + length));
  if (!ID.test(id)) return null;
  const body = bytes.subarray(2 + length);
  if (kind === Kind.OFFER) {
    const offer = parseOffer(body);
    return offer && { kind, id, offer };
  }
  if (kind === Kind.CHUNK) return body.length > 0 && body.length <= CHUNK_BYTES ? { kind, id, data: body } : null;
  return body.length === 0 ? { kind, id } : null;
}
