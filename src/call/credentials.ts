/**
 * Credentials: our seat's ticket and the ICE servers that come with it. Asks the room API for the seat, renews the
 * ticket when the call needs to reach the server or a participant again. The room API's answers carry STUN only:
 * TURN credentials come over the signaling socket once the server has admitted it (VCW-ICE, just before every OPEN,
 * so before we dial or answer anyone), and are asked for again there before they expire. Everything is written into the PeerJS peer's options, where PeerJS reads it
 * when it re-registers and for every RTCPeerConnection it creates.
 */
import type { PeerOptions } from 'peerjs';
import type { JoinOptions } from '../core/host.js';
import { WidgetError } from '../core/types.js';
import { parseJoinAnswer, parseRenewAnswer } from '../protocol/parse.js';
import type { IceServer, JoinAnswer } from '../protocol/wire.js';
import { NOT_UNDERSTOOD, roomApi } from './room-api.js';

/** Never renew short-lived TURN credentials more often than this. */
const MIN_ICE_REFRESH = 15_000;

/**
 * When the earliest TURN credential among `servers` expires (ms since the epoch), read from its TURN REST API
 * username `<expiry-unix>:<opaque>`; undefined when none carries an expiry.
 */
function iceExpiry(servers: readonly IceServer[]): number | undefined {
  const expiries = servers.map((s) => /^(\d{9,12}):/.exec(typeof s.username === 'string' ? s.username : '')?.[1]).filter((x) => x !== undefined).map((x) => Number(x) * 1000);
  return expiries.length ? Math.min(...expiries) : undefined;
}

/** What the credentials need from the call. */
export interface CredentialsLink {
  /** Our peer id ('' before the seat is taken). */
  selfId(): string;
  /** The current PeerJS peer's options (ticket and ICE servers live there); undefined without a peer. */
  peerOptions(): PeerOptions | undefined;
  /** The call was left. */
  ended(): boolean;
  /** The room token, when the server needs one. */
  roomToken(): Promise<string | null>;
  /** Ask the server for fresh TURN credentials over the signaling socket (nothing when it is not connected). */
  ice(): void;
}

export class Credentials {
  /** The ticket PeerJS registers with (its `token`). */
  ticket = '';
  /** Where renewals go: the call's server and room. */
  #place: Pick<JoinOptions, 'server' | 'room'> | undefined;
  #iceTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #link: CredentialsLink;

  constructor(link: CredentialsLink) {
    this.#link = link;
  }

  /** The server and room the call is in (a support seat's own room), named by renewals. */
  useRoom(place: Pick<JoinOptions, 'server' | 'room'>): void {
    this.#place = place;
  }

  async requestSeat(server: string, room: string, name: string, token: string | null, signal: AbortSignal): Promise<JoinAnswer> {
    const answer = parseJoinAnswer(await roomApi(server, room, 'join', { name }, token, signal));
    if (!answer) throw new WidgetError('server-unreachable', NOT_UNDERSTOOD);
    return answer;
  }

  /** The seat was given: keep its ticket (its answer's ICE servers are STUN only; TURN comes once connected). */
  take(answer: JoinAnswer): void {
    this.ticket = answer.ticket;
  }

  /** VCW-ICE: the server granted us ICE servers with TURN credentials; use them, and ask again before they expire. */
  granted(servers: IceServer[]): void {
    // VCW-ICE comes on the peer's own socket, so the peer is there — unless the call was left meanwhile.
    const options = this.#link.peerOptions();
    if (!options) return;
    (options.config as RTCConfiguration).iceServers = servers;
    this.#refreshIceBefore(iceExpiry(servers));
  }

  /**
   * Renew our ticket (it may have expired while we were in the call) before re-registering or re-dialling. Asks
   * for a room token again when the server needs one. Its ICE servers are the STUN ones we already hold (the
   * server's configuration); TURN credentials are not renewed here (see `granted`).
   */
  async renew(): Promise<void> {
    const place = this.#place;
    const options = this.#link.peerOptions();
    if (!place || !options) return;
    const body = await roomApi(place.server, place.room, 'renew', { ticket: this.ticket }, await this.#link.roomToken());
    const renewed = parseRenewAnswer(body);
    if (!renewed || renewed.peerId !== this.#link.selfId()) throw new WidgetError('server-unreachable', NOT_UNDERSTOOD);
    this.ticket = renewed.ticket;
    options.token = renewed.ticket;
  }

  /** The server's certificate for our chat signing key (the answer, unparsed). */
  certify(key: string): Promise<unknown> {
    const place = this.#place;
    if (!place) return Promise.reject(new Error('not in a call'));
    return roomApi(place.server, place.room, 'cert', { ticket: this.ticket, key }, null);
  }

  /** No more renewals (leaving). */
  stop(): void {
    clearTimeout(this.#iceTimer);
  }

  /**
   * TURN credentials expire (TURN_TTL): ask for fresh ones at half their remaining life, so a call that comes in
   * late in a long session — we answer with whatever ICE servers we hold — can still allocate a relay.
   */
  #refreshIceBefore(expiry: number | undefined): void {
    clearTimeout(this.#iceTimer);
    if (expiry === undefined || this.#link.ended()) return;
    // The answer (VCW-ICE) sets the next timer; while we are not connected nothing is asked, and re-registering
    // brings fresh credentials anyway.
    this.#iceTimer = setTimeout(() => this.#link.ended() || this.#link.ice(), Math.max(MIN_ICE_REFRESH, (expiry - Date.now()) / 2));
  }
}
