/**
 * The devices' templates: the `<video>` binding, the pre-join screen's level meter and the device pickers. The
 * meter is only drawn here; its value is written by the levels (`levels.ts`) as sound arrives.
 */
import { html, nothing } from 'lit';
import type { DeviceChoice } from '../core/media-controller.js';
import type { Strings } from '../core/strings.js';
import { source } from './source.js';
import type { DeviceKind } from './storage.js';
import { devicesStrings } from './strings.js';

/** What the templates show and where a choice goes. */
export interface ViewLink {
  /** The devices the browser lists, of every kind. */
  devices(): readonly MediaDeviceInfo[];
  /** The devices chosen now. */
  choice(): DeviceChoice;
  /** The microphone track, if any (the meter shows only with one). */
  microphone(): MediaStreamTrack | null;
  /** The notice to show under the pickers ('' for none). */
  notice(): string;
  setDevices(choice: DeviceChoice): Promise<void>;
}

export class DevicesView {
  readonly #link: ViewLink;
  constructor(link: ViewLink) {
    this.#link = link;
  }

  /** A `<video>` playing `stream`, kept playing across renders (e.g. while the name is typed). */
  video(stream: MediaStream | null, { muted = true, mirror = false, hidden = false } = {}) {
    return html`<video class=${mirror ? 'mirror' : ''} ?hidden=${hidden} autoplay playsinline ?muted=${muted} .muted=${muted} ${source(stream)}></video>`;
  }

  /** The pre-join screen's microphone level meter and pickers. */
  prejoin(t: Strings) {
    const ft = devicesStrings(t);
    const notice = this.#link.notice();
    return html`${this.#link.microphone() ? html`<meter part="meter" data-level min="0" max="1" low="0.3" high="0.8" optimum="0.5" value="0" aria-label=${ft.micLevel}></meter>` : nothing}
      ${this.pickers(t)}
      ${notice ? html`<p part="notice" role="status">${notice}</p>` : nothing}`;
  }

  /** Pickers for camera, microphone and speaker (speaker only where the browser can route sound); a failed switch is reported. */
  pickers(strings: Strings) {
    const t = devicesStrings(strings);
    const change = (choice: DeviceChoice) => void this.#link.setDevices(choice).catch(() => undefined);
    const ids = this.#link.choice();
    const canRoute = 'setSinkId' in HTMLMediaElement.prototype;
    const picker = (key: DeviceKind, label: string) => {
      const devices = this.#link.devices().filter((d) => d.kind === key.toLowerCase() && d.deviceId);
      if (!devices.length || (key === 'audioOutput' && !canRoute)) return nothing;
      const picked = (e: Event) => {
        if (e.target instanceof HTMLSelectElement) change({ [key]: e.target.value });
      };
      return html`<label class="picker">${label}
        <select part="input" name=${key} @change=${picked}>
          ${devices.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === (ids[key] ?? 'default')}>${d.label || `${label} ${i + 1}`}</option>`)}
        </select></label>`;
    };
    return html`<div part="pickers" class="pickers">${picker('videoInput', t.camera)}${picker('audioInput', t.microphone)}${picker('audioOutput', t.speaker)}</div>`;
  }
}
