/**
 * Registration: our connection to the signaling server. Tracks whether we are registered, and when the socket
 * drops (a server restart, a network change) keeps the calls, renews the ticket and re-registers with jittered
 * exponential backoff until it works.
 */
import type { Peer } from 'peerjs';
import { backoff } from '../protocol/retry.js';
import { WidgetError } from '../core/types.js';

const RECONNECT_MAX_DELAY = 4_000;

/** What the registration needs from the call. */
export interface RegistrationLink {
  /** The current PeerJS peer; undefined before joining and after leaving. */
  peer(): Pick<Peer, 'destroyed' | 'disconnected' | 'reconnect'> | undefined;
  /** The call was left. */
  ended(): boolean;
  /** Renew the ticket (see Credentials.renew). */
  renew(): Promise<void>;
  /** We are registered again, or no longer. */
  serverConnection(connected: boolean): void;
  /** A problem that does not end the call. */
  error(error: WidgetError): void;
}

export class Registration {
  connected = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The server refused to renew our ticket; reported once until it works again. */
  #refused = false;
  readonly #link: RegistrationLink;

  constructor(link: RegistrationLink) {
    this.#link = link;
  }

  /** The peer (re-)registered. */
  opened(): void {
    this.#attempt = 0;
    this.#set(true);
  }

  /**
   * The signaling socket closed: keep the calls, renew the ticket (which may have expired meanwhile) and
   * re-register, with jittered exponential backoff.
   */
  lost(): void {
    const peer = this.#link.peer();
    if (this.#link.ended() || !peer || peer.destroyed) return;
    this.#set(false);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#reregister(), backoff(this.#attempt++, 250, RECONNECT_MAX_DELAY));
  }

  /** No more re-registering (leaving). */
  stop(): void {
    clearTimeout(this.#timer);
  }

  /** The peer is gone: not connected, without telling anyone (the call has ended). */
  reset(): void {
    this.connected = false;
  }

  #set(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.#link.serverConnection(connected);
  }

  async #reregister(): Promise<void> {
    const peer = this.#link.peer();
    if (this.#link.ended() || !peer || peer.destroyed || !peer.disconnected) return;
    try {
      await this.#link.renew();
    } catch (error) {
      // Refused (token expired, no provider): say so once; the call itself goes on peer to peer.
      if (error instanceof WidgetError && error.code === 'forbidden' && !this.#refused) {
        this.#refused = true;
        this.#link.error(error);
      }
      return this.lost();
    }
    this.#refused = false;
    if (this.#link.ended() || this.#link.peer() !== peer || peer.destroyed || !peer.disconnected) return;
    try {
      peer.reconnect();
    } catch {
      this.lost();
    }
  }
}
