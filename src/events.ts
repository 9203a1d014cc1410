/**
 * The element's events: `vcw-` prefixed, bubbling, composed, with typed details.
 */
import type { ChatMessage, ErrorCode, LeaveReason, Participant, WidgetState } from './types.js';

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
  'vcw-error': { code: ErrorCode; message: string };
}

export function emit<K extends keyof WidgetEventMap>(target: EventTarget, type: K, detail: WidgetEventMap[K]): void {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

declare global {
  interface GlobalEventHandlersEventMap {
    'vcw-state-change': CustomEvent<WidgetEventMap['vcw-state-change']>;
    'vcw-join': CustomEvent<WidgetEventMap['vcw-join']>;
    'vcw-leave': CustomEvent<WidgetEventMap['vcw-leave']>;
    'vcw-participant-join': CustomEvent<WidgetEventMap['vcw-participant-join']>;
    'vcw-participant-leave': CustomEvent<WidgetEventMap['vcw-participant-leave']>;
    'vcw-participant-update': CustomEvent<WidgetEventMap['vcw-participant-update']>;
    'vcw-microphone-toggle': CustomEvent<WidgetEventMap['vcw-microphone-toggle']>;
    'vcw-camera-toggle': CustomEvent<WidgetEventMap['vcw-camera-toggle']>;
    'vcw-screenshare-toggle': CustomEvent<WidgetEventMap['vcw-screenshare-toggle']>;
    'vcw-chat-toggle': CustomEvent<WidgetEventMap['vcw-chat-toggle']>;
    'vcw-message': CustomEvent<WidgetEventMap['vcw-message']>;
    'vcw-error': CustomEvent<WidgetEventMap['vcw-error']>;
  }
}
