/**
 * The server as a library: `import { createCallServer, loadConfig, bundledPaths } from 'video-call-widget-server'`
 * to run it inside your own process, or `signRoomToken` / `verifyRoomToken` on a site's backend.
 * The command line entry is `main.ts` (`npx video-call-widget-server`), built on this same API.
 */
export { ConfigError, loadConfig, type Config, type WebhookConfig } from './config.js';
export { CALL_EVENT_TYPES, CallEvents, type CallEvent, type CallEventData, type CallEventType } from './events/call-events.js';
export type { ReleaseReason } from './rooms.js';
export { signWebhook, verifyWebhook } from './webhooks/signature.js';
export { RETRY_DELAYS_MS, WebhookSender, type WebhookStats } from './webhooks/webhooks.js';
export { bundledPaths } from './paths.js';
export { createCallServer, type RunningServer } from './server.js';
export { signRoomToken, TokenError, verifyRoomToken, type RoomGrant } from './tokens.js';
