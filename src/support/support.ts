/**
 * Support: the element's customer-support flow, for `mode="launcher"` (a visitor on a shop's page: a floating
 * button, the pre-join screen in a panel, a waiting room, then the call) and `mode="desk"` (an agent: the live queue
 * with each visitor's camera snapshot, Admit / Decline, and the call with Remove). What the element asks of it
 * (`SupportHandle`) goes to the launcher or the desk by mode.
 *
 * The queue is server state (`docs/SUPPORT-PROTOCOL.md`): admission gives both sides a seat in a fresh two-person
 * call room, joined like any call.
 */
import type { ReactiveController } from 'lit';
import type { SupportHandle, WidgetHost } from '../core/host.js';
import { WidgetError, type LeaveReason, type WaitingVisitor, type WidgetState } from '../core/types.js';
import type { JoinAnswer } from '../protocol/wire.js';
import { Desk } from './desk.js';
import { deskView } from './desk-view.js';
import { Launcher } from './launcher.js';
import { launcherView } from './launcher-view.js';
import { supportStrings, type SupportStrings } from './strings.js';

/** Attributes of the support flow, read when needed: a change re-renders. */
const ATTRIBUTES = ['label', 'hours', 'time-zone', 'fallback-url', 'agent-key', 'position', 'context'];

export class Support implements SupportHandle, ReactiveController {
  readonly #launcher: Launcher;
  readonly #desk: Desk;
  #observer: MutationObserver | undefined;
  readonly #host: WidgetHost;

  constructor(host: WidgetHost) {
    this.#host = host;
    this.#launcher = new Launcher(host);
    this.#desk = new Desk(host, () => this.t);
    // Lit calls hostConnected at once when the element is connected.
    host.addController(this);
  }

  /** The support strings in the element's language, with the host page's overrides. */
  get t(): SupportStrings {
    return supportStrings(this.#host.language, this.#host.strings, () => this.#host.requestUpdate());
  }

  /** The flow this element follows: the desk's, else the launcher's (also after a page switched it to `inline`). */
  get #mode(): 'launcher' | 'desk' {
    return this.#host.mode === 'desk' ? 'desk' : 'launcher';
  }

  get waiting(): WaitingVisitor[] {
    return this.#desk.waiting;
  }

  get queuePosition(): number {
    return this.#launcher.waiting ? this.#launcher.position : 0;
  }

  get joinLabel(): string {
    return this.t.callUs;
  }

  hostConnected(): void {
    if (this.#observer) return;
    this.#observer = new MutationObserver(() => this.#host.requestUpdate());
    this.#observer.observe(this.#host.element, { attributes: true, attributeFilter: ATTRIBUTES });
    this.#launcher.connected();
    this.#desk.connected();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#launcher.disconnected();
    this.#desk.disconnected();
  }

  /**
   * The element is about to show its pre-join screen: true to go on (the launcher's panel is open and someone can
   * take the call); false to stay idle — the desk never shows one, it (re)connects to its queue instead.
   */
  enter(): boolean {
    this.#desk.sync();
    if (this.#host.mode === 'inline') return true;
    if (this.#host.mode === 'desk') return false;
    return this.#launcher.canEnter;
  }

  async knock(signal: AbortSignal): Promise<JoinAnswer | undefined> {
    return this.#mode === 'launcher' ? this.#launcher.knock(signal) : undefined;
  }

  takeSeat(): JoinAnswer | undefined {
    return this.#desk.takeSeat();
  }

  async beforeJoin(): Promise<void> {
    if (this.#mode === 'launcher') return this.#launcher.toggle(true);
    if (!this.#desk.hasSeat) throw new WidgetError('forbidden', 'A desk (mode="desk") takes calls by admitting visitors from its queue; join() is not available on it.');
  }

  /** After leaving a call: the desk goes back to its queue, the launcher's panel says how the call ended. */
  afterLeave(reason: LeaveReason): WidgetState {
    this.#desk.callWith = '';
    if (this.#mode === 'desk') return 'idle';
    this.#launcher.ended(reason);
    return 'left';
  }

  /** Someone left: a support call is two people, so with nobody else left it is over. */
  participantLeft(): void {
    const call = this.#host.call;
    if (call && call.remotes.size === 0 && this.#host.state === 'joined') void this.#host.leave();
  }

  async admit(id: string): Promise<void> {
    if (this.#mode !== 'desk') throw new Error('Only the agent desk (mode="desk") can admit visitors.');
    await this.#desk.admit(id);
  }

  decline(id: string, message?: string): Promise<void> {
    return this.#desk.decline(id, message);
  }

  remove(id: string): Promise<void> {
    return this.#desk.remove(id);
  }

  cancelWaiting(): void {
    this.#launcher.cancel();
  }

  /** The element's content for this mode, around what the element itself renders (`inner`). */
  render(inner: unknown): unknown {
    return this.#mode === 'desk' ? deskView(this.#host, this.#desk, this.t, inner) : launcherView(this.#host, this.#launcher, this.t, inner);
  }
}
