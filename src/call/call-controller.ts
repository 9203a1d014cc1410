/**
 * CallController: the room and the mesh. Joins through the room API, registers with PeerServer under the
 * server-assigned id, dials every member of the join snapshot (one media call + one JSON data connection per
 * pair; members never dial newcomers), answers newcomers, and keeps each participant's state from the peer
 * protocol. Notices departures from `bye`, closed data channels, the RTCPeerConnection's state, a heartbeat
 * and the server's room notices. Re-registers with the server after it restarts, without touching the calls.
 *
 * The work is done by parts with one job each, wired here through narrow links:
 * - Roster (roster.ts): the participants, their connection state, sending to them;
 * - Connections (connections.ts): dialling, answering and watching each media call and data connection;
 * - Liveness (liveness.ts): heartbeat, silence and suspicion, re-dialling a broken path;
 * - LocalMedia (local-media.ts): what we send — tracks, stand-ins, the presented screen;
 * - Credentials (credentials.ts): the seat's ticket and ICE servers, renewed;
 * - Registration (registration.ts): our signaling connection, re-registered after it drops;
 * - ServerNotices (server-notices.ts): the server's room notices on the signaling socket;
 * - peerjs-fixes.ts: where PeerJS needs help.
 *
 * Loaded lazily (with PeerJS) when someone joins.
 */
import { Peer, type PeerError } from 'peerjs';
import type { ReactiveController } from 'lit';
import type { CallHandle, JoinOptions, WidgetHost } from '../core/host.js';
import { WidgetError, type ErrorCode, type LeaveReason, type Participant } from '../core/types.js';
import { Notice } from '../protocol/limits.js';
import type { Member, PeerMessage } from '../protocol/wire.js';
import { Connections, type AppMessage } from './connections.js';
import { Credentials } from './credentials.js';
import { Liveness } from './liveness.js';
import { LocalMedia } from './local-media.js';
import { destroyPeer } from './peerjs-fixes.js';
import { Registration } from './registration.js';
import { Roster, type Remote } from './roster.js';
import { ServerNotices } from './server-notices.js';

export type { AppMessage } from './connections.js';
export type { LocalState } from './local-media.js';

const OPEN_TIMEOUT = 10_000;

/** What the element learns from the call. */
export interface CallEvents {
  participantJoin(p: Participant): void;
  participantLeave(p: Participant, reason: LeaveReason): void;
  participantUpdate(p: Participant): void;
  serverConnection(connected: boolean): void;
  /** A data connection opened (first time or again): the moment to send history. */
  dataOpen(peer: string): void;
  /** Chat, history, recording and the host page's data, validated. */
  message(from: string, message: AppMessage): void;
  /** A frame of the files channel (at most MAX_FILE_FRAME bytes; the files chunk reads it). */
  fileFrame(from: string, frame: ArrayBuffer): void;
  /** A problem that does not end the call (e.g. the token was refused while re-registering). */
  error(error: WidgetError): void;
  /** The server removed us from the call (an agent's Remove at the support desk). */
  removed(): void;
}

/** Resolves once `peer` is registered; rejects with a WidgetError if it fails, takes too long or `signal` aborts. */
function opened(peer: Peer, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (code: ErrorCode, why: string) => {
      cleanup();
      reject(new WidgetError(code, why));
    };
    const timer = setTimeout(() => fail('server-unreachable', 'The signaling server did not answer in time.'), OPEN_TIMEOUT);
    const onOpen = () => {
      cleanup();
      resolve();
    };
    const onError = (error: PeerError<string>) => {
      if (error.type === 'peer-unavailable') return;
      fail(error.type === 'browser-incompatible' ? 'unsupported-browser' : 'server-unreachable', error.message);
    };
    const onAbort = () => fail('server-unreachable', 'aborted');
    const cleanup = () => {
      clearTimeout(timer);
      peer.off('open', onOpen);
      peer.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    peer.on('open', onOpen);
    peer.on('error', onError);
    signal.addEventListener('abort', onAbort);
  });
}

export class CallController implements ReactiveController, CallHandle {
  selfId = '';
  /** Who we are in the room, as the server vouches for it to the others (undefined before the join answer). */
  self: Member | undefined;
  private peer: Peer | undefined;
  #left = false;
  readonly #roster: Roster;
  readonly #local: LocalMedia;
  readonly #credentials: Credentials;
  readonly #registration: Registration;
  readonly #liveness: Liveness;
  readonly #connections: Connections;
  readonly #notices: ServerNotices;
  readonly #onPageHide = () => this.broadcast({ v: 1, t: 'bye' });
  readonly #host: WidgetHost;

  constructor(
    host: WidgetHost,
    events: CallEvents,
  ) {
    this.#host = host;
    const ended = () => this.#left;
    const roster = (this.#roster = new Roster(events, host));
    const local = (this.#local = new LocalMedia(host, { ended, peerConnections: () => roster.peerConnections() }));
    const credentials = (this.#credentials = new Credentials({
      selfId: () => this.selfId,
      peerOptions: () => this.peer?.options,
      ended,
      roomToken: () => host.roomToken(),
      // PeerJS's socket sends nothing while it is closed: re-registering brings fresh credentials anyway.
      ice: () => this.peer?.socket.send({ type: Notice.ICE }),
    }));
    const renew = () => credentials.renew();
    this.#registration = new Registration({
      peer: () => this.peer,
      ended,
      renew,
      serverConnection: (connected) => {
        events.serverConnection(connected);
        host.requestUpdate();
      },
      error: (error) => events.error(error),
    });
    const dial = (id: string) => this.#connections.dial(id);
    const drop = (remote: Remote, reason: LeaveReason) => roster.drop(remote, reason);
    const liveness = (this.#liveness = new Liveness({
      remotes: roster.remotes,
      ended,
      serverConnected: () => this.serverConnected,
      send: (remote, message) => roster.send(remote, message),
      drop,
      reconnecting: (remote) => roster.reconnecting(remote),
      renew,
      dial,
    }));
    this.#connections = new Connections({
      peer: () => this.peer,
      ended,
      roster,
      local,
      lost: (remote) => liveness.lost(remote),
      dataOpen: (peer) => events.dataOpen(peer),
      message: (from, message) => events.message(from, message),
      fileFrame: (from, frame) => events.fileFrame(from, frame),
    });
    this.#notices = new ServerNotices({
      remotes: roster.remotes,
      selfId: () => this.selfId,
      removed: () => events.removed(),
      vouch: (members) => roster.vouch(members),
      dial,
      drop,
      suspect: (remote) => liveness.suspect(remote),
      ice: (servers) => credentials.granted(servers),
    });
    host.addController(this);
  }

  /** Ask the server to certify the key we sign chat messages with (see signing.ts). */
  certify(key: string): Promise<unknown> {
    return this.#credentials.certify(key);
  }

  /** Who the server says `id` is (a member present or gone), if it said. */
  identityOf(id: string): Member | undefined {
    return id === this.selfId ? this.self : this.#roster.identities.get(id);
  }

  /** The remote participants, by peer id. */
  get remotes(): Map<string, Remote> {
    return this.#roster.remotes;
  }

  /** We are registered with the signaling server. */
  get serverConnected(): boolean {
    return this.#registration.connected;
  }

  /** Inbound peer messages that failed validation and were dropped. */
  get invalid(): number {
    return this.#connections.invalid;
  }

  /** The screen being presented instead of the camera, if any. */
  get screen(): MediaStreamTrack | null {
    return this.#local.screen;
  }

  /** The ticket we are registered with (renewed as the call goes on); the browser tests read it. */
  get ticket(): string {
    return this.#credentials.ticket;
  }

  hostDisconnected(): void {
    void this.leave();
  }

  /** Join the room. Resolves once registered and dialling; rejects with a WidgetError. */
  async join(options: JoinOptions): Promise<void> {
    const { server, room, name, signal, iceTransport, seat } = options;
    if (typeof RTCPeerConnection === 'undefined') throw new WidgetError('unsupported-browser', 'WebRTC is not available');
    // A seat from a support queue is in its own call room: renewals name that room.
    this.#credentials.useRoom(seat?.room ? { ...options, room: seat.room } : options);
    const answer = seat ?? await this.#credentials.requestSeat(server, room, name, await this.#host.roomToken(), signal);
    signal.throwIfAborted();
    this.selfId = answer.peerId;
    this.self = { peerId: answer.peerId, name: answer.name, role: answer.role };
    this.#roster.vouch(answer.members);
    this.#credentials.take(answer);
    const peer = new Peer(answer.peerId, {
      ...answer.signaling,
      token: answer.ticket,
      // PeerJS hands this to every RTCPeerConnection it creates (media calls and data connections alike).
      config: { iceServers: answer.iceServers, iceTransportPolicy: iceTransport === 'relay' ? 'relay' : 'all' },
      debug: 0,
    });
    this.peer = peer;
    peer.on('call', (call) => this.#connections.acceptMedia(call));
    peer.on('connection', (conn) => this.#connections.acceptData(conn));
    peer.on('error', (error) => this.#connections.peerError(error));
    peer.on('disconnected', () => this.#registration.lost());
    peer.on('open', () => this.#registration.opened());
    peer.socket.on('message', (message: unknown) => this.#notices.handle(message));
    await opened(peer, signal).catch((error: unknown) => {
      void this.leave();
      throw error;
    });
    signal.throwIfAborted();
    addEventListener('pagehide', this.#onPageHide);
    this.#liveness.start();
    for (const member of answer.members) this.#connections.dial(member.peerId);
  }

  /** Send another track (or none) on every call: camera on/off, a new device. No renegotiation. */
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): void {
    this.#local.replaceTrack(kind, track);
  }

  /** Present the screen (the browser asks which). `onEnded` runs when the browser's own "Stop sharing" ends it. */
  startScreen(onEnded: () => void): Promise<void> {
    return this.#local.startScreen(onEnded);
  }

  /** Stop presenting and send `camera` (or nothing) again. */
  stopScreen(camera: MediaStreamTrack | null): void {
    this.#local.stopScreen(camera);
  }

  /** Tell everyone our name and media state. */
  broadcastState(): void {
    this.broadcast({ v: 1, t: 'state', ...this.#local.state() });
  }

  broadcast(message: PeerMessage): void {
    this.#roster.broadcast(message);
  }

  /** Send to one participant; false when their data connection is not open. */
  sendTo(peer: string, message: PeerMessage): boolean {
    return this.#roster.sendTo(peer, message);
  }

  /** Participants whose data connection is open. */
  openPeers(): string[] {
    return this.#roster.openPeers();
  }

  /** The files channel to a participant, while it is open. */
  channel(peer: string): RTCDataChannel | undefined {
    return this.#roster.channel(peer);
  }

  /** The public view of a remote participant, if they are in the call. */
  participantOf(id: string): Participant | undefined {
    return this.#roster.participantOf(id);
  }

  /** Say goodbye, close every connection and stop the stand-in tracks. Idempotent. */
  async leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    this.stopScreen(null);
    removeEventListener('pagehide', this.#onPageHide);
    this.#liveness.stop();
    this.#registration.stop();
    this.#credentials.stop();
    this.broadcast({ v: 1, t: 'bye' });
    // Let the goodbyes leave the send buffers (bounded), so others remove our tile at once.
    const channels = [...this.remotes.values()].map((r) => r.data?.dataChannel).filter((c) => c?.readyState === 'open');
    for (let waited = 0; waited < 500 && channels.some((c) => c!.bufferedAmount > 0); waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const peer = this.peer;
    this.#roster.clear();
    this.peer = undefined;
    destroyPeer(peer);
    await this.#local.release();
    this.#registration.reset();
    this.#host.removeController(this);
  }
}
