/**
 * Session: what the element gets from the call chunk once someone joins — the call and, living across calls, the
 * chat log, the shared files, connection figures and the recording, wired to each other. It reports every outcome
 * to the element through the host contract (`WidgetHost.notify`); the element alone turns them into state and
 * public events.
 */
import type { CallHandle, CallViewOptions, SessionHandle, WidgetHost } from '../core/host.js';
import type { ChatMessage, FileTransfer, Participant, PeerStats } from '../core/types.js';
import { Announcer } from './announcer.js';
import { CallController, type AppMessage } from './call-controller.js';
import { callView } from './call-view.js';
import { ChatController, type Check } from './chat-controller.js';
import { ChatSender } from './chat-sender.js';
import { FileShare } from './file-share.js';
import { DATA_BURST } from '../protocol/parse.js';
import { StatsController } from './stats-controller.js';

export class Session implements SessionHandle {
  readonly chat: ChatController;
  readonly fileShare: FileShare;
  /** The host page's data (`sendData`): the data chunk's sender, once a page first sends. */
  #sender: Promise<{ send(call: CallController | undefined, payload: unknown, to?: string): void }> | undefined;
  /** The host page's data from each peer in the current second: [second, messages]. */
  readonly #dataIn = new Map<string, [number, number]>();
  /** Data messages over a peer's rate, dropped. */
  #dataDropped = 0;
  call: CallController | undefined;
  /** The last problem with a file picked in the chat panel, shown there until the next pick. */
  notice = '';
  /** Files are being dragged over the chat panel. */
  dragging = false;
  /** Connection figures of the current call. */
  statsOf: StatsController | undefined;
  /** Peer ids of the others recording the call. */
  readonly recorders = new Set<string>();
  /** Our own recording, while it runs (the recorder chunk's `Recorder`). */
  recorder: { stop(): Promise<Blob> } | undefined;
  /** The browser refused to play sound without a click (auto-join): the call offers one. */
  soundBlocked = false;
  menuOpen = false;
  /** Joins, leaves and messages said to screen readers. */
  readonly announcer: Announcer;
  /** Sends and signs our chat messages, and checks everyone's signatures, in the current call. */
  #chatSender: ChatSender | undefined;
  /** Inbound chat and history, one after the other (checking a signature takes a moment). */
  #inbound: Promise<void> = Promise.resolve();

  constructor(readonly host: WidgetHost) {
    this.announcer = new Announcer(host);
    this.chat = new ChatController(host, (message) => {
      this.announcer.message(message, host.chatOpen);
      host.notify({ type: 'message', message });
    });
    this.fileShare = new FileShare(host, (file) => host.notify({ type: 'file', file }));
  }

  /** Who the server says `id` is, for the chat panel's names and host marks. */
  identityOf(id: string): { readonly name: string; readonly role: 'host' | 'guest' } | undefined {
    return this.call?.identityOf(id);
  }

  get messages(): readonly ChatMessage[] {
    return this.chat.log;
  }

  get files(): FileTransfer[] {
    return this.fileShare.list;
  }

  /** Inbound messages dropped as invalid, over the session. */
  get invalid(): number {
    return (this.call?.invalid ?? 0) + this.chat.invalid + this.fileShare.invalid + this.#dataDropped;
  }

  markRead(): void {
    this.chat.unread = 0;
  }

  async stats(): Promise<PeerStats[]> {
    return (await this.statsOf?.collect()) ?? [];
  }

  render(view: CallViewOptions): unknown {
    return this.call ? callView(this.host, this, this.call, view) : undefined;
  }

  /** After each render: play what is paused; autoplay with sound may be refused until the user clicks. */
  play(): void {
    for (const video of this.host.element.renderRoot.querySelectorAll<HTMLVideoElement>('video:not([muted])')) {
      if (video.paused && video.srcObject) {
        video.play().catch(() => {
          this.soundBlocked = true;
          this.host.requestUpdate();
        });
      }
    }
  }

  /** The user clicked "turn on sound". */
  unblockSound(): void {
    this.soundBlocked = false;
    this.host.requestUpdate();
    for (const video of this.host.element.renderRoot.querySelectorAll<HTMLVideoElement>('video')) video.play().catch(() => undefined);
  }

  /** A new call (the previous one, if any, has been left). */
  open(): CallHandle {
    const { host } = this;
    const call: CallController = new CallController(host, {
      participantJoin: (participant) => {
        this.announcer.joined(participant);
        host.notify({ type: 'participant-join', participant });
      },
      participantLeave: (participant, reason) => {
        this.fileShare.peerGone(participant.id);
        this.#dataIn.delete(participant.id);
        if (this.recorders.delete(participant.id)) host.notify({ type: 'recording', participant, recording: false });
        this.announcer.left(participant);
        host.notify({ type: 'participant-leave', participant, reason });
      },
      participantUpdate: (participant) => host.notify({ type: 'participant-update', participant }),
      serverConnection: (connected) => {
        if (host.call === call) host.notify({ type: 'server-connection', connected });
      },
      dataOpen: (peer) => {
        if (this.recorder) call.sendTo(peer, { v: 1, t: 'recording', on: true });
        if (host.chat === 'off') return;
        for (const batch of this.chat.history()) call.sendTo(peer, batch);
      },
      message: (from, message) => this.#receive(call, from, message),
      fileFrame: (from, frame) => this.fileShare.receive(from, frame),
      error: (error) => error.code !== 'aborted' && host.notify({ type: 'error', code: error.code, message: error.message }),
      removed: () => void host.leave('removed'),
    });
    this.call = call;
    this.#chatSender = new ChatSender(call, this.chat, () => this.call === call);
    // A new device, or one turned off: every connection sends the new track (the screen stays while presenting).
    host.media.onTrack = (kind, track) => {
      if (kind === 'audio' || !call.screen) call.replaceTrack(kind, track);
      call.broadcastState();
    };
    this.statsOf = new StatsController(host, call, (id, quality) => {
      const participant = call.participantOf(id);
      if (participant) host.notify({ type: 'network-quality', participant, quality });
    });
    this.fileShare.attach({
      peers: () => call.openPeers(),
      nameOf: (peer) => call.identityOf(peer)?.name ?? '',
      channel: (peer) => call.channel(peer),
    });
    return call;
  }

  /** The call ended. */
  close(): void {
    this.host.media.onTrack = undefined;
    this.fileShare.detach();
    this.statsOf?.stop();
    this.statsOf = undefined;
    this.recorders.clear();
    void this.recorder?.stop();
    this.recorder = undefined;
    this.call = undefined;
  }

  #receive(call: CallController, from: string, message: AppMessage): void {
    if (message.t === 'data') {
      // The host page's: with chat off too, and never shown. A peer's sender keeps to DATA_RATE after a burst of
      // DATA_BURST; twice the burst in one second leaves room for an honest burst arriving bunched.
      const second = Math.floor(performance.now() / 1000);
      const [at, count] = this.#dataIn.get(from) ?? [second, 0];
      const n = at === second ? count + 1 : 1;
      this.#dataIn.set(from, [second, n]);
      if (n > 2 * DATA_BURST) return void this.#dataDropped++;
      return this.host.notify({ type: 'data', from, payload: message.payload });
    }
    if (message.t === 'recording') {
      const participant = call.participantOf(from);
      if (!participant || message.on === this.recorders.has(from)) return;
      if (message.on) this.recorders.add(from);
      else this.recorders.delete(from);
      this.host.notify({ type: 'recording', participant, recording: message.on });
      return this.host.requestUpdate();
    }
    // Chat is off here: drop chat and history (file offers are declined by the files chunk).
    if (this.host.chat === 'off') return;
    const open = () => this.host.chatOpen;
    // In the order they came: a history batch waits for the signatures in it to be checked.
    this.#inbound = this.#inbound.then(async () => {
      if (this.call !== call) return;
      if (message.t === 'history') {
        const check: Check = this.#chatSender?.check ?? (async () => undefined);
        return this.chat.merge(message.items, from, call.selfId, open, (id) => call.identityOf(id)?.name, check);
      }
      const name = call.identityOf(from)?.name ?? '';
      if (message.t === 'chats') return this.chat.receive(from, message.items, name, open());
      if (message.t === 'sig') return void message.sigs.forEach(({ id, sig }) => this.chat.attach(from, id, { cert: message.cert, sig }));
      // Whoever's connection it came on wrote it, under the name the server vouches for (never the message's). Its
      // signature is not checked here: it travels on with the history we pass on, and whoever gets it that way
      // checks it (an item whose signature does not check is dropped there).
      this.chat.record(from, message, name, false, open(), message);
    });
  }

  /** Send a chat message to everyone; throws (sending nothing) when it cannot be sent. */
  async send(text: string, name: string): Promise<ChatMessage> {
    const [call, sender] = [this.call, this.#chatSender];
    if (!call?.selfId || !sender) throw new Error('Join the call before sending messages.');
    const vouched = call.self?.name ?? name;
    const wire = this.chat.compose(text, vouched);
    const sent = this.chat.record(call.selfId, wire, vouched, true, this.host.chatOpen)!;
    // Out with the others sent in this task, once it ends; signed after it went out.
    sender.send(wire);
    return sent;
  }

  /** The host page's data to one participant or everyone; throws (sending nothing) when it cannot be sent. */
  async sendData(payload: unknown, to?: string): Promise<void> {
    this.#sender ??= import('../data/index.js').then(({ DataSender }) => new DataSender());
    (await this.#sender.catch((error: unknown) => {
      this.#sender = undefined;
      throw error;
    })).send(this.call, payload, to);
  }

  /** Files picked or dropped in the chat panel: share each; a refusal is shown in the panel. */
  pick(files: readonly File[]): void {
    this.notice = '';
    this.host.requestUpdate();
    for (const file of files) {
      this.host.sendFile(file).catch((error: unknown) => {
        this.notice = error instanceof Error ? error.message : String(error);
        this.host.requestUpdate();
      });
    }
  }

  setDragging(on: boolean): void {
    if (on === this.dragging) return;
    this.dragging = on;
    this.host.requestUpdate();
  }

  /** Our recording, while its code loads (a second start waits for the first). */
  #starting: Promise<void> | undefined;

  /** Record the call here (the tiles' videos, everyone's audio); everyone is told. The recorder loads now. */
  async startRecording(self: Participant, mic: () => MediaStreamTrack | null): Promise<void> {
    if (!this.call?.selfId) throw new Error('Join the call before recording.');
    if (this.recorder) return;
    this.#starting ??= import('../recorder/recorder.js')
      .then(({ record }) => {
        const call = this.call;
        // Left while the recorder loaded.
        if (!call?.selfId) throw new Error('Join the call before recording.');
        if (this.recorder) return;
        this.recorder = record(this.host, call, mic);
        call.broadcast({ v: 1, t: 'recording', on: true });
        this.host.notify({ type: 'recording', participant: self, recording: true });
        this.host.requestUpdate();
      })
      .finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  /** Stop our recording: the WebM. */
  async stopRecording(self: Participant): Promise<Blob> {
    const recorder = this.recorder;
    if (!recorder) throw new Error('Nothing is being recorded.');
    this.recorder = undefined;
    this.call?.broadcast({ v: 1, t: 'recording', on: false });
    this.host.notify({ type: 'recording', participant: self, recording: false });
    this.host.requestUpdate();
    return recorder.stop();
  }

  /** Share a file with everyone in the call. */
  share(file: Blob, name: string): Promise<FileTransfer> {
    return this.fileShare.share(file, this.call?.selfId ?? '', name);
  }
}
