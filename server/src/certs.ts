/**
 * Member certificates: the server vouches, with an ECDSA P-256 signature, that a public key belongs to one member
 * of one room — its id, the name and role it is shown under, until when. Every member signs its chat messages with
 * the key; any widget of the room checks a message (live, or relayed in another member's history) against the
 * certificate that travels with it and the server's public key from its own answer. So history survives its author
 * leaving, and whoever relays it cannot credit text to anyone else.
 *
 * The server's key is derived from the ticket secret (which survives restarts), so certificates issued before a
 * restart still verify after it. On the wire a certificate is `base64url(JSON claims).base64url(signature)`; the
 * signature is IEEE P1363 (r‖s, what WebCrypto produces and checks) over the first part's ASCII text.
 */
import { createECDH, createHmac, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import type { Role } from '../../src/protocol/wire.js';

/** How long a certificate holds: longer than any call; a widget asks for a fresh one before it runs out. */
export const CERT_TTL_SECONDS = 24 * 3600;

/** An uncompressed P-256 public key (0x04‖x‖y, 65 bytes) in base64url. */
const RAW_KEY = /^B[A-Za-z0-9_-]{86}$/;

export class Certs {
  private readonly key: KeyObject;
  /** The server's public key as the widgets import it (raw, base64url). */
  readonly authority: string;

  constructor(secret: Buffer) {
    // A scalar in [1, n): HMAC output is below the P-256 order but for a 2^-32 chance, which setPrivateKey refuses
    // (then the next counter's).
    const ecdh = createECDH('prime256v1');
    for (let i = 0; ; i++) {
      try {
        ecdh.setPrivateKey(createHmac('sha256', secret).update(`vcw member certificates ${i}`).digest());
        break;
      } catch (error) {
        if (i > 8) throw error;
      }
    }
    const raw = ecdh.getPublicKey();
    const b64 = (b: Buffer) => b.toString('base64url');
    this.key = createPrivateKey({
      key: { kty: 'EC', crv: 'P-256', d: b64(ecdh.getPrivateKey()), x: b64(raw.subarray(1, 33)), y: b64(raw.subarray(33)) },
      format: 'jwk',
    });
    this.authority = b64(raw);
  }

  /** A certificate for `key` (raw base64url), or null when it is not a P-256 public key. */
  issue(room: string, peerId: string, name: string, role: Role, key: unknown, now = Date.now()): string | null {
    if (typeof key !== 'string' || !RAW_KEY.test(key)) return null;
    const raw = Buffer.from(key, 'base64url');
    try {
      // Refuses a point that is not on the curve.
      createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, format: 'jwk' });
    } catch {
      return null;
    }
    const body = Buffer.from(JSON.stringify({ r: room, p: peerId, n: name, o: role, k: key, e: Math.floor(now / 1000) + CERT_TTL_SECONDS })).toString('base64url');
    return `${body}.${sign('sha256', Buffer.from(body), { key: this.key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }
}
