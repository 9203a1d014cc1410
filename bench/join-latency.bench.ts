// Join latency: click Join → first remote video frame at the joiner, two widgets on loopback, beside the
// practical floor (two raw RTCPeerConnections in one page exchanging SDP directly). Prints medians and the ratio.
import { addWidget, loadWidget, remotes, startServer, stopAllServers, tileOf, uniqueRoom, waitFor } from '../test/helpers.js';
import { ratio, record, stats } from './record.js';

const RUNS = 15;

const firstFrame = (video: HTMLVideoElement) => new Promise<number>((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now())));

async function widgetJoin(server: Awaited<ReturnType<typeof startServer>>): Promise<number> {
  const room = uniqueRoom('bench');
  const member = addWidget(server, room, { 'display-name': 'Member', 'auto-join': '' });
  await waitFor(() => member.state === 'joined', 'member joined');
  const joiner = addWidget(server, room, { 'display-name': 'Joiner' });
  await waitFor(() => joiner.state === 'prejoin' && joiner.shadowRoot!.querySelector('.prejoin video'), 'pre-join ready');
  const started = performance.now();
  joiner.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
  const video = await waitFor(() => {
    const id = remotes(joiner)[0]?.id;
    return id ? tileOf(joiner, id)?.querySelector('video') : null;
  }, 'remote video', 15_000);
  const at = await firstFrame(video);
  await Promise.all([joiner.leave(), member.leave()]);
  joiner.remove();
  member.remove();
  return at - started;
}

async function rawFloor(): Promise<number> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  b.ontrack = (e) => (video.srcObject = e.streams[0]!);
  const started = performance.now();
  for (const t of stream.getTracks()) a.addTrack(t, stream);
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
  await waitFor(() => video.srcObject, 'raw track');
  const at = await firstFrame(video);
  a.close();
  b.close();
  for (const t of stream.getTracks()) t.stop();
  return at - started;
}

describe('join latency', function () {
  this.timeout(10 * 60_000);
  after(stopAllServers);
  it(`click Join → first remote frame, n=${RUNS}`, async () => {
    const server = await startServer();
    await loadWidget(server);
    const widget: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so both see the same machine load.
      floor.push(await rawFloor());
      widget.push(await widgetJoin(server));
    }
    const w = stats(widget);
    const f = stats(floor);
    await record('joinLatency', { unit: 'ms', widget: w, floor: f, ratio: ratio(w.median, f.median), goalRatio: 1.2 });
  });
});
