// The command line: one config schema behind `loadConfig`, `--help` and the README's table (drift fails here),
// `--version`, and no orphan when the `npx` that started the server is told to stop.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { markdownTable, withTable } from '../src/cli/help.js';
import { CONFIG_NAMES, CONFIG_SCHEMA } from '../src/cli/schema.js';
import { loadConfig } from '../src/config.js';
import { ROOT, startFailing, waitFor } from './helpers.js';

const BIN = join(ROOT, 'server', 'bin', 'video-call-widget-server.js');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Every environment name `loadConfig` reads for this environment. */
function namesRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const proxy = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
  });
  loadConfig(proxy, { staticDir: '/nonexistent', demoDir: '/nonexistent' });
  return read;
}

test('loadConfig reads exactly the variables of the schema', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vcw-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const read = namesRead({ STATE_DIR: dir });
  assert.deepEqual([...read].filter((n) => !CONFIG_NAMES.has(n)).sort(), [], 'read but not in the schema (so not in --help or the README)');
  assert.deepEqual([...CONFIG_NAMES].filter((n) => !read.has(n)).sort(), [], 'in the schema but never read');
  assert.equal(CONFIG_NAMES.size, CONFIG_SCHEMA.length, 'no variable listed twice');
});

test("the README's configuration table is the one generated from the schema (npm run docs:config)", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  assert.ok(readme.includes(markdownTable()), 'README.md table is out of date: run `npm run docs:config`');
  assert.equal(withTable(readme), readme);
  for (const v of CONFIG_SCHEMA) assert.match(readme, new RegExp(`\\| \`${v.name}\` \\|`), `${v.name} in the README`);
});

test('--help lists every variable with its default; --version prints the package version; other arguments are refused', () => {
  const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  for (const v of CONFIG_SCHEMA) assert.match(help.stdout, new RegExp(`^  ${v.name} +\\S`, 'm'), `${v.name} in --help`);
  assert.equal((help.stdout.match(/\[default:\s/g) ?? []).length, CONFIG_SCHEMA.length);
  const { version } = JSON.parse(readFileSync(join(ROOT, 'server', 'package.json'), 'utf8')) as { version: string };
  const shown = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  assert.equal(shown.status, 0);
  assert.equal(shown.stdout, `${version}\n`);
  const wrong = spawnSync(process.execPath, [BIN, '--port=1'], { encoding: 'utf8' });
  assert.equal(wrong.status, 64);
  assert.match(wrong.stderr, /unexpected argument "--port=1"[\s\S]*PORT/);
});

test('a bad new variable stops the start naming it', async () => {
  for (const [env, name] of [
    [{ WEBHOOK_URL: 'http://127.0.0.1:1/hook' }, 'WEBHOOK_SECRET'],
    [{ WEBHOOK_URL: 'ftp://x/y', WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 1).toString('base64')}` }, 'WEBHOOK_URL'],
    [{ WEBHOOK_URL: 'http://127.0.0.1:1/hook', WEBHOOK_SECRET: 'plain-secret-without-prefix-000000' }, 'WEBHOOK_SECRET'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
  ] as const) {
    const result = await startFailing(env);
    assert.equal(result.code, 78, JSON.stringify(env));
    assert.match(result.stderr, new RegExp(`invalid configuration: ${name}:`));
  }
});

/** Process ids of every descendant of `pid` (from /proc). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) if (parent === p) (found.push(child), walk(child));
  };
  walk(pid);
  return found;
}

/** Is `pid` a live process (not gone, not a zombie waiting to be reaped)? */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test('SIGTERM to the `npx video-call-widget-server` parent stops the server too (no orphan)', { skip: !existsSync('/proc/self/stat') && 'needs /proc' }, async (t) => {
  const state = mkdtempSync(join(tmpdir(), 'vcw-npx-'));
  const npx = spawn(npm, ['exec', '--offline', '--', 'video-call-widget-server'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', STATE_DIR: state, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  npx.stdout.on('data', (d) => (logs += d));
  npx.stderr.on('data', (d) => (logs += d));
  let serverPid = 0;
  t.after(() => {
    if (npx.exitCode === null && npx.signalCode === null) npx.kill('SIGKILL');
    if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
    rmSync(state, { recursive: true, force: true });
  });
  const port = await waitFor(() => {
    const line = logs.split('\n').find((l) => l.includes('"msg":"listening"'));
    return line ? (JSON.parse(line) as { port: number }).port : 0;
  }, 30_000, () => `npx did not start the server:\n${logs}`);
  // The node process that runs the bin, somewhere under npx (npm → sh → node).
  serverPid = descendants(npx.pid!).find((pid) => {
    try {
      const [exe, script] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return /(^|\/)node$/.test(exe ?? '') && (script ?? '').endsWith('video-call-widget-server');
    } catch {
      return false;
    }
  }) ?? 0;
  assert.ok(serverPid && serverPid !== npx.pid, `found the server process under npx (${npx.pid})`);
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  npx.kill('SIGTERM');
  await waitFor(() => !alive(serverPid), 10_000, () => `server ${serverPid} still running after npx exited:\n${logs}`);
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the port is closed');
});
