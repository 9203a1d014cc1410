/**
 * File sharing as the call sees it: the files chunk (`src/files/`) loads when a file is first picked or offered, so a
 * call that never shares one never loads it. Until then the list is empty; frames that arrive on a files channel
 * while the chunk loads wait here, in order, and are handed over once it is there.
 */
import type { WidgetHost } from '../core/host.js';
import type { FileTransfer } from '../core/types.js';
import type { FileStrings } from './strings.js';

/** What file sharing needs from the call. */
interface Link {
  peers(): string[];
  nameOf(peer: string): string;
  /** The files channel to a peer, while it is open. */
  channel(peer: string): RTCDataChannel | undefined;
}

/** The files chunk's controller, as used here. */
interface Files {
  readonly list: FileTransfer[];
  readonly invalid: number;
  attach(link: Link): void;
  detach(): void;
  peerGone(peer: string): void;
  receive(from: string, frame: ArrayBuffer): void;
  share(file: Blob, selfId: string, selfName: string): Promise<FileTransfer>;
  cancel(from: string, id: string): void;
}

/** The first byte of a frame (`files/frames.ts`): an offer, and a cancel (ignored when nothing was offered). */
const OFFER = 0;
const CANCEL = 5;

export class FileShare {
  #files: Files | undefined;
  /** The files chunk's card for a file in the chat log. */
  #card: ((file: FileTransfer, ft: FileStrings, cancel: (f: FileTransfer) => void) => unknown) | undefined;
  #loading: Promise<Files> | undefined;
  #link: Link | undefined;
  /** Frames that arrived while the chunk loads. */
  #waiting: Array<[string, ArrayBuffer]> = [];
  /** Frames about a transfer that cannot exist (nothing was offered before the chunk loaded). */
  #invalid = 0;
  readonly #host: WidgetHost;
  readonly #onComplete: (file: FileTransfer) => void;

  constructor(host: WidgetHost, onComplete: (file: FileTransfer) => void) {
    this.#host = host;
    this.#onComplete = onComplete;
  }

  get list(): FileTransfer[] {
    return this.#files?.list ?? [];
  }

  get invalid(): number {
    return this.#invalid + (this.#files?.invalid ?? 0);
  }

  attach(link: Link): void {
    this.#link = link;
    this.#files?.attach(link);
  }

  detach(): void {
    this.#link = undefined;
    this.#waiting = [];
    this.#files?.detach();
  }

  peerGone(peer: string): void {
    this.#waiting = this.#waiting.filter(([from]) => from !== peer);
    this.#files?.peerGone(peer);
  }

  /** A frame from `from`'s files channel (at most MAX_FILE_FRAME bytes). */
  receive(from: string, frame: ArrayBuffer): void {
    if (this.#files) return this.#files.receive(from, frame);
    const kind = new Uint8Array(frame)[0];
    if (!this.#loading && kind !== OFFER) {
      // No offer came, so no transfer exists: what the files chunk would say about a chunk, end or ack of an unknown
      // transfer (dropped and counted) or a cancel of one (ignored), without loading it.
      if (kind !== CANCEL) this.#invalid++;
      return;
    }
    this.#waiting.push([from, frame]);
    void this.#load().catch(() => undefined);
  }

  async share(file: Blob, selfId: string, selfName: string): Promise<FileTransfer> {
    return (await this.#load()).share(file, selfId, selfName);
  }

  cancel(from: string, id: string): void {
    this.#files?.cancel(from, id);
  }

  /** A file's card in the chat log (files exist only once the chunk is here). */
  card(file: FileTransfer, ft: FileStrings, cancel: (f: FileTransfer) => void): unknown {
    return this.#card?.(file, ft, cancel);
  }

  #load(): Promise<Files> {
    this.#loading ??= import('../files/index.js').then(
      ({ createFileShare, fileCardFor }) => {
        const files: Files = createFileShare(this.#host, this.#onComplete);
        this.#card = fileCardFor(this.#host);
        if (this.#link) files.attach(this.#link);
        this.#files = files;
        for (const [from, frame] of this.#waiting.splice(0)) files.receive(from, frame);
        return files;
      },
      (error: unknown) => {
        // Not loaded (the network dropped the chunk): decline what was offered meanwhile (the offer's own header,
        // `[kind][id length][id]`, as a cancel), try again next time.
        this.#loading = undefined;
        for (const [from, frame] of this.#waiting.splice(0)) {
          const head = new Uint8Array(frame);
          if (head[0] !== OFFER) continue;
          const cancel = head.slice(0, 2 + head[1]!);
          cancel[0] = CANCEL;
          this.#link?.channel(from)?.send(cancel);
        }
        throw error;
      },
    );
    return this.#loading;
  }
}
