/**
 * ChatSender: our chat messages on their way out, for one call. Those sent together (in one task) leave together
 * once the task ends: a `chat` frame for a single message, `chats` frames for several (as many as fit one
 * data-channel frame). Then, once the page is idle (within a second), they are signed through the trust chunk
 * (`Signer`, loaded at first use), and their signatures follow in `sig` frames: the others keep each with its
 * message, to pass on with the history. Signing waits for idle time because nothing needs the signature at once
 * (only a later newcomer, who gets the message passed on by someone else), while a burst of messages would wait
 * behind it. The same Signer checks the signatures in the history others pass on to us.
 */
import type { ChatWireFields, SigFrame } from '../protocol/wire.js';
import { CHAT_BATCH } from '../protocol/parse.js';
import type { CallController } from './call-controller.js';
import { frames, type ChatController, type ChatWire, type Check } from './chat-controller.js';

/** What the trust chunk's `Signer` does: sign our chat messages (into the frames that carry the signatures), check everyone's. */
interface Signer {
  sign(ms: readonly ChatWireFields[]): Promise<SigFrame[]>;
  check: Check;
}

/** Runs `fn` once the page is idle, within a second (soon after, where the browser cannot tell idle time). */
const whenIdle = (fn: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 1000 }) : setTimeout(fn, 50));

export class ChatSender {
  #signer: Promise<Signer> | undefined;
  /** Messages of ours sent in this task, sent together once it ends. */
  #queued: ChatWire[] | undefined;

  constructor(
    readonly call: CallController,
    readonly chat: ChatController,
    /** Whether `call` is still the session's call (what is left over from an ended one is dropped). */
    readonly current: () => boolean,
  ) {}

  /** Who wrote a signed message (see `Signer.check`). */
  readonly check: Check = async (author, m) => (await this.#signing()).check(author, m);

  /** Send a message of ours (it is in our log already), with the others sent in this task. */
  send(wire: ChatWire): void {
    if (this.#queued) return void this.#queued.push(wire);
    const wires = (this.#queued = [wire]);
    queueMicrotask(() => {
      this.#queued = undefined;
      if (!this.current()) return;
      if (wires.length === 1) this.call.broadcast(wire);
      else for (const items of frames(wires.map(({ v, t, ...item }) => item), CHAT_BATCH)) this.call.broadcast({ v: 1, t: 'chats', items });
      whenIdle(() => void this.#sign(wires));
    });
  }

  /** Sign and send the signatures; unsigned if the server cannot certify us right now. */
  async #sign(wires: ChatWire[]): Promise<void> {
    const sigs = await this.#signing()
      .then((signer) => signer.sign(wires))
      .catch((): SigFrame[] => []);
    if (!this.current()) return;
    for (const frame of sigs) {
      for (const { id, sig } of frame.sigs) this.chat.attach(this.call.selfId, id, { cert: frame.cert, sig });
      this.call.broadcast(frame);
    }
  }

  #signing(): Promise<Signer> {
    return (this.#signer ??= import('../trust/index.js').then(
      ({ Signer }) => new Signer((key) => this.call.certify(key)),
      (error: unknown) => {
        this.#signer = undefined;
        throw error;
      },
    ));
  }
}
