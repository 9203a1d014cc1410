/**
 * Switching devices during a call or before it: takes the chosen camera or microphone in place of the current
 * track (`setDevices`, remembered on this site), routes sound to the chosen speaker, and falls back to another
 * device when one is unplugged. What went wrong or changed is shown in `notice` and reported through `notify`.
 */
import type { CallHandle, HostEvent } from '../core/host.js';
import type { DeviceChoice, MediaController } from '../core/media-controller.js';
import { adopt, constraints, mediaErrorCode } from './acquire.js';
import type { Strings } from '../core/strings.js';
import { WidgetError, type ErrorCode } from '../core/types.js';
import { devicesStrings } from './strings.js';
import { KINDS, rememberChoices } from './storage.js';

/** What switching needs from the element. */
export interface SwitcherHost {
  readonly media: Pick<MediaController, 'ids' | 'audioTrack' | 'videoTrack' | 'micOn' | 'camOn' | 'onTrack' | 'changed' | 'acquire'>;
  readonly call: Pick<CallHandle, 'selfId'> | undefined;
  readonly element: { readonly renderRoot: ParentNode };
  readonly t: Pick<Strings, 'errors'>;
  notify(event: Extract<HostEvent, { type: 'error' | 'device-change' }>): void;
  requestUpdate(): void;
}

type Sink = HTMLVideoElement & { sinkId?: string; setSinkId?(id: string): Promise<void> };

export class Switcher {
  /** A device went away and another took its place, or a switch failed (shown until the next change). */
  notice = '';
  /** Tracks whose unplugging is watched already. */
  readonly #watched = new WeakSet<MediaStreamTrack>();
  /** The speaker each `<video>` was last asked to play on. */
  readonly #routed = new WeakMap<HTMLVideoElement, string>();
  readonly #host: SwitcherHost;

  constructor(host: SwitcherHost) {
    this.#host = host;
  }

  /** Switch devices without leaving the call (the new track replaces the old on every connection). */
  async setDevices(choice: DeviceChoice): Promise<void> {
    const { media } = this.#host;
    for (const key of KINDS) {
      const id = choice[key];
      if (id === undefined) continue;
      if (typeof id !== 'string') throw new WidgetError('no-device', `${key} must be a deviceId string`);
      if (key === 'audioOutput') {
        media.ids.audioOutput = id;
        await this.route(true);
        continue;
      }
      try {
        await this.#use(key === 'audioInput' ? 'audio' : 'video', id);
        // Kept once it works (or, with the camera off, for when it goes on).
        media.ids[key] = id;
      } catch (error) {
        const code = mediaErrorCode(error);
        this.notice = this.#host.t.errors[code];
        this.#host.requestUpdate();
        this.#report(code);
        throw new WidgetError(code, `Cannot use the device ${id}`);
      }
    }
    this.notice = '';
    rememberChoices(media.ids);
    this.#changed();
  }

  /** Send every unmuted media element's sound to the chosen speaker, where the browser can. */
  async route(strict = false): Promise<void> {
    const sink = this.#host.media.ids.audioOutput ?? '';
    const root = this.#host.element.renderRoot;
    for (const video of root?.querySelectorAll<Sink>('video:not([muted])') ?? []) {
      // Asked already (pending, or refused): not again every tick.
      if (!video.setSinkId || video.sinkId === sink || (!strict && this.#routed.get(video) === sink)) continue;
      this.#routed.set(video, sink);
      const done = video.setSinkId(sink);
      if (strict) {
        await done.catch((error: unknown) => {
          this.notice = this.#host.t.errors['no-device'];
          this.#report('no-device');
          throw new WidgetError('no-device', `Cannot play sound on ${sink}: ${String(error)}`);
        });
      } else done.catch(() => undefined);
    }
  }

  /** A device unplugged mid-call: take another of the same kind and say so. */
  watch(track: MediaStreamTrack | null, kind: 'audio' | 'video'): void {
    if (!track || this.#watched.has(track)) return;
    this.#watched.add(track);
    // The browser may take another device than the remembered one (`ideal`): ask for it exactly; gone, forget it.
    const key = kind === 'audio' ? 'audioInput' : 'videoInput';
    const want = this.#host.media.ids[key];
    if (want && track.getSettings().deviceId !== want) void this.#use(kind, want).catch(() => delete this.#host.media.ids[key]);
    track.addEventListener('ended', () => {
      const { media } = this.#host;
      if (!this.#host.call?.selfId || (kind === 'audio' ? media.audioTrack : media.videoTrack)) return;
      delete media.ids[key];
      if (kind === 'audio') media.micOn = true;
      else media.camOn = true;
      media.acquire().then(
        () => {
          this.notice = devicesStrings(this.#host.t).deviceLost;
          this.#changed();
        },
        (error: unknown) => {
          const code = error instanceof WidgetError && error.code !== 'aborted' ? error.code : 'no-device';
          this.notice = this.#host.t.errors[code];
          this.#report(code);
          this.#host.requestUpdate();
        },
      );
    });
  }

  /** Take device `id` for `kind` in place of the current track (if any: camera off, the choice waits for on). */
  async #use(kind: 'audio' | 'video', id: string): Promise<void> {
    const { media } = this.#host;
    const old = kind === 'audio' ? media.audioTrack : media.videoTrack;
    if (!old) return;
    const stream = await navigator.mediaDevices.getUserMedia({ [kind]: { ...constraints(media, kind, ''), deviceId: { exact: id } } });
    const track = stream.getTracks()[0]!;
    // Another switch or a leave meanwhile: keep what is there.
    if (old !== (kind === 'audio' ? media.audioTrack : media.videoTrack)) return track.stop();
    old.stop();
    adopt(media, track);
  }

  /** Tell the page which devices are in use now. */
  #changed(): void {
    const { media } = this.#host;
    const id = (track: MediaStreamTrack | null) => track?.getSettings().deviceId ?? '';
    this.#host.notify({ type: 'device-change', audioInput: id(media.audioTrack), videoInput: id(media.videoTrack), audioOutput: media.ids.audioOutput ?? '' });
    this.#host.requestUpdate();
  }

  /** A failure that does not stop anything: a `vcw-error`. */
  #report(code: ErrorCode): void {
    this.#host.notify({ type: 'error', code, message: this.#host.t.errors[code] });
  }
}
