import { html, nothing } from 'lit';
import type { DevicesHandle } from '../core/host.js';
import type { Strings } from '../core/strings.js';
import type { PeerStats, Participant, Quality } from '../core/types.js';
import { fill, type FileStrings } from './strings.js';

/** What a tile shows beyond the participant. */
export interface TileExtras {
  ft: FileStrings;
  /** Connection figures of a remote participant, once measured. */
  quality: { stats: PeerStats; quality: Quality } | undefined;
  /** The large tile of the speaker layout. */
  main: boolean;
  /** Renders the `<video>` (the devices part keeps it playing across renders). */
  devices: DevicesHandle | undefined;
  /** The browser refused full screen or picture-in-picture: a `vcw-error`. */
  refused(error: Error): void;
}

const kbps = (s: PeerStats) => Math.round((s.bitrate.audio.inbound + s.bitrate.video.inbound) / 1000);

/** A 16×16 line icon (no font needed). */
const icon = (d: string) => html`<svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d=${d}></path></svg>`;

/** Full screen for a tile, or back. */
function fullscreen(e: Event, refused: (error: Error) => void) {
  const button = e.currentTarget as HTMLElement;
  if (document.fullscreenElement) void document.exitFullscreen();
  else void button.closest('.tile')!.requestFullscreen().catch(refused);
}

/** Picture-in-picture for a tile's video, or back. */
function pip(e: Event, refused: (error: Error) => void) {
  const video = (e.currentTarget as HTMLElement).closest('.tile')!.querySelector('video')!;
  // In a shadow root, `document` only sees the host: ask the root.
  if ((video.getRootNode() as Document | ShadowRoot).pictureInPictureElement === video) void document.exitPictureInPicture();
  else void video.requestPictureInPicture().catch(refused);
}

/** One participant: video (or their initial when the camera is off), name, badges, connection state and quality. */
export function tile(p: Participant, stream: MediaStream | null, t: Strings, x: TileExtras) {
  const showVideo = !!stream && !p.videoMuted;
  const ft = x.ft;
  const name = p.name || ft.someone;
  const host = p.role === 'host';
  const shown = p.self ? `${name} (${ft.you})` : name;
  const label = host ? `${shown}, ${ft.host}` : shown;
  const q = x.quality;
  const details = q
    ? `${q.stats.rtt === null ? '–' : Math.round(q.stats.rtt)} ms · ${q.stats.packetLossPercent.toFixed(1)} % · ${kbps(q.stats)} kbps${q.stats.video.frameWidth ? ` · ${q.stats.video.frameWidth}×${q.stats.video.frameHeight}` : ''}${q.stats.usingRelay ? ` · ${ft.relayed}` : ''}`
    : '…';
  // Until the first figures arrive (a second or two), the mark is there and says so.
  const summary = fill(ft.connection, { quality: q ? ft[q.quality] : '…' });
  return html`<div part="tile" class="tile ${p.self && !p.screenSharing ? 'self' : ''} ${p.screenSharing ? 'screen' : ''} ${x.main ? 'main' : ''}"
    role="listitem" data-peer-id=${p.id} data-connection=${p.connection} aria-label=${label}>
    ${x.devices?.video(stream, { muted: p.self, mirror: p.self && !p.screenSharing, hidden: !showVideo }) ?? nothing}
    ${showVideo ? nothing : html`<div class="avatar" aria-hidden="true">${(name.trim()[0] ?? '?').toUpperCase()}</div>`}
    <div class="actions">
      ${p.self
        ? nothing
        : html`<span part="quality" class="quality" data-quality=${q?.quality ?? ''} data-relay=${!!q?.stats.usingRelay} tabindex="0" role="img"
            aria-label=${`${summary}: ${details}`}><span class="bars" aria-hidden="true"></span><span class="details" aria-hidden="true">${summary}<br />${details}</span></span>`}
      ${showVideo && document.pictureInPictureEnabled && !p.self
        ? html`<button part="button" class="icon" aria-label=${`${ft.pip}: ${name}`} title=${ft.pip} @click=${(e: Event) => pip(e, x.refused)}>${icon('M1 2h14v12H1zM8 8h5v4H8z')}</button>`
        : nothing}
      <button part="button" class="icon" aria-label=${`${ft.fullscreen}: ${name}`} title=${ft.fullscreen} @click=${(e: Event) => fullscreen(e, x.refused)}>${icon('M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5')}</button>
    </div>
    <div class="label">
      <span part="name" class="name">${shown}</span>
      ${host ? html`<span class="tag" data-badge="host" aria-hidden="true">${ft.host}</span>` : nothing}
      ${p.audioMuted ? html`<span class="tag" data-badge="muted">${ft.muted}</span>` : nothing}
      ${p.videoMuted ? html`<span class="tag" data-badge="camera-off">${ft.cameraOff}</span>` : nothing}
      ${p.screenSharing ? html`<span class="tag" data-badge="presenting">${ft.presenting}</span>` : nothing}
    </div>
    ${p.connection === 'connected' ? nothing : html`<div class="status" role="status">${p.connection === 'connecting' ? t.connecting : ft.reconnecting}</div>`}
  </div>`;
}
