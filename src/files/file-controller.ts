/**
 * FileController: files shared with the room over each pair's files channel (binary frames, `frames.ts`). The
 * sender hashes the file (SHA-256), offers it to everyone connected, then streams the bytes to each receiver on its
 * own schedule, pausing whenever that channel's send buffer is above a high-water mark. A receiver checks size and
 * hash before it offers the download, and acknowledges. Either side can cancel; a participant leaving fails what was
 * in flight with them. Lives in its own chunk, loaded when a file is first picked or offered in a call.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { MAX_FILE, MAX_FILE_NAME } from '../protocol/parse.js';
import { fill } from '../core/strings.js';
import { CHUNK_BYTES, frame, Kind, parseFrame, type Offer } from './frames.js';
import type { FileProblemStrings } from './strings.js';
import type { FileTransfer, TransferStatus } from '../core/types.js';

/** The file problems a person is told about (keys of the string table). */
type FileProblem = keyof FileProblemStrings;

/** The file-sharing strings in the element's language. */
export interface FileWords {
  /** As they are now (English while the language's table loads). */
  now(): FileProblemStrings;
  /** Starts loading the element's language if it is not yet: that load, else undefined. */
  load(): Promise<unknown> | undefined;
  /** Resolves once the element's language is there (undefined when it was never asked for). */
  ready(): Promise<unknown> | undefined;
}

/** Pause a receiver's stream above this many bytes waiting in its channel; resume below LOW_WATER. */
const HIGH_WATER = 256 * 1024;
const LOW_WATER = 64 * 1024;
/** Bytes of unfinished incoming files held in memory at once; offers beyond it are declined. */
const MAX_INCOMING = 4 * MAX_FILE;
/** Re-render progress at most this often. */
const PROGRESS_EVERY = 100;

/** What the controller needs from the call. */
export interface FileLink {
  /** Peers whose data connection is open now. */
  peers(): string[];
  nameOf(peer: string): string;
  /** The files channel to a peer, while it is open. */
  channel(peer: string): RTCDataChannel | undefined;
}

type PeerState = 'sending' | 'sent' | 'done' | 'failed' | 'cancelled';

interface Transfer extends Omit<FileTransfer, 'status' | 'progress' | 'url' | 'error'> {
  status: TransferStatus;
  progress: number;
  url: string | undefined;
  error: string | undefined;
  /** Sender: the bytes and each receiver's state and offset. */
  bytes?: Uint8Array<ArrayBuffer>;
  to?: Map<string, { state: PeerState; sent: number }>;
  /** Receiver: what arrived so far. */
  chunks?: Uint8Array<ArrayBuffer>[];
  received?: number;
  hash?: string;
}

/**
 * Types a received file keeps: ones a browser shows without running anything in the page's origin (raster images,
 * PDF, plain text, common audio and video). Anything else — HTML, SVG, XHTML, XML, scripts, unknown — becomes
 * `application/octet-stream`, so opening the file's same-origin `blob:` URL downloads it instead of running it.
 */
const SAFE_TYPE = /^(image\/(png|jpeg|gif|webp|avif)|application\/pdf|text\/plain|audio\/(mpeg|mp4|ogg|webm|wav|aac|flac)|video\/(mp4|webm|ogg|quicktime))$/;
/** The type a file is kept and offered as: its own when on the safe list, else `application/octet-stream`. */
export const safeType = (type: string): string => (SAFE_TYPE.test(type.toLowerCase()) ? type.toLowerCase() : 'application/octet-stream');

const hex = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (bytes: Uint8Array<ArrayBuffer>) => hex(await crypto.subtle.digest('SHA-256', bytes));

/** Resolves when the channel's buffer falls below LOW_WATER, it closes, or a second passes (then the caller looks again). */
function drained(channel: RTCDataChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      channel.removeEventListener('bufferedamountlow', done);
      channel.removeEventListener('close', done);
      resolve();
    };
    const timer = setTimeout(done, 1000);
    channel.bufferedAmountLowThreshold = LOW_WATER;
    channel.addEventListener('bufferedamountlow', done);
    channel.addEventListener('close', done);
  });
}

export class FileController implements ReactiveController {
  /** Inbound file frames that failed validation or matched no transfer. */
  invalid = 0;
  readonly #transfers = new Map<string, Transfer>();
  #link: FileLink | undefined;
  #lastPaint = 0;
  readonly #host: ReactiveControllerHost;
  readonly #onComplete: (file: FileTransfer) => void;
  readonly #strings: FileWords;
  readonly #accepts: () => boolean;

  constructor(
    host: ReactiveControllerHost,
    /** Told when a file is complete: received and verified, or delivered to everyone. */
    onComplete: (file: FileTransfer) => void,
    /** The UI's strings (the element's language and the host's overrides): errors are shown as they are. */
    strings: FileWords,
    /** Whether offers are taken now (chat on); when not, they are declined. */
    accepts: () => boolean = () => true,
  ) {
    this.#accepts = accepts;
    this.#strings = strings;
    this.#onComplete = onComplete;
    this.#host = host;
    host.addController(this);
    this.hostUpdate();
  }

  /**
   * The element's language may have changed: its table starts loading before anything needs saying in it, and the
   * cards are drawn again once it is there.
   */
  hostUpdate(): void {
    void this.#strings.load()?.then(() => this.#host.requestUpdate());
  }

  hostDisconnected(): void {
    this.detach();
    for (const t of this.#transfers.values()) if (t.url) URL.revokeObjectURL(t.url);
    this.#transfers.clear();
  }

  /** Every transfer, oldest first, as the UI and host pages see it. */
  get list(): FileTransfer[] {
    return [...this.#transfers.values()].map(({ id, from, name, fileName, size, type, ts, self, status, progress, url, error }) => ({
      id, from, name, fileName, size, type, ts, self, status, progress, url, error,
    }));
  }

  /** Use this call's connections (a new call after a re-join replaces the old link). */
  attach(link: FileLink): void {
    this.#link = link;
  }

  /** The call ended: whatever is in flight fails. */
  detach(): void {
    for (const t of this.#transfers.values()) {
      if (t.status === 'sending' || t.status === 'receiving') this.#finish(t, 'failed', this.#say('fileCallEnded'));
    }
    this.#link = undefined;
  }

  /** Share a file with everyone connected now. Rejects with a clear Error (and sends nothing) when it cannot. */
  async share(file: Blob & { name?: string }, selfId: string, selfName: string): Promise<FileTransfer> {
    await this.#strings.ready();
    const link = this.#link;
    if (!link) throw new Error(this.#say('fileNotInCall'));
    const fileName = (file.name || 'file').slice(0, MAX_FILE_NAME);
    if (file.size === 0) throw new Error(this.#say('fileEmpty', { file: fileName }));
    if (file.size > MAX_FILE) throw new Error(this.#say('fileTooLarge', { file: fileName, max: String(MAX_FILE / 1024 / 1024) }));
    const open = () => link.peers().filter((peer) => link.channel(peer));
    if (!open().length) throw new Error(this.#say('fileAlone'));
    const bytes = new Uint8Array(await file.arrayBuffer());
    const hash = await sha256(bytes);
    const peers = open();
    if (this.#link !== link || !peers.length) throw new Error(this.#say('fileEndedBeforeShare'));
    const t: Transfer = {
      id: crypto.randomUUID(), from: selfId, name: selfName, fileName, size: bytes.length, type: safeType(file.type), ts: Date.now(), self: true,
      status: 'sending', progress: 0, url: undefined, error: undefined, bytes, to: new Map(),
    };
    this.#transfers.set(this.#key('', t.id), t);
    const offer = frame(Kind.OFFER, t.id, { name: fileName, size: t.size, type: t.type, hash, ts: t.ts });
    for (const peer of peers) {
      if (!this.#send(peer, offer)) continue;
      t.to!.set(peer, { state: 'sending', sent: 0 });
      void this.#pump(t, peer, link);
    }
    if (!t.to!.size) this.#finish(t, 'failed', this.#say('fileNotOffered'));
    this.#host.requestUpdate();
    return this.list.find((f) => f.id === t.id)!;
  }

  /** Stop a transfer, sending or receiving (`from` and `id` as in the transfer). */
  cancel(from: string, id: string): void {
    const t = [...this.#transfers.values()].find((x) => x.id === id && x.from === from);
    if (!t || (t.status !== 'sending' && t.status !== 'receiving')) return;
    if (t.self) {
      for (const [peer, p] of t.to!) {
        if (p.state === 'sending' || p.state === 'sent') {
          p.state = 'cancelled';
          this.#send(peer, frame(Kind.CANCEL, id));
        }
      }
    } else {
      this.#send(t.from, frame(Kind.CANCEL, id));
    }
    this.#finish(t, 'cancelled', undefined);
  }

  /** A frame from `from`'s files channel. */
  receive(from: string, buffer: ArrayBuffer): void {
    const message = parseFrame(buffer);
    if (!message) return void this.invalid++;
    // Our own files are keyed without a sender; a peer's by theirs.
    const t = this.#transfers.get(this.#key(from, message.id)) ?? this.#transfers.get(this.#key('', message.id));
    switch (message.kind) {
      case Kind.OFFER:
        return this.#offered(from, message.id, message.offer);
      case Kind.CHUNK:
        return t && !t.self ? this.#chunk(t, message.data) : void this.invalid++;
      case Kind.END:
        return t && !t.self ? void this.#end(t).catch(() => this.#finish(t, 'failed', this.#say('fileNotChecked'))) : void this.invalid++;
      case Kind.CANCEL:
        if (!t) return;
        if (!t.self) return t.status === 'receiving' ? this.#finish(t, 'cancelled', this.#say('fileCancelledBy', { name: t.name })) : undefined;
        return this.#settle(t, from, 'cancelled');
      default:
        return t?.self ? this.#settle(t, from, message.kind === Kind.ACK_OK ? 'done' : 'failed') : void this.invalid++;
    }
  }

  /** Send a frame on `peer`'s files channel; false when it is not open. */
  #send(peer: string, bytes: Uint8Array<ArrayBuffer>): boolean {
    const channel = this.#link?.channel(peer);
    try {
      channel?.send(bytes);
      return !!channel;
    } catch {
      // A closing channel: the departure is handled by its close.
      return false;
    }
  }

  /** A participant left: what was in flight with them fails. */
  peerGone(peer: string): void {
    for (const t of this.#transfers.values()) {
      if (t.self && t.to!.has(peer)) this.#settle(t, peer, 'failed');
      else if (!t.self && t.from === peer && t.status === 'receiving') this.#finish(t, 'failed', this.#say('fileSenderLeft', { name: t.name }));
    }
  }

  /** A problem in the UI's language, `{…}` filled in. */
  #say(key: FileProblem, values: Record<string, string> = {}): string {
    return fill(this.#strings.now()[key], values);
  }

  #key(from: string, id: string): string {
    return `${from}/${id}`;
  }

  #offered(from: string, id: string, offer: Offer): void {
    const link = this.#link;
    if (!link || this.#transfers.has(this.#key(from, id))) return void this.invalid++;
    let pending = 0;
    for (const t of this.#transfers.values()) if (t.status === 'receiving') pending += t.size;
    // Chat is off here, or too much is arriving at once: decline, so the sender does not wait.
    if (!this.#accepts() || pending + offer.size > MAX_INCOMING) return void this.#send(from, frame(Kind.CANCEL, id));
    this.#transfers.set(this.#key(from, id), {
      id, from, name: link.nameOf(from), fileName: offer.name, size: offer.size, type: safeType(offer.type), ts: offer.ts, self: false,
      status: 'receiving', progress: 0, url: undefined, error: undefined, chunks: [], received: 0, hash: offer.hash,
    });
    this.#host.requestUpdate();
  }

  #chunk(t: Transfer, data: Uint8Array): void {
    if (t.status !== 'receiving') return;
    if (t.received! + data.length > t.size) {
      this.#send(t.from, frame(Kind.ACK_FAILED, t.id));
      return this.#finish(t, 'failed', this.#say('fileDamaged'));
    }
    // Kept as a copy of its own: the frame's buffer holds the header too.
    t.chunks!.push(data.slice());
    t.received! += data.length;
    t.progress = t.received! / t.size;
    this.#paint();
  }

  async #end(t: Transfer): Promise<void> {
    if (t.status !== 'receiving') return;
    const bytes = new Uint8Array(t.received!);
    let at = 0;
    for (const c of t.chunks!) {
      bytes.set(c, at);
      at += c.length;
    }
    t.chunks = [];
    const ok = at === t.size && (await sha256(bytes)) === t.hash;
    if (t.status !== 'receiving') return;
    this.#send(t.from, frame(ok ? Kind.ACK_OK : Kind.ACK_FAILED, t.id));
    if (!ok) return this.#finish(t, 'failed', this.#say('fileDamaged'));
    t.url = URL.createObjectURL(new Blob([bytes], { type: t.type }));
    this.#finish(t, 'done', undefined);
  }

  /** A receiver's transfer reached an end state on the sender's side. */
  #settle(t: Transfer, peer: string, state: PeerState): void {
    const p = t.to?.get(peer);
    if (!p || p.state === 'done' || p.state === 'failed' || p.state === 'cancelled') return;
    p.state = state;
    this.#progressOf(t);
    const states = [...t.to!.values()].map((x) => x.state);
    if (t.status !== 'sending' || states.some((s) => s === 'sending' || s === 'sent')) return this.#paint();
    if (states.includes('done')) {
      t.url = URL.createObjectURL(new Blob([t.bytes!], { type: t.type }));
      this.#finish(t, 'done', states.every((s) => s === 'done') ? undefined : this.#say('filePartial'));
    } else {
      this.#finish(t, states.every((s) => s === 'cancelled') ? 'cancelled' : 'failed', this.#say('fileNobody'));
    }
  }

  #finish(t: Transfer, status: TransferStatus, error: string | undefined): void {
    t.status = status;
    t.error = error;
    if (status === 'done') t.progress = 1;
    if (!t.self) t.chunks = [];
    if (t.self && status !== 'done') t.bytes = undefined;
    if (status === 'done') this.#onComplete(this.list.find((f) => f.id === t.id && f.from === t.from)!);
    this.#host.requestUpdate();
  }

  /** Stream the file to one receiver, pausing while its channel holds more than HIGH_WATER bytes. */
  async #pump(t: Transfer, peer: string, link: FileLink): Promise<void> {
    const p = t.to!.get(peer)!;
    while (p.state === 'sending') {
      const channel = link.channel(peer);
      if (this.#link !== link || !channel || channel.readyState !== 'open') return this.#settle(t, peer, 'failed');
      if (channel.bufferedAmount > HIGH_WATER) {
        await drained(channel);
        continue;
      }
      if (p.sent >= t.size) {
        p.state = this.#send(peer, frame(Kind.END, t.id)) ? 'sent' : 'failed';
        if (p.state === 'failed') this.#settle(t, peer, 'failed');
        return;
      }
      const end = Math.min(p.sent + CHUNK_BYTES, t.size);
      if (!this.#send(peer, frame(Kind.CHUNK, t.id, t.bytes!.subarray(p.sent, end)))) return this.#settle(t, peer, 'failed');
      p.sent = end;
      this.#progressOf(t);
      this.#paint();
    }
  }

  #progressOf(t: Transfer): void {
    const peers = [...t.to!.values()].filter((p) => p.state !== 'failed' && p.state !== 'cancelled');
    t.progress = peers.length ? peers.reduce((sum, p) => sum + (p.state === 'done' ? 1 : p.sent / t.size), 0) / peers.length : 0;
  }

  #paint(): void {
    const now = performance.now();
    if (now - this.#lastPaint < PROGRESS_EVERY) return;
    this.#lastPaint = now;
    this.#host.requestUpdate();
  }
}
