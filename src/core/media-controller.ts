/**
 * MediaController: the local camera and microphone. Acquires them, turns them on and off (the camera is
 * released when off, so its light goes out), maps getUserMedia failures to error codes, and releases
 * everything when the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { WidgetError, type ErrorCode } from './types.js';

const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/** The error code for a getUserMedia failure. */
export function mediaErrorCode(error: unknown): ErrorCode {
  const name = error instanceof Error || error instanceof DOMException ? error.name : undefined;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'permission-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'TypeError') return 'no-device';
  if (name === 'NotReadableError' || name === 'AbortError' || name === 'TrackStartError') return 'device-in-use';
  return 'no-device';
}

/** Chosen devices (`deviceId`s), remembered per site. */
export interface DeviceChoice {
  audioInput?: string;
  videoInput?: string;
  audioOutput?: string;
}

export type TrackListener = (kind: 'audio' | 'video', track: MediaStreamTrack | null) => void;

export class MediaController implements ReactiveController {
  /** The live microphone track (enabled or muted), or null when there is none. */
  audioTrack: MediaStreamTrack | null = null;
  /** The live camera track, or null when the camera is off. */
  videoTrack: MediaStreamTrack | null = null;
  /** Whether the person wants the microphone on (it may be on without a track while acquiring). */
  micOn = true;
  camOn = true;
  /** The last acquisition failure, cleared by a success. */
  error: ErrorCode | null = null;
  /** Told whenever the track to send changes (a call replaces its senders' tracks). */
  onTrack: TrackListener | undefined;
  /** The devices to use (ideal: another is taken when one is gone); the devices chunk fills in the remembered ones. */
  ids: DeviceChoice = {};
  #run = 0;
  readonly #host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.release();
  }

  /** getUserMedia constraints for one kind, with the chosen device. */
  constraints(kind: 'audio' | 'video', id = this.ids[kind === 'audio' ? 'audioInput' : 'videoInput']): MediaTrackConstraints {
    return { ...(kind === 'audio' ? AUDIO : VIDEO), ...(id && { deviceId: { ideal: id } }) };
  }

  /** A stream with the camera for the self view, or null; the same one while the camera is (re-rendering keeps it playing). */
  get preview(): MediaStream | null {
    const track = this.videoTrack;
    if (this.#view?.getTracks()[0] !== track) this.#view = track && new MediaStream([track]);
    return this.#view;
  }
  #view: MediaStream | null = null;

  /**
   * Acquire what is wanted and not held yet. Resolves when done; a failure sets `error`, turns the failed
   * device off and rethrows a WidgetError.
   */
  async acquire(): Promise<void> {
    const run = ++this.#run;
    const wantAudio = this.micOn && !this.audioTrack;
    const wantVideo = this.camOn && !this.videoTrack;
    if (!wantAudio && !wantVideo) return;
    if (!navigator.mediaDevices?.getUserMedia) {
      this.#fail('unsupported-browser', true, true);
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: wantAudio && this.constraints('audio'), video: wantVideo && this.constraints('video') });
    } catch (error) {
      if (run !== this.#run) return;
      const code = mediaErrorCode(error);
      // One of two devices missing or busy: keep the other.
      if (wantAudio && wantVideo && code !== 'permission-denied') {
        const [audio, video] = await Promise.allSettled([this.#single('audio', run), this.#single('video', run)]);
        if (run !== this.#run) return;
        if (audio.status === 'fulfilled' || video.status === 'fulfilled') {
          if (audio.status === 'rejected') this.micOn = false;
          if (video.status === 'rejected') this.camOn = false;
          this.error = null;
          this.#host.requestUpdate();
          return;
        }
      }
      this.#fail(code, wantAudio, wantVideo);
    }
    if (run !== this.#run) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    for (const track of stream.getTracks()) this.adopt(track);
    this.error = null;
    this.#host.requestUpdate();
  }

  async #single(kind: 'audio' | 'video', run: number): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia({ [kind]: this.constraints(kind) });
    const track = stream.getTracks()[0]!;
    if (run !== this.#run) return track.stop();
    this.adopt(track);
  }

  #fail(code: ErrorCode, audio: boolean, video: boolean): never {
    this.error = code;
    if (audio) this.micOn = false;
    if (video) this.camOn = false;
    this.#host.requestUpdate();
    throw new WidgetError(code, code);
  }

  /** Use `track` (a new one from a device); tells `onTrack`. */
  adopt(track: MediaStreamTrack): void {
    if (track.kind === 'audio') {
      this.audioTrack = track;
      track.enabled = this.micOn;
    } else {
      this.videoTrack = track;
    }
    // A device unplugged or revoked: turn it off rather than send a dead track.
    track.addEventListener('ended', () => {
      if (track.kind === 'audio' && this.audioTrack === track) {
        this.audioTrack = null;
        this.micOn = false;
      } else if (this.videoTrack === track) {
        this.videoTrack = null;
        this.camOn = false;
      } else return;
      this.onTrack?.(track.kind as 'audio' | 'video', null);
      this.#host.requestUpdate();
    });
    this.onTrack?.(track.kind as 'audio' | 'video', track);
  }

  /** Microphone on/off. Muting keeps the device (instant unmute); turning on without a device acquires one. */
  async setMicrophone(on: boolean): Promise<void> {
    this.micOn = on;
    if (this.audioTrack) this.audioTrack.enabled = on;
    this.#host.requestUpdate();
    if (on && !this.audioTrack) await this.acquire();
  }

  /** Camera on/off. Off releases the camera (its light goes out); on acquires it again. */
  async setCamera(on: boolean): Promise<void> {
    this.camOn = on;
    if (!on && this.videoTrack) {
      this.videoTrack.stop();
      this.videoTrack = null;
      this.onTrack?.('video', null);
    }
    this.#host.requestUpdate();
    if (on && !this.videoTrack) await this.acquire();
  }

  /** Stop every track. Safe to call more than once. */
  release(): void {
    this.#run++;
    for (const track of [this.audioTrack, this.videoTrack]) track?.stop();
    this.audioTrack = null;
    this.videoTrack = null;
    this.#host.requestUpdate();
  }
}
