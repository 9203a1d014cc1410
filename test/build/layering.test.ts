// The layering rules (.dependency-cruiser.cjs, run by `npm run lint:deps` inside `npm test`) bite: on the small tree
// in test/build/fixtures/layering/ each rule reports exactly the import written to break it, and nothing the layout
// allows (import() from core, a chunk importing core, the server importing the wire contract); a violation fails the
// run; and the real src/ and server/src/ pass.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURE = join(ROOT, 'test/build/fixtures/layering');

interface Run { status: number; stdout: string; stderr: string }

/** dependency-cruiser with the project's config and TypeScript 5 preload, as `npm run lint:deps` runs it, in `cwd`. */
function cruise(cwd: string, outputType: 'err' | 'json'): Promise<Run> {
  const args = ['--import', pathToFileURL(join(ROOT, 'scripts/depcruise-typescript5.mjs')).href,
    join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
    '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', outputType, 'src', 'server/src'];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ status: typeof error?.code === 'number' ? error.code : error ? -1 : 0, stdout, stderr }));
  });
}

// The three runs take a few seconds each: start them together.
const fixtureJson = cruise(FIXTURE, 'json');
const fixtureErr = cruise(FIXTURE, 'err');
const real = cruise(ROOT, 'err');

interface Violation { rule: { name: string }; from: string; to: string; type: string }

test('each rule reports the import written to break it, and nothing else', async () => {
  const run = await fixtureJson;
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  const found = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*node_modules\//, 'node_modules/')}`).sort();
  assert.deepEqual(found, [
    'browser-not-server: src/protocol/limits.ts → server/src/config.ts',
    'chunk-static-imports: src/call/view.ts → src/devices/level.ts',
    'chunk-vendor-only-call: src/devices/picker.ts → src/vendor/shim.ts',
    'core-no-static-chunk: src/core/element.ts → src/call/view.ts',
    'no-circular: src/recorder/a.ts → src/recorder/b.ts',
    'no-orphans: src/orphan.ts → src/orphan.ts',
    'protocol-self-contained: src/protocol/limits.ts → server/src/config.ts',
    'protocol-self-contained: src/protocol/parse.ts → node_modules/lit/index.js',
    'protocol-self-contained: src/protocol/parse.ts → src/core/strings.ts',
    'server-only-protocol: server/src/main.ts → src/core/strings.ts',
    'src-layout: src/leftover.ts → src/core/strings.ts',
    'src-no-node-builtins: src/i18n/de.ts → fs',
  ]);
  // Every fixture file was read as TypeScript (without TypeScript 5 dependency-cruiser reads none and passes).
  assert.equal(result.summary.totalCruised, 22);
});

test('a violation fails the step (non-zero exit, one line per violation)', async () => {
  const run = await fixtureErr;
  assert.equal(run.status, 12, run.stdout + run.stderr);
  assert.match(run.stdout, /error core-no-static-chunk: src\/core\/element\.ts → src\/call\/view\.ts/);
  assert.match(run.stdout, /x 12 dependency violations/);
});

test('the real src/ and server/src/ keep the layering', async () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  assert.match(pkg.scripts['lint:deps'] ?? '', /--import \.\/scripts\/depcruise-typescript5\.mjs .*--config \.dependency-cruiser\.cjs .*src server\/src$/, 'npm run lint:deps runs these rules the same way');
  const run = await real;
  assert.equal(run.status, 0, `violations in the real tree:\n${run.stdout}${run.stderr}`);
  const modules = Number(/\((\d+) modules/.exec(run.stdout)?.[1] ?? 0);
  assert.ok(modules > 50, `dependency-cruiser read the whole tree (${modules} modules)`);
});

test('TypeScript 5 is there for dependency-cruiser only: `tsc` is still the project\'s TypeScript 7', () => {
  // Both packages declare a `tsc` bin; a fresh install links typescript's (it sorts first), but an `npm install` that
  // adds only typescript5 re-links node_modules/.bin/tsc to TypeScript 5 and `npm run typecheck` would use it.
  const tsc = realpathSync(join(ROOT, 'node_modules/.bin/tsc'));
  assert.ok(tsc.startsWith(join(ROOT, 'node_modules/typescript') + sep), `node_modules/.bin/tsc is ${tsc}; relink it: ln -sf ../typescript/bin/tsc node_modules/.bin/tsc`);
});
