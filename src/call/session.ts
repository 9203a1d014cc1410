/**
 * Session: what the element gets from the lazily loaded chunk once someone joins — the call and, living across
 * calls, the chat log and the shared files, wired to each other and to the element's events. Keeping this here
 * keeps the pre-join bundle small.
 */
import type { ReactiveControllerHost } from 'lit';
import { CallController, type AppMessage, type LocalState } from './controllers/call-controller.js';
import { ChatController } from './controllers/chat-controller.js';
import { FileController } from './controllers/file-controller.js';
import type { Recorder } from './controllers/recorder.js';
import { StatsController } from './controllers/stats-controller.js';
import { emit } from './events.js';
import { fileStrings } from './parts/chat-strings.js';
import type { ChatMessage, ErrorCode, FileTransfer, LeaveReason, Participant, WidgetState } from './types.js';

export interface SessionHost {
  readonly el: HTMLElement & ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  local(): LocalState;
  tracks(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null };
  /** `chat="off"`: no chat or files in or out. */
  chatOff(): boolean;
  chatOpen(): boolean;
  /** The signaling connection of `call` went down or came back. */
  serverConnection(call: CallController, connected: boolean): void;
}

/** The element's internals the session reads (TypeScript-private there, plain properties at runtime). */
interface WidgetInternals {
  readonly name: string;
  readonly chat: 'on' | 'off';
  readonly chatOpen: boolean;
  readonly state: WidgetState;
  readonly call: CallController | undefined;
  readonly sharing: MediaStreamTrack | null;
  /** The element's strings: its language's table with the host's overrides. */
  readonly t: object;
  readonly media: { readonly audioTrack: MediaStreamTrack | null; readonly videoTrack: MediaStreamTrack | null; readonly micOn: boolean; readonly camOn: boolean };
  setState(state: WidgetState): void;
}

export class Session {
  readonly chat: ChatController;
  readonly files: FileController;
  call: CallController | undefined;
  /** The last problem with a file picked in the chat panel, shown there until the next pick. */
  notice = '';
  /** Files are being dragged over the chat panel. */
  dragging = false;
  /** Connection figures of the current call. */
  stats: StatsController | undefined;
  /** Peer ids of the others recording the call. */
  readonly recorders = new Set<string>();
  /** Our own recording, while it runs. */
  recorder: Recorder | undefined;

  private readonly host: SessionHost;

  /** For the element: what the session needs is read from it (keeps the pre-join bundle small). */
  constructor(widget: SessionHost["el"]) {
    const w = widget as unknown as WidgetInternals;
    const el = widget;
    this.host = {
      el,
      local: () => ({ name: w.name, audioMuted: !w.media.micOn, videoMuted: !w.media.camOn && !w.sharing, screenSharing: !!w.sharing }),
      tracks: () => ({ audio: w.media.audioTrack, video: w.sharing ?? w.media.videoTrack }),
      chatOff: () => w.chat === 'off',
      chatOpen: () => w.chatOpen,
      serverConnection: (call, connected) => {
        if (w.call === call && (w.state === 'joined' || w.state === 'reconnecting')) w.setState(connected ? 'joined' : 'reconnecting');
      },
    };
    this.chat = new ChatController(el, (message) => emit(el, 'vcw-message', { message }));
    this.files = new FileController(el, (file) => emit(el, 'vcw-file', { file }), () => fileStrings(w.t));
  }

  /** The browser refused to play sound without a click (auto-join): the call offers one. */
  soundBlocked = false;

  /** After each render: play what is paused; autoplay with sound may be refused until the user clicks. */
  play(): void {
    for (const video of this.host.el.renderRoot.querySelectorAll<HTMLVideoElement>('video:not([muted])')) {
      if (video.paused && video.srcObject) {
        video.play().catch(() => {
          this.soundBlocked = true;
          this.host.el.requestUpdate();
        });
      }
    }
  }

  /** The user clicked "turn on sound". */
  unblockSound(): void {
    this.soundBlocked = false;
    this.host.el.requestUpdate();
    for (const video of this.host.el.renderRoot.querySelectorAll<HTMLVideoElement>('video')) video.play().catch(() => undefined);
  }

  /** Inbound messages dropped as invalid, over the session. */
  get invalid(): number {
    return (this.call?.invalid ?? 0) + this.chat.invalid + this.files.invalid;
  }

  /** A new call (the previous one, if any, has been left). */
  open(): CallController {
    const { el } = this.host;
    const call: CallController = new CallController(el, {
      participantJoin: (participant: Participant) => emit(el, 'vcw-participant-join', { participant }),
      participantLeave: (participant, reason) => {
        this.files.peerGone(participant.id);
        if (this.recorders.delete(participant.id)) emit(el, 'vcw-recording', { participant, recording: false });
        emit(el, 'vcw-participant-leave', { participant, reason });
      },
      participantUpdate: (participant) => emit(el, 'vcw-participant-update', { participant }),
      serverConnection: (connected) => this.host.serverConnection(call, connected),
      dataOpen: (peer) => {
        if (this.recorder) call.sendTo(peer, { v: 1, t: 'recording', on: true });
        if (this.host.chatOff()) return;
        for (const batch of this.chat.history()) call.sendTo(peer, batch);
      },
      message: (from, message) => this.receive(call, from, message),
      error: (error) => emit(el, 'vcw-error', { code: error.code as ErrorCode, message: error.message }),
      removed: () => void (el as unknown as { leave(reason: LeaveReason): Promise<void> }).leave('removed'),
    }, this.host.local, this.host.tracks);
    this.call = call;
    this.stats = new StatsController(el, call);
    this.files.attach({
      peers: () => call.openPeers(),
      nameOf: (peer) => call.remotes.get(peer)?.name ?? '',
      send: (peer, message) => call.sendTo(peer, message),
      channel: (peer) => call.channel(peer),
    });
    return call;
  }

  /** The call ended. */
  close(): void {
    this.files.detach();
    this.stats?.stop();
    this.stats = undefined;
    this.recorders.clear();
    void this.recorder?.stop();
    this.recorder = undefined;
    this.call = undefined;
  }

  private receive(call: CallController, from: string, message: AppMessage): void {
    if (message.t === 'recording') {
      const remote = call.remotes.get(from);
      if (!remote || message.on === this.recorders.has(from)) return;
      if (message.on) this.recorders.add(from);
      else this.recorders.delete(from);
      emit(this.host.el, 'vcw-recording', { participant: call.participant(remote), recording: message.on });
      return this.host.el.requestUpdate();
    }
    if (this.host.chatOff()) {
      // Chat is off here: decline files so the sender does not wait; drop the rest.
      if (message.t === 'file') call.sendTo(from, { v: 1, t: 'file-cancel', id: message.id });
      return;
    }
    switch (message.t) {
      case 'chat':
        this.chat.record(from, message, false, this.host.chatOpen());
        break;
      case 'history':
        this.chat.merge(message.items, call.selfId, this.host.chatOpen());
        break;
      default:
        this.files.handle(from, message);
    }
  }

  /** Send a chat message to everyone; rejects (sending nothing) when it cannot be sent. */
  send(text: string, name: string): ChatMessage {
    const call = this.call;
    if (!call?.selfId) throw new Error('Join the call before sending messages.');
    const wire = this.chat.compose(text, name);
    call.broadcast(wire);
    return this.chat.record(call.selfId, wire, true, this.host.chatOpen())!;
  }

  /** Files picked or dropped in the chat panel: share each; a refusal is shown in the panel. */
  pick(files: readonly File[], share: (file: File) => Promise<unknown>): void {
    this.notice = '';
    this.host.el.requestUpdate();
    for (const file of files) {
      share(file).catch((error: unknown) => {
        this.notice = error instanceof Error ? error.message : String(error);
        this.host.el.requestUpdate();
      });
    }
  }

  setDragging(on: boolean): void {
    if (on === this.dragging) return;
    this.dragging = on;
    this.host.el.requestUpdate();
  }

  /** Our recording, while its code loads (a second start waits for the first). */
  private starting: Promise<void> | undefined;

  /** Record the call here (videos of `root`'s tiles, everyone's audio); everyone is told. The recorder loads now. */
  async startRecording(self: Participant, mic: () => MediaStreamTrack | null): Promise<void> {
    if (!this.call?.selfId) throw new Error('Join the call before recording.');
    if (this.recorder) return;
    this.starting ??= import('./controllers/recorder.js').then(({ Recorder }) => this.begin(Recorder, self, mic)).finally(() => (this.starting = undefined));
    return this.starting;
  }

  private begin(Rec: typeof Recorder, self: Participant, mic: () => MediaStreamTrack | null): void {
    const call = this.call;
    // Left while the recorder loaded.
    if (!call?.selfId) throw new Error('Join the call before recording.');
    if (this.recorder) return;
    const root = this.host.el.shadowRoot!;
    this.recorder = new Rec(
      () => [...root.querySelectorAll<HTMLVideoElement>('.tile video:not([hidden])')],
      () => [mic(), ...[...call.remotes.values()].flatMap((r) => r.stream?.getAudioTracks() ?? [])].filter((t) => !!t),
    );
    call.broadcast({ v: 1, t: 'recording', on: true });
    emit(this.host.el, 'vcw-recording', { participant: self, recording: true });
    this.host.el.requestUpdate();
  }

  /** Stop our recording: the WebM. */
  async stopRecording(self: Participant): Promise<Blob> {
    const recorder = this.recorder;
    if (!recorder) throw new Error('Nothing is being recorded.');
    this.recorder = undefined;
    this.call?.broadcast({ v: 1, t: 'recording', on: false });
    emit(this.host.el, 'vcw-recording', { participant: self, recording: false });
    this.host.el.requestUpdate();
    return recorder.stop();
  }

  /** Share a file with everyone in the call. */
  share(file: Blob, name: string): Promise<FileTransfer> {
    return this.files.share(file, this.call?.selfId ?? '', name);
  }
}
