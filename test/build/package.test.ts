// The two npm packages as consumers get them: the element (`video-call-widget`, the root: no runtime dependencies) and
// the server (`video-call-widget-server`, the `server/` workspace): exports and declarations, custom-elements.json,
// what `npm pack` ships and how big it is, installing both tarballs into throwaway projects, the server through npx,
// and `npm publish --dry-run`. Runs on the real build.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const SERVER = join(ROOT, 'server');
const serverPkg = JSON.parse(readFileSync(join(SERVER, 'package.json'), 'utf8'));
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

test('the declarations type-check a consumer through the exports maps (tag map, typed event details, the server API)', () => {
  for (const target of [pkg.exports['.'].types, pkg.exports['.'].default]) assert.ok(existsSync(join(ROOT, target)), `${target} exists`);
  for (const target of [serverPkg.exports['.'].types, serverPkg.exports['.'].default]) assert.ok(existsSync(join(SERVER, target)), `server/${target} exists`);
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'test/build/fixtures/consumer')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(tsc.status, 0, `the consumer does not type-check:\n${tsc.stdout}${tsc.stderr}`);
});

interface Packed {
  name: string;
  version: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}
const pack = (args: string[]) => (JSON.parse(npmRun(['pack', '--json', '--ignore-scripts', ...args])) as Packed[])[0]!;
/** Nothing that is source, test, tooling, a screenshot or a source map. */
const stray = (files: string[]) =>
  files.filter((f) => /^(src|test|server\/src|server\/test|scripts|bench|integrations|node_modules|docs|deploy)\//.test(f) ||
    /\.(map|png|jpe?g|gif|webp|ts|tsx)$/.test(f) && !f.endsWith('.d.ts'));

test('the element package: version 0.2.0, no runtime dependencies, the bundle, types, manifest, typings, LICENSE and CHANGELOG; small', () => {
  assert.equal(pkg.name, 'video-call-widget');
  assert.equal(pkg.version, '0.2.0');
  assert.equal(pkg.dependencies, undefined, 'no runtime dependencies: Lit and PeerJS are bundled');
  assert.ok(pkg.devDependencies.lit && pkg.devDependencies.peerjs);
  assert.equal(pkg.bin, undefined, 'the bin belongs to the server package');
  assert.match(pkg.repository.url, /^git\+https:\/\//);
  assert.ok(pkg.homepage && pkg.bugs.url);
  assert.deepEqual(pkg.workspaces, ['server']);
  const packed = pack(['--dry-run']);
  const files = packed.files.map((f) => f.path);
  for (const needed of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'custom-elements.json', 'dist/widget/video-call-widget.js',
    'dist/types/index.d.ts', 'dist/types/core/events.d.ts', 'dist/types/core/video-call-widget.d.ts', 'dist/types/frameworks/react.d.ts',
    'dist/types/frameworks/vue.d.ts', 'dist/types/frameworks/html.d.ts']) {
    assert.ok(files.includes(needed), `${needed} is packed`);
  }
  assert.ok(files.some((f) => /^dist\/widget\/chunks\/call-[\w-]+\.js$/.test(f)), 'the lazy call chunk is packed');
  assert.deepEqual(stray(files), [], 'no sources, tests, tools, screenshots or source maps');
  assert.ok(!files.some((f) => f.startsWith('server/') || f.startsWith('bin/') || f.startsWith('demo/')), 'nothing of the server');
  assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License/);
  assert.match(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8'), /Keep a Changelog[\s\S]*## \[0\.2\.0\] - \d{4}-\d\d-\d\d/);
  // Measured at 0.2.0: 121 KB packed, 387 KB unpacked (README 40 KB, manifest 36 KB, widget 180 KB, types 110 KB).
  assert.ok(packed.size < 180_000, `element tarball ${packed.size} B`);
  assert.ok(packed.unpackedSize < 600_000, `element unpacked ${packed.unpackedSize} B`);
});

test('the server package: its bin, library API, demo and a copy of the widget; caret ranges; LICENSE and CHANGELOG; small', () => {
  assert.equal(serverPkg.name, 'video-call-widget-server');
  assert.equal(serverPkg.version, pkg.version);
  assert.equal(serverPkg.license, 'MIT');
  assert.ok(serverPkg.repository.url && serverPkg.repository.directory === 'server' && serverPkg.homepage && serverPkg.bugs.url);
  for (const [name, range] of Object.entries(serverPkg.dependencies as Record<string, string>)) {
    assert.match(range, name === 'peer' ? /^~1\.0\./ : /^\^\d/, `${name}: ${range}`);
  }
  for (const name of ['express', 'peer', 'pino', 'prom-client', 'ws']) assert.ok(serverPkg.dependencies[name], `${name} is a dependency`);
  const bin = join(SERVER, serverPkg.bin['video-call-widget-server']);
  assert.ok(statSync(bin).mode & 0o111, 'the bin is executable');
  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const packed = pack(['--dry-run', '-w', 'server']);
  const files = packed.files.map((f) => f.path);
  for (const needed of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/video-call-widget-server.js', 'dist/server/src/main.js',
    'dist/server/src/index.js', 'dist/server/src/index.d.ts', 'dist/server/src/cli/help.js', 'dist/src/protocol/limits.js', 'demo/index.html',
    'demo/agent.html', 'widget/video-call-widget.js']) {
    assert.ok(files.includes(needed), `${needed} is packed`);
  }
  assert.ok(files.some((f) => /^widget\/chunks\/call-[\w-]+\.js$/.test(f)), "the widget's lazy call chunk is packed");
  assert.deepEqual(stray(files), [], 'no sources, tests, tools, screenshots or source maps');
  // Measured at 0.2.0: 133 KB packed, 392 KB unpacked.
  assert.ok(packed.size < 200_000, `server tarball ${packed.size} B`);
  assert.ok(packed.unpackedSize < 650_000, `server unpacked ${packed.unpackedSize} B`);
});

test('`npm publish --dry-run` passes for both packages', () => {
  for (const args of [[], ['-w', 'server']]) {
    const result = spawnSync(npm, ['publish', '--dry-run', '--ignore-scripts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(result.status, 0, `npm publish --dry-run ${args.join(' ')}:\n${result.stderr}`);
    const warnings = result.stderr.split('\n').filter((l) => /npm warn/.test(l) && !/requires you to be logged in/.test(l));
    assert.deepEqual(warnings, [], 'no warnings (a field npm had to fix, a bin it dropped)');
  }
});

test('the element tarball installs offline into a consumer and brings no other package', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vcw-element-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const packed = pack(['--pack-destination', dir]);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npmRun(['install', '--offline', '--no-audit', '--no-fund', `./${packed.filename}`], dir);
  const installed = readdirSync(join(dir, 'node_modules')).filter((f) => !f.startsWith('.'));
  assert.deepEqual(installed, ['video-call-widget'], 'one package, nothing else (no @types/node, no server dependencies)');
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
  assert.deepEqual(Object.keys(lock.packages).filter(Boolean), ['node_modules/video-call-widget']);
  const entry = join(dir, 'node_modules/video-call-widget/dist/widget/video-call-widget.js');
  assert.match(readFileSync(entry, 'utf8'), /import/);
});

test('`npx video-call-widget-server` from the installed server tarball: --help, --version, serves /healthz, the widget and the demo, stops on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vcw-server-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const packed = pack(['-w', 'server', '--pack-destination', dir]);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  npmRun(['install', '--prefer-offline', '--no-audit', '--no-fund', `./${packed.filename}`], dir);

  const help = spawnSync(npm, ['exec', '--offline', '--', 'video-call-widget-server', '--help'], { cwd: dir, encoding: 'utf8' });
  assert.equal(help.status, 0, `npx video-call-widget-server --help: ${help.stderr}`);
  assert.match(help.stdout, /environment only[\s\S]*ROOM_TOKEN_SECRET[\s\S]*METRICS_TOKEN[\s\S]*WEBHOOK_URL/);
  const version = spawnSync(npm, ['exec', '--offline', '--', 'video-call-widget-server', '--version'], { cwd: dir, encoding: 'utf8' });
  assert.equal(version.stdout.trim(), serverPkg.version);
  const usage = spawnSync(npm, ['exec', '--offline', '--', 'video-call-widget-server', '--port=1'], { cwd: dir, encoding: 'utf8' });
  assert.equal(usage.status, 64, 'arguments are refused: configuration is environment only');
  assert.match(usage.stderr, /unexpected argument "--port=1"[\s\S]*PORT/);

  // The bin npx runs serves and stops cleanly on SIGTERM (a process manager signals the server itself; npx's own
  // SIGTERM is server/test/cli.test.ts's).
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
  const demo = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(demo.status, 200);
  assert.match(await demo.text(), /<video-call-widget/);
  assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
  assert.equal(code, 0, `clean exit on SIGTERM:\n${logs}`);
  assert.match(logs, /"signal":"SIGTERM","msg":"shutting down"/);
});
