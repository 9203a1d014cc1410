// Debian's coturn (`turnserver`) on loopback for tests, configured from the shipped deploy/coturn/turnserver.conf:
// the same authentication, quotas and denied peer ranges, with the network lines replaced by a free loopback port,
// no TLS (no certificate here), and — unless `production` — loopback peers allowed so two local browsers can
// relay to each other. Started and stopped by PID; readiness is a STUN Binding answered on the port.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SHIPPED_CONFIG = new URL('../../deploy/coturn/turnserver.conf', import.meta.url).pathname;
const DROPPED = /^(listening-port|tls-listening-port|listening-ip|external-ip|relay-ip|min-port|max-port|cert|pkey|syslog|log-file|static-auth-secret|realm)\b/;
const LOOPBACK_DENIED = /^denied-peer-ip=(127\.0\.0\.0-127\.255\.255\.255|::1|::ffff:0\.0\.0\.0-::ffff:255\.255\.255\.255)$/;

/** A port free for both TCP and UDP on 127.0.0.1 (coturn listens on both). */
export async function freeLoopbackPort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: p } = server.address();
        server.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree && port < 49152) return port;
  }
  throw new Error('no free loopback port for coturn');
}

/** The shipped configuration, adapted to a loopback test run. */
export function testConfig(shipped, { port, secret, realm, dir, production }) {
  const kept = shipped
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !DROPPED.test(line) && (production || !LOOPBACK_DENIED.test(line)));
  return [
    ...kept,
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    'min-port=49152',
    'max-port=65535',
    `static-auth-secret=${secret}`,
    `realm=${realm}`,
    'no-tls',
    'no-dtls',
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `userdb=${join(dir, 'turndb')}`,
    'log-file=stdout',
    ...(production ? [] : ['allow-loopback-peers']),
    '',
  ].join('\n');
}

/** Resolves once a STUN Binding request to 127.0.0.1:port gets an answer. */
async function stunAnswers(port, timeoutMs) {
  const socket = createSocket('udp4');
  try {
    return await new Promise((resolve) => {
      const id = randomBytes(12);
      const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), id]);
      const timer = setTimeout(() => resolve(false), timeoutMs);
      socket.on('message', (msg) => {
        if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(id)) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      socket.on('error', () => undefined);
      socket.send(request, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

/**
 * Start coturn. `production: true` keeps the shipped denied ranges (loopback peers refused).
 * Returns `{ port, pid, realm, logs(), stop() }`.
 */
export async function startCoturn({ secret, realm = 'vcw.test', production = false }) {
  const dir = mkdtempSync(join(tmpdir(), 'vcw-coturn-'));
  const port = await freeLoopbackPort();
  const config = join(dir, 'turnserver.conf');
  writeFileSync(config, testConfig(readFileSync(SHIPPED_CONFIG, 'utf8'), { port, secret, realm, dir, production }));
  const proc = spawn('turnserver', ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (d) => {
    if (output.length < 1_000_000) output += d;
  };
  proc.stdout.on('data', append);
  proc.stderr.on('data', append);
  let exited = false;
  const exit = new Promise((resolve) => proc.once('exit', () => resolve((exited = true))));
  let spawnError;
  proc.once('error', (error) => (spawnError = error));

  const stop = async () => {
    if (!exited && proc.pid) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`cannot start turnserver (${spawnError.message}): install Debian's coturn package`);
    }
    if (exited) {
      await stop();
      throw new Error(`turnserver exited before answering:\n${output}`);
    }
    if (await stunAnswers(port, 200)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`turnserver did not answer STUN on 127.0.0.1:${port} within 10 s:\n${output}`);
    }
  }
  return { port, pid: proc.pid, realm, logs: () => output, stop };
}
