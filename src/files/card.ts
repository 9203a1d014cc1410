/**
 * A shared file as the chat panel shows it: who sent it, its name and size, progress with Cancel while it travels,
 * the download link once it is verified, or why it failed. In the files chunk: a file exists only once it is loaded.
 */
import { html, nothing } from 'lit';
import type { FileTransfer } from '../core/types.js';

/** The words the card uses (the call's and file sharing's string tables, in the element's language). */
export interface CardStrings {
  you: string;
  cancel: string;
  download: string;
  sent: string;
  sending: string;
  receiving: string;
  failed: string;
  cancelled: string;
}

const time = (ts: number) => new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One file in the chat log; the link always downloads (the file's type is one that runs nothing, see `safeType`). */
export function fileCard(file: FileTransfer, ft: CardStrings, cancel: (f: FileTransfer) => void) {
  const busy = file.status === 'sending' || file.status === 'receiving';
  return html`<li class="file ${file.self ? 'mine' : ''}" data-file-id=${file.id} data-status=${file.status}>
    <b><bdi>${file.self ? ft.you : file.name}</bdi></b> <time>${time(file.ts)}</time>
    <p><bdi class="file-name">${file.fileName}</bdi> <span class="size">(${size(file.size)})</span></p>
    ${busy
      ? html`<div class="row"><progress max="1" .value=${file.progress} aria-label=${`${ft[file.status]} ${file.fileName}`}></progress>
          <button part="button" class="icon" @click=${() => cancel(file)}>${ft.cancel}</button></div>`
      : nothing}
    ${file.status === 'done' && file.url
      ? html`<a class="download" href=${file.url} download=${file.fileName}>${file.self ? ft.sent : ft.download}</a>`
      : nothing}
    ${file.status === 'failed' || file.status === 'cancelled'
      ? html`<p class="file-error" role="status">${file.error ?? ft[file.status]}</p>`
      : file.error
        ? html`<p class="file-error">${file.error}</p>`
        : nothing}
  </li>`;
}
