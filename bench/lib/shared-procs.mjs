// The processes of the shared-mode benchmarks (bench/cluster.mjs, bench/joins.mjs): a throwaway redis-server and
// built server instances on loopback, optionally pinned to CPUs with taskset; a member joined and connected.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { freePort } from './proc.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MAIN = join(ROOT, 'server/dist/server/src/main.js');
export const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
export const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));
export const DEADLINE_MS = 10_000;
/** What shared mode requires besides REDIS_URL. */
export const SHARED_SECRETS = { TICKET_SECRET: 'bench-ticket-secret-0123456789abcdef0123', AGENT_KEY: 'bench-agent-key-0123456789' };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** User + system CPU of a process so far, µs (from /proc; clock ticks of 10 ms). */
export const cpuOf = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
};

/** `cmd args`, pinned to `cpus` (e.g. "0") when given: the pid is the command's own (taskset execs it). */
export async function spawnUntil(cmd, args, env, ready, cpus) {
  const [file, argv] = cpus === undefined ? [cmd, args] : [TASKSET, ['-c', cpus, cmd, ...args]];
  const proc = spawn(file, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  proc.stderr.on('data', (c) => (out += c));
  const until = Date.now() + DEADLINE_MS;
  while (!ready(out)) {
    if (proc.exitCode !== null || Date.now() > until) throw new Error(`${cmd} did not start: ${out.slice(-500)}`);
    await sleep(20);
  }
  return { proc, out: () => out };
}

/** A throwaway redis-server on a free loopback port (no persistence): { proc, url, stop }. */
export async function startRedis(cpus) {
  if (!REDIS) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'vcw-bench-redis-'));
  const port = await freePort();
  const redis = await spawnUntil(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {}, (o) => o.includes('Ready to accept'), cpus);
  return {
    ...redis,
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => {
      redis.proc.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A built server instance (limits that would throttle a load test lifted), ready once /healthz answers. */
export async function instance(env, cpus) {
  if (!existsSync(MAIN)) throw new Error('build first: npm run build');
  const dir = mkdtempSync(join(tmpdir(), 'vcw-bench-state-'));
  const port = await freePort();
  const base = { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', STATE_DIR: dir, MESSAGE_RATE_LIMIT: '100000', JOIN_RATE_LIMIT: '1000000', MAX_SOCKETS_PER_ADDRESS: '100000' };
  const s = await spawnUntil(process.execPath, [MAIN], { ...base, ...env }, () => true, cpus);
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (s.proc.exitCode !== null || Date.now() > until) throw new Error(`instance did not start: ${s.out().slice(-500)}`);
    await sleep(50);
  }
  return { ...s, port, stop: () => (s.proc.kill('SIGTERM'), rmSync(dir, { recursive: true, force: true })) };
}

/** POST /api/rooms/{room}/join, then the WebSocket until OPEN: { ws, id }. */
export async function member(port, room) {
  const res = await fetch(`http://127.0.0.1:${port}/api/rooms/${room}/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!res.ok) throw new Error(`join ${res.status}`);
  const { peerId, ticket } = await res.json();
  const ws = new WebSocket(`ws://127.0.0.1:${port}/signal/peerjs?${new URLSearchParams({ key: 'vcw', id: peerId, token: ticket })}`);
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no OPEN')), DEADLINE_MS);
    ws.on('message', function first(data) {
      if (JSON.parse(data.toString()).type === 'OPEN') {
        clearTimeout(t);
        ws.off('message', first);
        resolve();
      }
    });
    ws.once('error', (error) => {
      clearTimeout(t);
      reject(error);
    });
  });
  return { ws, id: peerId };
}
