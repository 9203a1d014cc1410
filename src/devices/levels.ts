/**
 * Audio levels: a WebAudio analyser on your microphone and on each remote stream. Each measurement finds who
 * speaks loudest (`speaker`), notices when you talk while muted (`mutedHint`), and writes the levels into the DOM
 * directly (the pre-join meter, the `speaking` class on tiles) without a re-render.
 */
import type { CallHandle } from '../core/host.js';
import type { MediaController } from '../core/media-controller.js';

/** RMS above which someone counts as speaking. */
const SPEAKING = 0.015;

/** What the levels need from the element. */
export interface LevelsHost {
  readonly media: Pick<MediaController, 'audioTrack' | 'micOn'>;
  readonly call: Pick<CallHandle, 'selfId' | 'remotes'> | undefined;
  readonly element: { readonly renderRoot: ParentNode };
  requestUpdate(): void;
}

interface Meter {
  stream: MediaStream;
  analyser: AnalyserNode;
  source: MediaStreamAudioSourceNode;
  level: number;
}

export class Levels {
  /** The peer id of who speaks loudest now ('' for nobody; your own peer id when it is you). */
  speaker = '';
  /** Speaking while muted. */
  mutedHint = false;
  #ctx: AudioContext | undefined;
  readonly #meters = new Map<string, Meter>();
  #mic: MediaStreamTrack | undefined;
  #micStream: MediaStream | undefined;
  /** The microphone track `mic` is a clone of. */
  #source: MediaStreamTrack | null | undefined;
  #loudSince = 0;
  /** When the current speaker last became it: the big tile does not flip between two voices. */
  #speakerSince = 0;
  #resuming = false;
  readonly #samples = new Float32Array(2048);
  readonly #host: LevelsHost;

  constructor(host: LevelsHost) {
    this.#host = host;
  }

  /** The current level (0…1) of `id` (a peer id, or 'self'). */
  level(id: string): number {
    return this.#meters.get(id)?.level ?? 0;
  }

  /** Keep the own meter on the microphone in use now. */
  follow(): void {
    // Your own level from a clone of the microphone: it still hears you while the sent track is muted.
    const track = this.#host.media.audioTrack;
    if (track !== this.#source) {
      this.#mic?.stop();
      this.#mic = track?.clone();
      // A clone starts as muted as its original was; ours always listens.
      if (this.#mic) this.#mic.enabled = true;
      this.#micStream = this.#mic && new MediaStream([this.#mic]);
      this.#source = track;
    }
    this.#meter('self', this.#micStream);
  }

  /**
   * Measure everyone once (after `follow`): meters, speaking tiles, the muted hint and the speaker; re-render when
   * the hint or the speaker changed. False when there was nothing to measure (no microphone and no call).
   */
  measure(): boolean {
    const { media } = this.#host;
    const selfId = this.#host.call?.selfId ?? '';
    const track = media.audioTrack;
    if (!selfId && !this.#meters.size) return false;
    const remote = new Set(['self']);
    for (const { id, stream } of this.#host.call?.remotes.values() ?? []) {
      remote.add(id);
      this.#meter(id, stream);
    }
    for (const id of this.#meters.keys()) if (!remote.has(id)) this.#unmeter(id);
    // Browsers start audio only after the person interacted with the page; try again once they have.
    if (this.#ctx?.state === 'suspended' && !this.#resuming && navigator.userActivation?.hasBeenActive !== false) {
      this.#resuming = true;
      void this.#ctx.resume().catch(() => undefined).finally(() => (this.#resuming = false));
    }
    const samples = this.#samples;
    let loudest = '';
    let top = SPEAKING;
    for (const [id, m] of this.#meters) {
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
    const root = this.#host.element.renderRoot;
    const self = this.level('self');
    root.querySelectorAll<HTMLMeterElement>('meter[data-level]').forEach((m) => (m.value = Math.min(1, self * 4)));
    root.querySelectorAll<HTMLElement>('.tile[data-peer-id]').forEach((tile) => {
      const id = tile.dataset.peerId!;
      tile.classList.toggle('speaking', (id === selfId ? (media.micOn ? self : 0) : this.level(id)) > SPEAKING);
    });
    // Muted and talking for half a second: say so.
    const talking = !media.micOn && !!track && self > SPEAKING;
    this.#loudSince = talking ? this.#loudSince || Date.now() : 0;
    const hint = talking && Date.now() - this.#loudSince > 500 ? true : talking ? this.mutedHint : false;
    let changed = hint !== this.mutedHint;
    this.mutedHint = hint;
    if (loudest && loudest !== this.speaker && Date.now() - this.#speakerSince > 1000) {
      this.speaker = loudest;
      this.#speakerSince = Date.now();
      changed = true;
    }
    if (changed) this.#host.requestUpdate();
    return true;
  }

  /** Stop measuring: every meter, the microphone clone and the audio context. */
  stop(): void {
    for (const id of [...this.#meters.keys()]) this.#unmeter(id);
    this.#mic?.stop();
    this.#mic = undefined;
    void this.#ctx?.close().catch(() => undefined);
    this.#ctx = undefined;
  }

  #meter(id: string, stream: MediaStream | undefined): void {
    const current = this.#meters.get(id);
    if (current?.stream === stream) return;
    if (current) this.#unmeter(id);
    if (!stream?.getAudioTracks().length) return;
    this.#ctx ??= new AudioContext();
    const analyser = this.#ctx.createAnalyser();
    analyser.fftSize = 2048;
    const source = this.#ctx.createMediaStreamSource(stream);
    source.connect(analyser);
    this.#meters.set(id, { stream, analyser, source, level: 0 });
  }

  #unmeter(id: string): void {
    this.#meters.get(id)?.source.disconnect();
    this.#meters.delete(id);
  }
}
