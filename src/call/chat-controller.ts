/**
 * ChatController: the chat over the peers' data connections. Keeps the log in one order that every participant
 * shares — (Lamport clock, sender id, message id) — drops duplicates by id, merges the history a member sends
 * when a connection opens, and counts unread messages while the panel is closed. Lives in the lazily loaded
 * call chunk.
 */
import { MAX_TEXT } from '../protocol/limits.js';
import { HISTORY_BATCH, parseChatItem, parseHistoryItem, type ChatWireFields, type PeerMessage } from '../protocol/parse.js';
import type { Member, Signed } from '../protocol/wire.js';
import type { ChatMessage } from '../core/types.js';
import type { WidgetHost } from '../core/host.js';

export type ChatWire = PeerMessage & { t: 'chat' };
export type HistoryWire = PeerMessage & { t: 'history' };

/** Messages sent to someone whose connection just opened. */
export const HISTORY_LIMIT = 500;
/** Messages kept in the log; the oldest go first. */
export const LOG_LIMIT = 1000;
/** Ids remembered for de-duplication (more than the log, so a late copy of a dropped message stays out). */
const SEEN_LIMIT = 4 * LOG_LIMIT;
/** Encoded items per history batch, leaving room for the envelope under PeerJS's 16,300-byte JSON frame. */
const BATCH_BYTES = 14_000;
/**
 * How far ahead of our clock a message's `seq` may be. Honest clocks move by one per message sent in the room;
 * without a bound, one message with `seq` near 2^53 would push every clock past the safe integers, and from then
 * on everyone's messages would fail validation at everyone else.
 */
export const MAX_SEQ_AHEAD = 2 ** 32;
const encoder = new TextEncoder();

interface Entry {
  message: ChatMessage;
  seq: number;
  /** The author's certificate and signature, passed on with the history (unsigned: none). */
  signed: Signed | undefined;
}

/** How a message came to us: relayed by someone else (unverified), and the author's signature if any. */
export interface Provenance extends Signed {
  relayedBy?: string;
}

/** Checks a signed message (`Signer.check`): its author, null when it fails, undefined when unsigned/unchecked. */
export type Check = (from: string, m: ChatWireFields & Signed) => Promise<Member | null | undefined>;

const before = (a: Entry, b: Entry) =>
  a.seq !== b.seq ? a.seq < b.seq : a.message.from !== b.message.from ? a.message.from < b.message.from : a.message.id < b.message.id;

/**
 * Items in frames of at most `max` items, each frame's items under BATCH_BYTES encoded (one data-channel frame with
 * its envelope). A single message is at most ~12 KB encoded (2000 lone surrogates escaped as \uXXXX): it always fits.
 */
export function frames<T>(items: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  let frame: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = encoder.encode(JSON.stringify(item)).length + 1;
    if (frame.length && (bytes + size > BATCH_BYTES || frame.length === max)) {
      out.push(frame);
      frame = [];
      bytes = 0;
    }
    frame.push(item);
    bytes += size;
  }
  if (frame.length) out.push(frame);
  return out;
}

export class ChatController {
  unread = 0;
  /** Inbound messages that failed validation and were dropped. */
  invalid = 0;
  #entries: Entry[] = [];
  readonly #seen = new Set<string>();
  #clock = 0;
  #cached: ChatMessage[] | undefined;
  /** A message re-renders in a later task: a burst of them, arriving in separate tasks, makes one render. */
  readonly #host: Pick<WidgetHost, 'requestUpdateSoon'>;
  readonly #onMessage: (message: ChatMessage) => void;

  constructor(
    host: Pick<WidgetHost, 'requestUpdateSoon'>,
    /** Told of every message that enters the log. */
    onMessage: (message: ChatMessage) => void,
  ) {
    this.#onMessage = onMessage;
    this.#host = host;
  }

  /** The log, in the shared order. */
  get log(): readonly ChatMessage[] {
    return (this.#cached ??= this.#entries.map((e) => e.message));
  }

  /** Validate and wrap a message of ours; throws an Error that says what is wrong, sends nothing. */
  compose(text: unknown, name: string): ChatWire {
    const body = String(text ?? '').trim();
    if (!body) throw new Error('A message cannot be empty.');
    if (body.length > MAX_TEXT) throw new Error(`A message can have at most ${MAX_TEXT} characters (this one has ${body.length}).`);
    return { v: 1, t: 'chat', id: crypto.randomUUID(), name, text: body, ts: Date.now(), seq: ++this.#clock };
  }

  /**
   * Add a message to the log unless it is there already; returns it, or null for a duplicate. `name` is the one the
   * server vouches for the sender; `relayedBy`, for history passed on by someone else, who passed it on.
   */
  record(from: string, { id, text, ts, seq }: Omit<ChatWire, 'v' | 't' | 'name'>, name: string, self: boolean, panelOpen: boolean, { relayedBy, cert, sig }: Provenance = {}): ChatMessage | null {
    if (this.#seen.has(id)) {
      // A copy from its author replaces one that someone else relayed (which nobody could check).
      const at = relayedBy === undefined ? this.#entries.findIndex((e) => e.message.id === id && e.message.relayedBy !== undefined && e.message.from === from) : -1;
      if (at >= 0) {
        this.#entries[at]! = { message: { id, from, name, text, ts, self }, seq, signed: cert && sig ? { cert, sig } : undefined };
        this.#cached = undefined;
        this.#host.requestUpdateSoon();
      }
      return null;
    }
    if (seq > this.#clock + MAX_SEQ_AHEAD) {
      this.invalid++;
      return null;
    }
    this.#remember(id);
    this.#clock = Math.max(this.#clock, seq);
    const message: ChatMessage = relayedBy === undefined ? { id, from, name, text, ts, self } : { id, from, name, text, ts, self, relayedBy };
    const entry: Entry = { message, seq, signed: cert && sig ? { cert, sig } : undefined };
    const entries = this.#entries;
    if (entries.length >= LOG_LIMIT && before(entry, entries[0]!)) return null;
    // Almost always the newest: search from the end.
    let at = entries.length;
    while (at > 0 && before(entry, entries[at - 1]!)) at--;
    entries.splice(at, 0, entry);
    if (entries.length > LOG_LIMIT) entries.shift();
    this.#cached = undefined;
    if (!self && !panelOpen) this.unread++;
    // The render is asked for first: a page that awaits updateComplete when the message is announced sees it shown.
    this.#host.requestUpdateSoon();
    this.#onMessage(entry.message);
    return entry.message;
  }

  /**
   * Merge a history batch that member `relayer` sent: each item validated, duplicates dropped, the shared order
   * kept. A signed item is its author's if the signature checks, and dropped if it does not; of the unsigned ones,
   * what `relayer` wrote itself is theirs (it came on their connection), what it passes on from others is marked
   * as relayed. `nameOf` gives the names the server vouched for.
   */
  async merge(items: readonly unknown[], relayer: string, selfId: string, panelOpen: () => boolean, nameOf: (id: string) => string | undefined, check: Check): Promise<void> {
    for (const raw of items) {
      const item = parseHistoryItem(raw);
      // Our own messages are in our log already: one "from us" that is not was made up by whoever sent the batch.
      if (!item || (item.from === selfId && !this.#seen.has(item.id))) {
        this.invalid++;
        continue;
      }
      // What we hold already is not checked again, unless it is a relayed copy its author's own could replace.
      if (item.from === selfId || (this.#seen.has(item.id) && !this.log.some((m) => m.id === item.id && m.relayedBy))) continue;
      const author = await check(item.from, item).catch(() => undefined);
      if (author === null) this.invalid++;
      else if (author) this.record(item.from, item, author.name, false, panelOpen(), item);
      else if (item.from === relayer) this.record(relayer, item, nameOf(relayer) ?? '', false, panelOpen());
      else this.record(item.from, item, nameOf(item.from) ?? item.name, false, panelOpen(), { relayedBy: relayer });
    }
  }

  /**
   * Keep `from`'s signature on its own message `id` (sent after the message), to pass on with the history. Only the
   * author's own live entry takes one, and only once; it is not checked here (whoever gets it relayed checks it).
   */
  attach(from: string, id: string, { cert, sig }: Required<Signed>): void {
    // It follows its message closely: search from the newest.
    for (let at = this.#entries.length - 1; at >= 0; at--) {
      const entry = this.#entries[at]!;
      if (entry.message.id !== id) continue;
      if (entry.message.from === from && !entry.message.relayedBy && !entry.signed) entry.signed = { cert, sig };
      return;
    }
  }

  /** The last HISTORY_LIMIT messages as batches for one connection, each batch under one data-channel frame. */
  history(): HistoryWire[] {
    const items = this.#entries.slice(-HISTORY_LIMIT).map(({ message: { id, from, name, text, ts }, seq, signed }) => ({ id, from, name, text, ts, seq, ...signed }));
    return frames(items, HISTORY_BATCH).map((batch) => ({ v: 1, t: 'history', items: batch }));
  }

  /**
   * Chat messages that came together in one frame on `from`'s own connection (`chats`): each is checked as a `chat`
   * frame would be, and a bad one costs only itself.
   */
  receive(from: string, items: readonly unknown[], name: string, panelOpen: boolean): void {
    for (const raw of items) {
      const item = parseChatItem(raw);
      if (item) this.record(from, item, name, false, panelOpen, item);
      else this.invalid++;
    }
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.values().next().value!);
  }
}
