import { html } from 'lit';
import type { Strings } from '../strings.js';

/** The microphone and camera toggles, shared by the pre-join screen and the call's controls. */
export function deviceButtons(t: Strings, micOn: boolean, camOn: boolean, toggleMic: () => void, toggleCam: () => void) {
  return html`<button type="button" class="toggle" aria-pressed=${!micOn} aria-label=${micOn ? t.micOn : t.micOff}
      title=${micOn ? t.micOn : t.micOff} @click=${toggleMic}>${micOn ? '🎙' : '🔇'}</button>
    <button type="button" class="toggle" aria-pressed=${!camOn} aria-label=${camOn ? t.camOn : t.camOff}
      title=${camOn ? t.camOn : t.camOff} @click=${toggleCam}>${camOn ? '📷' : '🚫'}</button>`;
}
