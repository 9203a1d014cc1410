/**
 * StatsController: connection figures of every remote participant from their RTCPeerConnection's getStats()
 * (round-trip time, loss, jitter, bitrates, received frame size, relayed or not), sampled while in a call for the
 * tiles' quality marks; and the sent video's resolution and bitrate, lowered as the mesh grows (a screen being
 * presented is always sent at full resolution). Lives in the lazily loaded call chunk.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallController } from './call-controller.js';
import type { PeerStats, Quality } from '../core/types.js';

const EVERY = 1_500;

interface Sample {
  ts: number;
  bytes: number[];
  lost: number;
  received: number;
}

/** Sent video per number of remote participants: [scaleResolutionDownBy, maxBitrate]. */
const SEND: Array<[number, number]> = [[1, 2_500_000], [1, 1_500_000], [1.5, 900_000], [2, 500_000]];

const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

export class StatsController implements ReactiveController {
  /** The last figures and their quality, by peer id. */
  readonly last = new Map<string, { stats: PeerStats; quality: Quality }>();
  readonly #samples = new Map<string, Sample>();
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #host: ReactiveControllerHost;
  readonly #call: CallController;

  readonly #onQuality: (id: string, quality: Quality) => void;

  /** `onQuality` hears every change of a remote participant's quality (its first value too). */
  constructor(host: ReactiveControllerHost, call: CallController, onQuality: (id: string, quality: Quality) => void) {
    this.#call = call;
    this.#onQuality = onQuality;
    this.#host = host;
    host.addController(this);
    this.#timer = setInterval(() => void this.#poll(), EVERY);
  }

  hostDisconnected(): void {
    this.stop();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#host.removeController(this);
  }

  /** Fresh figures for every remote participant whose media connection exists. */
  async collect(): Promise<PeerStats[]> {
    const out: PeerStats[] = [];
    for (const remote of [...this.#call.remotes.values()]) {
      const pc = remote.media?.peerConnection;
      if (!pc) continue;
      const stats = await this.#measure(remote.id, pc).catch(() => null);
      if (!stats) continue;
      out.push(stats);
      const lossy = stats.packetLossPercent;
      const rtt = stats.rtt ?? 0;
      const starved = !remote.videoMuted && stats.bitrate.video.inbound < 100_000;
      const quality: Quality = rtt > 500 || lossy > 8 ? 'poor' : rtt > 200 || lossy > 2 || starved ? 'fair' : 'good';
      const before = this.last.get(remote.id)?.quality;
      this.last.set(remote.id, { stats, quality });
      if (quality !== before) this.#onQuality(remote.id, quality);
    }
    return out;
  }

  async #poll(): Promise<void> {
    await this.collect();
    for (const id of this.last.keys()) if (!this.#call.remotes.has(id)) this.last.delete(id);
    this.#send();
    this.#host.requestUpdate();
  }

  /** Lower the sent video as the mesh grows, so four people's uplinks stay smooth. */
  #send(): void {
    const [scale, maxBitrate] = this.#call.screen ? SEND[0]! : SEND[Math.min(3, this.#call.remotes.size)]!;
    for (const remote of this.#call.remotes.values()) {
      const sender = remote.media?.peerConnection?.getSenders().find((s) => s.track?.kind === 'video');
      const params = sender?.getParameters();
      const encoding = params?.encodings?.[0];
      // A presented screen keeps its resolution (text stays sharp); a camera may trade it for frame rate.
      const degradationPreference = this.#call.screen ? 'maintain-resolution' : 'balanced';
      if (!sender || !encoding || (encoding.scaleResolutionDownBy === scale && encoding.maxBitrate === maxBitrate && params.degradationPreference === degradationPreference)) continue;
      encoding.scaleResolutionDownBy = scale;
      encoding.maxBitrate = maxBitrate;
      params.degradationPreference = degradationPreference;
      // A browser without degradationPreference refuses the whole change: then the rest alone.
      sender.setParameters(params).catch(() => {
        const again = sender.getParameters();
        Object.assign(again.encodings[0] ?? {}, { scaleResolutionDownBy: scale, maxBitrate });
        return sender.setParameters(again);
      }).catch(() => undefined);
    }
  }

  async #measure(id: string, pc: RTCPeerConnection): Promise<PeerStats> {
    const report = await pc.getStats();
    // bytes: audio in, audio out, video in, video out
    const now: Sample = { ts: performance.now(), bytes: [0, 0, 0, 0], lost: 0, received: 0 };
    const video = { framesPerSecond: 0, frameWidth: 0, frameHeight: 0 };
    let jitter = 0;
    let pairId = '';
    let remoteRtt: number | null = null;
    /** Candidate pairs: what the pick below reads of them. */
    const pairs: Array<{ id: string; nominated: boolean; state: unknown; rtt: unknown; local: unknown; remote: unknown }> = [];
    report.forEach((s: Record<string, unknown> & { type: string; id: string }) => {
      const v = s.kind === 'video' ? 2 : 0;
      if (s.type === 'inbound-rtp') {
        now.bytes[v]! += num(s.bytesReceived);
        now.lost += num(s.packetsLost);
        now.received += num(s.packetsReceived);
        if (v) Object.assign(video, { framesPerSecond: num(s.framesPerSecond), frameWidth: num(s.frameWidth), frameHeight: num(s.frameHeight) });
        else jitter = num(s.jitter) * 1000;
      } else if (s.type === 'outbound-rtp') {
        now.bytes[v + 1]! += num(s.bytesSent);
      } else if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
        pairId = s.selectedCandidatePairId;
      } else if (s.type === 'candidate-pair') {
        pairs.push({ id: s.id, nominated: s.nominated === true, state: s.state, rtt: s.currentRoundTripTime, local: s.localCandidateId, remote: s.remoteCandidateId });
      } else if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') {
        remoteRtt = s.roundTripTime * 1000;
      }
    });
    const pair = pairs.find((p) => p.id === pairId) ?? pairs.find((p) => p.nominated && p.state === 'succeeded');
    const relay = (cid: unknown) => typeof cid === 'string' && (report.get(cid) as { candidateType?: unknown } | undefined)?.candidateType === 'relay';
    const before = this.#samples.get(id);
    const seconds = before ? (now.ts - before.ts) / 1000 : 0;
    // Rates over at least a second: a getStats() just after a poll measures against the sample before.
    if (!before || seconds >= 1) this.#samples.set(id, now);
    const rate = (i: number) => (before && seconds > 0 ? Math.max(0, Math.round(((now.bytes[i]! - before.bytes[i]!) * 8) / seconds)) : 0);
    const lost = now.lost - (before?.lost ?? 0);
    const expected = lost + now.received - (before?.received ?? 0);
    return {
      id,
      rtt: typeof pair?.rtt === 'number' ? pair.rtt * 1000 : remoteRtt,
      packetLossPercent: expected > 0 ? Math.max(0, (100 * lost) / expected) : 0,
      jitter,
      bitrate: { audio: { inbound: rate(0), outbound: rate(1) }, video: { inbound: rate(2), outbound: rate(3) } },
      video,
      usingRelay: relay(pair?.local) || relay(pair?.remote),
    };
  }
}
