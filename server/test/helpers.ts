/**
 * Test helpers: the real built server (`server/dist/server/src/main.js`) as a child process, HTTP and WebSocket clients,
 * and waiting on conditions with deadlines. Build first: `npx tsc -p server`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join as pathJoin } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WebSocket, type ClientOptions } from 'ws';

export const ROOT = pathJoin(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built entry point; VCW_TEST_SERVER_MAIN points the suite at another build (e.g. a mutated copy). */
export const MAIN = process.env.VCW_TEST_SERVER_MAIN ?? pathJoin(ROOT, 'server', 'dist', 'server', 'src', 'main.js');
const START_DEADLINE_MS = 10_000;
const STOP_DEADLINE_MS = 7_000;
const LOG_CAP = 2 * 1024 * 1024;

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly proc: ChildProcess;
  readonly stateDir: string;
  /** Everything the server printed (stdout + stderr), capped. */
  logs(): string;
  exited(): boolean;
  /** SIGTERM, wait for the exit (SIGKILL after a deadline). Safe to call twice. */
  stop(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Poll `cond` until it returns a truthy value; throws `message` (or a generic one) at the deadline. */
export async function waitFor<T>(cond: () => T | Promise<T>, timeoutMs: number, message?: string | (() => string)): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await cond();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const text = typeof message === 'function' ? message() : message;
      throw new Error(`waitFor: timed out after ${timeoutMs} ms${text ? `: ${text}` : ''}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await sleep(15);
  }
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  // Last resort: never leave a server behind (only our own children, by PID).
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Servers started through `serve(t, …)`, to print their logs when the test fails (see `logged`). */
const byTest = new WeakMap<TestContext, TestServer[]>();
/** Servers shared by the tests of a file (started in a `before` hook), whose logs `logged` prints too. */
const sharedServers = new Set<TestServer>();

/** Start a server shared by several tests; stop it in an `after` hook. */
export async function startShared(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startServer(env);
  sharedServers.add(server);
  return {
    ...server,
    stop: () => {
      sharedServers.delete(server);
      return server.stop();
    },
  };
}

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const ownStateDir = env.STATE_DIR === undefined;
  const stateDir = env.STATE_DIR ?? mkdtempSync(pathJoin(tmpdir(), 'vcw-state-'));
  const proc = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', STATE_DIR: stateDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let output = '';
  const append = (chunk: Buffer) => {
    if (output.length < LOG_CAP) output += chunk.toString('utf8');
  };
  proc.stdout!.on('data', append);
  proc.stderr!.on('data', append);
  let hasExited = false;
  const exit = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      hasExited = true;
      children.delete(proc);
      resolve();
    });
  });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (!hasExited) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_DEADLINE_MS);
        await exit;
        clearTimeout(timer);
      }
      if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
    })());

  let port: number;
  try {
    port = await waitFor(
      () => {
        if (hasExited) throw new Error(`server exited with ${proc.exitCode ?? proc.signalCode}`);
        for (const line of output.split('\n')) {
          if (!line.includes('"msg":"listening"')) continue;
          const parsed = JSON.parse(line) as { port?: number };
          if (typeof parsed.port === 'number') return parsed.port;
        }
        return 0;
      },
      START_DEADLINE_MS,
      'server did not print "listening"',
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    proc,
    stateDir,
    logs: () => output,
    exited: () => hasExited,
    stop,
  };
}

/** Start a server that this test stops when it ends, and whose log `logged` prints when the test fails. */
export async function serve(t: TestContext, env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startServer(env);
  t.after(() => server.stop());
  const list = byTest.get(t) ?? [];
  list.push(server);
  byTest.set(t, list);
  return server;
}

/** Wrap a test body: when it fails, print the logs of the servers it started with `serve`. */
export function logged(fn: (t: TestContext) => Promise<void>): (t: TestContext) => Promise<void> {
  return async (t) => {
    try {
      await fn(t);
    } catch (error) {
      for (const server of [...(byTest.get(t) ?? []), ...sharedServers]) {
        process.stderr.write(`\n--- server log (port ${server.port}) for "${t.name}" ---\n${server.logs().slice(-20_000)}\n`);
      }
      throw error;
    }
  };
}

/** Run the server expecting it to refuse to start. */
export async function startFailing(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const stateDir = mkdtempSync(pathJoin(tmpdir(), 'vcw-state-'));
  const proc = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', STATE_DIR: stateDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`server did not exit (it should refuse this configuration)\n${stdout}${stderr}`));
      }, START_DEADLINE_MS);
      proc.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    return { code, stderr, stdout };
  } finally {
    children.delete(proc);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The ticket secret a server keeps in its STATE_DIR (to mint tickets in tests). */
export function ticketSecretOf(server: TestServer): Buffer {
  return Buffer.from(readFileSync(pathJoin(server.stateDir, 'ticket-secret'), 'utf8').trim(), 'utf8');
}

// ---------------------------------------------------------------- HTTP

export interface JoinResponse {
  peerId: string;
  ticket: string;
  name: string;
  role: 'host' | 'guest';
  members: Array<{ peerId: string; name: string; role: 'host' | 'guest' }>;
  iceServers: Array<{ urls: string[]; username?: string; credential?: string }>;
  maxPeers: number;
  signaling: { host: string; port: number; path: string; secure: boolean; key: string };
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

async function result<T>(res: Response): Promise<HttpResult<T>> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body: body as T, text };
}

/**
 * One HTTP request on a connection of its own (no keep-alive pool), as a fetch `Response`. Tests block their event
 * loop (spawnSync runs the token scripts, npm pack) for longer than the server keeps an idle connection open: a
 * pooled socket whose close the client could not yet notice would fail the next request ("other side closed").
 */
export function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: init.headers, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        const status = res.statusCode ?? 0;
        resolve(new Response([204, 304].includes(status) ? null : Buffer.concat(chunks), { status, headers }));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within 5 s`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

export async function getJson<T = unknown>(server: TestServer, path: string, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  return result<T>(await send(`${server.url}${path}`, { headers }));
}

export async function health(server: TestServer): Promise<{ ok: boolean; rooms: number; peers: number }> {
  const res = await getJson<{ ok: boolean; rooms: number; peers: number }>(server, '/healthz');
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
  return res.body;
}

/** POST /api/rooms/{room}/join. `body` is sent as is when a string, else JSON-encoded; `room` is put in the path as is. */
export async function join<T = JoinResponse>(
  server: TestServer,
  room: string,
  body: unknown = {},
  headers: Record<string, string> = {},
): Promise<HttpResult<T>> {
  const res = await send(`${server.url}/api/rooms/${room}/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return result<T>(res);
}

export async function joinOk(server: TestServer, room: string, name?: string, headers: Record<string, string> = {}): Promise<JoinResponse> {
  const res = await join(server, room, name === undefined ? {} : { name }, headers);
  if (res.status !== 200) throw new Error(`join ${room} answered ${res.status}: ${res.text}`);
  return res.body;
}

// ---------------------------------------------------------------- WebSocket

export type Msg = { type: string; src?: string; dst?: string; payload?: unknown; [k: string]: unknown };

export function wsUrl(server: TestServer, id: string, ticket: string, key = 'vcw'): string {
  const q = new URLSearchParams({ key, id, token: ticket });
  return `ws://127.0.0.1:${server.port}/signal/peerjs?${q.toString()}`;
}

export type IceServer = { urls: string[]; username?: string; credential?: string };

/**
 * A signaling socket. Every member hears its ICE servers (VCW-ICE) right after OPEN: those notices are kept apart in
 * `ice`, so `messages` reads as the room's conversation (what turn.test.ts and api.test.ts check of them is there).
 */
export class Client {
  readonly messages: Msg[] = [];
  /** The ICE server lists of the VCW-ICE notices received, in order. */
  readonly ice: IceServer[][] = [];
  readonly raw: string[] = [];
  /** VCW-IDENTITY notices (kept out of `messages`). */
  readonly identities: Msg[] = [];
  pings = 0;
  closed: { code: number; reason: string } | null = null;
  private readonly closedPromise: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket, readonly id: string) {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      this.raw.push(text);
      try {
        const message = JSON.parse(text) as Msg;
        // Who-is-who notices come with every registration; tests of them read `identities` (and `raw` for order).
        // ICE grants go to `ice`.
        if (message.type === 'VCW-IDENTITY') this.identities.push(message);
        else if (message.type === 'VCW-ICE') this.ice.push((message.payload as { iceServers: IceServer[] }).iceServers);
        else this.messages.push(message);
      } catch {
        this.messages.push({ type: '<non-json>', text });
      }
    });
    ws.on('ping', () => this.pings++);
    ws.on('error', () => {});
    this.closedPromise = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        resolve(this.closed);
      }),
    );
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Wait for (and return) the first message matching `pred` that arrived at or after index `from`. */
  async next(pred: (m: Msg) => boolean, timeoutMs = 3000, from = 0): Promise<Msg> {
    return waitFor(
      () => {
        for (let i = from; i < this.messages.length; i++) if (pred(this.messages[i]!)) return this.messages[i];
        if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason})`);
        return undefined;
      },
      timeoutMs,
      () => `no matching message for ${this.id.slice(0, 8)}; got ${JSON.stringify(this.messages).slice(0, 500)}`,
    ) as Promise<Msg>;
  }

  async waitClosed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    await waitFor(() => this.closed, timeoutMs, `socket of ${this.id.slice(0, 8)} did not close`);
    return this.closedPromise;
  }

  /** Close like a browser does: `1001` is what a page that goes away sends. */
  async close(code?: number): Promise<void> {
    if (this.closed) return;
    this.ws.close(code);
    await waitFor(() => this.closed, 3000).catch(() => this.ws.terminate());
  }
}

export interface ConnectOptions extends ClientOptions {
  key?: string;
  /** Close this client when the test ends. */
  t?: TestContext;
  /** Wait for the server's OPEN message (default), or only for the upgrade. */
  expectOpen?: boolean;
}

/** Open a signaling socket; resolves once the server sent OPEN (or, with `expectOpen: false`, once upgraded). */
export async function connect(server: TestServer, id: string, ticket: string, options: ConnectOptions = {}): Promise<Client> {
  const { key, t, expectOpen = true, ...wsOptions } = options;
  const ws = new WebSocket(wsUrl(server, id, ticket, key), wsOptions);
  const client = new Client(ws, id);
  if (t) t.after(() => client.close());
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('WebSocket did not open in time')), 5000);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c.slice(0, 1000)));
      res.on('end', () => {
        ws.terminate();
        reject(new Error(`upgrade refused with HTTP ${res.statusCode}: ${body}`));
      });
      res.on('error', () => reject(new Error(`upgrade refused with HTTP ${res.statusCode}`)));
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  if (expectOpen) await client.next((m) => m.type === 'OPEN', 3000);
  return client;
}

/** Join a room and connect: the usual "a widget is in the call". */
export async function member(server: TestServer, room: string, name: string, t?: TestContext): Promise<{ join: JoinResponse; client: Client }> {
  const joined = await joinOk(server, room, name);
  const client = await connect(server, joined.peerId, joined.ticket, t ? { t } : {});
  return { join: joined, client };
}

/**
 * Try an upgrade that should be refused before it happens: resolves the HTTP status of the refusal.
 * Rejects when the upgrade succeeds.
 */
export async function upgradeStatus(url: string, options: ClientOptions = {}): Promise<number> {
  return (await upgradeRefusal(url, options)).status;
}

/** The refusal of an upgrade that should not happen: status, headers and body. Rejects when it is accepted. */
export async function upgradeRefusal(url: string, options: ClientOptions = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const ws = new WebSocket(url, options);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no answer to the upgrade'));
    }, 5000);
    ws.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        ws.terminate();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    ws.once('open', () => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Nested JSON text of `depth` objects around `1`, built without recursion. */
export function nestedJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A small seeded PRNG (mulberry32) so a fuzz run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
