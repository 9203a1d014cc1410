/**
 * DevicesController: the devices around a call, on the pre-join screen and in it — the `DevicesHandle` the element
 * uses. It wires the parts, each with one job: the device list (`device-list.ts`), switching, speaker routing and
 * unplug fallback (`switcher.ts`), audio levels and speaking detection (`levels.ts`), what is remembered on this
 * site (`storage.ts`) and the templates (`view.ts`); and it runs the tick that drives the levels and the switcher.
 * Loaded lazily, so the pre-join script stays small.
 */
import { html, nothing, type ReactiveController } from 'lit';
import type { ErrorCode } from '../core/types.js';
import type { DevicesHandle, WidgetHost } from '../core/host.js';
import type { DeviceChoice } from '../core/media-controller.js';
import type { Strings } from '../core/strings.js';
import { acquire } from './acquire.js';
import { DeviceList } from './device-list.js';
import { devicesStyles } from './devices.styles.js';
import { Levels } from './levels.js';
import { rememberName, rememberedChoices, rememberedName } from './storage.js';
import { Switcher } from './switcher.js';
import { DevicesView } from './view.js';

/** Milliseconds between two measurements of the levels (each one also writes the meters and tiles). */
const TICK = 50;

export class DevicesController implements ReactiveController, DevicesHandle {
  readonly #list: DeviceList;
  readonly #levels: Levels;
  readonly #switcher: Switcher;
  readonly #view: DevicesView;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #host: WidgetHost;

  constructor(host: WidgetHost) {
    this.#host = host;
    this.#list = new DeviceList(host);
    this.#levels = new Levels(host);
    this.#switcher = new Switcher(host);
    this.#view = new DevicesView({
      devices: () => this.#list.devices,
      choice: () => host.media.ids,
      microphone: () => host.media.audioTrack,
      notice: () => this.#switcher.notice,
      setDevices: (choice) => this.setDevices(choice),
    });
    host.addController(this);
    host.media.ids = { ...rememberedChoices(), ...host.media.ids };
    host.media.acquirer = acquire;
    const root = host.element.renderRoot;
    if (root instanceof ShadowRoot) root.adoptedStyleSheets = [...root.adoptedStyleSheets, devicesStyles.styleSheet!];
    if (host.element.isConnected) this.hostConnected();
  }

  /** Who speaks loudest now ('' for nobody). */
  get speaker(): string {
    return this.#levels.speaker;
  }

  /** Speaking while muted. */
  get mutedHint(): boolean {
    return this.#levels.mutedHint;
  }

  /** A device went away and another took its place, or a switch failed (shown until the next change). */
  get notice(): string {
    return this.#switcher.notice;
  }

  set notice(notice: string) {
    this.#switcher.notice = notice;
  }

  /**
   * Whether the camera and microphone wanted now open without a prompt: the browser says this site is allowed both
   * (`navigator.permissions`, which never prompts). Not known (an engine that cannot tell) counts as no.
   */
  async allowed(): Promise<boolean> {
    const { micOn, camOn } = this.#host.media;
    const names = [...(micOn ? ['microphone'] : []), ...(camOn ? ['camera'] : [])] as PermissionName[];
    try {
      const states = await Promise.all(names.map((name) => navigator.permissions.query({ name })));
      return states.every((status) => status.state === 'granted');
    } catch {
      return false;
    }
  }

  /** The name of the last visit ('' when none). */
  rememberedName(): string {
    return rememberedName();
  }

  /** The name you joined with is kept for the next visit. */
  joined(name: string): void {
    rememberName(name);
  }

  hostConnected(): void {
    if (this.#timer) return;
    this.#list.listen();
    this.#timer = setInterval(() => this.#tick(), TICK);
  }

  hostDisconnected(): void {
    this.#list.unlisten();
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#levels.stop();
  }

  /** Switch devices without leaving the call (the new track replaces the old on every connection). */
  setDevices(choice: DeviceChoice): Promise<void> {
    return this.#switcher.setDevices(choice);
  }

  /** A `<video>` playing `stream`, kept playing across renders (e.g. while the name is typed). */
  video(stream: MediaStream | null, options?: { muted?: boolean; mirror?: boolean; hidden?: boolean }) {
    return this.#view.video(stream, options);
  }

  /** The pre-join screen's microphone level meter and pickers. */
  prejoin(t: Strings) {
    return this.#view.prejoin(t);
  }

  /** Pickers for camera, microphone and speaker; a failed switch is reported. */
  pickers(t: Strings) {
    this.#list.need();
    return this.#view.pickers(t);
  }

  /** After a denial: how to allow camera and microphone again, in the words of this browser's engine. */
  allowHelp(code: ErrorCode | undefined) {
    if (code !== 'permission-denied') return nothing;
    if (this.#help === undefined) {
      this.#help = '';
      void import('../help/index.js').then((m) => {
        this.#help = m.allowHelp(navigator.userAgent, this.#host.language, this.#host.strings);
        this.#host.requestUpdate();
      }, () => undefined);
    }
    return this.#help ? html`<p>${this.#help}</p>` : nothing;
  }
  /** The help sentence, once its chunk is loaded ('' while it loads). */
  #help: string | undefined;

  /** The speaker changed (in a call): `vcw-active-speaker` with them (you too, when it is you). */
  #announceSpeaker(): void {
    const id = this.#levels.speaker;
    if (id === this.#announced || !this.#host.call?.selfId) return;
    const participant = this.#host.participants.find((p) => p.id === id);
    if (!participant) return;
    this.#announced = id;
    this.#host.notify({ type: 'active-speaker', participant });
  }
  #announced = '';

  /** Every TICK: follow the microphone, watch the tracks for unplugging, measure, and route sound to the speaker. */
  #tick(): void {
    const { media } = this.#host;
    if (media.audioTrack || media.videoTrack) this.#list.need();
    this.#levels.follow();
    this.#switcher.watch(media.audioTrack, 'audio');
    this.#switcher.watch(media.videoTrack, 'video');
    // No microphone and no call (e.g. after leaving): nothing to measure, nothing to route.
    if (!this.#levels.measure()) return;
    this.#announceSpeaker();
    void this.#switcher.route();
  }
}
