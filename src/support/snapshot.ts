/**
 * A visitor's camera snapshot for the desks' queue cards: a small JPEG of the preview stream, drawn through a
 * hidden video and canvas kept for the next one.
 */

/** Width of a snapshot in pixels (the height follows the camera's aspect). */
const WIDTH = 192;
const QUALITY = 0.7;

export class Snapshot {
  #video: HTMLVideoElement | undefined;
  #canvas: HTMLCanvasElement | undefined;

  /**
   * The current picture of `stream` as a `data:image/jpeg` URL of at most `max` characters; null while the camera
   * is off, before its first frame, or when the picture is bigger.
   */
  take(stream: MediaStream | null, max: number): string | null {
    const track = stream?.getVideoTracks()[0];
    if (!stream || !track || track.readyState !== 'live' || !track.enabled) return null;
    const video = (this.#video ??= Object.assign(document.createElement('video'), { muted: true, playsInline: true }));
    if (video.srcObject !== stream) {
      video.srcObject = stream;
      void video.play().catch(() => undefined);
    }
    if (!video.videoWidth) return null;
    const canvas = (this.#canvas ??= document.createElement('canvas'));
    canvas.width = WIDTH;
    canvas.height = Math.round((WIDTH * video.videoHeight) / video.videoWidth);
    canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = canvas.toDataURL('image/jpeg', QUALITY);
    return image.length <= max ? image : null;
  }
}
