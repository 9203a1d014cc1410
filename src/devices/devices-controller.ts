/**
 * DevicesController: the devices around a call, on the pre-join screen and in it. Lists cameras, microphones and
 * speakers (pickers), switches them (`setDevices`, remembered on this site), measures audio levels (WebAudio
 * analysers: the pre-join meter, who is speaking, the "you are muted" hint), routes sound to the chosen speaker
 * and falls back to another device when one is unplugged. Loaded lazily, so the pre-join script stays small.
 */
import { html, nothing, type ReactiveController } from 'lit';
import type { DevicesHandle, WidgetHost } from '../core/host.js';
import { mediaErrorCode, type DeviceChoice } from '../core/media-controller.js';
import type { Strings } from '../core/strings.js';
import { WidgetError, type ErrorCode } from '../core/types.js';
import { MAX_NAME, clip } from '../protocol/limits.js';
import { devicesStrings, type DevicesStrings } from './strings.js';
import { devicesStyles } from './devices.styles.js';
import { source } from './source.js';

/** Where the choices are kept between visits. */
const DEVICES_KEY = 'vcw-devices';

/** Where the name typed on the pre-join screen is kept. */
const NAME_KEY = 'vcw-name';

/** localStorage, or nothing where the page may not use it. */
function store(key: string, value?: string): string | null {
  try {
    if (value === undefined) return localStorage.getItem(key);
    localStorage.setItem(key, value);
  } catch {
    // Storage blocked: choices last for this visit.
  }
  return null;
}

/** The choices of an earlier visit (validated: storage is the page's, anything may be in it). */
function remembered(): DeviceChoice {
  try {
    const saved: unknown = JSON.parse(store(DEVICES_KEY) ?? '{}');
    return Object.fromEntries(Object.entries(saved as object).filter(([k, v]) => (KINDS as readonly string[]).includes(k) && typeof v === 'string' && v.length < 256));
  } catch {
    return {};
  }
}

const TICK = 50;
/** RMS above which someone counts as speaking. */
const SPEAKING = 0.015;
const KINDS = ['audioInput', 'videoInput', 'audioOutput'] as const;

interface Meter {
  stream: MediaStream;
  analyser: AnalyserNode;
  source: MediaStreamAudioSourceNode;
  level: number;
}

export class DevicesController implements ReactiveController, DevicesHandle {
  /** Devices by kind (`audioinput`, `videoinput`, `audiooutput`). */
  list: MediaDeviceInfo[] = [];
  /** The peer id of who speaks loudest now ('' for nobody); `self` is your own id. */
  speaker = '';
  /** Speaking while muted. */
  mutedHint = false;
  /** A device went away and another took its place (shown until the next change). */
  notice = '';
  private ctx: AudioContext | undefined;
  private readonly meters = new Map<string, Meter>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private mic: MediaStreamTrack | undefined;
  private micStream: MediaStream | undefined;
  private loudSince = 0;
  /** The microphone track `mic` is a clone of. */
  private source: MediaStreamTrack | null | undefined;
  private readonly watched = new WeakSet<MediaStreamTrack>();
  private readonly routed = new WeakMap<HTMLVideoElement, string>();
  private readonly samples = new Float32Array(2048);
  /** When the current speaker last became it: the big tile does not flip between two voices. */
  private speakerSince = 0;
  private resuming = false;
  private readonly refresh = () => void this.enumerate();

  constructor(private readonly host: WidgetHost) {
    host.addController(this);
    host.media.ids = { ...remembered(), ...host.media.ids };
    const root = host.element.renderRoot;
    if (root instanceof ShadowRoot) root.adoptedStyleSheets = [...root.adoptedStyleSheets, devicesStyles.styleSheet!];
    if (host.element.isConnected) this.hostConnected();
  }

  /** The name of the last visit ('' when none). */
  rememberedName(): string {
    return clip(store(NAME_KEY) ?? '', MAX_NAME);
  }

  /** The name you joined with is kept for the next visit. */
  joined(name: string): void {
    store(NAME_KEY, name);
  }

  private get t(): Strings & DevicesStrings {
    return { ...this.host.t, ...devicesStrings(this.host.t) };
  }

  /** A failure that does not stop anything: a `vcw-error`. */
  private report(code: ErrorCode): void {
    this.host.notify({ type: 'error', code, message: this.host.t.errors[code] });
  }

  private selfId(): string {
    return this.host.call?.selfId ?? '';
  }

  hostConnected(): void {
    if (this.timer) return;
    navigator.mediaDevices?.addEventListener('devicechange', this.refresh);
    this.timer = setInterval(() => this.tick(), TICK);
    this.refresh();
  }

  hostDisconnected(): void {
    navigator.mediaDevices?.removeEventListener('devicechange', this.refresh);
    clearInterval(this.timer);
    this.timer = undefined;
    for (const id of [...this.meters.keys()]) this.unmeter(id);
    this.mic?.stop();
    this.mic = undefined;
    void this.ctx?.close().catch(() => undefined);
    this.ctx = undefined;
  }

  /** The current level (0…1) of `id` (a peer id, or 'self'). */
  level(id: string): number {
    return this.meters.get(id)?.level ?? 0;
  }

  private async enumerate(): Promise<void> {
    this.list = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    this.host.requestUpdate();
  }

  /** Switch devices without leaving the call (the new track replaces the old on every connection). */
  async setDevices(choice: DeviceChoice): Promise<void> {
    const { media } = this.host;
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
        await this.use(key === 'audioInput' ? 'audio' : 'video', id);
        // Kept once it works (or, with the camera off, for when it goes on).
        media.ids[key] = id;
      } catch (error) {
        const code = mediaErrorCode(error);
        this.notice = this.t.errors[code];
        this.host.requestUpdate();
        this.report(code);
        throw new WidgetError(code, `Cannot use the device ${id}`);
      }
    }
    this.notice = '';
    store(DEVICES_KEY, JSON.stringify(media.ids));
    this.changed();
  }

  /** Take device `id` for `kind` in place of the current track (if any: camera off, the choice waits for on). */
  private async use(kind: 'audio' | 'video', id: string): Promise<void> {
    const { media } = this.host;
    const old = kind === 'audio' ? media.audioTrack : media.videoTrack;
    if (!old) return;
    const stream = await navigator.mediaDevices.getUserMedia({ [kind]: { ...media.constraints(kind, ''), deviceId: { exact: id } } });
    const track = stream.getTracks()[0]!;
    // Another switch or a leave meanwhile: keep what is there.
    if (old !== (kind === 'audio' ? media.audioTrack : media.videoTrack)) return track.stop();
    old.stop();
    media.adopt(track);
  }

  /** Tell the page which devices are in use now. */
  private changed(): void {
    const { media } = this.host;
    const id = (track: MediaStreamTrack | null) => track?.getSettings().deviceId ?? '';
    this.host.notify({ type: 'device-change', audioInput: id(media.audioTrack), videoInput: id(media.videoTrack), audioOutput: media.ids.audioOutput ?? '' });
    this.host.requestUpdate();
  }

  /** Send every unmuted media element's sound to the chosen speaker, where the browser can. */
  private async route(strict = false): Promise<void> {
    const sink = this.host.media.ids.audioOutput ?? '';
    const root = this.host.element.renderRoot;
    for (const video of root?.querySelectorAll<HTMLVideoElement & { sinkId?: string; setSinkId?(id: string): Promise<void> }>('video:not([muted])') ?? []) {
      // Asked already (pending, or refused): not again every tick.
      if (!video.setSinkId || video.sinkId === sink || (!strict && this.routed.get(video) === sink)) continue;
      this.routed.set(video, sink);
      const done = video.setSinkId(sink);
      if (strict) {
        await done.catch((error: unknown) => {
          this.notice = this.t.errors['no-device'];
          this.report('no-device');
          throw new WidgetError('no-device', `Cannot play sound on ${sink}: ${String(error)}`);
        });
      } else done.catch(() => undefined);
    }
  }

  private meter(id: string, stream: MediaStream | undefined): void {
    const current = this.meters.get(id);
    if (current?.stream === stream) return;
    if (current) this.unmeter(id);
    if (!stream?.getAudioTracks().length) return;
    this.ctx ??= new AudioContext();
    const analyser = this.ctx.createAnalyser();
    analyser.fftSize = 2048;
    const source = this.ctx.createMediaStreamSource(stream);
    source.connect(analyser);
    this.meters.set(id, { stream, analyser, source, level: 0 });
  }

  private unmeter(id: string): void {
    this.meters.get(id)?.source.disconnect();
    this.meters.delete(id);
  }

  private tick(): void {
    const { media } = this.host;
    const selfId = this.selfId();
    // Your own level from a clone of the microphone: it still hears you while the sent track is muted.
    const track = media.audioTrack;
    if (track !== this.source) {
      this.mic?.stop();
      this.mic = track?.clone();
      // A clone starts as muted as its original was; ours always listens.
      if (this.mic) this.mic.enabled = true;
      this.micStream = this.mic && new MediaStream([this.mic]);
      this.source = track;
    }
    this.meter('self', this.micStream);
    this.watch(track, 'audio');
    this.watch(media.videoTrack, 'video');
    // No microphone and no call (e.g. after leaving): nothing to measure.
    if (!selfId && !this.meters.size) return;
    const remote = new Set(['self']);
    for (const { id, stream } of this.host.call?.remotes.values() ?? []) {
      remote.add(id);
      this.meter(id, stream);
    }
    for (const id of this.meters.keys()) if (!remote.has(id)) this.unmeter(id);
    // Browsers start audio only after the person interacted with the page; try again once they have.
    if (this.ctx?.state === 'suspended' && !this.resuming && navigator.userActivation?.hasBeenActive !== false) {
      this.resuming = true;
      void this.ctx.resume().catch(() => undefined).finally(() => (this.resuming = false));
    }
    const samples = this.samples;
    let loudest = '';
    let top = SPEAKING;
    for (const [id, m] of this.meters) {
      m.analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      // Fast attack, slow release: short sounds stay visible.
      m.level = Math.max(rms, m.level * 0.85);
      const heard = id === 'self' && !media.micOn ? 0 : m.level;
      if (heard > top) {
        top = heard;
        loudest = id === 'self' ? selfId : id;
      }
    }
    const root = this.host.element.renderRoot;
    const self = this.level('self');
    root.querySelectorAll<HTMLMeterElement>('meter[data-level]').forEach((m) => (m.value = Math.min(1, self * 4)));
    root.querySelectorAll<HTMLElement>('.tile[data-peer-id]').forEach((tile) => {
      const id = tile.dataset.peerId!;
      tile.classList.toggle('speaking', (id === selfId ? (media.micOn ? self : 0) : this.level(id)) > SPEAKING);
    });
    // Muted and talking for half a second: say so.
    const talking = !media.micOn && !!track && self > SPEAKING;
    this.loudSince = talking ? this.loudSince || Date.now() : 0;
    const hint = talking && Date.now() - this.loudSince > 500 ? true : talking ? this.mutedHint : false;
    let changed = hint !== this.mutedHint;
    this.mutedHint = hint;
    if (loudest && loudest !== this.speaker && Date.now() - this.speakerSince > 1000) {
      this.speaker = loudest;
      this.speakerSince = Date.now();
      changed = true;
    }
    if (changed) this.host.requestUpdate();
    void this.route();
  }

  /** A device unplugged mid-call: take another of the same kind and say so. */
  private watch(track: MediaStreamTrack | null, kind: 'audio' | 'video'): void {
    if (!track || this.watched.has(track)) return;
    this.watched.add(track);
    // The browser may take another device than the remembered one (`ideal`): ask for it exactly; gone, forget it.
    const key = kind === 'audio' ? 'audioInput' : 'videoInput';
    const want = this.host.media.ids[key];
    if (want && track.getSettings().deviceId !== want) void this.use(kind, want).catch(() => delete this.host.media.ids[key]);
    track.addEventListener('ended', () => {
      const { media } = this.host;
      if (!this.selfId() || (kind === 'audio' ? media.audioTrack : media.videoTrack)) return;
      delete media.ids[key];
      if (kind === 'audio') media.micOn = true;
      else media.camOn = true;
      media.acquire().then(
        () => {
          this.notice = this.t.deviceLost;
          this.changed();
        },
        (error: unknown) => {
          const code = error instanceof WidgetError && error.code !== 'aborted' ? error.code : 'no-device';
          this.notice = this.t.errors[code];
          this.report(code);
          this.host.requestUpdate();
        },
      );
    });
  }

  /** A `<video>` playing `stream`, kept playing across renders (e.g. while the name is typed). */
  video(stream: MediaStream | null, { muted = true, mirror = false, hidden = false } = {}) {
    return html`<video class=${mirror ? 'mirror' : ''} ?hidden=${hidden} autoplay playsinline ?muted=${muted} .muted=${muted} ${source(stream)}></video>`;
  }

  /** The pre-join screen's microphone level meter and pickers. */
  prejoin(t: Strings) {
    const ft = devicesStrings(t);
    return html`${this.host.media.audioTrack ? html`<meter part="meter" data-level min="0" max="1" low="0.3" high="0.8" optimum="0.5" value="0" aria-label=${ft.micLevel}></meter>` : nothing}
      ${this.pickers(t)}
      ${this.notice ? html`<p part="notice" role="status">${this.notice}</p>` : nothing}`;
  }

  /** Pickers for camera, microphone and speaker (speaker only where the browser can route sound); a failed switch is reported. */
  pickers(strings: Strings) {
    const t = devicesStrings(strings);
    const change = (choice: DeviceChoice) => void this.setDevices(choice).catch(() => undefined);
    const { ids } = this.host.media;
    const canRoute = 'setSinkId' in HTMLMediaElement.prototype;
    const picker = (key: (typeof KINDS)[number], label: string) => {
      const devices = this.list.filter((d) => d.kind === key.toLowerCase() && d.deviceId);
      if (!devices.length || (key === 'audioOutput' && !canRoute)) return nothing;
      return html`<label class="picker">${label}
        <select part="input" name=${key} @change=${(e: Event) => change({ [key]: (e.target as HTMLSelectElement).value })}>
          ${devices.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === (ids[key] ?? 'default')}>${d.label || `${label} ${i + 1}`}</option>`)}
        </select></label>`;
    };
    return html`<div part="pickers" class="pickers">${picker('videoInput', t.camera)}${picker('audioInput', t.microphone)}${picker('audioOutput', t.speaker)}</div>`;
  }
}
