/**
 * Asking the browser for camera and microphone (getUserMedia), on behalf of the core's MediaController: in the
 * devices chunk, so the pre-join script cannot prompt for anything; the chunk loads after a click in the widget
 * (or at once with `preview="auto"`). Maps getUserMedia failures to error codes and keeps one device when the
 * other is missing or busy.
 */
import type { MediaController } from '../core/media-controller.js';
import { WidgetError, type ErrorCode } from '../core/types.js';

const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/** The error code for a getUserMedia failure. */
export function mediaErrorCode(error: unknown): ErrorCode {
  const name = error instanceof Error || error instanceof DOMException ? error.name : undefined;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'permission-denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'TypeError') return 'no-device';
  if (name === 'NotReadableError' || name === 'AbortError' || name === 'TrackStartError') return 'device-in-use';
  return 'no-device';
}

/** getUserMedia constraints for one kind, with the chosen device. */
export function constraints(media: Pick<MediaController, 'ids'>, kind: 'audio' | 'video', id = media.ids[kind === 'audio' ? 'audioInput' : 'videoInput']): MediaTrackConstraints {
  return { ...(kind === 'audio' ? AUDIO : VIDEO), ...(id && { deviceId: { ideal: id } }) };
}

/** `MediaController.acquirer`: acquire what is wanted and not held yet; a failure turns the failed device off. */
export async function acquire(media: MediaController): Promise<void> {
  const run = ++media.run;
  const wantAudio = media.micOn && !media.audioTrack;
  const wantVideo = media.camOn && !media.videoTrack;
  if (!wantAudio && !wantVideo) return;
  if (!navigator.mediaDevices?.getUserMedia) fail(media, 'unsupported-browser', true, true);
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: wantAudio && constraints(media, 'audio'), video: wantVideo && constraints(media, 'video') });
  } catch (error) {
    if (run !== media.run) return;
    const code = mediaErrorCode(error);
    // One of two devices missing or busy: keep the other.
    if (wantAudio && wantVideo && code !== 'permission-denied') {
      const [audio, video] = await Promise.allSettled([single(media, 'audio', run), single(media, 'video', run)]);
      if (run !== media.run) return;
      if (audio.status === 'fulfilled' || video.status === 'fulfilled') {
        if (audio.status === 'rejected') media.micOn = false;
        if (video.status === 'rejected') media.camOn = false;
        media.error = null;
        media.changed();
        return;
      }
    }
    fail(media, code, wantAudio, wantVideo);
  }
  if (run !== media.run) {
    for (const t of stream.getTracks()) t.stop();
    return;
  }
  for (const track of stream.getTracks()) adopt(media, track);
  media.error = null;
  media.changed();
}

async function single(media: MediaController, kind: 'audio' | 'video', run: number): Promise<void> {
  const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraints(media, kind) });
  const track = stream.getTracks()[0]!;
  if (run !== media.run) return track.stop();
  adopt(media, track);
}

function fail(media: MediaController, code: ErrorCode, audio: boolean, video: boolean): never {
  media.error = code;
  if (audio) media.micOn = false;
  if (video) media.camOn = false;
  media.changed();
  throw new WidgetError(code, code);
}

/** Use `track` (a new one from a device) as the camera or microphone; tells `onTrack`. */
export function adopt(media: Pick<MediaController, 'audioTrack' | 'videoTrack' | 'micOn' | 'camOn' | 'onTrack' | 'changed'>, track: MediaStreamTrack): void {
  const kind = track.kind as 'audio' | 'video';
  if (kind === 'audio') {
    media.audioTrack = track;
    track.enabled = media.micOn;
  } else {
    media.videoTrack = track;
  }
  // A device unplugged or revoked: turn it off rather than send a dead track.
  track.addEventListener('ended', () => {
    if (kind === 'audio' && media.audioTrack === track) {
      media.audioTrack = null;
      media.micOn = false;
    } else if (media.videoTrack === track) {
      media.videoTrack = null;
      media.camOn = false;
    } else return;
    media.onTrack?.(kind, null);
    media.changed();
  });
  media.onTrack?.(kind, track);
}
