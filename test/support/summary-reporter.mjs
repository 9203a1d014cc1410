// Counts passed/failed tests of the browser run (and the time each file took) into test-results/browser.json, for
// scripts/test.mjs.
import { mkdirSync, writeFileSync } from 'node:fs';

function count(suite, totals, file) {
  for (const test of suite?.tests ?? []) {
    totals.durations[file] = (totals.durations[file] ?? 0) + (test.duration ?? 0);
    if (test.skipped) totals.skipped++;
    else if (test.passed) totals.passed++;
    else totals.failed++;
  }
  for (const child of suite?.suites ?? []) count(child, totals, file);
}

export function summaryReporter(file = 'test-results/browser.json') {
  return {
    onTestRunFinished({ sessions }) {
      // Per test file, the time its tests took (ms): where the suite's minutes go.
      const totals = { passed: 0, failed: 0, skipped: 0, errors: 0, durations: {} };
      for (const session of sessions) {
        count(session.testResults, totals, session.testFile.replace(process.cwd() + '/', ''));
        // A file that failed to load or threw outside a test counts as one failure.
        if (!session.passed && (session.errors?.length ?? 0) > 0) totals.errors++;
      }
      mkdirSync('test-results', { recursive: true });
      writeFileSync(file, JSON.stringify(totals));
    },
  };
}
