/**
 * Connections: the media call and the JSON data connection to each participant. Dials (newcomer → member: one of
 * each), answers what members receive, and watches both — the stream arriving, the data connection opening and
 * closing, the RTCPeerConnection's state — into the roster. Inbound peer messages are validated here: state and
 * goodbyes are the call's own, the rest (chat, history, recording, the host page's data) is passed on. Beside the
 * JSON channel, each data connection's RTCPeerConnection carries the files channel: binary frames for file sharing
 * (`files/frames.ts`), negotiated with a fixed id at both ends so it needs no signaling of its own.
 */
import type { DataConnection, MediaConnection, Peer, PeerError } from 'peerjs';
import { PEER_ID } from '../protocol/limits.js';
import { MAX_FILE_FRAME, parseMetadata, parsePeerMessage } from '../protocol/parse.js';
import type { PeerMessage } from '../protocol/wire.js';
import type { LocalMedia } from './local-media.js';
import { fastStart, guardFrames } from './peerjs-fixes.js';
import type { Remote, Roster } from './roster.js';

/** What the call passes on to chat and files. */
export type AppMessage = Exclude<PeerMessage, { t: 'hello' | 'state' | 'ping' | 'bye' }>;

/** What the connections need from the call. */
export interface ConnectionsLink {
  /** The current PeerJS peer; undefined before joining and after leaving. */
  peer(): Pick<Peer, 'call' | 'connect'> | undefined;
  /** The call was left. */
  ended(): boolean;
  readonly roster: Pick<Roster, 'remotes' | 'add' | 'refresh' | 'drop' | 'send'>;
  readonly local: Pick<LocalMedia, 'screen' | 'state' | 'tracks' | 'sendStream' | 'replaceTrack'>;
  /** The path to them broke (see Liveness.lost). */
  lost(remote: Remote): void;
  /** A data connection opened (first time or again). */
  dataOpen(peer: string): void;
  /** Chat, history, recording and data messages, validated. */
  message(from: string, message: AppMessage): void;
  /** A frame of the files channel, at most MAX_FILE_FRAME bytes. */
  fileFrame(from: string, frame: ArrayBuffer): void;
}

/** The files channel's SCTP stream id: negotiated, so both ends open it with this id and nothing is signalled. */
const FILES_CHANNEL = 7;

export class Connections {
  /** Inbound peer messages that failed validation and were dropped. */
  invalid = 0;
  readonly #link: ConnectionsLink;

  constructor(link: ConnectionsLink) {
    this.#link = link;
  }

  /** Newcomer → member: one media call and one data connection. */
  dial(id: string): void {
    const peer = this.#link.peer();
    if (!peer || this.#link.ended()) return;
    const { roster, local } = this.#link;
    const remote = roster.add(id);
    remote.dialer = true;
    remote.dialedAt = Date.now();
    // The name rides along for widgets of before vouched names; ours name a tile only as the server says.
    const metadata = { name: local.state().name };
    this.#watchMedia(remote, peer.call(id, local.sendStream(), { metadata }));
    this.#watchData(remote, peer.connect(id, { reliable: true, serialization: 'json', metadata }));
  }

  acceptMedia(call: MediaConnection): void {
    const meta = parseMetadata(call.metadata);
    if (this.#link.ended() || !PEER_ID.test(call.peer) || !meta) return void call.close();
    const { roster, local } = this.#link;
    const remote = roster.add(call.peer);
    // A re-dial: the new call gets a full window to connect.
    if (remote.connection === 'reconnecting') remote.since = Date.now();
    call.answer(local.sendStream());
    this.#watchMedia(remote, call);
    // Tracks that changed since the stand-ins went in (e.g. the camera was off when the call arrived).
    const { audio, video } = local.tracks();
    if (video) local.replaceTrack('video', video);
    if (audio) local.replaceTrack('audio', audio);
  }

  acceptData(conn: DataConnection): void {
    const meta = parseMetadata(conn.metadata);
    if (this.#link.ended() || !PEER_ID.test(conn.peer) || !meta || conn.serialization !== 'json') return void conn.close();
    this.#watchData(this.#link.roster.add(conn.peer), conn);
  }

  /** PeerJS reports an error on the peer. */
  peerError(error: PeerError<string>): void {
    if (error.type === 'peer-unavailable') {
      // "Could not connect to peer <id>": a member of the snapshot never arrived.
      const id = /([0-9a-f]{32})/.exec(error.message)?.[1];
      const remote = id ? this.#link.roster.remotes.get(id) : undefined;
      if (remote) this.#link.roster.drop(remote, 'unreachable');
    }
  }

  #watchMedia(remote: Remote, call: MediaConnection): void {
    const { roster } = this.#link;
    if (remote.media && remote.media !== call) remote.media.close();
    remote.media = call;
    call.on('stream', (stream) => {
      if (remote.media !== call) return;
      remote.stream = stream;
      roster.refresh(remote);
    });
    // PeerJS closes a call itself when ICE fails: while the call is still ours, that is a failure to recover from.
    call.on('close', () => {
      if (remote.media === call) this.#link.lost(remote);
    });
    call.on('error', () => undefined);
    const pc = call.peerConnection;
    if (pc && !this.#link.local.screen) fastStart(pc);
    pc?.addEventListener('connectionstatechange', () => {
      if (remote.media !== call) return;
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.#link.lost(remote);
      else roster.refresh(remote);
    });
  }

  #watchData(remote: Remote, conn: DataConnection): void {
    const { roster } = this.#link;
    if (remote.data && remote.data !== conn) remote.data.close();
    remote.data = conn;
    remote.dataOpen = false;
    guardFrames(conn, () => void this.invalid++);
    // Made at both ends before the connection is up (the dialer's offer, the member's answer): frames never reach
    // an end that has no channel for them yet.
    const files = conn.peerConnection?.createDataChannel('vcw-files', { negotiated: true, id: FILES_CHANNEL });
    remote.files = files;
    if (files) {
      files.binaryType = 'arraybuffer';
      files.onmessage = ({ data }: MessageEvent) => {
        if (remote.data !== conn) return;
        remote.lastSeen = Date.now();
        if (data instanceof ArrayBuffer && data.byteLength <= MAX_FILE_FRAME) this.#link.fileFrame(remote.id, data);
        else this.invalid++;
      };
    }
    conn.on('open', () => {
      if (remote.data !== conn) return;
      remote.dataOpen = true;
      // Silence counts from here: a connection that took long to come up is not a silent one.
      remote.lastSeen = Date.now();
      roster.send(remote, { v: 1, t: 'hello', ...this.#link.local.state() });
      this.#link.dataOpen(remote.id);
      roster.refresh(remote);
    });
    conn.on('data', (data) => {
      if (remote.data === conn) this.#receive(remote, data);
    });
    conn.on('close', () => {
      if (remote.data !== conn) return;
      // Closed while the media path is down, or while re-dialling: a failure to recover from, not a goodbye.
      const pcState = remote.media?.peerConnection?.connectionState;
      if (remote.connection === 'reconnecting' || pcState === 'failed' || pcState === 'disconnected') {
        remote.dataOpen = false;
        this.#link.lost(remote);
      } else {
        roster.drop(remote, 'left');
      }
    });
    conn.on('error', () => undefined);
  }

  #receive(remote: Remote, data: unknown): void {
    remote.lastSeen = Date.now();
    const message = parsePeerMessage(data);
    if (!message) return void this.invalid++;
    switch (message.t) {
      case 'hello':
      case 'state':
        // The name a peer gives itself is ignored: tiles show the one the server vouches for (Roster.vouch).
        remote.audioMuted = message.audioMuted;
        remote.videoMuted = message.videoMuted;
        remote.screenSharing = message.screenSharing;
        this.#link.roster.refresh(remote, true);
        break;
      case 'bye':
        this.#link.roster.drop(remote, 'left');
        break;
      case 'ping':
        break;
      default:
        this.#link.message(remote.id, message);
    }
  }
}
