/**
 * Signing: each member signs its chat messages with an ECDSA P-256 key made for this call, which the server
 * certifies (room, id, name, role, key, expiry — server/src/certs.ts). A message carries the certificate and the
 * signature, in history too: whoever relays it can neither change it nor credit it to someone else, and it still
 * checks after its author left. The server's public key comes from our own certificate's answer. Its own chunk,
 * loaded with the first chat message sent or received (a call without chat never loads it).
 */
import type { CertAnswer, ChatWireFields, Member, SigFrame, Signed } from '../protocol/wire.js';
import { SIG_BATCH } from '../protocol/parse.js';

/** The answer to `POST /api/rooms/{room}/cert`, or null. */
function parseCertAnswer(x: unknown): CertAnswer | null {
  const a = (typeof x === 'object' && x ? x : {}) as Record<string, unknown>;
  return typeof a.cert === 'string' && /^[\w-]{1,900}\.[\w-]{86}$/.test(a.cert) && typeof a.authority === 'string' && /^B[\w-]{86}$/.test(a.authority)
    ? { cert: a.cert, authority: a.authority }
    : null;
}

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const b64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const bytes = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const utf8 = (s: string) => new TextEncoder().encode(s);
const importKey = (raw: string) => crypto.subtle.importKey('raw', bytes(raw), EC, false, ['verify']);
/** What a signature covers: everything of the message but the (informational) name. */
const covered = (m: ChatWireFields) => utf8(JSON.stringify([m.id, m.ts, m.seq, m.text]));

interface Mine {
  key: CryptoKey;
  cert: string;
  exp: number;
  room: string;
  authority: CryptoKey;
}

/** A checked certificate: who it vouches for, and their key. */
type Holder = Member & { key: CryptoKey; exp: number };

export class Signer {
  #mine: Promise<Mine> | undefined;
  readonly #holders = new Map<string, Promise<Holder | null>>();
  readonly #certify: (key: string) => Promise<unknown>;

  /** `certify(key)` asks the server for our certificate (the answer to `POST …/cert`). */
  constructor(certify: (key: string) => Promise<unknown>) {
    this.#certify = certify;
  }

  /**
   * Our signatures on messages of ours, as the frames that carry them (SIG_BATCH to a frame, with our certificate).
   * Rejects when the server cannot certify us.
   */
  async sign(ms: readonly ChatWireFields[]): Promise<SigFrame[]> {
    let mine = await this.#ours();
    // A call longer than a certificate: a fresh one an hour before it runs out.
    if (mine.exp < Date.now() + 3.6e6) {
      this.#mine = undefined;
      mine = await this.#ours();
    }
    const sigs = await Promise.all(ms.map(async (m) => ({ id: m.id, sig: b64(await crypto.subtle.sign(EC, mine.key, covered(m))) })));
    const frames: SigFrame[] = [];
    for (let at = 0; at < sigs.length; at += SIG_BATCH) frames.push({ v: 1, t: 'sig', cert: mine.cert, sigs: sigs.slice(at, at + SIG_BATCH) });
    return frames;
  }

  /**
   * Who wrote `m`, if its certificate is the server's, for member `from` of our room, valid when it was written,
   * and its signature matches; null otherwise; undefined when it is not signed or we cannot check (no answer from
   * the server).
   */
  async check(from: string, m: ChatWireFields & Signed): Promise<Member | null | undefined> {
    if (!m.cert || !m.sig) return undefined;
    let holder = this.#holders.get(m.cert);
    if (!holder) this.#holders.set(m.cert, (holder = this.#holder(m.cert)));
    const h = await holder.catch(() => undefined);
    if (h === undefined) return undefined;
    const sig = bytes(m.sig);
    return h && h.peerId === from && m.ts < h.exp && sig.length === 64 && (await crypto.subtle.verify(EC, h.key, sig, covered(m)))
      ? { peerId: h.peerId, name: h.name, role: h.role }
      : null;
  }

  async #holder(cert: string): Promise<Holder | null> {
    const mine = await this.#ours().catch(() => null);
    if (!mine) {
      this.#holders.delete(cert);
      throw new Error('unchecked');
    }
    try {
      const [body = '', sig = ''] = cert.split('.');
      if (!(await crypto.subtle.verify(EC, mine.authority, bytes(sig), utf8(body)))) return null;
      const c = JSON.parse(new TextDecoder().decode(bytes(body))) as Record<string, unknown>;
      if (c.r !== mine.room || typeof c.p !== 'string' || typeof c.n !== 'string' || typeof c.k !== 'string' || typeof c.e !== 'number') return null;
      return { peerId: c.p, name: c.n, role: c.o === 'host' ? 'host' : 'guest', key: await importKey(c.k), exp: c.e * 1000 };
    } catch {
      return null;
    }
  }

  #ours(): Promise<Mine> {
    this.#mine ??= (async () => {
      const pair = (await crypto.subtle.generateKey(EC, false, ['sign', 'verify'])) as CryptoKeyPair;
      const answer = parseCertAnswer(await this.#certify(b64(await crypto.subtle.exportKey('raw', pair.publicKey))));
      if (!answer) throw new Error('The server did not certify our key.');
      const { r, e } = JSON.parse(new TextDecoder().decode(bytes(answer.cert.split('.')[0]!))) as { r: string; e: number };
      return { key: pair.privateKey, cert: answer.cert, room: r, exp: e * 1000, authority: await importKey(answer.authority) };
    })();
    // Failed (the server was away): ask again next time.
    this.#mine.catch(() => (this.#mine = undefined));
    return this.#mine;
  }
}
