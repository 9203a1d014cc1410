import { noChange } from 'lit';
import { Directive, directive, type ElementPart } from 'lit/directive.js';

/**
 * `<video ${source(stream)}>`: the video's `srcObject`, set only when it changes. Lit sets an object-valued property
 * on every render, and each set reloads the video (a blank frame, then the picture again). The last stream set is
 * kept here: reading `srcObject` back on every render costs more than the rest of a tile's update.
 */
class Source extends Directive {
  #set: MediaStream | null | undefined;

  render(_stream: MediaStream | null) {
    return noChange;
  }

  override update(part: ElementPart, [stream]: [MediaStream | null]) {
    if (stream !== this.#set) (part.element as HTMLVideoElement).srcObject = this.#set = stream;
    return noChange;
  }
}
export const source = directive(Source);
