// Mesh cost, shared by bench/mesh.bench.ts (four widgets in one call) and bench/mesh-floor.bench.ts (the floor:
// a raw four-way mesh of RTCPeerConnections, six pairs, camera + microphone each way, every remote video
// playing). Each runs in a fresh browser; CPU and memory are of every Chromium process, sampled from /proc by
// the test runner.
import type { VideoCallWidget } from '../src/index.js';
import { addWidget, framesAdvance, remotes, uniqueRoom, waitFor, type TestServer } from '../test/helpers.js';
import { browserProcs, type ProcSample } from './record.js';

export const HOLD_MS = 30_000;
export const IDLE_MS = 5_000;
export const PEOPLE = 4;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hold for `ms` (the measurement window itself) and report CPU% (of one core) and memory at the end. */
export async function measure(ms: number) {
  const before = await browserProcs();
  await pause(ms);
  const after = await browserProcs();
  return summarize(before, after);
}

function summarize(before: ProcSample, after: ProcSample) {
  const seconds = (after.at - before.at) / 1000;
  return {
    seconds: Math.round(seconds * 10) / 10,
    processes: after.processes,
    cpuSeconds: Math.round((after.cpuSeconds - before.cpuSeconds) * 100) / 100,
    cpuPercent: Math.round(((after.cpuSeconds - before.cpuSeconds) / seconds) * 1000) / 10,
    pssMiB: Math.round(after.pssKiB / 102.4) / 10,
    rssSumMiB: Math.round(after.rssKiB / 102.4) / 10,
  };
}

export async function rawMesh() {
  const streams = await Promise.all(Array.from({ length: PEOPLE }, () => navigator.mediaDevices.getUserMedia({ audio: true, video: true })));
  const pcs: RTCPeerConnection[] = [];
  const videos: HTMLVideoElement[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    for (let j = i + 1; j < PEOPLE; j++) {
      const a = new RTCPeerConnection();
      const b = new RTCPeerConnection();
      pcs.push(a, b);
      a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
      for (const [pc, stream] of [[a, streams[i]!], [b, streams[j]!]] as const) {
        for (const t of stream.getTracks()) pc.addTrack(t, stream);
        pc.ontrack = (e) => {
          const v = videos.find((x) => x.srcObject === e.streams[0]) ?? document.createElement('video');
          if (!v.srcObject) {
            v.muted = true;
            v.autoplay = true;
            v.playsInline = true;
            v.style.width = '160px';
            v.srcObject = e.streams[0]!;
            document.body.append(v);
            videos.push(v);
          }
        };
      }
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription!);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription!);
    }
  }
  const remoteVideos = PEOPLE * (PEOPLE - 1);
  await waitFor(() => videos.length === remoteVideos, 'every raw remote video', 60_000);
  await Promise.all(videos.map((v) => framesAdvance(v, 3)));
  return {
    close() {
      pcs.forEach((pc) => pc.close());
      streams.forEach((s) => s.getTracks().forEach((t) => t.stop()));
      videos.forEach((v) => v.remove());
    },
  };
}

/** Four widgets in one call, every remote video presenting frames. */
export async function widgetMesh(server: TestServer) {
  const room = uniqueRoom('mesh');
  const ws: VideoCallWidget[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    const w = addWidget(server, room, { 'display-name': `P${i + 1}`, 'auto-join': '' });
    await waitFor(() => w.state === 'joined', `P${i + 1} joined`);
    ws.push(w);
  }
  const up = () => ws.every((w) => remotes(w).length === PEOPLE - 1 && remotes(w).every((p) => p.connection === 'connected'));
  await waitFor(up, 'four-way call up', 60_000).catch((error: Error) => {
    // Say who is stuck where, so a failure under load can be told from a widget bug.
    const states = ws.map((w) => `${w.displayName}: ${w.state} [${remotes(w).map((p) => `${p.name}=${p.connection}`).join(', ')}]`);
    throw new Error(`${error.message}; ${states.join('; ')}`);
  });
  const videos = ws.flatMap((w) => [...w.shadowRoot!.querySelectorAll<HTMLVideoElement>('.tile video')]).filter((v) => v.srcObject);
  await Promise.all(videos.map((v) => framesAdvance(v, 3)));
  return {
    videos: videos.length,
    async close() {
      await Promise.all(ws.map((w) => w.leave()));
      ws.forEach((w) => w.remove());
    },
  };
}
