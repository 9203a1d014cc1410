// The practical floor of a join: two raw RTCPeerConnections in one page exchanging SDP directly, from the offer to
// the first remote video frame (the camera is already open). Shared by the join and guest benches.
import { waitFor } from '../test/helpers.js';

/** Resolves with `performance.now()` of the window the video plays in, at its first presented frame. */
export const firstFrame = (video: HTMLVideoElement) =>
  new Promise<number>((resolve) => video.requestVideoFrameCallback(() => resolve((video.ownerDocument.defaultView ?? window).performance.now())));

export async function rawFloor(): Promise<number> {
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

