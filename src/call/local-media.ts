/**
 * LocalMedia: what we send. Our name and media state as we tell the others, the tracks every call carries (the
 * microphone, and the screen while presenting, else the camera, with silent/blank stand-ins for what is off),
 * swapping a track on every call without renegotiation, and presenting the screen.
 */
import type { WidgetHost } from '../core/host.js';
import type { MediaState } from '../protocol/wire.js';

export interface LocalState extends MediaState {
  name: string;
}

/** What the local media needs from the call. */
export interface LocalMediaLink {
  /** The call was left. */
  ended(): boolean;
  /** The RTCPeerConnection of every media call (undefined where PeerJS has none yet). */
  peerConnections(): Iterable<RTCPeerConnection | undefined>;
}

export class LocalMedia {
  /** The screen being presented instead of the camera, if any. */
  screen: MediaStreamTrack | null = null;
  #audioContext: AudioContext | undefined;
  #placeholders: { audio?: MediaStreamTrack; video?: MediaStreamTrack } = {};
  readonly #host: Pick<WidgetHost, 'media' | 'selfName'>;
  readonly #link: LocalMediaLink;

  constructor(
    host: Pick<WidgetHost, 'media' | 'selfName'>,
    link: LocalMediaLink,
  ) {
    this.#link = link;
    this.#host = host;
  }

  /** Our name and media state, as we tell the others. */
  state(): LocalState {
    const { media } = this.#host;
    return { name: this.#host.selfName, audioMuted: !media.micOn, videoMuted: !media.camOn && !this.screen, screenSharing: !!this.screen };
  }

  /** The tracks we send: the microphone, and the screen while presenting, else the camera. */
  tracks(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } {
    const { media } = this.#host;
    return { audio: media.audioTrack, video: this.screen ?? media.videoTrack };
  }

  /** The stream a new call sends: the live tracks, with silent/blank stand-ins so both m-lines always exist. */
  sendStream(): MediaStream {
    const { audio, video } = this.tracks();
    return new MediaStream([audio ?? this.#placeholder('audio'), video ?? this.#placeholder('video')]);
  }

  #placeholder(kind: 'audio' | 'video'): MediaStreamTrack {
    let track = this.#placeholders[kind];
    if (!track) {
      if (kind === 'audio') {
        this.#audioContext ??= new AudioContext();
        track = this.#audioContext.createMediaStreamDestination().stream.getAudioTracks()[0]!;
      } else {
        const canvas = document.createElement('canvas');
        canvas.width = 16;
        canvas.height = 9;
        canvas.getContext('2d')?.fillRect(0, 0, 16, 9);
        track = canvas.captureStream(0).getVideoTracks()[0]!;
      }
      this.#placeholders[kind] = track;
    }
    return track;
  }

  /** Send another track (or none) on every call: camera on/off, a new device. No renegotiation. */
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): void {
    for (const pc of this.#link.peerConnections()) {
      const transceiver = pc?.getTransceivers().find((t) => t.receiver.track.kind === kind);
      transceiver?.sender.replaceTrack(track).catch(() => undefined);
    }
  }

  /** Present the screen (the browser asks which). `onEnded` runs when the browser's own "Stop sharing" ends it. */
  async startScreen(onEnded: () => void): Promise<void> {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = stream.getVideoTracks()[0]!;
    if (this.#link.ended()) return track.stop();
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
    if (!this.#link.ended()) this.replaceTrack('video', camera);
  }

  /** Stop the stand-in tracks and close the audio context behind the silent one. */
  async release(): Promise<void> {
    for (const track of Object.values(this.#placeholders)) track.stop();
    this.#placeholders = {};
    await this.#audioContext?.close().catch(() => undefined);
    this.#audioContext = undefined;
  }
}
