/**
 * ChatController: the chat over the peers' data connections. Keeps the log (oldest first), drops duplicates
 * by id, counts unread messages while the panel is closed. Lives in the lazily loaded call chunk.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { MAX_TEXT, type PeerMessage } from '../protocol.js';
import type { ChatMessage } from '../types.js';

export type ChatWire = PeerMessage & { t: 'chat' };

export class ChatController implements ReactiveController {
  log: ChatMessage[] = [];
  unread = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Told of every message that enters the log. */
    private readonly onMessage: (message: ChatMessage) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}
  hostDisconnected(): void {}

  /** Validate and wrap a message of ours; throws an Error that says what is wrong, sends nothing. */
  compose(text: unknown, name: string): ChatWire {
    const body = String(text ?? '').trim();
    if (!body) throw new Error('A message cannot be empty.');
    if (body.length > MAX_TEXT) throw new Error(`A message can have at most ${MAX_TEXT} characters.`);
    return { v: 1, t: 'chat', id: crypto.randomUUID(), name, text: body, ts: Date.now() };
  }

  /** Add a message to the log unless it is there already; returns it, or null for a duplicate. */
  record(from: string, { id, name, text, ts }: ChatWire, self: boolean, panelOpen: boolean): ChatMessage | null {
    if (this.seen.has(id)) return null;
    this.seen.add(id);
    const message: ChatMessage = { id, from, name, text, ts, self };
    this.log = [...this.log, message];
    if (!self && !panelOpen) this.unread++;
    this.onMessage(message);
    this.host.requestUpdate();
    return message;
  }
}
