import { html, nothing } from 'lit';
import type { CallController } from '../controllers/call-controller.js';
import type { DevicesController } from '../controllers/devices-controller.js';
import type { DeviceChoice } from '../controllers/media-controller.js';
import type { Session } from '../session.js';
import { emit } from '../events.js';
import type { Strings } from '../strings.js';
import type { VideoCallWidget } from '../video-call-widget.js';
import { deviceButtons } from './buttons.js';
import { liveRegion } from './announcer.js';
import { chatPanel } from './chat.js';
import { fileStrings, fill } from './chat-strings.js';
import { tile } from './tile.js';

/** What the in-call view needs beyond the element's public API. */
export interface CallViewState {
  t: Strings;
  /** The camera's self view (the call view shows the screen instead while you present). */
  selfStream: MediaStream | null;
  chatOpen: boolean;
  session: Session;
  micOn: boolean;
  camOn: boolean;
  devices: DevicesController | undefined;
  devicesOpen: boolean;
  toggleDevices(): void;
  setDevices(choice: DeviceChoice): void;
}

/** One stream per presented screen, so re-rendering keeps the self view playing. */
const screens = new WeakMap<MediaStreamTrack, MediaStream>();
const screenStream = (track: MediaStreamTrack) => screens.get(track) ?? screens.set(track, new MediaStream([track])).get(track)!;

/** Start recording, or stop and download the WebM. */
async function record(el: VideoCallWidget, recording: boolean, devices: DevicesController | undefined) {
  try {
    if (!recording) return await el.startRecording();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await el.stopRecording());
    a.download = `${el.room}-${new Date().toISOString().slice(0, 16).replace(':', '')}.webm`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  } catch (error) {
    const message = (error as Error).message;
    // Shown in the call's notices, and told to the page.
    if (devices) devices.notice = message;
    el.requestUpdate();
    emit(el, 'vcw-error', { code: 'unsupported-browser', message });
  }
}

/** The call: tiles in a responsive grid, the chat beside them, the controls bar below. */
export function callView(el: VideoCallWidget, call: CallController, v: CallViewState) {
  const t = v.t;
  const people = el.participants;
  const sharing = !!call.screen;
  const chatOn = el.chat !== 'off';
  const unread = v.session.chat.unread;
  const ft = fileStrings(t);
  const { session, devices } = v;
  const recording = !!session.recorder;
  const others = [...session.recorders].map((id) => call.remotes.get(id)?.name ?? ft.someone);
  // Speaker layout: whoever presents, else who speaks (not you), else the first other person.
  const speakerView = el.layout === 'speaker' && people.length > 1;
  const main = speakerView
    ? (people.find((p) => p.screenSharing) ?? people.find((p) => !p.self && p.id === devices?.speaker) ?? people[1])?.id
    : undefined;
  /** Focus a control once the view has re-rendered (keyboard users stay where they were going). */
  const focus = (selector: string) => void el.updateComplete.then(() => el.shadowRoot?.querySelector<HTMLElement>(selector)?.focus());
  const send = (text: string) =>
    void el.sendMessage(text).catch((error: Error) => emit(el, 'vcw-error', { code: 'connection-lost', message: error.message }));
  return html`<div part="base" class="base call">
    ${el.state === 'reconnecting' ? html`<div part="banner" class="banner" role="status">${t.serverReconnecting}</div>` : nothing}
    ${recording || others.length
      ? html`<div part="recording" class="banner recording" role="status">${[recording ? ft.recording : '', ...others.map((name) => fill(ft.recordingBy, { name }))].filter(Boolean).join(' · ')}</div>`
      : nothing}
    ${devices?.mutedHint ? html`<div part="notice" class="banner" role="status">${ft.mutedHint}</div>` : nothing}
    ${devices?.notice ? html`<div part="notice" class="banner" role="status">${devices.notice}</div>` : nothing}
    ${v.session.soundBlocked ? html`<button part="button banner" class="banner" @click=${() => v.session.unblockSound()}>${t.enableSound}</button>` : nothing}
    <div class="stage">
      <div part="grid" class="grid ${speakerView ? 'speaker' : ''}" data-count=${people.length} role="list" aria-label=${t.participants}>
        ${people.map((p) => tile(p, p.self ? (call.screen ? screenStream(call.screen) : v.selfStream) : call.remotes.get(p.id)?.stream ?? null, t, { ft, quality: session.stats?.last.get(p.id), main: p.id === main }))}
      </div>
      ${chatOn && v.chatOpen
        ? chatPanel({ t, ft, session: v.session, send, share: (files) => v.session.pick(files, el.sendFile.bind(el)), close: () => {
            el.toggleChat(false);
            focus('.chat-toggle');
          } })
        : nothing}
    </div>
    <div part="controls" class="controls" role="toolbar" aria-label=${t.callControls}>
      ${deviceButtons(t, v.micOn, v.camOn, () => void el.toggleMicrophone(), () => void el.toggleCamera())}
      ${navigator.mediaDevices && 'getDisplayMedia' in navigator.mediaDevices
        ? html`<button part="button" class="toggle" aria-pressed=${sharing} @click=${() => void el.toggleScreenshare()}>${t.present}</button>`
        : nothing}
      ${chatOn
        ? html`<button part="button" class="toggle chat-toggle" aria-pressed=${v.chatOpen} @click=${() => {
            el.toggleChat();
            if (!v.chatOpen) focus('.chat textarea');
          }}>
            ${t.chat}${unread ? html`<span class="badge" aria-hidden="true">${unread}</span><span class="sr-only">${` (${unread} ${t.unread})`}</span>` : nothing}</button>`
        : nothing}
      ${devices
        ? html`<button part="button" class="toggle devices-toggle" aria-pressed=${v.devicesOpen} @click=${v.toggleDevices}>${ft.devices}</button>`
        : nothing}
      <button part="button" class="toggle" aria-pressed=${el.layout === 'speaker'} @click=${() => (el.layout = el.layout === 'speaker' ? 'grid' : 'speaker')}>${ft.layoutSpeaker}</button>
      ${typeof MediaRecorder === 'undefined'
        ? nothing
        : html`<button part="button" class="toggle record" aria-pressed=${recording} @click=${() => void record(el, recording, devices)}>${ft.record}</button>`}
      <button part="button" class="leave" @click=${() => void el.leave()}>${t.leave}</button>
    </div>
    ${devices && v.devicesOpen ? devices.pickers(ft, v.setDevices) : nothing}
    ${liveRegion(el, ft, v.chatOpen)}
  </div>`;
}
