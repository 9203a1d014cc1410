// A @web/test-runner plugin that starts and stops real signaling servers (child processes) for browser tests:
// `executeServerCommand('vcw-server-start', { env })` → `{ id, url }`, `'vcw-server-stop', { id }`,
// `'vcw-server-kill', { id }` (SIGKILL), `'vcw-server-logs', { id }` (what it printed so far). Server logs are kept
// and printed only when a server exits badly.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const MAIN = new URL('../../server/dist/server/src/main.js', import.meta.url).pathname;
const DIST = new URL('../../dist/widget/', import.meta.url).pathname;
/** The widget's own files as a page requests them: `/video-call-widget.js`, `/chunks/<name>.js`. */
const WIDGET_FILE = /^\/(video-call-widget\.js|chunks\/[\w-]+\.js)$/;

/** gzip -9 bytes of each widget file a page loaded (by URL path), as the build's budget test counts them. */
function distGzip(paths) {
  return Object.fromEntries(paths.map((path) => {
    if (!WIDGET_FILE.test(path)) throw new Error(`not a widget file: ${path}`);
    return [path, gzipSync(readFileSync(join(DIST, path)), { level: 9 }).length];
  }));
}

export function serverPlugin() {
  const servers = new Map();
  const ownDirs = new Set();
  let next = 1;

  function start(env = {}) {
    const stateDir = env.STATE_DIR ?? mkdtempSync(join(tmpdir(), 'vcw-test-'));
    // Kept until the run ends: a test may restart a server on the same state (same ticket secret).
    if (!env.STATE_DIR) ownDirs.add(stateDir);
    const proc = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', STATE_DIR: stateDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    proc.stdout.on('data', (d) => (logs += d));
    proc.stderr.on('data', (d) => (logs += d));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`server did not start in 10 s:\n${logs}`)), 10_000);
      const fail = (error) => {
        clearTimeout(timer);
        proc.kill('SIGKILL');
        reject(error);
      };
      proc.on('exit', (code) => fail(new Error(`server exited (${code}) before listening:\n${logs}`)));
      const onData = () => {
        const line = logs.split('\n').find((l) => l.includes('"msg":"listening"'));
        if (!line) return;
        clearTimeout(timer);
        proc.stdout.off('data', onData);
        proc.removeAllListeners('exit');
        const { port } = JSON.parse(line);
        const id = String(next++);
        servers.set(id, { proc, logs: () => logs });
        const host = env.HOST && env.HOST !== '0.0.0.0' ? env.HOST : '127.0.0.1';
        resolve({ id, url: `http://${host}:${port}`, port, stateDir });
      };
      proc.stdout.on('data', onData);
    });
  }

  async function stop(id, signal = 'SIGTERM') {
    const server = servers.get(id);
    if (!server) return false;
    servers.delete(id);
    const exited = new Promise((resolve) => server.proc.once('exit', resolve));
    server.proc.kill(signal);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 6000))]);
    if (code === 'timeout') server.proc.kill('SIGKILL');
    if (signal === 'SIGTERM' && code !== 0) console.error(`server ${id} exited with ${code}:\n${server.logs()}`);
    return true;
  }

  return {
    name: 'vcw-server',
    async executeCommand({ command, payload }) {
      if (command === 'vcw-server-start') return start(payload?.env);
      if (command === 'vcw-server-stop') return stop(payload.id);
      if (command === 'vcw-server-kill') return stop(payload.id, 'SIGKILL');
      if (command === 'vcw-dist-gzip') return distGzip(payload.paths);
      if (command === 'vcw-server-logs') return servers.get(payload.id)?.logs() ?? null;
      return undefined;
    },
    async serverStop() {
      await Promise.all([...servers.keys()].map((id) => stop(id)));
      for (const dir of ownDirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
