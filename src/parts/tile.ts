import { html, nothing } from 'lit';
import type { Strings } from '../strings.js';
import type { Participant } from '../types.js';

/** One participant: video (or their initial when the camera is off), name, badges, connection state. */
export function tile(p: Participant, stream: MediaStream | null, t: Strings) {
  const showVideo = !!stream && !p.videoMuted;
  const label = p.self ? `${p.name} (${t.you})` : p.name;
  return html`<div part="tile" class="tile ${p.self && !p.screenSharing ? 'self' : ''} ${p.screenSharing ? 'screen' : ''}"
    role="listitem" data-peer-id=${p.id} data-connection=${p.connection} aria-label=${label}>
    <video class=${p.self && !p.screenSharing ? 'mirror' : ''} ?hidden=${!showVideo} autoplay playsinline ?muted=${p.self}
      .muted=${p.self} .srcObject=${stream}></video>
    ${showVideo ? nothing : html`<div class="avatar" aria-hidden="true">${(p.name.trim()[0] ?? '?').toUpperCase()}</div>`}
    <div class="label">
      <span part="name" class="name">${label}</span>
      ${p.audioMuted ? html`<span class="tag" data-badge="muted">${t.muted}</span>` : nothing}
      ${p.videoMuted ? html`<span class="tag" data-badge="camera-off">${t.cameraOff}</span>` : nothing}
      ${p.screenSharing ? html`<span class="tag" data-badge="presenting">${t.presenting}</span>` : nothing}
    </div>
    ${p.connection === 'connected' ? nothing : html`<div class="status" role="status">${p.connection === 'connecting' ? t.connecting : t.reconnecting}</div>`}
  </div>`;
}
