#!/usr/bin/env node
// `npx video-call-widget-server`: the signaling server (widget bundle, demo, room API, PeerServer) on one port.
// Configured only by environment variables (see `--help`, generated from server/src/cli/schema.ts, and the README);
// it takes no other arguments, so a process manager's unit file or container spec holds the whole configuration.
// The server runs in this process: SIGINT/SIGTERM reach it directly, and it also stops when the process that
// started it goes away (npx/npm pass a SIGTERM to their shell, not to us — see server/src/cli/parent-watch.ts).
import { existsSync, readFileSync } from 'node:fs';

const dist = new URL('../dist/server/src/', import.meta.url);
const arg = process.argv[2];
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

if (arg === '--version' || arg === '-v') {
  process.stdout.write(`${version}\n`);
  process.exit(0);
}
if (!existsSync(new URL('main.js', dist))) {
  process.stderr.write('video-call-widget-server: the server is not built (dist/server/src/main.js is missing); run `npm run build` in the repository first.\n');
  process.exit(1);
}
if (arg !== undefined) {
  const { helpText } = await import(new URL('cli/help.js', dist).href);
  const help = arg === '--help' || arg === '-h';
  (help ? process.stdout : process.stderr).write(`${help ? '' : `video-call-widget-server: unexpected argument "${arg}"\n\n`}${helpText(version)}`);
  process.exit(help ? 0 : 64);
}
await import(new URL('main.js', dist).href);
