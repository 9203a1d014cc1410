/**
 * The server as a library: `import { createCallServer, loadConfig, bundledPaths } from 'video-call-widget/server'`
 * to run it inside your own process, or `signRoomToken` / `verifyRoomToken` on a site's backend.
 * The command line entry is `main.ts` (`npx video-call-widget-server`).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { ConfigError, loadConfig, type Config } from './config.js';
export { createCallServer, type RunningServer } from './server.js';
export { signRoomToken, TokenError, verifyRoomToken, type RoomGrant } from './tokens.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where this package keeps the built widget and the demo page: the `paths` argument of `loadConfig`. */
export const bundledPaths: { readonly staticDir: string; readonly demoDir: string } = {
  staticDir: join(root, 'dist', 'widget'),
  demoDir: join(root, 'demo'),
};
