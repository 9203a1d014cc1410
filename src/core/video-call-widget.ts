import { LitElement, nothing, type PropertyValues } from 'lit';
import { MediaController } from './media-controller.js';
import type { CallChunk, CallHandle, DeviceChoice, DevicesHandle, HostEvent, SessionHandle, SupportHandle } from './host.js';
import { emit } from './events.js';
import { loadStrings, stringsFor, type StringOverrides, type Strings } from './strings.js';
import { peekRoom, type RoomPeek } from './room-info.js';
import { screen } from './screens.js';
import { styles } from './video-call-widget.styles.js';
import { WidgetError, type ChatMessage, type ErrorCode, type FileTransfer, type LeaveReason, type Participant, type PeerStats, type WaitingVisitor, type WidgetState } from './types.js';
import { clip, MAX_NAME, ROOM_NAME } from '../protocol/room.js';

/** The directory the bundle was loaded from: the default `server`, so the two-line embed needs no setup. */
let scriptBase = '';
/** Set once by the entry module (`index.ts`) from its own URL, which is the script's URL. */
export const setScriptBase = (moduleUrl: string): void => void (scriptBase ||= moduleUrl.replace(/[^/]*$/, ''));

/**
 * A video call in one tag: pre-join screen, call grid, controls and chat. Mesh WebRTC through PeerJS, rooms
 * and signaling from a self-hosted server.
 *
 * @fires vcw-state-change - `{ state }` whenever `state` changes
 * @fires vcw-join - `{ participant }` once you are in the call
 * @fires vcw-leave - `{ reason }` when you left the call
 * @fires vcw-participant-join - `{ participant }` someone entered the call (at first `connecting`)
 * @fires vcw-participant-leave - `{ participant, reason }` someone left
 * @fires vcw-participant-update - `{ participant }` name, media or connection state changed
 * @fires vcw-microphone-toggle - `{ enabled }`
 * @fires vcw-camera-toggle - `{ enabled }`
 * @fires vcw-screenshare-toggle - `{ enabled }`
 * @fires vcw-chat-toggle - `{ open }`
 * @fires vcw-message - `{ message }` for every message that enters `messages`, your own included
 * @fires vcw-file - `{ file }` a shared file is complete: received and verified, or delivered by you
 * @fires vcw-data - `{ from, payload }` another participant's `sendData()`: `from` is their id (as in `participants`), `payload` the JSON value; never shown in the widget
 * @fires vcw-error - `{ code, message }` every failure, with a code from the public list
 * @fires vcw-recording - `{ participant, recording }` someone (you too) started or stopped recording the call
 * @fires vcw-active-speaker - `{ participant }` someone else (or you) became the one who speaks loudest in the call
 * @fires vcw-network-quality - `{ participant, quality }` a remote participant's connection quality (`good`, `fair`, `poor`) changed, its first value too
 * @fires vcw-device-change - `{ audioInput, videoInput, audioOutput }` the devices in use changed (a switch, or a fallback after one was unplugged)
 * @fires vcw-knock - `{ participant }` (desk) a visitor started waiting in the queue
 * @fires vcw-knock-cancel - `{ participant }` (desk) a visitor stopped waiting without this desk admitting or declining them
 * @fires vcw-admitted - `{ participant }` the visitor this desk admitted; `null` at the visitor, who is admitted
 * @fires vcw-declined - `{ message, reason }` (launcher) the call was declined (`declined`, with the agent's message) or not answered in time (`timeout`)
 * @fires vcw-queue-update - `{ position }` (launcher) your place in the queue changed (1 = next)
 *
 * @attr label - (launcher) the button's text (default "Talk to us on video")
 * @attr position - (launcher) `right` (default) or `left`: the corner of the button
 * @attr hours - (launcher) business hours like `Mon-Fri 09:00-17:00; Sat 10:00-14:00` (`Daily` for every day)
 * @attr time-zone - (launcher) the IANA time zone of `hours` (default: the visitor's)
 * @attr fallback-url - (launcher) an `http(s):` or `mailto:` link shown when nobody can answer
 * @attr context - (launcher) a JSON object (at most 2 KB) the agent sees with the knock; also the `context` property
 * @attr agent-key - (desk) the server's `AGENT_KEY`, for a desk without room tokens
 *
 * @csspart base - the widget's frame (every screen)
 * @csspart prejoin - the pre-join screen
 * @csspart preview - the camera preview on the pre-join screen
 * @csspart input - the name field and the chat composer's text area
 * @csspart button - every button
 * @csspart grid - the grid of participant tiles
 * @csspart tile - one participant tile
 * @csspart name - the name label on a tile
 * @csspart controls - the toolbar of the call (icon buttons, the More menu, the host's `toolbar` slot)
 * @csspart menu - the toolbar's More menu (devices, layout, record, invite, full screen)
 * @csspart banner - the "reconnecting" and "turn on sound" banners
 * @csspart chat - the chat panel
 * @csspart log - the list of chat messages and files
 * @csspart composer - the chat's message form
 * @csspart live - the visually hidden live region that announces joins, leaves and messages
 * @csspart error - the error screen
 * @csspart meter - the microphone level meter on the pre-join screen
 * @csspart pickers - the camera, microphone and speaker pickers (pre-join screen and the call's Devices panel)
 * @csspart quality - a tile's connection quality mark (details on hover and focus)
 * @csspart recording - the "recording" indicator everyone sees while someone records
 * @csspart notice - in-call notices: "you are muted", "a device was disconnected"
 * @csspart launcher - the floating support button (`mode="launcher"`)
 * @csspart panel - the launcher's panel
 * @csspart waiting - the waiting room (your preview, your place in the queue, Cancel)
 * @csspart offline - the launcher's "not available" screen with the hours and the fallback
 * @csspart outcome - the launcher's closing screen (declined, not answered, call ended)
 * @csspart desk - the agent desk (`mode="desk"`)
 * @csspart queue - the desk's list of waiting visitors
 * @csspart visitor - one waiting visitor's card at the desk
 *
 * @slot toolbar - the host's own buttons, in the call's toolbar before Leave
 *
 * @cssproperty --vcw-accent - accent colour (primary buttons, focus ring); white text sits on it
 * @cssproperty --vcw-background - background of the widget
 * @cssproperty --vcw-foreground - text colour
 * @cssproperty --vcw-tile - background of participant tiles and the chat panel
 * @cssproperty --vcw-surface - background of ordinary buttons and avatars
 * @cssproperty --vcw-field - background of text fields
 * @cssproperty --vcw-border - border of text fields
 * @cssproperty --vcw-danger - colour of Leave, pressed toggles and badges
 * @cssproperty --vcw-radius - corner radius of tiles and buttons
 * @cssproperty --vcw-gap - gap between tiles
 * @cssproperty --vcw-font - font family
 * @cssproperty --vcw-launcher-size - height of the launcher button (`mode="launcher"`)
 * @cssproperty --vcw-launcher-offset - the launcher's distance from the corner of the window
 * @cssproperty --vcw-panel-width - width of the launcher's panel (a phone: the whole screen)
 * @cssproperty --vcw-panel-height - height of the launcher's panel
 */
export class VideoCallWidget extends LitElement {
  // The element is the `WidgetHost` (core/host.ts) it hands to every part: `createSession(this)`, `createSupport(this)`
  // and the others check it. No `implements WidgetHost` clause: the members only the parts use are `@internal`, left
  // out of the published declarations, where the clause would no longer hold.
  static override styles = styles;
  static override properties = {
    room: { reflect: true },
    mode: { reflect: true },
    server: {},
    displayName: { attribute: 'display-name' },
    token: {},
    audio: {},
    video: {},
    chat: {},
    autoJoin: { type: Boolean, attribute: 'auto-join' },
    preview: {},
    screenshare: {},
    record: {},
    devices: {},
    leaveButton: { attribute: 'leave-button' },
    inviteUrl: { attribute: 'invite-url' },
    lang: {},
    iceTransport: { attribute: 'ice-transport' },
    theme: { reflect: true },
    layout: { reflect: true },
    strings: { attribute: false },
    _state: { state: true },
    shownError: { state: true },
    chatOpen: { state: true },
    nameDraft: { state: true },
  };

  /** Room name, `[A-Za-z0-9_-]{1,64}`. With `mode="launcher"` or `"desk"`: the support queue's name. */
  room = '';
  /**
   * `inline` (default): the call in the page. `launcher`: a floating "talk to us" button for visitors, who wait in
   * the support queue `room` until an agent admits them. `desk`: the agent desk for that queue.
   */
  mode: 'inline' | 'launcher' | 'desk' = 'inline';
  /** `mode="launcher"`: what the site tells the agent about this visitor (a JSON object; also the `context` attribute). */
  context: Record<string, unknown> | undefined;
  /** Base URL of the signaling server; defaults to where this script came from. */
  server = '';
  /** Your name as others see it (at most 64 characters); asked on the pre-join screen when absent. */
  displayName = '';
  /** Signed room token (JWT) when the server requires one. */
  token = '';
  /** `on` / `off`: microphone at join. */
  audio: 'on' | 'off' = 'on';
  /** `on` / `off`: camera at join. */
  video: 'on' | 'off' = 'on';
  /** `on` / `off`: show the chat. */
  chat: 'on' | 'off' = 'on';
  /** Skip the pre-join screen. */
  autoJoin = false;
  /**
   * `click` (default): the pre-join card shows the room and who is in it; camera and microphone are asked for only
   * when the person clicks "Check camera and microphone" or Join. `auto`: the preview starts at once.
   */
  preview: 'click' | 'auto' = 'click';
  /** `off` hides the Present button (screen sharing). */
  screenshare = 'on';
  /** `off` hides Record in the More menu. */
  record = 'on';
  /** `off` hides Devices in the More menu. */
  devices = 'on';
  /** `off` hides the Leave button (the page offers its own way out, `leave()`). */
  leaveButton = 'on';
  /** "Copy invite link": this template with `{room}` filled in (e.g. `https://example.com/call?room={room}`); absent: the page's address. */
  inviteUrl = '';
  /** UI language (`en`, `de`, `es`, `fr`, `ja`; regional tags like `de-AT` too); defaults to the page's `<html lang>`. */
  override lang = '';
  /** `light` / `dark`; absent: follow the page's `prefers-color-scheme`. */
  theme: 'light' | 'dark' | undefined;
  /** Your own wording: any keys of the string tables (`src/{core,call,devices,files,support}/strings.ts`), merged over the language's. */
  strings: StringOverrides = {};
  /** Called when a token is needed or about to expire. */
  tokenProvider: (() => Promise<string>) | undefined;
  /** `grid` (default): everyone the same size; `speaker`: the active speaker (or whoever presents) large, the others in a strip. */
  layout: 'grid' | 'speaker' = 'grid';
  /** `all` (default) or `relay`: send media only through the TURN servers (hides your address from the others). */
  iceTransport: string | undefined;

  private _state: WidgetState = 'idle';
  /** @internal The final failure on the error screen. */
  shownError: { code: ErrorCode; message: string } | null = null;
  /** @internal */
  chatOpen = false;
  /** @internal The name field as typed. */
  nameDraft = '';
  /** @internal Camera and microphone. */
  readonly media = new MediaController(this);
  /** @internal The current call. */
  call: CallHandle | undefined;
  #pending: Promise<void> | undefined;
  #abort: AbortController | undefined;
  #session: SessionHandle | undefined;
  /** @internal Device lists, levels, pickers: loaded with the pre-join screen. */
  kit: DevicesHandle | undefined;
  #devicesLoading: Promise<DevicesHandle> | undefined;
  /** The Devices panel is open in the call. */
  #devicesOpen = false;
  /** The support flow (`mode="launcher" | "desk"`), once its chunk is loaded. */
  #sup: SupportHandle | undefined;
  #supLoading: Promise<void> | undefined;
  /** @internal Camera and microphone may be asked for: a click asked for them, `join()` was called, or `preview="auto"`. */
  armed = false;
  /** @internal Who is in the room (`GET /api/rooms/{room}`), for the pre-join card; null until known. */
  roomInfo: RoomPeek | null = null;

  constructor() {
    super();
    // Intent (a pointer over the widget, focus inside it, a touch): fetch the call and devices chunks now, so the
    // click that follows does not wait for them. An untouched page loads neither.
    for (const type of ['pointerenter', 'focusin', 'touchstart']) this.addEventListener(type, () => this.#intent(), { passive: true });
  }

  #intent(): void {
    if (this.mode != 'inline' || !this.room) return;
    import('../call/index.js').catch(() => undefined);
    this.#extras().catch(() => undefined);
  }

  /** `mode="desk"`: the visitors waiting in the queue, longest first (they are not in `participants` until admitted). */
  get waiting(): WaitingVisitor[] {
    return this.#sup?.waiting ?? [];
  }

  /** `mode="launcher"`: your place in the queue while you wait (1 = next), else 0. */
  get queuePosition(): number {
    return this.#sup?.queuePosition ?? 0;
  }

  /**
   * `mode="desk"`: admit a waiting visitor (by `waiting[i].id`); resolves once you are in the call with exactly them.
   * @param id the visitor's id in the queue
   */
  async admit(id: string): Promise<void> {
    await this.#desk().admit(id);
  }

  /**
   * `mode="desk"`: turn a waiting visitor away.
   * @param id the visitor's id in the queue
   * @param message what they see (optional, at most 500 characters)
   */
  async decline(id: string, message?: string): Promise<void> {
    await this.#desk().decline(id, message);
  }

  /**
   * `mode="desk"`: remove a participant from your call; the server keeps them out.
   * @param id the participant's id
   */
  async removeParticipant(id: string): Promise<void> {
    await this.#desk().remove(id);
  }

  /** `mode="launcher"`: leave the queue (back to the pre-join screen). */
  cancelWaiting(): void {
    this.#sup?.cancelWaiting();
  }

  #desk(): SupportHandle {
    if (!this.#sup) throw new Error('Only the agent desk (mode="desk") can do this.');
    return this.#sup;
  }

  /** @internal Where the call server is. */
  get serverBase(): string {
    return this.server || scriptBase;
  }

  /** `idle | prejoin | joining | joined | reconnecting | left | error` */
  get state(): WidgetState {
    return this._state;
  }

  /** Everyone in the call, yourself first. */
  get participants(): Participant[] {
    const call = this.call;
    if (!call || !call.selfId) return [];
    return [this.#self(), ...[...call.remotes.keys()].flatMap((id) => call.participantOf(id) ?? [])];
  }

  get #sharing(): MediaStreamTrack | null {
    return this.call?.screen ?? null;
  }

  /** The chat log, in the order everyone sees. */
  get messages(): ChatMessage[] {
    return [...(this.#session?.messages ?? [])];
  }

  /** Files shared in the chat, sent and received. */
  get files(): FileTransfer[] {
    return this.#session?.files ?? [];
  }

  /** Inbound peer messages dropped because they were malformed (diagnostics). */
  get invalidMessages(): number {
    return this.#session?.invalid ?? 0;
  }

  /** @internal */
  get language(): string {
    return this.lang || document.documentElement.lang || 'en';
  }

  /** @internal */
  get t(): Strings {
    return stringsFor(this.language, this.strings);
  }

  /** @internal The name you join with. */
  get selfName(): string {
    return clip(this.nameDraft.trim() || this.displayName.trim() || 'Guest', MAX_NAME);
  }

  /** @internal The element itself (for the parts loaded later: its shadow root, attributes, focus). */
  get element(): this {
    return this;
  }

  /** @internal A join is under way. */
  get joining(): boolean {
    return !!this.#pending;
  }

  /** @internal The current join (if any) has settled. */
  settled(): Promise<void> {
    return this.#pending?.catch(() => undefined) ?? Promise.resolve();
  }

  #self(): Participant {
    return {
      id: this.call?.selfId ?? '',
      // Once the server answered: what it told the others we are called (the token's name when tokens are on).
      name: this.call?.self?.name ?? this.selfName,
      role: this.call?.self?.role ?? 'guest',
      self: true,
      audioMuted: !this.media.micOn,
      videoMuted: !this.media.camOn && !this.#sharing,
      screenSharing: !!this.#sharing,
      connection: this.call?.serverConnected ? 'connected' : 'reconnecting',
    };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this._state === 'idle' || this._state === 'left') queueMicrotask(() => this.#start());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
    this.call = undefined;
    this._state = 'idle';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    void loadStrings(this.language)?.then(() => this.requestUpdate());
    if (changed.has('displayName')) this.nameDraft = this.displayName;
    if (!this.hasUpdated) {
      this.media.micOn = this.audio !== 'off';
      this.media.camOn = this.video !== 'off';
      return;
    }
    if (changed.has('audio')) void this.toggleMicrophone(this.audio !== 'off');
    if (changed.has('video')) void this.toggleCamera(this.video !== 'off');
    if (changed.has('chat') && this.chat === 'off' && this.chatOpen) this.toggleChat(false);
    if (changed.has('displayName') && this.call) this.call.broadcastState();
    if ((changed.has('room') || changed.has('server') || changed.has('token') || changed.has('mode')) && this.isConnected) {
      const inCall = this._state === 'joining' || this._state === 'joined' || this._state === 'reconnecting';
      void this.#teardown().then(() => (inCall ? this.join().catch(() => undefined) : this.#start()));
    }
  }

  protected override updated(): void {
    this.#session?.play();
  }

  /**
   * @internal Re-render in a later task instead of this one: messages that arrive in separate tasks (a chat burst)
   * then make one render. `updateComplete` still settles only once it is rendered.
   */
  requestUpdateSoon(): void {
    if (!this.isUpdatePending) this.#soon = true;
    this.requestUpdate();
  }
  #soon = false;

  protected override scheduleUpdate(): void | Promise<unknown> {
    if (!this.#soon) return super.scheduleUpdate();
    this.#soon = false;
    // A posted message, not a timer: a page in the background does not slow it down.
    const { port1, port2 } = new MessageChannel();
    return new Promise((resolve) => {
      port1.onmessage = resolve;
      port2.postMessage(0);
    }).then(() => super.scheduleUpdate());
  }

  /** The only place `state` changes. */
  #setState(next: WidgetState): void {
    if (this._state === next) return;
    this._state = next;
    emit(this, 'vcw-state-change', { state: next });
  }

  /** @internal A final failure: the error screen and a `vcw-error`. */
  fail(error: WidgetError): void {
    if (error.code === 'aborted') return;
    this.media.release();
    this.shownError = { code: error.code, message: this.t.errors[error.code] };
    this.#setState('error');
    emit(this, 'vcw-error', { code: error.code, message: error.message || this.t.errors[error.code] });
  }

  /** @internal An outcome reported by the call, devices or support parts: state and public events follow from here. */
  notify(event: HostEvent): void {
    if (event.type === 'server-connection') {
      if (this._state === 'joined' || this._state === 'reconnecting') this.#setState(event.connected ? 'joined' : 'reconnecting');
      return;
    }
    const { type, ...detail } = event;
    emit(this, `vcw-${type}`, detail);
    if (type === 'participant-leave') this.#sup?.participantLeft();
  }

  /** @internal Show the pre-join screen again (the support flow: "call again", a closed panel). */
  restart(): void {
    this.shownError = null;
    this.#start();
  }

  /** Enter the pre-join screen (or join at once with `auto-join`). */
  #start(): void {
    if (!this.isConnected || this.#pending || this.call) return;
    this.shownError = null;
    if (!this.room) return this.#setState('idle');
    if (!ROOM_NAME.test(this.room)) return this.fail(new WidgetError('invalid-room', `Invalid room name "${this.room}"`));
    if (noRtc()) return this.fail(unsupported());
    if (this.#sup ? !this.#sup.enter() : this.mode != 'inline') {
      if (this.#sup) return this.#setState('idle');
      return void this.#loadSupport();
    }
    if (this.autoJoin) return void this.join().catch(() => undefined);
    this.#setState('prejoin');
    if (this.preview == 'auto' || this.armed || this.mode != 'inline') return this.startPreview();
    this.roomInfo = null;
    void this.#peek(this.room);
  }

  /** @internal Start the camera preview (a click on "Check camera and microphone", or `preview="auto"`). */
  startPreview(): void {
    this.armed = true;
    // The pre-join screen is idle time: fetch and compile the call chunk (PeerJS) now, not after the click.
    import('../call/index.js').catch(() => undefined);
    // The remembered devices come with the devices chunk: acquire once it is here (or failed to load).
    this.#extras().catch(() => undefined).then(() => this.media.acquire()).catch((error: unknown) => this.fail(asWidgetError(error)));
    this.requestUpdate();
  }

  /** Ask the server who is in `room` (with the token when there is one); the card shows nothing when it cannot say. */
  async #peek(room: string): Promise<void> {
    const info = await this.roomToken().then((token) => peekRoom(this.serverBase, room, token), () => null);
    if (info && room == this.room) {
      this.roomInfo = info;
      this.requestUpdate();
    }
  }

  #loadSupport(): Promise<void> {
    return (this.#supLoading ??= import('../support/index.js').then((m) => {
      this.#sup = m.createSupport(this);
      this.#start();
    }));
  }

  /**
   * Join the call. Resolves once joined; rejects with an Error whose `code` matches the `vcw-error`. A launcher
   * opens its panel and knocks: it settles once admitted (resolves), declined, not answered or cancelled (rejects).
   * A desk answers calls by admitting visitors: its `join()` rejects with `forbidden` and joins nothing.
   */
  join(): Promise<void> {
    if (this._state === 'joined' || this._state === 'reconnecting') return Promise.resolve();
    this.armed = true;
    // The support flow first: a launcher opens its panel, a desk refuses unless an admission handed it a seat.
    const ready = this.mode == 'inline' ? Promise.resolve() : this.#loadSupport().then(() => this.#sup!.beforeJoin());
    this.#pending ??= ready.then(() => this.#joinNow()).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  async #joinNow(): Promise<void> {
    const abort = new AbortController();
    this.#abort = abort;
    this.shownError = null;
    try {
      if (!ROOM_NAME.test(this.room)) throw new WidgetError('invalid-room', `Invalid room name "${this.room}"`);
      if (noRtc()) throw unsupported();
      this.#setState('joining');
      const chunk: Promise<CallChunk> = import('../call/index.js');
      const kit = await this.#extras();
      const held = this.media.ready;
      const tracks = this.media.acquire();
      tracks.catch(() => undefined);
      // Camera and microphone already allowed on this site: the call is set up while they open (the calls carry
      // stand-ins until then). Otherwise the person answers the browser's prompt first, so nobody in the call sees
      // someone arrive who then refuses. Held already (the preview has them): nothing to ask.
      if (!held && !(await kit.allowed())) await tracks;
      const lazy = await chunk;
      abort.signal.throwIfAborted();
      // The support flow: an agent's admission handed us a seat, or a visitor waits in the queue for one.
      const seat = this.#sup?.takeSeat() ?? (await this.#sup?.knock(abort.signal));
      const call = (this.call = (this.#session ??= lazy.createSession(this)).open());
      await call.join({ server: this.serverBase, room: this.room, name: this.selfName, signal: abort.signal, iceTransport: this.iceTransport, seat });
      // A device that failed while the call was set up fails the join, as it would have before.
      await tracks;
      abort.signal.throwIfAborted();
      this.#setState('joined');
      this.kit?.joined(this.selfName);
      emit(this, 'vcw-join', { participant: this.#self() });
    } catch (caught) {
      const error = abort.signal.aborted ? new WidgetError('aborted', 'The join was cancelled.') : asWidgetError(caught);
      if (!abort.signal.aborted) {
        await this.#teardown();
        if (error.next) this.#setState(error.next);
        this.fail(error);
      }
      throw error;
    }
  }

  /** @internal The room token: `tokenProvider()`, else `token`, else null; a failing provider is `forbidden`. */
  async roomToken(): Promise<string | null> {
    try {
      return this.tokenProvider ? await this.tokenProvider() : this.token || null;
    } catch (error) {
      throw new WidgetError('forbidden', `The token provider failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Leave the call: every track stops and every connection closes.
   * @param reason why (`left` unless the support desk removed you)
   */
  async leave(reason: LeaveReason = 'left'): Promise<void> {
    const wasIn = !!this.call;
    await this.#teardown();
    this.media.release();
    this.#setState(this.#sup?.afterLeave(reason) ?? 'left');
    if (wasIn) emit(this, 'vcw-leave', { reason });
  }

  async #teardown(): Promise<void> {
    this.#abort?.abort();
    const call = this.call;
    this.call = undefined;
    this.#session?.close();
    await call?.leave();
  }

  /**
   * Microphone on/off.
   * @param on on or off; toggles when absent
   */
  async toggleMicrophone(on = !this.media.micOn): Promise<void> {
    await this.media.setMicrophone(on, this.armed).catch((error: unknown) => this.#reportMedia(error));
    this.#afterToggle('vcw-microphone-toggle', this.media.micOn);
  }

  /**
   * Camera on/off. Off releases the camera.
   * @param on on or off; toggles when absent
   */
  async toggleCamera(on = !this.media.camOn): Promise<void> {
    await this.media.setCamera(on, this.armed).catch((error: unknown) => this.#reportMedia(error));
    this.#afterToggle('vcw-camera-toggle', this.media.camOn);
  }

  #afterToggle(type: 'vcw-microphone-toggle' | 'vcw-camera-toggle' | 'vcw-screenshare-toggle', enabled: boolean): void {
    this.call?.broadcastState();
    emit(this, type, { enabled });
    if (this.call?.selfId) emit(this, 'vcw-participant-update', { participant: this.#self() });
  }

  /** A device failure while in a call: report it, stay in the call. */
  #reportMedia(error: unknown): void {
    const { code } = asWidgetError(error);
    if (code !== 'aborted') emit(this, 'vcw-error', { code, message: this.t.errors[code] });
  }

  /**
   * Present your screen instead of the camera.
   * @param on on or off; toggles when absent
   */
  async toggleScreenshare(on = !this.#sharing): Promise<void> {
    const call = this.call;
    if (!call || on === !!this.#sharing) return;
    if (on) {
      // Cancelling the browser's picker is not an error worth a message.
      await call.startScreen(() => void this.toggleScreenshare(false)).catch((e: Error) => e.name !== 'NotAllowedError' && this.#reportMedia(e));
    } else {
      call.stopScreen(this.media.videoTrack);
    }
    this.requestUpdate();
    this.#afterToggle('vcw-screenshare-toggle', !!this.#sharing);
  }

  #extras(): Promise<DevicesHandle> {
    return (this.#devicesLoading ??= import('../devices/index.js').then((m) => {
      const devices = (this.kit = m.createDevices(this));
      this.displayName ||= devices.rememberedName();
      return devices;
    }));
  }

  /**
   * Switch camera, microphone and/or speaker (`deviceId`s from `navigator.mediaDevices.enumerateDevices()`), also in a
   * call: the new track replaces the old one on every connection, no new call. Remembered on this site. Rejects (and
   * fires `vcw-error`) when a device cannot be used.
   * @param choice the `deviceId`s to use
   */
  async setDevices(choice: DeviceChoice): Promise<void> {
    await (await this.#extras()).setDevices(choice);
  }

  /** Connection figures, one entry per remote participant (ms, bits per second); empty outside a call. */
  async getStats(): Promise<PeerStats[]> {
    return (await this.#session?.stats()) ?? [];
  }

  /** Record the call on this device (everyone's video in a grid, everyone's audio); everyone sees that you record. */
  async startRecording(): Promise<void> {
    if (!this.call || !this.#session) throw new Error('Join the call before recording.');
    await this.#session.startRecording(this.#self(), () => this.media.audioTrack);
  }

  /** Stop recording: resolves with the WebM. */
  async stopRecording(): Promise<Blob> {
    if (!this.#session) throw new Error('Nothing is being recorded.');
    return this.#session.stopRecording(this.#self());
  }

  /**
   * Open or close the chat panel.
   * @param open open or closed; toggles when absent
   */
  toggleChat(open = !this.chatOpen): void {
    if (this.chat === 'off') open = false;
    if (open === this.chatOpen) return;
    this.chatOpen = open;
    if (open) this.#session?.markRead();
    emit(this, 'vcw-chat-toggle', { open });
  }

  /**
   * Send a chat message to everyone in the call. Rejects (and sends nothing) when it cannot be sent.
   * @param text the message (at most 2000 characters)
   */
  async sendMessage(text: string): Promise<ChatMessage> {
    if (this.chat === 'off') throw new Error('Chat is turned off for this call.');
    if (!this.#session) throw new Error('Join the call before sending messages.');
    return this.#session.send(text, this.selfName);
  }

  /**
   * Share a file (at most 25 MB) with everyone in the call; resolves once it is offered, with its transfer.
   * @param file the file
   */
  async sendFile(file: Blob): Promise<FileTransfer> {
    if (this.chat === 'off') throw new Error('Chat is turned off for this call.');
    if (!this.#session) throw new Error('Join the call before sharing files.');
    return this.#session.share(file, this.selfName);
  }

  /**
   * Send your page's own data to the others in the call (a shared cursor, a raised hand, …) over the call's data
   * connections; they get it as `vcw-data` `{ from, payload }`. Works with `chat="off"`; never shown in the widget.
   * Rejects (and sends nothing) when you are not in the call, `to` is not in it, the payload is not JSON, is over
   * 16,000 bytes as JSON or nests deeper than 32 levels, or more than 60 messages a second are sent (bursts of 120).
   * @param payload any JSON value
   * @param options `to`: one participant's id; absent: everyone
   */
  async sendData(payload: unknown, options?: { to?: string }): Promise<void> {
    if (!this.#session) throw new Error('Join the call before sending data.');
    await this.#session.sendData(payload, options?.to);
  }

  /** @internal Back to the pre-join screen, or (`withoutDevices`) into the call without camera and microphone. */
  recover(withoutDevices: boolean): void {
    if (withoutDevices) {
      this.media.micOn = false;
      this.media.camOn = false;
      void this.join().catch(() => undefined);
    } else {
      this.media.micOn = this.audio !== 'off';
      this.media.camOn = this.video !== 'off';
      this.#setState('idle');
      this.restart();
    }
  }

  /** @internal The support flow's wording of the pre-join button ("Call us"), if any. */
  get joinLabel(): string | undefined {
    return this.#sup?.joinLabel;
  }

  override render() {
    const inner = screen(this) ?? this.#session?.render({ t: this.t, devices: this.kit, devicesOpen: this.#devicesOpen, toggleDevices: () => {
      this.#devicesOpen = !this.#devicesOpen;
      this.requestUpdate();
    } }) ?? nothing;
    return this.mode == 'inline' ? inner : this.#sup?.render(inner);
  }
}

/** A browser built without WebRTC (Debian's WebKitGTK, for one). */
const noRtc = () => typeof RTCPeerConnection != 'function';
const unsupported = () => new WidgetError('unsupported-browser', 'No RTCPeerConnection in this browser.');

function asWidgetError(error: unknown): WidgetError {
  if (error instanceof WidgetError) return error;
  return new WidgetError('connection-lost', error instanceof Error ? error.message : String(error));
}

declare global {
  interface HTMLElementTagNameMap {
    'video-call-widget': VideoCallWidget;
  }
}
