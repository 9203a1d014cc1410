// The npm package as a consumer gets it: the exports map and its declarations, custom-elements.json, the files
// `npm pack` ships, and `npx video-call-widget-server` from an installed tarball. Runs on the real build.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// The public contract (DESIGN.md): every attribute and event the element must document.
const DESIGN_ATTRIBUTES = ['room', 'server', 'display-name', 'token', 'audio', 'video', 'chat', 'auto-join', 'lang'];
const DESIGN_EVENTS = [
  'vcw-state-change', 'vcw-join', 'vcw-leave', 'vcw-participant-join', 'vcw-participant-leave', 'vcw-participant-update',
  'vcw-microphone-toggle', 'vcw-camera-toggle', 'vcw-screenshare-toggle', 'vcw-chat-toggle', 'vcw-message', 'vcw-error',
];
const DESIGN_MEMBERS = ['state', 'participants', 'messages', 'tokenProvider', 'join', 'leave', 'toggleMicrophone', 'toggleCamera',
  'toggleScreenshare', 'toggleChat', 'sendMessage'];

interface Manifest {
  schemaVersion: string;
  modules: {
    path: string;
    declarations: {
      tagName?: string;
      customElement?: boolean;
      attributes?: { name: string; fieldName?: string; description?: string; type?: { text: string } }[];
      events?: { name: string; type: { text: string } }[];
      members?: { kind: string; name: string; readonly?: boolean }[];
      cssParts?: { name: string }[];
      cssProperties?: { name: string; default?: string }[];
    }[];
    exports: { kind: string; name: string }[];
  }[];
}

function npmRun(args: string[], cwd = ROOT) {
  const result = spawnSync(npm, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, `npm ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

test('custom-elements.json is referenced by package.json and lists every attribute, event and member of DESIGN.md', () => {
  assert.equal(pkg.customElements, 'custom-elements.json');
  assert.equal(pkg.exports['./custom-elements.json'], './custom-elements.json');
  const manifest = JSON.parse(readFileSync(join(ROOT, pkg.customElements), 'utf8')) as Manifest;
  assert.match(manifest.schemaVersion, /^2\./);
  const element = manifest.modules.flatMap((m) => m.declarations).find((d) => d.tagName === 'video-call-widget');
  assert.ok(element?.customElement, 'a custom element declaration for <video-call-widget>');
  // DESIGN.md's names all documented; names beyond them (our own additions) are allowed.
  const attributes = element.attributes!.map((a) => a.name);
  for (const name of DESIGN_ATTRIBUTES) assert.ok(attributes.includes(name), `attribute ${name} documented`);
  assert.equal(element.attributes!.find((a) => a.name === 'display-name')?.fieldName, 'displayName');
  assert.equal(element.attributes!.find((a) => a.name === 'auto-join')?.type?.text, 'boolean');
  assert.ok(attributes.includes('theme') && !attributes.includes('strings'), `theme is an attribute, strings a property only: ${attributes.join(', ')}`);
  assert.ok(element.members!.some((m) => m.name === 'strings' && !('attribute' in m)), 'strings is documented as a property');
  for (const name of ['label', 'position', 'hours', 'time-zone', 'fallback-url', 'context', 'agent-key']) {
    assert.ok(element.attributes!.find((a) => a.name === name)?.description, `support attribute ${name} documented`);
  }
  const events = element.events!.map((e) => e.name);
  for (const name of DESIGN_EVENTS) assert.ok(events.includes(name), `event ${name} documented`);
  assert.ok(events.every((name) => name.startsWith('vcw-')), `every event is vcw- prefixed: ${events.join(', ')}`);
  assert.match(element.events!.find((e) => e.name === 'vcw-error')!.type.text, /code: ErrorCode; message: string/);
  const members = element.members!.map((m) => m.name);
  for (const name of DESIGN_MEMBERS) assert.ok(members.includes(name), `member ${name} documented`);
  for (const name of ['state', 'participants', 'messages']) assert.ok(element.members!.find((m) => m.name === name)?.readonly, `${name} read-only`);
  assert.ok(!members.some((m) => /^_|^(media|call|chatLog|pending|abort)$/.test(m)), `no private members: ${members.join(', ')}`);
  // Parts and custom properties: only ones the templates and styles really use (the analyzer's config checks the
  // source: test/build/custom-elements.test.ts).
  assert.ok(element.cssParts!.some((p) => p.name === 'base'), 'part base');
  assert.ok(element.cssProperties!.every((p) => p.name.startsWith('--vcw-') && p.default), 'custom properties with defaults');
  const definition = manifest.modules.flatMap((m) => m.exports).find((e) => e.kind === 'custom-element-definition');
  assert.equal(definition?.name, 'video-call-widget');
});

test('the declarations type-check a consumer through the exports map (tag map, typed event details)', () => {
  for (const target of [pkg.exports['.'].types, pkg.exports['./server'].types, pkg.exports['.'].default, pkg.exports['./server'].default]) {
    assert.ok(existsSync(join(ROOT, target)), `${target} exists`);
  }
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'test/build/fixtures/consumer')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(tsc.status, 0, `the consumer does not type-check:\n${tsc.stdout}${tsc.stderr}`);
});

test('npm pack ships the built widget, types, server, bin and manifest, and no sources or tests', () => {
  const [packed] = JSON.parse(npmRun(['pack', '--dry-run', '--json', '--ignore-scripts'])) as [{ files: { path: string }[] }];
  const files = packed.files.map((f) => f.path);
  for (const needed of ['package.json', 'README.md', 'custom-elements.json', 'bin/video-call-widget-server.js', 'dist/widget/video-call-widget.js',
    'dist/types/index.d.ts', 'dist/types/core/events.d.ts', 'dist/types/core/video-call-widget.d.ts', 'server/dist/server/src/main.js', 'server/dist/server/src/index.js',
    'server/dist/server/src/index.d.ts', 'server/dist/src/protocol/limits.js', 'demo/index.html',
    'deploy/nginx/video-call-widget.conf', 'deploy/systemd/video-call-widget.service', 'docs/DEPLOY.md']) {
    assert.ok(files.includes(needed), `${needed} is packed`);
  }
  assert.ok(files.some((f) => /^dist\/widget\/chunks\/call-[\w-]+\.js$/.test(f)), 'the lazy call chunk is packed');
  const stray = files.filter((f) => /^(src|test|server\/src|server\/test|scripts|bench|integrations|node_modules)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'));
  assert.deepEqual(stray, [], 'no sources, tests or tools in the package');
  assert.ok(!pkg.private, 'publishable');
  assert.ok(statSync(join(ROOT, pkg.bin['video-call-widget-server'])).mode & 0o111, 'the bin is executable');
  assert.match(readFileSync(join(ROOT, pkg.bin['video-call-widget-server']), 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('`npx video-call-widget-server` from the installed tarball: serves /healthz and the widget, stops on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vcw-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [packed] = JSON.parse(npmRun(['pack', '--json', '--ignore-scripts', '--pack-destination', dir])) as [{ filename: string }];
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  npmRun(['install', '--prefer-offline', '--no-audit', '--no-fund', `./${packed.filename}`], dir);

  // npx finds the bin of the installed package…
  const help = spawnSync(npm, ['exec', '--offline', '--', 'video-call-widget-server', '--help'], { cwd: dir, encoding: 'utf8' });
  assert.equal(help.status, 0, `npx video-call-widget-server --help: ${help.stderr}`);
  assert.match(help.stdout, /environment only[\s\S]*ROOM_TOKEN_SECRET/);
  const usage = spawnSync(npm, ['exec', '--offline', '--', 'video-call-widget-server', '--port=1'], { cwd: dir, encoding: 'utf8' });
  assert.equal(usage.status, 64, 'arguments are refused: configuration is environment only');
  assert.match(usage.stderr, /unexpected argument "--port=1"[\s\S]*PORT/);

  // …and that bin (what npx runs) serves and stops cleanly on SIGTERM. (Run directly: npm exec does not pass a
  // SIGTERM on to its child, a process manager signals the server itself.)
  const bin = join(dir, 'node_modules', '.bin', 'video-call-widget-server');
  const child = spawn(bin, [], {
    cwd: dir,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', STATE_DIR: join(dir, 'state'), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout.on('data', (d) => (logs += d));
  child.stderr.on('data', (d) => (logs += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const deadline = Date.now() + 20_000;
  let port = 0;
  while (!port) {
    const line = logs.split('\n').find((l) => l.includes('"msg":"listening"'));
    if (line) port = JSON.parse(line).port;
    else if (Date.now() > deadline || child.exitCode !== null) assert.fail(`the server did not start:\n${logs}`);
    else await new Promise((r) => setTimeout(r, 50));
  }
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { ok: true, rooms: 0, peers: 0 });
  const bundle = await fetch(`http://127.0.0.1:${port}/video-call-widget.js`);
  assert.equal(bundle.status, 200);
  assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
  assert.equal(code, 0, `clean exit on SIGTERM:\n${logs}`);
  assert.match(logs, /"signal":"SIGTERM","msg":"shutting down"/);
});
