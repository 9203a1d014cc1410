import { html, nothing } from 'lit';
import type { ChatMessage, FileTransfer } from '../core/types.js';
import { fill, type FileStrings } from './strings.js';

/** What the chat panel shows and changes (the session provides it). */
export interface ChatPanelModel {
  readonly dragging: boolean;
  readonly notice: string;
  readonly chat: { readonly log: readonly ChatMessage[] };
  /** Who the server says a member is (name, role), present or gone. */
  identityOf(id: string): { readonly name: string; readonly role: 'host' | 'guest' } | undefined;
  readonly fileShare: {
    readonly list: readonly FileTransfer[];
    cancel(peer: string, id: string): void;
    /** A file's card in the log (the files chunk draws it). */
    card(file: FileTransfer, ft: FileStrings, cancel: (f: FileTransfer) => void): unknown;
  };
  setDragging(on: boolean): void;
}

/** http(s) URLs; trailing punctuation that usually ends a sentence is left out of the link. */
const LINK = /(https?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]}])/g;

/** Text with http(s) links as anchors; never HTML. */
function linkify(text: string) {
  return text.split(LINK).map((part, i) => (i % 2 ? html`<a href=${part} target="_blank" rel="noopener noreferrer">${part}</a>` : part));
}

const time = (ts: number) => new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Messages and files in one list: messages in the shared order, each file placed by its time. */
function entries(log: readonly ChatMessage[], files: readonly FileTransfer[]): Array<ChatMessage | FileTransfer> {
  const sorted = [...files].sort((a, b) => a.ts - b.ts);
  const out: Array<ChatMessage | FileTransfer> = [];
  let f = 0;
  for (const m of log) {
    while (f < sorted.length && sorted[f]!.ts < m.ts) out.push(sorted[f++]!);
    out.push(m);
  }
  return out.concat(sorted.slice(f));
}

/** One message: the vouched name (a host marked), the time, and for relayed history who relayed it. */
function line(m: ChatMessage, ft: FileStrings, session: ChatPanelModel) {
  const host = !m.relayedBy && session.identityOf(m.from)?.role === 'host';
  const relayer = m.relayedBy && (session.identityOf(m.relayedBy)?.name || ft.someone);
  return html`<li class=${m.self ? 'mine' : ''} data-id=${m.id}>
    <b><bdi>${m.self ? ft.you : m.name || ft.someone}</bdi></b>${host ? html` <span class="tag" data-badge="host">${ft.host}</span>` : nothing}
    <time>${time(m.ts)}</time>${relayer ? html` <small class="relayed-by">${fill(ft.relayedBy, { name: relayer })}</small>` : nothing}
    <p dir="auto">${linkify(m.text)}</p></li>`;
}

/** Options of the chat panel beyond the log. */
export interface ChatPanel {
  /** The call-only strings (file sharing). */
  ft: FileStrings;
  session: ChatPanelModel;
  send(text: string): void;
  share(files: readonly File[]): void;
  close(): void;
}

/**
 * The chat panel: log with files, composer, file picker and drop zone. Enter sends, Shift+Enter makes a new line,
 * Escape closes the panel.
 */
export function chatPanel(p: ChatPanel) {
  const { ft, session } = p;
  const submit = (form: HTMLFormElement) => {
    const input = form.elements.namedItem('text') as HTMLTextAreaElement;
    if (!input.value.trim()) return;
    p.send(input.value);
    input.value = '';
  };
  const hasFiles = (e: DragEvent) => !!e.dataTransfer?.types.includes('Files');
  return html`<aside part="chat" class="chat ${session.dragging ? 'dragging' : ''}" aria-label=${ft.chat}
    @keydown=${(e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.isComposing) return;
      e.preventDefault();
      p.close();
    }}
    @dragover=${(e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      session.setDragging(true);
    }}
    @dragleave=${(e: DragEvent) => {
      if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) session.setDragging(false);
    }}
    @drop=${(e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      session.setDragging(false);
      p.share([...(e.dataTransfer?.files ?? [])]);
    }}>
    <header><span>${ft.chat}</span><button part="button" class="icon" aria-label=${ft.chatClose} @click=${p.close}>×</button></header>
    <div part="log" class="log" role="log" aria-live="polite" aria-label=${ft.chatLog} tabindex="0"><ol>
      ${entries(session.chat.log, session.fileShare.list).map((m) =>
        'fileName' in m
          ? session.fileShare.card(m, ft, (f) => session.fileShare.cancel(f.from, f.id))
          : line(m, ft, session))}
    </ol></div>
    ${session.dragging ? html`<p class="drop-hint" aria-hidden="true">${ft.dropHere}</p>` : nothing}
    ${session.notice ? html`<p class="file-error" role="alert">${session.notice}</p>` : nothing}
    <form part="composer" @submit=${(e: Event) => {
      e.preventDefault();
      submit(e.target as HTMLFormElement);
    }}>
      <textarea part="input" name="text" rows="2" maxlength="2000" aria-label=${ft.messagePlaceholder} placeholder=${ft.messagePlaceholder}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit((e.target as HTMLTextAreaElement).form!);
          }
        }}></textarea>
      <input type="file" name="file" multiple hidden @change=${(e: Event) => {
        const input = e.target as HTMLInputElement;
        p.share([...(input.files ?? [])]);
        input.value = '';
      }} />
      <button part="button" type="button" class="icon attach" aria-label=${ft.attach} title=${ft.attach}
        @click=${(e: Event) => ((e.currentTarget as HTMLElement).previousElementSibling as HTMLInputElement).click()}>${ft.attachShort}</button>
      <button part="button" class="primary" type="submit">${ft.send}</button>
    </form>
  </aside>`;
}
