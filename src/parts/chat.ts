import { html } from 'lit';
import type { Strings } from '../strings.js';
import type { ChatMessage } from '../types.js';

const LINK = /(https?:\/\/[^\s<>"]+)/g;

/** Text with http(s) links as anchors; never HTML. */
function linkify(text: string) {
  return text.split(LINK).map((part, i) => (i % 2 ? html`<a href=${part} target="_blank" rel="noopener noreferrer">${part}</a>` : part));
}

const time = (ts: number) => new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The chat panel: log and composer. Enter sends, Shift+Enter makes a new line. */
export function chatPanel(log: readonly ChatMessage[], t: Strings, send: (text: string) => void, close: () => void) {
  const submit = (form: HTMLFormElement) => {
    const input = form.elements.namedItem('text') as HTMLTextAreaElement;
    if (!input.value.trim()) return;
    send(input.value);
    input.value = '';
  };
  return html`<aside part="chat" class="chat" aria-label=${t.chat}>
    <header><span>${t.chat}</span><button class="icon" aria-label=${t.chatClose} @click=${close}>×</button></header>
    <ol class="log" role="log" aria-live="polite" aria-label=${t.chatLog}>
      ${log.map((m) => html`<li class=${m.self ? 'mine' : ''} data-id=${m.id}>
        <b>${m.self ? t.you : m.name}</b> <time>${time(m.ts)}</time><p>${linkify(m.text)}</p></li>`)}
    </ol>
    <form @submit=${(e: Event) => {
      e.preventDefault();
      submit(e.target as HTMLFormElement);
    }}>
      <textarea name="text" rows="2" maxlength="2000" aria-label=${t.messagePlaceholder} placeholder=${t.messagePlaceholder}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit((e.target as HTMLTextAreaElement).form!);
          }
        }}></textarea>
      <button class="primary" type="submit">${t.send}</button>
    </form>
  </aside>`;
}
