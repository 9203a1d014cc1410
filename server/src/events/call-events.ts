/**
 * What happens in rooms and support queues, for the host's backend: the typed emitter `createCallServer()` returns
 * as `events` (`server.events.on('participant.joined', (e) => …)`), and what the signed webhooks carry. The names
 * are DESIGN.md's webhook types; each listener gets `{ type, timestamp, data }`, the webhook body.
 * Emitting is synchronous and cheap; a listener that throws is logged and never reaches signaling.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { ReleaseReason } from '../rooms.js';

export interface CallEventData {
  /** The first member's socket arrived in an empty room. */
  'room.started': { room: string };
  /** The last connected member left. `durationMs` since `room.started`. */
  'room.ended': { room: string; durationMs: number };
  /** A member's socket arrived and claimed its seat (also again after a dropped socket came back). */
  'participant.joined': { room: string; peerId: string; name: string };
  /**
   * A connected member's seat was freed: `gone` (the page closed), `disconnected` (the socket dropped; a widget that
   * is still there re-registers and joins again), `removed` (an agent removed it from a support call).
   */
  'participant.left': { room: string; peerId: string; name: string; reason: ReleaseReason };
  /** A visitor knocked on support queue `queue`. */
  'support.knock': { queue: string; visitorId: string; name: string; page: string };
  /** An agent admitted the visitor into the private call room `room`. */
  'support.admitted': { queue: string; visitorId: string; agentId: string; agentName: string; room: string; waitedMs: number };
  'support.declined': { queue: string; visitorId: string; agentId: string; waitedMs: number };
  /** Nobody answered within WAITING_TIMEOUT_MS. */
  'support.timeout': { queue: string; visitorId: string; waitedMs: number };
}

export type CallEventType = keyof CallEventData;

export const CALL_EVENT_TYPES: readonly CallEventType[] = [
  'room.started', 'room.ended', 'participant.joined', 'participant.left',
  'support.knock', 'support.admitted', 'support.declined', 'support.timeout',
];

/**
 * One event as listeners and webhooks get it. `timestamp`: ISO 8601, when it happened. Without a type argument, the
 * union of all of them (narrowed by `type`).
 */
export type CallEvent<T extends CallEventType = CallEventType> = T extends CallEventType
  ? { readonly type: T; readonly timestamp: string; readonly data: CallEventData[T] }
  : never;

type EventArgs = { [T in CallEventType]: [event: CallEvent<T>] } & { event: [event: CallEvent] };

/**
 * The emitter: one listener signature per type, and `event` for all of them (what the webhooks subscribe to).
 * `emit` is for the server itself: `publish` is what its parts call.
 */
export class CallEvents extends EventEmitter<EventArgs> {
  constructor(private readonly log?: Logger) {
    super({ captureRejections: false });
  }

  publish<T extends CallEventType>(type: T, data: CallEventData[T]): void {
    const event = { type, timestamp: new Date().toISOString(), data } as CallEvent<T>;
    try {
      const emit = this.emit as (name: string, e: CallEvent) => boolean;
      emit.call(this, type, event as CallEvent);
      emit.call(this, 'event', event as CallEvent);
    } catch (error) {
      this.log?.error({ err: error, type }, 'a call event listener threw');
    }
  }
}
