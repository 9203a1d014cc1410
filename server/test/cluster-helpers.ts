/**
 * Shared-mode test helpers: a real redis-server (and haproxy) started by the test on a free loopback port in a temp
 * dir, and stopped by it; and server instances pointed at that Redis. A test whose binary is missing here skips
 * with a message saying which one (`.ci/run` installs both).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, waitFor, type TestServer } from './helpers.js';

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
export const HAPROXY = ['/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy'].find((p) => existsSync(p));
export const NO_REDIS = REDIS_SERVER ? false : 'redis-server is not installed here (Debian: apt-get install redis-server; .ci/run installs it)';
export const NO_HAPROXY = HAPROXY ? false : 'haproxy is not installed here (Debian: apt-get install haproxy; .ci/run installs it)';

/** The secrets every instance of a test group shares. */
export const SHARED_ENV = {
  TICKET_SECRET: 'shared-ticket-secret-for-the-cluster-tests-0123456789',
  AGENT_KEY: 'shared-agent-key-0123456789',
  JOIN_RATE_LIMIT: '1000000',
  MAX_SOCKETS_PER_ADDRESS: '100000',
};

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface Proc {
  readonly port: number;
  readonly proc: ChildProcess;
  logs(): string;
  /** SIGTERM and wait for the exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** Spawn a helper process and wait until `ready(output)` says it is up. */
async function spawnUntil(
  cmd: string,
  args: string[],
  cwd: string,
  port: number,
  ready: (output: string) => boolean | Promise<boolean>,
  env: Record<string, string> = {},
): Promise<Proc> {
  const proc = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let output = '';
  proc.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => (children.delete(proc), resolve())));
  let stopped: Promise<void> | undefined;
  const handle: Proc = {
    port,
    proc,
    logs: () => output,
    stop: () =>
      (stopped ??= (async () => {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      })()),
  };
  await waitFor(
    () => {
      if (proc.exitCode !== null) throw new Error(`${cmd} exited: ${output.slice(-2000)}`);
      return ready(output);
    },
    10_000,
    () => `${cmd} did not start: ${output.slice(-2000)}`,
  );
  return handle;
}

/** A throwaway redis-server on a free loopback port: no persistence, its own temp dir. `port` reuses one. */
export async function startRedis(port?: number): Promise<Proc & { url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'vcw-redis-'));
  const p = port ?? (await freePort());
  const args = ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const redis = await spawnUntil(REDIS_SERVER!, args, dir, p, (out) => out.includes('Ready to accept connections'));
  return {
    ...redis,
    url: `redis://127.0.0.1:${p}`,
    stop: async () => {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** haproxy with `cfg` (a path), variables given through its environment; ready once it listens on `port`. */
export async function startHaproxy(cfg: string, port: number, env: Record<string, string>): Promise<Proc> {
  const dir = mkdtempSync(join(tmpdir(), 'vcw-haproxy-'));
  const ready = () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
  const haproxy = await spawnUntil(HAPROXY!, ['-db', '-f', cfg], dir, port, ready, env);
  return {
    ...haproxy,
    stop: async () => {
      await haproxy.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A server instance in shared mode on `redisUrl`. */
export function startInstance(redisUrl: string, id: string, env: Record<string, string> = {}): Promise<TestServer> {
  return startServer({ ...SHARED_ENV, REDIS_URL: redisUrl, INSTANCE_ID: id, ...env });
}
