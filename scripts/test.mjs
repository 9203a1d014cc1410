// `npm test`: build, type-check, check the layering (dependency-cruiser), run the server suite and the browser
// suite, then print one plain line `N passed, N failed` (the line CI reads). Exits non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', shell: false, ...opts }).status ?? 1;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let failed = 0;
let passed = 0;

// lint:deps: the layering rules of .dependency-cruiser.cjs (which layer may import which), after the type check.
for (const step of ['build', 'typecheck', 'lint:deps']) {
  if (run(npm, ['run', '--silent', step]) !== 0) {
    console.log(`\n0 passed, 1 failed`);
    process.exit(1);
  }
}

// Node suite (node:test): the server, checks on the build and the package, the WordPress plugin (PHP), a call
// between Chromium and Firefox (test/engines): read its totals from the TAP summary.
const server = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec',
  '--test-reporter-destination=stdout', '--test-reporter=tap', '--test-reporter-destination=test-results-server.tap',
  ...['server/test', 'test/build', 'test/integrations', 'test/engines'].flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => `${dir}/${f}`))], { stdio: 'inherit' });
const tap = safeRead('test-results-server.tap');
rmSync('test-results-server.tap', { force: true });
const pass = Number(/^# pass (\d+)/m.exec(tap)?.[1] ?? 0);
const fail = Number(/^# fail (\d+)/m.exec(tap)?.[1] ?? 0);
passed += pass;
failed += fail + (server.status !== 0 && fail === 0 ? 1 : 0);

// Browser suite (@web/test-runner): totals from the summary reporter.
rmSync('test-results/browser.json', { force: true });
const browser = run(npm, ['run', '--silent', 'test:browser']);
const totals = JSON.parse(safeRead('test-results/browser.json') || '{"passed":0,"failed":0,"errors":1}');
passed += totals.passed;
const slowest = Object.entries(totals.durations ?? {}).sort((x, y) => y[1] - x[1]).slice(0, 8);
if (slowest.length) console.log(`\nSlowest browser test files: ${slowest.map(([f, ms]) => `${f} ${(ms / 1000).toFixed(0)} s`).join(', ')}`);
failed += totals.failed + totals.errors + (browser !== 0 && totals.failed + totals.errors === 0 ? 1 : 0);

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

function safeRead(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

