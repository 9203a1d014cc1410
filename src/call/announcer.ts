/**
 * A visually hidden polite live region that announces joins, leaves and other people's messages (while the chat
 * panel is closed: the open panel's log announces them itself). The session tells it what happened.
 */
import { html } from 'lit';
import type { WidgetHost } from '../core/host.js';
import type { ChatMessage, Participant } from '../core/types.js';
import { fileStrings, fill } from './strings.js';

export class Announcer {
  #text = '';
  readonly #host: WidgetHost;

  constructor(host: WidgetHost) {
    this.#host = host;
  }

  joined(p: Participant): void {
    this.#say(fill(this.#strings.announceJoin, { name: this.#who(p.name) }));
  }

  left(p: Participant): void {
    this.#say(fill(this.#strings.announceLeave, { name: this.#who(p.name) }));
  }

  message(m: ChatMessage, chatOpen: boolean): void {
    if (!m.self && !chatOpen) this.#say(fill(this.#strings.announceMessage, { name: this.#who(m.name), text: m.text }));
  }

  render() {
    return html`<div part="live" class="sr-only" role="status" aria-live="polite" aria-atomic="true">${this.#text}</div>`;
  }

  get #strings() {
    return fileStrings(this.#host.t);
  }

  #who(name: string): string {
    return name.trim() || this.#strings.someone;
  }

  #say(text: string): void {
    this.#text = text;
    this.#host.requestUpdate();
  }
}
