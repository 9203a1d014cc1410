// The deployment files as shipped: the systemd unit's configuration is one the server accepts, its ExecStart is
// the package's bin, its no-restart exit status is the one the server uses for bad configuration, and systemd
// itself finds nothing wrong with it. (The nginx example runs for real in test/proxy/nginx.test.ts.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../server/src/config.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const UNIT = join(ROOT, 'deploy/systemd/video-call-widget.service');
const unit = readFileSync(UNIT, 'utf8');
// The bin is the server package's (the `server/` workspace).
const SERVER = join(ROOT, 'server');
const pkg = JSON.parse(readFileSync(join(SERVER, 'package.json'), 'utf8'));
const directive = (name: string) => [...unit.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].map((m) => m[1]!.trim());

test('the unit\'s environment is a valid server configuration (loopback, behind a proxy, state kept)', (t) => {
  const env = Object.fromEntries(directive('Environment').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
  assert.equal(env.STATE_DIR, '/var/lib/video-call-widget');
  assert.deepEqual(directive('StateDirectory'), ['video-call-widget'], 'systemd creates STATE_DIR');
  const state = mkdtempSync(join(tmpdir(), 'vcw-unit-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  const config = loadConfig({ ...env, STATE_DIR: state }, { staticDir: '', demoDir: '' });
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 9000, 'the port the nginx example proxies to');
  assert.equal(config.trustProxy, true);
  assert.match(readFileSync(join(ROOT, 'deploy/nginx/video-call-widget.conf'), 'utf8'), /server 127\.0\.0\.1:9000;/);
});

test('ExecStart runs the package\'s bin; a configuration error (exit 78) is not restarted', () => {
  const [execStart] = directive('ExecStart');
  const bin = Object.keys(pkg.bin)[0]!;
  assert.ok(execStart?.endsWith(`/node_modules/.bin/${bin}`), `ExecStart runs ${bin}: ${execStart}`);
  assert.deepEqual(directive('RestartPreventExitStatus'), ['78']);
  const bad = spawnSync(process.execPath, [join(SERVER, pkg.bin[bin])], { env: { ...process.env, PORT: 'eighty' }, encoding: 'utf8', timeout: 20_000 });
  assert.equal(bad.status, 78, `exit status for a bad configuration: ${bad.stderr}`);
  assert.match(bad.stderr, /PORT/, 'the message names the variable');
});

test('systemd-analyze verify accepts the unit', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vcw-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Point ExecStart at this checkout's bin (the documented path exists only on an installed machine).
  const file = join(dir, 'video-call-widget.service');
  writeFileSync(file, unit.replace(/^ExecStart=.*$/m, `ExecStart=${join(SERVER, pkg.bin[Object.keys(pkg.bin)[0]!])}`));
  const verify = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(verify.error, undefined, `systemd-analyze is missing (Debian package "systemd"): ${verify.error}`);
  assert.equal(verify.status, 0, verify.stderr);
  assert.equal(verify.stderr.split('\n').filter((l) => l.includes('video-call-widget')).join('\n'), '', 'no complaints about the unit');
});
