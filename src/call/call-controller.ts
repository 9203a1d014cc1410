/**
 * CallController: the room and the mesh. Joins through the room API, registers with PeerServer under the
 * server-assigned id, dials every member of the join snapshot (one media call + one JSON data connection per
 * pair; members never dial newcomers), answers newcomers, and keeps each participant's state from the peer
 * protocol. Notices departures from `bye`, closed data channels, the RTCPeerConnection's state, a heartbeat
 * and the server's room notices. Re-registers with the server after it restarts, without touching the calls.
 *
 * Loaded lazily (with PeerJS) when someone joins.
 */
import { Peer, type DataConnection, type MediaConnection, type PeerError } from 'peerjs';
import type { ReactiveController } from 'lit';
import type { CallHandle, JoinOptions, WidgetHost } from '../core/host.js';
import { backoff } from '../core/timing.js';
import { WidgetError, type ConnectionState, type ErrorCode, type LeaveReason, type Participant } from '../core/types.js';
import { Notice, PEER_ID } from '../protocol/limits.js';
import { MAX_FRAME, parseJoinAnswer, parseMetadata, parseNotice, parsePeerMessage, parseRenewAnswer, parseRoomLeave, parseRoomMembers } from '../protocol/parse.js';
import type { IceServer, JoinAnswer, MediaState, PeerMessage } from '../protocol/wire.js';
import { NOT_UNDERSTOOD, roomApi } from './room-api.js';

const OPEN_TIMEOUT = 10_000;
const CONNECT_TIMEOUT = 15_000;
const HEARTBEAT_EVERY = 1_500;
const SILENCE_LIMIT = 8_000;
/** After the server says a member's socket went away: how long their heartbeat has to prove them alive. */
const SUSPECT_GRACE = 2_500;
const RECONNECT_MAX_DELAY = 4_000;
/** Re-dials of one participant before they are given up (within CONNECT_TIMEOUT of the failure). */
const MAX_REDIALS = 3;
/** Least time between two dials of one participant. */
const REDIAL_SPACING = SILENCE_LIMIT;
/**
 * A new call's camera starts at half the width and height: at full size (720p) the encoder drops its first frames
 * until the bandwidth estimate catches up, which put the first picture ≈ 130 ms later on loopback. The stats
 * controller's next pass (within 1.5 s) sends the size the mesh allows.
 */
const FAST_START_SCALE = 2;
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

interface Remote extends MediaState {
  readonly id: string;
  name: string;
  connection: ConnectionState;
  media: MediaConnection | undefined;
  data: DataConnection | undefined;
  stream: MediaStream | undefined;
  dataOpen: boolean;
  since: number;
  lastSeen: number;
  suspectSince: number;
  announced: boolean;
  /** We dialled them (we joined after them), so we re-dial after a failure. */
  dialer: boolean;
  /** Re-dials since the connection last worked. */
  redials: number;
  /** When we last dialled them; a re-dial in flight sets `redialing`. */
  dialedAt: number;
  redialing: boolean;
}

export interface LocalState extends MediaState {
  name: string;
}

/** What the element learns from the call. */
export interface CallEvents {
  participantJoin(p: Participant): void;
  participantLeave(p: Participant, reason: LeaveReason): void;
  participantUpdate(p: Participant): void;
  serverConnection(connected: boolean): void;
  /** A data connection opened (first time or again): the moment to send history. */
  dataOpen(peer: string): void;
  /** Chat, history and file messages, validated. */
  message(from: string, message: AppMessage): void;
  /** A problem that does not end the call (e.g. the token was refused while re-registering). */
  error(error: WidgetError): void;
  /** The server removed us from the call (an agent's Remove at the support desk). */
  removed(): void;
}

/** What the call passes on to chat and files. */
export type AppMessage = Exclude<PeerMessage, { t: 'hello' | 'state' | 'ping' | 'bye' }>;

/** PeerJS's (internal, protected) frame reader of a JSON connection, wrapped to be robust. */
const FRAME_READER = '_handleDataMessage';

export class CallController implements ReactiveController, CallHandle {
  selfId = '';
  serverConnected = false;
  /** Inbound peer messages that failed validation and were dropped. */
  invalid = 0;
  readonly remotes = new Map<string, Remote>();
  private peer: Peer | undefined;
  private left = false;
  private reconnectAttempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private iceTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private audioContext: AudioContext | undefined;
  private placeholders: { audio?: MediaStreamTrack; video?: MediaStreamTrack } = {};
  private options: JoinOptions | undefined;
  private ticket = '';
  /** The server refused to renew our ticket; reported once until it works again. */
  private refused = false;
  private readonly onPageHide = () => this.broadcast({ v: 1, t: 'bye' });

  constructor(
    private readonly host: WidgetHost,
    private readonly events: CallEvents,
  ) {
    host.addController(this);
  }

  /** Our name and media state, as we tell the others. */
  private local(): LocalState {
    const { media } = this.host;
    return { name: this.host.selfName, audioMuted: !media.micOn, videoMuted: !media.camOn && !this.screen, screenSharing: !!this.screen };
  }

  /** The tracks we send: the microphone, and the screen while presenting, else the camera. */
  private tracks(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } {
    const { media } = this.host;
    return { audio: media.audioTrack, video: this.screen ?? media.videoTrack };
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    void this.leave();
  }

  /** Join the room. Resolves once registered and dialling; rejects with a WidgetError. */
  async join(options: JoinOptions): Promise<void> {
    const { server, room, name, signal, iceTransport, seat } = options;
    if (typeof RTCPeerConnection === 'undefined') throw new WidgetError('unsupported-browser', 'WebRTC is not available');
    // A seat from a support queue is in its own call room: renewals name that room.
    this.options = seat?.room ? { ...options, room: seat.room } : options;
    const answer = seat ?? await this.requestSeat(server, room, name, await this.host.roomToken(), signal);
    signal.throwIfAborted();
    this.selfId = answer.peerId;
    this.ticket = answer.ticket;
    this.refreshIceBefore(iceExpiry(answer.iceServers));
    const peer = new Peer(answer.peerId, {
      ...answer.signaling,
      token: answer.ticket,
      // PeerJS hands this to every RTCPeerConnection it creates (media calls and data connections alike).
      config: { iceServers: answer.iceServers, iceTransportPolicy: iceTransport === 'relay' ? 'relay' : 'all' },
      debug: 0,
    });
    this.peer = peer;
    peer.on('call', (call) => this.acceptMedia(call));
    peer.on('connection', (conn) => this.acceptData(conn));
    peer.on('error', (error) => this.onPeerError(error));
    peer.on('disconnected', () => this.onServerLost());
    peer.on('open', () => {
      this.reconnectAttempt = 0;
      this.setServerConnected(true);
    });
    peer.socket.on('message', (message: unknown) => {
      if (parseNotice(message, Notice.REMOVED)) return this.events.removed();
      // Back after a server restart: whoever took a seat while we were away does not know us. Dial those.
      const members = parseRoomMembers(message);
      if (members) {
        for (const m of members) if (m.peerId !== this.selfId && !this.remotes.has(m.peerId)) this.dial(m.peerId, m.name);
        return;
      }
      const gone = parseRoomLeave(message);
      const remote = gone ? this.remotes.get(gone.peerId) : undefined;
      // Their page went away (it closed its socket "going away"), or the server removed them: the goodbye a page
      // sends on pagehide may not have made it out before its connections were torn down.
      if (remote && gone?.reason) this.drop(remote, gone.reason);
      else if (remote) {
        remote.suspectSince = Date.now();
        // The server saw their socket go, and we have not heard from them for two heartbeats either: gone.
        if (remote.connection !== 'connected' || remote.suspectSince - remote.lastSeen > 2 * HEARTBEAT_EVERY) this.drop(remote, 'disconnected');
      }
    });
    await new Promise<void>((resolve, reject) => {
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
    }).catch((error: unknown) => {
      void this.leave();
      throw error;
    });
    signal.throwIfAborted();
    addEventListener('pagehide', this.onPageHide);
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_EVERY);
    for (const member of answer.members) this.dial(member.peerId, member.name);
  }

  /**
   * Renew our ticket (it may have expired while we were in the call) and take fresh ICE servers, before
   * re-registering or re-dialling. Asks for a room token again when the server needs one.
   */
  private async renew(): Promise<void> {
    const options = this.options;
    const peer = this.peer;
    if (!options || !peer) return;
    const body = await roomApi(options.server, options.room, 'renew', { ticket: this.ticket }, await this.host.roomToken());
    const renewed = parseRenewAnswer(body);
    if (!renewed || renewed.peerId !== this.selfId) throw new WidgetError('server-unreachable', NOT_UNDERSTOOD);
    this.ticket = renewed.ticket;
    peer.options.token = renewed.ticket;
    peer.options.config = { ...peer.options.config, iceServers: renewed.iceServers };
    this.refreshIceBefore(iceExpiry(renewed.iceServers));
  }

  /**
   * TURN credentials expire (TURN_TTL): renew them at half their remaining life, so a call that comes in late in a
   * long session — we answer with whatever ICE servers we hold — can still allocate a relay. Dialling renews anyway.
   */
  private refreshIceBefore(expiry: number | undefined): void {
    clearTimeout(this.iceTimer);
    if (expiry === undefined || this.left) return;
    this.iceTimer = setTimeout(() => {
      if (this.left) return;
      // Failed (the server is down, the token expired): again at half the life left, while some is left.
      this.renew().catch(() => expiry - Date.now() > 2 * MIN_ICE_REFRESH && this.refreshIceBefore(expiry));
    }, Math.max(MIN_ICE_REFRESH, (expiry - Date.now()) / 2));
  }

  private async requestSeat(server: string, room: string, name: string, token: string | null, signal: AbortSignal): Promise<JoinAnswer> {
    const answer = parseJoinAnswer(await roomApi(server, room, 'join', { name }, token, signal));
    if (!answer) throw new WidgetError('server-unreachable', NOT_UNDERSTOOD);
    return answer;
  }

  /** The stream a new call sends: the live tracks, with silent/blank stand-ins so both m-lines always exist. */
  private sendStream(): MediaStream {
    const { audio, video } = this.tracks();
    return new MediaStream([audio ?? this.placeholder('audio'), video ?? this.placeholder('video')]);
  }

  private placeholder(kind: 'audio' | 'video'): MediaStreamTrack {
    let track = this.placeholders[kind];
    if (!track) {
      if (kind === 'audio') {
        this.audioContext ??= new AudioContext();
        track = this.audioContext.createMediaStreamDestination().stream.getAudioTracks()[0]!;
      } else {
        const canvas = document.createElement('canvas');
        canvas.width = 16;
        canvas.height = 9;
        canvas.getContext('2d')?.fillRect(0, 0, 16, 9);
        track = canvas.captureStream(0).getVideoTracks()[0]!;
      }
      this.placeholders[kind] = track;
    }
    return track;
  }

  /** Send another track (or none) on every call: camera on/off, a new device. No renegotiation. */
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): void {
    for (const remote of this.remotes.values()) {
      const transceiver = remote.media?.peerConnection?.getTransceivers().find((t) => t.receiver.track.kind === kind);
      transceiver?.sender.replaceTrack(track).catch(() => undefined);
    }
  }

  /** The screen being presented instead of the camera, if any. */
  screen: MediaStreamTrack | null = null;

  /** Present the screen (the browser asks which). `onEnded` runs when the browser's own "Stop sharing" ends it. */
  async startScreen(onEnded: () => void): Promise<void> {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = stream.getVideoTracks()[0]!;
    if (this.left) return track.stop();
    // Text and detail: keep the resolution (lower the frame rate instead) when bandwidth or CPU is short.
    track.contentHint = 'detail';
    track.addEventListener('ended', () => this.screen === track && onEnded());
    this.screen = track;
    this.replaceTrack('video', track);
  }

  /** Stop presenting and send `camera` (or nothing) again. */
  stopScreen(camera: MediaStreamTrack | null): void {
    const track = this.screen;
    if (!track) return;
    this.screen = null;
    track.stop();
    if (!this.left) this.replaceTrack('video', camera);
  }

  /** Tell everyone our name and media state. */
  broadcastState(): void {
    this.broadcast({ v: 1, t: 'state', ...this.local() });
  }

  broadcast(message: PeerMessage): void {
    for (const remote of this.remotes.values()) this.send(remote, message);
  }

  /** Send to one participant; false when their data connection is not open. */
  sendTo(peer: string, message: PeerMessage): boolean {
    const remote = this.remotes.get(peer);
    return !!remote && this.send(remote, message);
  }

  /** Participants whose data connection is open. */
  openPeers(): string[] {
    return [...this.remotes.values()].filter((r) => r.dataOpen).map((r) => r.id);
  }

  /** The data channel to a participant, for flow control. */
  channel(peer: string): RTCDataChannel | undefined {
    const remote = this.remotes.get(peer);
    return remote?.dataOpen ? remote.data?.dataChannel : undefined;
  }

  private send(remote: Remote, message: PeerMessage): boolean {
    if (!remote.dataOpen || !remote.data) return false;
    try {
      void Promise.resolve(remote.data.send(message)).catch(() => undefined);
      return true;
    } catch {
      // A closing channel: the departure is handled by its close event.
      return false;
    }
  }

  private remote(id: string, name: string): Remote {
    let remote = this.remotes.get(id);
    if (!remote) {
      const now = Date.now();
      remote = {
        id, name, connection: 'connecting', audioMuted: false, videoMuted: false, screenSharing: false,
        media: undefined, data: undefined, stream: undefined, dataOpen: false,
        since: now, lastSeen: now, suspectSince: 0, announced: false, dialer: false, redials: 0, dialedAt: 0, redialing: false,
      };
      this.remotes.set(id, remote);
      this.events.participantJoin(this.participant(remote));
      this.host.requestUpdate();
    }
    return remote;
  }

  /** Newcomer → member: one media call and one data connection. */
  private dial(id: string, name: string): void {
    if (!this.peer || this.left) return;
    const remote = this.remote(id, name);
    remote.dialer = true;
    remote.dialedAt = Date.now();
    const metadata = { name: this.local().name };
    this.watchMedia(remote, this.peer.call(id, this.sendStream(), { metadata }));
    this.watchData(remote, this.peer.connect(id, { reliable: true, serialization: 'json', metadata }));
  }

  /** Send the first frames of a new call small (FAST_START_SCALE); a browser that refuses keeps the full size. */
  private fastStart(pc: RTCPeerConnection): void {
    const sender = pc.getSenders().find((s) => s.track?.kind === 'video');
    const params = sender?.getParameters();
    const encoding = params?.encodings?.[0];
    if (!sender || !encoding) return;
    encoding.scaleResolutionDownBy = Math.max(FAST_START_SCALE, encoding.scaleResolutionDownBy ?? 1);
    sender.setParameters(params).catch(() => undefined);
  }

  private acceptMedia(call: MediaConnection): void {
    const meta = parseMetadata(call.metadata);
    if (this.left || !PEER_ID.test(call.peer) || !meta) return void call.close();
    const remote = this.remote(call.peer, meta.name);
    // A re-dial: the new call gets a full window to connect.
    if (remote.connection === 'reconnecting') remote.since = Date.now();
    call.answer(this.sendStream());
    this.watchMedia(remote, call);
    // Tracks that changed since the stand-ins went in (e.g. the camera was off when the call arrived).
    const { audio, video } = this.tracks();
    if (video) this.replaceTrack('video', video);
    if (audio) this.replaceTrack('audio', audio);
  }

  private acceptData(conn: DataConnection): void {
    const meta = parseMetadata(conn.metadata);
    if (this.left || !PEER_ID.test(conn.peer) || !meta || conn.serialization !== 'json') return void conn.close();
    this.watchData(this.remote(conn.peer, meta.name), conn);
  }

  private watchMedia(remote: Remote, call: MediaConnection): void {
    if (remote.media && remote.media !== call) remote.media.close();
    remote.media = call;
    call.on('stream', (stream) => {
      if (remote.media !== call) return;
      remote.stream = stream;
      this.refresh(remote);
    });
    // PeerJS closes a call itself when ICE fails: while the call is still ours, that is a failure to recover from.
    call.on('close', () => {
      if (remote.media === call) this.lost(remote);
    });
    call.on('error', () => undefined);
    const pc = call.peerConnection;
    if (pc && !this.screen) this.fastStart(pc);
    pc?.addEventListener('connectionstatechange', () => {
      if (remote.media !== call) return;
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.lost(remote);
      else this.refresh(remote);
    });
  }

  private watchData(remote: Remote, conn: DataConnection): void {
    if (remote.data && remote.data !== conn) remote.data.close();
    remote.data = conn;
    remote.dataOpen = false;
    // PeerJS decodes frames without a guard: a non-binary, oversized, non-JSON or `null` frame would throw in
    // its message handler. Check the frame first and count what cannot be read.
    const read: unknown = Reflect.get(conn, FRAME_READER);
    if (typeof read === 'function') {
      Reflect.set(conn, FRAME_READER, (event: MessageEvent) => {
        const frame: unknown = event.data;
        if (!(frame instanceof ArrayBuffer) || frame.byteLength > MAX_FRAME) return void this.invalid++;
        try {
          read.call(conn, event);
        } catch {
          this.invalid++;
        }
      });
    }
    conn.on('open', () => {
      if (remote.data !== conn) return;
      remote.dataOpen = true;
      // Silence counts from here: a connection that took long to come up is not a silent one.
      remote.lastSeen = Date.now();
      this.send(remote, { v: 1, t: 'hello', ...this.local() });
      this.events.dataOpen(remote.id);
      this.refresh(remote);
    });
    conn.on('data', (data) => {
      if (remote.data === conn) this.receive(remote, data);
    });
    conn.on('close', () => {
      if (remote.data !== conn) return;
      // Closed while the media path is down, or while re-dialling: a failure to recover from, not a goodbye.
      const pcState = remote.media?.peerConnection?.connectionState;
      if (remote.connection === 'reconnecting' || pcState === 'failed' || pcState === 'disconnected') {
        remote.dataOpen = false;
        this.lost(remote);
      } else {
        this.drop(remote, 'left');
      }
    });
    conn.on('error', () => undefined);
  }

  private receive(remote: Remote, data: unknown): void {
    remote.lastSeen = Date.now();
    const message = parsePeerMessage(data);
    if (!message) return void this.invalid++;
    switch (message.t) {
      case 'hello':
      case 'state':
        remote.name = message.name;
        remote.audioMuted = message.audioMuted;
        remote.videoMuted = message.videoMuted;
        remote.screenSharing = message.screenSharing;
        this.refresh(remote, true);
        break;
      case 'bye':
        this.drop(remote, 'left');
        break;
      case 'ping':
        break;
      default:
        this.events.message(remote.id, message);
    }
  }

  /** Recompute a participant's connection state; tell the element when it (or, with `changed`, anything) changed. */
  private refresh(remote: Remote, changed = false): void {
    if (!this.remotes.has(remote.id)) return;
    const pcState = remote.media?.peerConnection?.connectionState;
    const next: ConnectionState =
      remote.stream && remote.dataOpen && pcState === 'connected'
        ? 'connected'
        : remote.connection !== 'connecting' && pcState === 'disconnected'
          ? 'reconnecting'
          : remote.connection;
    if (next === 'connected') remote.redials = 0;
    if (next === remote.connection && !changed) return;
    // A short outage (ICE `disconnected`) gets the same CONNECT_TIMEOUT to recover as a failure.
    if (next === 'reconnecting' && remote.connection !== 'reconnecting') remote.since = Date.now();
    remote.connection = next;
    this.events.participantUpdate(this.participant(remote));
    this.host.requestUpdate();
  }

  /** Remove a participant and close its connections. Idempotent. */
  private drop(remote: Remote, reason: LeaveReason): void {
    if (this.remotes.get(remote.id) !== remote) return;
    this.remotes.delete(remote.id);
    const media = remote.media;
    const data = remote.data;
    remote.media = undefined;
    remote.data = undefined;
    media?.close();
    data?.close();
    // Never reached, or given up on: their connection failed.
    if (reason === 'unreachable') remote.connection = 'failed';
    this.events.participantLeave(this.participant(remote), reason);
    this.host.requestUpdate();
  }

  private beat(): void {
    const now = Date.now();
    for (const remote of [...this.remotes.values()]) {
      this.send(remote, { v: 1, t: 'ping' });
      const silent = now - remote.lastSeen > SILENCE_LIMIT;
      if (remote.suspectSince && remote.lastSeen < remote.suspectSince && now - remote.suspectSince > SUSPECT_GRACE) {
        // The server saw their socket go and they have been silent since: gone.
        this.drop(remote, 'disconnected');
      } else if (remote.connection !== 'connected' && now - remote.since > CONNECT_TIMEOUT) {
        this.drop(remote, 'unreachable');
      } else if (silent && remote.connection !== 'connecting') {
        // Silent, but the server still counts them in: their path to us broke (re-dial if we dialled);
        // with our own server connection down we cannot tell, so they are gone.
        if (this.serverConnected && !remote.suspectSince) this.lost(remote);
        else this.drop(remote, 'timeout');
      } else if (remote.lastSeen > remote.suspectSince) {
        remote.suspectSince = 0;
      }
    }
  }

  private onPeerError(error: PeerError<string>): void {
    if (error.type === 'peer-unavailable') {
      // "Could not connect to peer <id>": a member of the snapshot never arrived.
      const id = /([0-9a-f]{32})/.exec(error.message)?.[1];
      const remote = id ? this.remotes.get(id) : undefined;
      if (remote) this.drop(remote, 'unreachable');
    }
  }

  private setServerConnected(connected: boolean): void {
    if (this.serverConnected === connected) return;
    this.serverConnected = connected;
    this.events.serverConnection(connected);
    this.host.requestUpdate();
  }

  /**
   * The signaling socket closed: keep the calls, renew the ticket (which may have expired meanwhile) and
   * re-register, with jittered exponential backoff.
   */
  private onServerLost(): void {
    if (this.left || !this.peer || this.peer.destroyed) return;
    this.setServerConnected(false);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.reregister(), backoff(this.reconnectAttempt++, 250, RECONNECT_MAX_DELAY));
  }

  private async reregister(): Promise<void> {
    const peer = this.peer;
    if (this.left || !peer || peer.destroyed || !peer.disconnected) return;
    try {
      await this.renew();
    } catch (error) {
      // Refused (token expired, no provider): say so once; the call itself goes on peer to peer.
      if (error instanceof WidgetError && error.code === 'forbidden' && !this.refused) {
        this.refused = true;
        this.events.error(error);
      }
      return this.onServerLost();
    }
    this.refused = false;
    if (this.left || this.peer !== peer || peer.destroyed || !peer.disconnected) return;
    try {
      peer.reconnect();
    } catch {
      this.onServerLost();
    }
  }

  /**
   * The path to a participant broke (ICE failed, or silence while the server still counts them in): show them
   * as reconnecting and, if we dialled them, dial again with fresh ICE servers. They have CONNECT_TIMEOUT to
   * come back before they are dropped.
   */
  private lost(remote: Remote): void {
    if (this.remotes.get(remote.id) !== remote || this.left) return;
    if (remote.connection !== 'reconnecting') {
      remote.connection = 'reconnecting';
      remote.since = Date.now();
      this.events.participantUpdate(this.participant(remote));
      this.host.requestUpdate();
    }
    // One re-dial at a time, and a new one only once the last has had REDIAL_SPACING to connect.
    if (remote.dialer && !remote.redialing && remote.redials < MAX_REDIALS && Date.now() - remote.dialedAt > REDIAL_SPACING) {
      remote.redials++;
      remote.redialing = true;
      void this.redial(remote).finally(() => (remote.redialing = false));
    }
  }

  private async redial(remote: Remote): Promise<void> {
    await this.renew().catch(() => undefined);
    // Gone meanwhile, or the path came back by itself while we renewed (a late message after a silence):
    // tearing down a working call would only cause the outage we meant to repair.
    if (this.remotes.get(remote.id) !== remote || this.left || remote.connection === 'connected') return;
    const { media, data } = remote;
    remote.media = undefined;
    remote.data = undefined;
    remote.stream = undefined;
    remote.dataOpen = false;
    media?.close();
    data?.close();
    remote.since = Date.now();
    this.dial(remote.id, remote.name);
  }

  /** The public view of a remote participant, if they are in the call. */
  participantOf(id: string): Participant | undefined {
    const remote = this.remotes.get(id);
    return remote && this.participant(remote);
  }

  private participant(remote: Remote): Participant {
    const { id, name, audioMuted, videoMuted, screenSharing, connection } = remote;
    return { id, name, self: false, audioMuted, videoMuted, screenSharing, connection };
  }

  /** Say goodbye, close every connection and stop the stand-in tracks. Idempotent. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    this.stopScreen(null);
    removeEventListener('pagehide', this.onPageHide);
    clearInterval(this.heartbeat);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.iceTimer);
    this.broadcast({ v: 1, t: 'bye' });
    // Let the goodbyes leave the send buffers (bounded), so others remove our tile at once.
    const channels = [...this.remotes.values()].map((r) => r.data?.dataChannel).filter((c) => c?.readyState === 'open');
    for (let waited = 0; waited < 500 && channels.some((c) => c!.bufferedAmount > 0); waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const peer = this.peer;
    this.remotes.clear();
    this.peer = undefined;
    // PeerJS's destroy() walks each peer's connection list while closing removes entries from it, so it skips
    // some (a data connection still offering stays open for good). Close every one ourselves first.
    for (const list of Object.values(peer?.connections ?? {}) as Array<Array<{ close(): void }>>) {
      for (const connection of [...list]) connection.close();
    }
    peer?.destroy();
    for (const track of Object.values(this.placeholders)) track.stop();
    this.placeholders = {};
    await this.audioContext?.close().catch(() => undefined);
    this.audioContext = undefined;
    this.serverConnected = false;
    this.host.removeController(this);
  }
}
