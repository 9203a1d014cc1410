/**
 * File sharing as the call sees it: the files chunk (`src/files/`) loads when a file is first picked or offered, so a
 * call that never shares one never loads it. Until then the list is empty; file messages that arrive while the
 * chunk loads wait here, in order, and are handed over once it is there.
 */
import type { WidgetHost } from '../core/host.js';
import type { FileTransfer } from '../core/types.js';
import type { PeerMessage } from '../protocol/wire.js';

type FileMessage = PeerMessage & { t: 'file' | 'chunk' | 'file-end' | 'file-ack' | 'file-cancel' };

/** What file sharing needs from the call. */
interface Link {
  peers(): string[];
  nameOf(peer: string): string;
  send(peer: string, message: PeerMessage): boolean;
  channel(peer: string): RTCDataChannel | undefined;
}

/** The files chunk's controller, as used here. */
interface Files {
  readonly list: FileTransfer[];
  readonly invalid: number;
  attach(link: Link): void;
  detach(): void;
  peerGone(peer: string): void;
  handle(from: string, message: FileMessage): void;
  share(file: Blob, selfId: string, selfName: string): Promise<FileTransfer>;
  cancel(from: string, id: string): void;
}

export class FileShare {
  #files: Files | undefined;
  #loading: Promise<Files> | undefined;
  #link: Link | undefined;
  /** File messages that arrived while the chunk loads. */
  #waiting: Array<[string, FileMessage]> = [];
  /** Messages about a transfer that cannot exist (nothing was offered before the chunk loaded). */
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

  handle(from: string, message: FileMessage): void {
    if (this.#files) return this.#files.handle(from, message);
    if (!this.#loading && message.t !== 'file') {
      // No offer came, so no transfer exists: what the files chunk would say about a chunk, end or ack of an unknown
      // transfer (dropped and counted) or a cancel of one (ignored), without loading it.
      if (message.t !== 'file-cancel') this.#invalid++;
      return;
    }
    this.#waiting.push([from, message]);
    void this.#load().catch(() => undefined);
  }

  async share(file: Blob, selfId: string, selfName: string): Promise<FileTransfer> {
    return (await this.#load()).share(file, selfId, selfName);
  }

  cancel(from: string, id: string): void {
    this.#files?.cancel(from, id);
  }

  #load(): Promise<Files> {
    this.#loading ??= import('../files/index.js').then(
      ({ createFileShare }) => {
        const files: Files = createFileShare(this.#host, this.#onComplete);
        if (this.#link) files.attach(this.#link);
        this.#files = files;
        for (const [from, message] of this.#waiting.splice(0)) files.handle(from, message);
        return files;
      },
      (error: unknown) => {
        // Not loaded (the network dropped the chunk): decline what was offered meanwhile, try again next time.
        this.#loading = undefined;
        for (const [from, message] of this.#waiting.splice(0)) {
          if (message.t === 'file') this.#link?.send(from, { v: 1, t: 'file-cancel', id: message.id });
        }
        throw error;
      },
    );
    return this.#loading;
  }
}
