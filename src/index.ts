/**
 * video-call-widget: importing this module defines `<video-call-widget>` (once) — its only side effect.
 */
import { VideoCallWidget } from './video-call-widget.js';

if (!customElements.get('video-call-widget')) customElements.define('video-call-widget', VideoCallWidget);

export { VideoCallWidget };
export type { WidgetEventMap } from './events.js';
export type { ChatMessage, ConnectionState, ErrorCode, LeaveReason, Participant, WidgetState } from './types.js';
