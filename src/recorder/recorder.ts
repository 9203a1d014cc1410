/**
 * Recorder: records the call on this device. Every visible tile's video is drawn into a grid on a canvas, every
 * participant's audio (yours included) is mixed with WebAudio, and MediaRecorder makes a WebM of both. People who
 * join meanwhile are added as they come. The recorder chunk, loaded when a recording starts.
 */
import type { WidgetHost } from '../core/host.js';
import { WidgetError } from '../core/types.js';

const W = 1280;
const H = 720;

export class Recorder {
  readonly #chunks: Blob[] = [];
  readonly #ctx = new AudioContext();
  private readonly mix = this.#ctx.createMediaStreamDestination();
  readonly #sources = new Map<MediaStreamTrack, MediaStreamAudioSourceNode>();
  readonly #canvas = document.createElement('canvas');
  readonly #recorder: MediaRecorder;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #videos: () => HTMLVideoElement[];
  readonly #audio: () => MediaStreamTrack[];

  /** `videos()`: what to draw now; `audio()`: the tracks to hear now. */
  constructor(videos: () => HTMLVideoElement[], audio: () => MediaStreamTrack[]) {
    this.#audio = audio;
    this.#videos = videos;
    if (typeof MediaRecorder === 'undefined') throw new WidgetError('unsupported-browser', 'This browser cannot record (no MediaRecorder).');
    this.#canvas.width = W;
    this.#canvas.height = H;
    const type = ['video/webm;codecs=vp8,opus', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
    const stream = new MediaStream([...this.#canvas.captureStream(30).getVideoTracks(), ...this.mix.stream.getAudioTracks()]);
    this.#recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
    this.#recorder.ondataavailable = (e) => e.data.size && this.#chunks.push(e.data);
    this.#draw();
    this.#timer = setInterval(() => this.#draw(), 1000 / 30);
    this.#recorder.start(1000);
  }

  #draw(): void {
    const g = this.#canvas.getContext('2d')!;
    g.fillStyle = '#111827';
    g.fillRect(0, 0, W, H);
    const videos = this.#videos().filter((v) => v.readyState >= 2 && v.videoWidth);
    const cols = Math.ceil(Math.sqrt(videos.length));
    const rows = Math.ceil(videos.length / cols);
    videos.forEach((v, i) => {
      const cw = W / cols;
      const ch = H / rows;
      // Contain: the whole picture, never cropped.
      const k = Math.min(cw / v.videoWidth, ch / v.videoHeight);
      const w = v.videoWidth * k;
      const h = v.videoHeight * k;
      g.drawImage(v, (i % cols) * cw + (cw - w) / 2, Math.floor(i / cols) * ch + (ch - h) / 2, w, h);
    });
    const live = new Set(this.#audio().filter((t) => t.readyState === 'live'));
    for (const track of live) {
      if (this.#sources.has(track)) continue;
      const source = this.#ctx.createMediaStreamSource(new MediaStream([track]));
      source.connect(this.mix);
      this.#sources.set(track, source);
    }
    for (const [track, source] of this.#sources) {
      if (live.has(track)) continue;
      source.disconnect();
      this.#sources.delete(track);
    }
  }

  /** Stop and hand over the WebM. */
  stop(): Promise<Blob> {
    clearInterval(this.#timer);
    return new Promise((resolve) => {
      const done = () => {
        void this.#ctx.close().catch(() => undefined);
        resolve(new Blob(this.#chunks, { type: 'video/webm' }));
      };
      if (this.#recorder.state === 'inactive') return done();
      this.#recorder.onstop = done;
      this.#recorder.stop();
    });
  }
}

/**
 * Records the element's call: every tile's video that shows, our microphone (`mic`) and every remote participant's
 * audio (`call.remotes`), as they are at each frame.
 */
export function record(host: WidgetHost, call: { remotes: ReadonlyMap<string, { stream?: MediaStream | null }> }, mic: () => MediaStreamTrack | null): Recorder {
  const root = host.element.renderRoot;
  return new Recorder(
    () => [...root.querySelectorAll<HTMLVideoElement>('.tile video:not([hidden])')],
    () => [mic(), ...[...call.remotes.values()].flatMap((r) => r.stream?.getAudioTracks() ?? [])].filter((t) => !!t),
  );
}
