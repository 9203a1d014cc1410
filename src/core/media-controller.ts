/**
 * MediaController: the local camera and microphone. Holds what is wanted and what is held, turns them on and off
 * (the camera is released when off, so its light goes out), and releases everything when the host leaves the
 * page. Asking the browser (getUserMedia) lives in the devices chunk (`devices/acquire.ts`), which sets
 * `acquirer`: the pre-join script cannot ask for a device at all.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { WidgetError, type ErrorCode } from './types.js';

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
  /** Bumped by `release()`: an acquisition begun before it drops what it gets. */
  run = 0;
  /** Asks the browser for what is wanted: set by the devices chunk once it is loaded. */
  acquirer: ((media: MediaController) => Promise<void>) | undefined;
  readonly #host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostDisconnected(): void {
    this.release();
  }

  /** A stream with the camera for the self view, or null; the same one while the camera is (re-rendering keeps it playing). */
  get preview(): MediaStream | null {
    const track = this.videoTrack;
    if (this.#view?.getTracks()[0] !== track) this.#view = track && new MediaStream([track]);
    return this.#view;
  }
  #view: MediaStream | null = null;

  /**
   * Acquire what is wanted and not held yet (through `acquirer`). Resolves when done; a failure sets `error`, turns
   * the failed device off and rejects with a WidgetError.
   */
  acquire(): Promise<void> {
    return this.acquirer ? this.acquirer(this) : Promise.reject(new WidgetError('no-device', 'The devices part is not loaded.'));
  }

  /** Whether every device wanted is held already: `acquire()` has nothing to ask the browser for. */
  get ready(): boolean {
    return (!this.micOn || !!this.audioTrack) && (!this.camOn || !!this.videoTrack);
  }

  /** Re-render the host (the state changed). */
  changed(): void {
    this.#host.requestUpdate();
  }

  /**
   * Microphone on/off. Muting keeps the device (instant unmute); turning on without a device acquires one, unless
   * `acquire` is false (nobody asked for the devices yet: only the wish is kept).
   */
  async setMicrophone(on: boolean, acquire = true): Promise<void> {
    this.micOn = on;
    if (this.audioTrack) this.audioTrack.enabled = on;
    this.#host.requestUpdate();
    if (on && !this.audioTrack && acquire) await this.acquire();
  }

  /** Camera on/off. Off releases the camera (its light goes out); on acquires it again. */
  async setCamera(on: boolean, acquire = true): Promise<void> {
    this.camOn = on;
    if (!on && this.videoTrack) {
      this.videoTrack.stop();
      this.videoTrack = null;
      this.onTrack?.('video', null);
    }
    this.#host.requestUpdate();
    if (on && !this.videoTrack && acquire) await this.acquire();
  }

  /** Stop every track. Safe to call more than once. */
  release(): void {
    this.run++;
    for (const track of [this.audioTrack, this.videoTrack]) track?.stop();
    this.audioTrack = null;
    this.videoTrack = null;
    this.#host.requestUpdate();
  }
}
