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
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { PEER_ID, parseApiError, parseJoinResponse, parseMetadata, parsePeerMessage, parseRoomLeave, type JoinResponse, type MediaState, type PeerMessage } from '../protocol.js';
import { WidgetError, type ConnectionState, type ErrorCode, type LeaveReason, type Participant } from '../types.js';

const OPEN_TIMEOUT = 10_000;
const CONNECT_TIMEOUT = 15_000;
const HEARTBEAT_EVERY = 1_500;
const SILENCE_LIMIT = 8_000;
/** After the server says a member's socket went away: how long their heartbeat has to prove them alive. */
const SUSPECT_GRACE = 2_500;
const RECONNECT_MAX_DELAY = 5_000;

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
  message(from: string, message: PeerMessage & { t: 'chat' }): void;
}

export interface JoinOptions {
  server: string;
  room: string;
  name: string;
  token: string | null;
  signal: AbortSignal;
  /** `relay`: only relayed (TURN) candidates; anything else: all candidates. */
  iceTransport?: string | undefined;
}

/** The room API's error code → the widget's error code. */
function apiErrorCode(status: number, code: string | undefined): ErrorCode {
  if (code === 'invalid-room') return 'invalid-room';
  if (code === 'room-full' || status === 409) return 'room-full';
  if (code === 'forbidden' || status === 401 || status === 403) return 'forbidden';
  return 'server-unreachable';
}

export class CallController implements ReactiveController {
  selfId = '';
  serverConnected = false;
  readonly remotes = new Map<string, Remote>();
  private peer: Peer | undefined;
  private left = false;
  private reconnectAttempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private audioContext: AudioContext | undefined;
  private placeholders: { audio?: MediaStreamTrack; video?: MediaStreamTrack } = {};
  private readonly onPageHide = () => this.broadcast({ v: 1, t: 'bye' });

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly events: CallEvents,
    private readonly local: () => LocalState,
    private readonly tracks: () => { audio: MediaStreamTrack | null; video: MediaStreamTrack | null },
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    void this.leave();
  }

  /** Join the room. Resolves once registered and dialling; rejects with a WidgetError. */
  async join({ server, room, name, token, signal, iceTransport }: JoinOptions): Promise<void> {
    if (typeof RTCPeerConnection === 'undefined') throw new WidgetError('unsupported-browser', 'WebRTC is not available');
    const answer = await this.requestSeat(server, room, name, token, signal);
    signal.throwIfAborted();
    this.selfId = answer.peerId;
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
      const gone = parseRoomLeave(message);
      const remote = gone ? this.remotes.get(gone) : undefined;
      if (remote) {
        remote.suspectSince = Date.now();
        if (remote.connection !== 'connected') this.drop(remote, 'disconnected');
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

  private async requestSeat(server: string, room: string, name: string, token: string | null, signal: AbortSignal): Promise<JoinResponse> {
    const base = server.endsWith('/') ? server : `${server}/`;
    let response: Response;
    try {
      response = await fetch(new URL(`api/rooms/${encodeURIComponent(room)}/join`, base), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ name }),
        signal,
      });
    } catch (error) {
      signal.throwIfAborted();
      throw new WidgetError('server-unreachable', `The call server at ${base} cannot be reached.`);
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const problem = parseApiError(body);
      throw new WidgetError(apiErrorCode(response.status, problem?.error), problem?.message ?? `The call server answered ${response.status}.`);
    }
    const answer = parseJoinResponse(body);
    if (!answer) throw new WidgetError('server-unreachable', 'The call server sent an answer this widget does not understand.');
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

  private send(remote: Remote, message: PeerMessage): void {
    if (!remote.dataOpen || !remote.data) return;
    try {
      void Promise.resolve(remote.data.send(message)).catch(() => undefined);
    } catch {
      // A closing channel: the departure is handled by its close event.
    }
  }

  private remote(id: string, name: string): Remote {
    let remote = this.remotes.get(id);
    if (!remote) {
      const now = Date.now();
      remote = {
        id, name, connection: 'connecting', audioMuted: false, videoMuted: false, screenSharing: false,
        media: undefined, data: undefined, stream: undefined, dataOpen: false,
        since: now, lastSeen: now, suspectSince: 0, announced: false,
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
    const metadata = { name: this.local().name };
    this.watchMedia(remote, this.peer.call(id, this.sendStream(), { metadata }));
    this.watchData(remote, this.peer.connect(id, { reliable: true, serialization: 'json', metadata }));
  }

  private acceptMedia(call: MediaConnection): void {
    const meta = parseMetadata(call.metadata);
    if (this.left || !PEER_ID.test(call.peer) || !meta) return void call.close();
    const remote = this.remote(call.peer, meta.name);
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
    call.on('close', () => {
      if (remote.media === call) this.drop(remote, 'disconnected');
    });
    call.on('error', () => undefined);
    const pc = call.peerConnection;
    pc?.addEventListener('connectionstatechange', () => {
      if (remote.media !== call) return;
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.drop(remote, 'disconnected');
      else this.refresh(remote);
    });
  }

  private watchData(remote: Remote, conn: DataConnection): void {
    if (remote.data && remote.data !== conn) remote.data.close();
    remote.data = conn;
    remote.dataOpen = false;
    conn.on('open', () => {
      if (remote.data !== conn) return;
      remote.dataOpen = true;
      this.send(remote, { v: 1, t: 'hello', ...this.local() });
      this.refresh(remote);
    });
    conn.on('data', (data) => {
      if (remote.data === conn) this.receive(remote, data);
    });
    conn.on('close', () => {
      if (remote.data === conn) this.drop(remote, 'left');
    });
    conn.on('error', () => undefined);
  }

  private receive(remote: Remote, data: unknown): void {
    remote.lastSeen = Date.now();
    const message = parsePeerMessage(data);
    if (!message) return;
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
      case 'chat':
        this.events.message(remote.id, message);
        break;
      case 'ping':
        break;
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
    if (next === remote.connection && !changed) return;
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
    this.events.participantLeave(this.participant(remote), reason);
    this.host.requestUpdate();
  }

  private beat(): void {
    const now = Date.now();
    for (const remote of [...this.remotes.values()]) {
      this.send(remote, { v: 1, t: 'ping' });
      if (remote.connection !== 'connected') {
        if (now - remote.since > CONNECT_TIMEOUT) this.drop(remote, 'unreachable');
      } else if (now - remote.lastSeen > SILENCE_LIMIT) {
        this.drop(remote, 'timeout');
      } else if (remote.suspectSince && remote.lastSeen < remote.suspectSince && now - remote.suspectSince > SUSPECT_GRACE) {
        this.drop(remote, 'disconnected');
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

  /** The signaling socket closed: keep the calls, re-register with jittered exponential backoff. */
  private onServerLost(): void {
    if (this.left || !this.peer || this.peer.destroyed) return;
    this.setServerConnected(false);
    clearTimeout(this.reconnectTimer);
    const ceiling = Math.min(RECONNECT_MAX_DELAY, 250 * 2 ** this.reconnectAttempt++);
    this.reconnectTimer = setTimeout(() => {
      const peer = this.peer;
      if (this.left || !peer || peer.destroyed || !peer.disconnected) return;
      try {
        peer.reconnect();
      } catch {
        this.onServerLost();
      }
    }, ceiling / 2 + Math.random() * (ceiling / 2));
  }

  participant(remote: Remote): Participant {
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
    this.broadcast({ v: 1, t: 'bye' });
    // Let the goodbyes leave the send buffers (bounded), so others remove our tile at once.
    const channels = [...this.remotes.values()].map((r) => r.data?.dataChannel).filter((c) => c?.readyState === 'open');
    for (let waited = 0; waited < 500 && channels.some((c) => c!.bufferedAmount > 0); waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const peer = this.peer;
    this.remotes.clear();
    this.peer = undefined;
    peer?.destroy();
    for (const track of Object.values(this.placeholders)) track.stop();
    this.placeholders = {};
    await this.audioContext?.close().catch(() => undefined);
    this.audioContext = undefined;
    this.serverConnected = false;
    this.host.removeController(this);
  }
}
