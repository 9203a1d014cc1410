/**
 * video-call-widget: importing this module defines `<video-call-widget>` (once) — its only side effect.
 */
import { setScriptBase, VideoCallWidget } from './core/video-call-widget.js';

// Not `new URL('.', import.meta.url)`: the bundler would inline that as an asset (a data: URL).
setScriptBase(import.meta.url);
if (!customElements.get('video-call-widget')) customElements.define('video-call-widget', VideoCallWidget);

export { VideoCallWidget };
export type { WidgetEventMap, WidgetEvents } from './core/events.js';
export type { Bitrate, ChatMessage, ConnectionState, ErrorCode, FileTransfer, LeaveReason, Participant, PeerStats, Quality, TransferStatus, WaitingVisitor, WidgetError, WidgetState } from './core/types.js';
export type { StringOverrides, Strings } from './core/strings.js';
export type { DeviceChoice } from './core/media-controller.js';
