/**
 * Entry point: `node server/dist/server/src/main.js` (what `npm start` and `npx video-call-widget-server` run).
 * Reads the environment once, logs as JSON (pino), and shuts down cleanly on SIGINT/SIGTERM. Everything else is
 * the library API of `index.ts`.
 */
import { pino } from 'pino';
import { watchParent } from './cli/parent-watch.js';
import { bundledPaths, ConfigError, createCallServer, loadConfig } from './index.js';

let config;
try {
  config = loadConfig(process.env, bundledPaths);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`video-call-widget server: invalid configuration: ${error.message}\n`);
  process.exit(78);
}

const log = pino({ level: config.logLevel, base: null });
const callServer = createCallServer(config, log);

let stopping = false;
function shutDown(signal: string): void {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  void callServer.stop().then(() => process.exit(0));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => shutDown(signal));
// Started through npx or npm, whose SIGTERM stops at their shell: the parent going away stops us as SIGTERM would.
watchParent(() => shutDown('parent-exit'));

try {
  const address = await callServer.start();
  const shown = address.family === 'IPv6' && address.address === '::' ? 'localhost' : address.address;
  const base = `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}/`;
  log.info({ port: address.port, address: address.address, url: base }, 'listening');
  // Without AGENT_KEY a fresh install still has a working agent desk: its link carries the generated key.
  if (config.agentKeyGenerated) {
    log.info(
      { url: `${base}agent.html#key=${encodeURIComponent(config.agentKey)}` },
      'agent desk: open this link to answer support visitors (the key was generated into STATE_DIR/agent-key; set AGENT_KEY in production)',
    );
  }
} catch (error) {
  log.fatal({ err: error }, 'could not listen');
  process.exit(1);
}

