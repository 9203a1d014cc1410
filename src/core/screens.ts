/**
 * The screens outside a call: waiting for a room, the pre-join card and preview, "you left", and the error screen.
 * The element renders these itself (they are in the pre-join script); the call's own view comes from the call chunk.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { DevicesHandle } from './host.js';
import type { MediaController } from './media-controller.js';
import type { RoomPeek } from './room-info.js';
import { fill, type Strings } from './strings.js';
import type { ErrorCode, WidgetState } from './types.js';

const MEDIA_ERRORS: readonly ErrorCode[] = ['permission-denied', 'no-device', 'device-in-use'];

/** What these screens read from the element and ask of it. */
export interface ScreenHost {
  readonly room: string;
  readonly state: WidgetState;
  readonly t: Strings;
  readonly media: MediaController;
  readonly kit: DevicesHandle | undefined;
  /** No device asked for yet: the pre-join card shows the room and who is in it instead of a preview. */
  readonly armed: boolean;
  /** Who is in the room (`GET /api/rooms/{room}`), null until known. */
  readonly roomInfo: RoomPeek | null;
  /** The final failure on the error screen. */
  readonly shownError: { code: ErrorCode; message: string } | null;
  /** The primary button's text when the support flow words it ("Call us"). */
  readonly joinLabel: string | undefined;
  /** The name field as typed. */
  nameDraft: string;
  join(): Promise<void>;
  toggleMicrophone(): Promise<void>;
  toggleCamera(): Promise<void>;
  /** Ask for camera and microphone and show the preview. */
  startPreview(): void;
  /** Back to the pre-join screen, or (`withoutDevices`) straight into the call without camera and microphone. */
  recover(withoutDevices: boolean): void;
}

/** The screen for the host's state, or undefined in a call (`joined`, `reconnecting`). */
export function screen(host: ScreenHost): TemplateResult | undefined {
  const t = host.t;
  switch (host.state) {
    case 'idle':
      return html`<div part="base" class="base center"><p>${host.room ? t.connecting : t.noRoom}</p></div>`;
    case 'prejoin':
    case 'joining':
      return prejoin(host, t);
    case 'left':
      return html`<div part="base" class="base center"><p>${t.left}</p><button part="button" class="primary" @click=${() => host.recover(false)}>${t.rejoin}</button></div>`;
    case 'error':
      return failure(host, t);
  }
  return undefined;
}

function prejoin(host: ScreenHost, t: Strings) {
  const joining = host.state === 'joining';
  const { preview, micOn, camOn, audioTrack, videoTrack } = host.media;
  const card = !host.armed;
  const room = host.roomInfo;
  const wants = (micOn || camOn) && !audioTrack && !videoTrack;
  return html`<form part="base prejoin" class="base prejoin" @submit=${(e: Event) => {
    e.preventDefault();
    void host.join().catch(() => undefined);
  }}>
    ${card
      ? html`<h2>${host.room}</h2>${room ? html`<p>${room.count
        ? fill(t.roomHere, { names: room.names.join(', ') || String(room.count) })
        : t.roomEmpty}</p>` : nothing}`
      : html`<div part="preview" class="tile self">
        ${preview ? host.kit?.video(preview, { muted: true, mirror: true }) : html`<div class="avatar">${t.noCameraPreview}</div>`}
      </div>`}
    <label>${t.yourName}
      <input part="input" name="name" maxlength="64" required autocomplete="name" placeholder=${t.namePlaceholder} .value=${host.nameDraft}
        ?disabled=${joining} @input=${(e: Event) => (host.nameDraft = (e.target as HTMLInputElement).value)} />
    </label>
    ${card ? nothing : host.kit?.prejoin(t) ?? nothing}
    <div class="row">
      <button part="button" type="button" class="toggle" aria-pressed=${!micOn} @click=${() => void host.toggleMicrophone()}>${t.mute}</button>
      <button part="button" type="button" class="toggle" aria-pressed=${!camOn} @click=${() => void host.toggleCamera()}>${t.stopVideo}</button>
      <button part="button" class="primary" type="submit" ?disabled=${joining}>${joining ? t.joining : host.joinLabel ?? t.join}</button>
      ${card && (micOn || camOn) ? html`<button part="button" type="button" @click=${() => host.startPreview()}>${t.checkDevices}</button>` : nothing}
    </div>
    ${wants ? html`<p>${t.whyDevices}</p>` : nothing}
  </form>`;
}

function failure(host: ScreenHost, t: Strings) {
  const code = host.shownError?.code;
  return html`<div part="base error" class="base center" role="alert">
    <p>${host.shownError?.message}</p>
    ${host.kit?.allowHelp(code)}
    <div class="row">
      ${code === 'unsupported-browser' ? nothing : html`<button part="button" class="primary" @click=${() => host.recover(false)}>${t.retry}</button>`}
      ${code && MEDIA_ERRORS.includes(code) ? html`<button part="button" @click=${() => host.recover(true)}>${t.joinWithout}</button>` : nothing}
    </div>
  </div>`;
}
