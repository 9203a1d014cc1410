/**
 * video-call-widget: importing this module defines `<video-call-widget>` (once) — its only side effect.
 */
import { setScriptBase, VideoCallWidget } from './video-call-widget.js';

// Not `new URL('.', import.meta.url)`: the bundler would inline that as an asset (a data: URL).
setScriptBase(import.meta.url);
if (!customElements.get('video-call-widget')) customElements.define('video-call-widget', VideoCallWidget);

export { VideoCallWidget };
export type { WidgetEventMap, WidgetEvents } from './events.js';
export type { ChatMessage, ConnectionState, ErrorCode, LeaveReason, Participant, PeerStats, Quality, WaitingVisitor, WidgetState } from './types.js';
export type { DeviceChoice } from './controllers/media-controller.js';
