import { html } from 'lit';
import type { Strings } from './strings.js';

/** The microphone and camera toggles (pressed = muted / camera off), shared by the pre-join screen and the call's controls. */
export function deviceButtons(t: Strings, micOn: boolean, camOn: boolean, toggleMic: () => void, toggleCam: () => void) {
  return html`<button part="button" type="button" class="toggle" aria-pressed=${!micOn} @click=${toggleMic}>${t.mute}</button>
    <button part="button" type="button" class="toggle" aria-pressed=${!camOn} @click=${toggleCam}>${t.stopVideo}</button>`;
}
