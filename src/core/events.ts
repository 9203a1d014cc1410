/**
 * The element's events: `vcw-` prefixed, bubbling, composed, with typed details.
 */
import type { ChatMessage, ErrorCode, FileTransfer, LeaveReason, Participant, Quality, WaitingVisitor, WidgetState } from './types.js';

export interface WidgetEventMap {
  'vcw-state-change': { state: WidgetState };
  'vcw-join': { participant: Participant };
  'vcw-leave': { reason: LeaveReason };
  'vcw-participant-join': { participant: Participant };
  'vcw-participant-leave': { participant: Participant; reason: LeaveReason };
  'vcw-participant-update': { participant: Participant };
  'vcw-microphone-toggle': { enabled: boolean };
  'vcw-camera-toggle': { enabled: boolean };
  'vcw-screenshare-toggle': { enabled: boolean };
  'vcw-chat-toggle': { open: boolean };
  'vcw-message': { message: ChatMessage };
  'vcw-file': { file: FileTransfer };
  /** The host page's data from another participant (`sendData`): `from` is their id, as in `participants`. */
  'vcw-data': { from: string; payload: unknown };
  'vcw-error': { code: ErrorCode; message: string };
  'vcw-recording': { participant: Participant; recording: boolean };
  'vcw-device-change': { audioInput: string; videoInput: string; audioOutput: string };
  'vcw-active-speaker': { participant: Participant };
  'vcw-network-quality': { participant: Participant; quality: Quality };
  'vcw-knock': { participant: WaitingVisitor };
  'vcw-knock-cancel': { participant: WaitingVisitor };
  'vcw-admitted': { participant: WaitingVisitor | null };
  'vcw-declined': { message: string; reason: 'declined' | 'timeout' };
  'vcw-queue-update': { position: number };
}

export function emit<K extends keyof WidgetEventMap>(target: EventTarget, type: K, detail: WidgetEventMap[K]): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

/** Every `vcw-` event as the `CustomEvent` a listener receives. */
export type WidgetEvents = { [K in keyof WidgetEventMap]: CustomEvent<WidgetEventMap[K]> };

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface GlobalEventHandlersEventMap extends WidgetEvents {}
}
