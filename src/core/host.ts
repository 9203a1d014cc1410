/**
 * The host contract: what the element (`VideoCallWidget`) lends to the parts loaded later — the call, devices and
 * support chunks — and what it asks of them. Controllers and views receive a `WidgetHost` and never reach into the
 * element any other way; the element knows each chunk only through the `*Handle` interface it implements. Types
 * only: nothing here costs bytes in the pre-join script.
 *
 * Outcomes travel as typed callbacks (`onCallEvent`, …), never as the element's public `vcw-*` events: a page that
 * stops those events does not break the widget.
 */
import type { ReactiveControllerHost } from 'lit';
import type { DeviceChoice, MediaController } from './media-controller.js';
export type { DeviceChoice };
import type { Strings, StringOverrides } from './strings.js';
import type { ChatMessage, ErrorCode, Quality, FileTransfer, LeaveReason, Participant, PeerStats, WaitingVisitor, WidgetError, WidgetState } from './types.js';
import type { JoinAnswer } from '../protocol/wire.js';

/** A remote participant as the element and the devices see it. */
export interface RemoteView {
  readonly id: string;
  readonly name: string;
  readonly stream: MediaStream | undefined;
}

/** The mesh of one call (`call/call-controller.ts`). */
export interface CallHandle {
  readonly selfId: string;
  /** Our name and role as the server vouches for them (undefined until the join answer). */
  readonly self: { readonly name: string; readonly role: 'host' | 'guest' } | undefined;
  readonly serverConnected: boolean;
  readonly remotes: ReadonlyMap<string, RemoteView>;
  /** The screen presented instead of the camera, if any. */
  readonly screen: MediaStreamTrack | null;
  /** The public view of a remote participant. */
  participantOf(id: string): Participant | undefined;
  broadcastState(): void;
  replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): void;
  startScreen(onEnded: () => void): Promise<void>;
  stopScreen(camera: MediaStreamTrack | null): void;
  join(options: JoinOptions): Promise<void>;
  leave(): Promise<void>;
}

export interface JoinOptions {
  server: string;
  room: string;
  name: string;
  signal: AbortSignal;
  /** `relay`: only relayed (TURN) candidates; anything else: all candidates. */
  iceTransport?: string | undefined;
  /** A seat the server already reserved (admission from a support queue): no join request. */
  seat?: JoinAnswer | undefined;
}

/** Chat, files, stats and recording across calls (`call/session.ts`). */
export interface SessionHandle {
  readonly messages: readonly ChatMessage[];
  readonly files: FileTransfer[];
  readonly invalid: number;
  /** A new call (the previous one, if any, has been left); it follows the camera and microphone from here. */
  open(): CallHandle;
  /** The call ended (it no longer follows the devices). */
  close(): void;
  /** After each render: play what is paused. */
  play(): void;
  /** The chat panel opened: nothing is unread. */
  markRead(): void;
  stats(): Promise<PeerStats[]>;
  startRecording(self: Participant, mic: () => MediaStreamTrack | null): Promise<void>;
  stopRecording(self: Participant): Promise<Blob>;
  send(text: string, name: string): Promise<ChatMessage>;
  /** The host page's data (`sendData`): to participant `to`, or everyone; rejects with an Error when it cannot be sent. */
  sendData(payload: unknown, to?: string): Promise<void>;
  share(file: Blob, name: string): Promise<FileTransfer>;
  /** The in-call view. */
  render(view: CallViewOptions): unknown;
}

/** What the in-call view needs beyond the host. */
export interface CallViewOptions {
  readonly t: Strings;
  readonly devices: DevicesHandle | undefined;
  readonly devicesOpen: boolean;
  toggleDevices(): void;
}

/** What the call chunk (`call/index.ts`) exports to the element. */
export interface CallChunk {
  /** The session of this element (adds the call's styles to its shadow root). */
  createSession(host: WidgetHost): SessionHandle;
}

/** Pickers, levels and the `srcObject` binding (`devices/`). */
export interface DevicesHandle {
  setDevices(choice: DeviceChoice): Promise<void>;
  /** A `<video>` playing `stream`, kept playing across renders. */
  video(stream: MediaStream | null, options?: { muted?: boolean; mirror?: boolean; hidden?: boolean }): unknown;
  /** The pre-join screen's meter and pickers. */
  prejoin(t: Strings): unknown;
  /** The name of an earlier visit ('' when none), for a page that sets none. */
  rememberedName(): string;
  /** We joined with `name`: remember it for the next visit. */
  joined(name: string): void;
  /** The in-call pickers. */
  pickers(t: Strings): unknown;
  /** After a denial (`code` is `permission-denied`): how to allow camera and microphone again in this browser. */
  allowHelp(code: ErrorCode | undefined): unknown;
  /** The camera and microphone wanted now open without the browser asking (this site is already allowed both). */
  allowed(): Promise<boolean>;
  /** Who speaks loudest now ('' for nobody). */
  readonly speaker: string;
  /** In-call notices ("you are muted", "a device was disconnected", a failed recording). */
  readonly mutedHint: boolean;
  notice: string;
}

/** The support flow (`support/`), for `mode="launcher" | "desk"`. */
export interface SupportHandle {
  readonly waiting: WaitingVisitor[];
  /** Launcher: the place in the queue while waiting (1 = next), else 0. */
  readonly queuePosition: number;
  readonly joinLabel: string;
  admit(id: string): Promise<void>;
  decline(id: string, message?: string): Promise<void>;
  remove(id: string): Promise<void>;
  cancelWaiting(): void;
  /** The element is about to show its pre-join screen: true to go on, false to stay idle (desk, closed launcher). */
  enter(): boolean;
  /**
   * Launcher: knock and wait; the seat an agent's admission gives, or undefined (not a launcher). Declined, not
   * answered or cancelled: rejects with a `WidgetError` of code `aborted` whose `next` is the state to show.
   */
  knock(signal: AbortSignal): Promise<JoinAnswer | undefined>;
  /** Desk: the seat its admission handed over, taken once. */
  takeSeat(): JoinAnswer | undefined;
  /**
   * Before a join: the launcher opens its panel (a `join()` from the page shows the queue); the desk rejects with
   * `forbidden` unless an admission handed it the seat to join with.
   */
  beforeJoin(): Promise<void>;
  /** After leaving a call: the state to show. */
  afterLeave(reason: LeaveReason): WidgetState;
  /** Someone left the call. */
  participantLeft(): void;
  render(inner: unknown): unknown;
}

/** Outcomes a chunk reports to the element, which alone turns them into state and public events. */
export type HostEvent =
  | { type: 'participant-join' | 'participant-update'; participant: Participant }
  | { type: 'participant-leave'; participant: Participant; reason: LeaveReason }
  | { type: 'message'; message: ChatMessage }
  | { type: 'file'; file: FileTransfer }
  | { type: 'data'; from: string; payload: unknown }
  | { type: 'recording'; participant: Participant; recording: boolean }
  | { type: 'device-change'; audioInput: string; videoInput: string; audioOutput: string }
  | { type: 'active-speaker'; participant: Participant }
  | { type: 'network-quality'; participant: Participant; quality: Quality }
  | { type: 'knock' | 'knock-cancel'; participant: WaitingVisitor }
  | { type: 'admitted'; participant: WaitingVisitor | null }
  | { type: 'declined'; message: string; reason: 'declined' | 'timeout' }
  | { type: 'queue-update'; position: number }
  /** The signaling connection of the current call went down or came back. */
  | { type: 'server-connection'; connected: boolean }
  /** A problem that does not end anything (a device, a refused renewal): a `vcw-error`. */
  | { type: 'error'; code: ErrorCode; message: string };

/** What the element lends to controllers and views. */
export interface WidgetHost extends ReactiveControllerHost {
  /** The element itself, for DOM: its shadow root, attributes, focus. */
  readonly element: HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };
  // — public attributes and properties, read as the page set them —
  readonly room: string;
  readonly mode: 'inline' | 'launcher' | 'desk';
  readonly chat: 'on' | 'off';
  /** Controls the host turned off (`off`), and the invite link's template. */
  readonly screenshare: string;
  readonly record: string;
  readonly devices: string;
  readonly leaveButton: string;
  readonly inviteUrl: string;
  /** Written by the call view when the person picks a layout (as a page would). */
  layout: 'grid' | 'speaker';
  readonly strings: StringOverrides;
  readonly context: Record<string, unknown> | undefined;
  readonly state: WidgetState;
  readonly participants: Participant[];
  // — the element's own parts —
  /** Camera and microphone. */
  readonly media: MediaController;
  /** The current call, if any. */
  readonly call: CallHandle | undefined;
  /** The devices chunk, once loaded. */
  readonly kit: DevicesHandle | undefined;
  /** Where the call server is. */
  readonly serverBase: string;
  readonly language: string;
  /** The element's strings: its language's table with the host's overrides. */
  readonly t: Strings;
  /** The name you join with. */
  readonly selfName: string;
  readonly chatOpen: boolean;
  /** A join is under way. */
  readonly joining: boolean;
  /** The room token: `tokenProvider()`, else the `token` attribute, else null; a failing provider is `forbidden`. */
  roomToken(): Promise<string | null>;
  /** Re-render in a later task (many changes arriving in separate tasks make one render). */
  requestUpdateSoon(): void;
  /** Report an outcome (see {@link HostEvent}). */
  notify(event: HostEvent): void;
  /** A final failure: the error screen and a `vcw-error`. */
  fail(error: WidgetError): void;
  /** Show the pre-join screen again (or stay idle where the support flow says so). */
  restart(): void;
  /** Leave the call (for `removed`: the desk removed us). */
  leave(reason?: LeaveReason): Promise<void>;
  join(): Promise<void>;
  toggleChat(open?: boolean): void;
  toggleMicrophone(on?: boolean): Promise<void>;
  toggleCamera(on?: boolean): Promise<void>;
  toggleScreenshare(on?: boolean): Promise<void>;
  sendMessage(text: string): Promise<ChatMessage>;
  sendFile(file: Blob): Promise<FileTransfer>;
  startRecording(): Promise<void>;
  stopRecording(): Promise<Blob>;
  removeParticipant(id: string): Promise<void>;
  admit(id: string): Promise<void>;
  decline(id: string, message?: string): Promise<void>;
  cancelWaiting(): void;
  /** The current join (if any) has settled. */
  settled(): Promise<void>;
}
