import config from '../web-test-runner.config.mjs';

// The benchmarks run like the browser tests (same browser flags, same real servers), one file at a time.
export default {
  ...config,
  groups: undefined,
  files: ['bench/**/*.bench.ts'],
  browsers: config.groups[0].browsers,
  reporters: config.reporters.slice(0, 1),
  testFramework: { config: { timeout: 10 * 60_000 } },
};
