import { noChange } from 'lit';
import { Directive, directive, type ElementPart } from 'lit/directive.js';

/**
 * `<video ${source(stream)}>`: the video's `srcObject`, set only when it changes. Lit sets an object-valued property
 * on every render, and each set reloads the video (a blank frame, then the picture again).
 */
class Source extends Directive {
  render(_stream: MediaStream | null) {
    return noChange;
  }

  override update(part: ElementPart, [stream]: [MediaStream | null]) {
    const video = part.element as HTMLVideoElement;
    if (video.srcObject !== stream) video.srcObject = stream;
    return noChange;
  }
}
export const source = directive(Source);
