import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CALL_FLAGS, chromiumPath } from './test/support/chromium.mjs';
import { coturnPlugin } from './test/support/coturn-plugin.mjs';
import { serverPlugin } from './test/support/server-plugin.mjs';
import { summaryReporter } from './test/support/summary-reporter.mjs';

const launcher = (extra) =>
  chromeLauncher({ launchOptions: { executablePath: chromiumPath(), headless: true, args: [...CALL_FLAGS, ...extra] } });

// Browser tests load the real bundle from a real server (started per test through the server plugin),
// so what they drive is exactly what an embedding page gets.
export default {
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 15 * 60_000,
  browserStartTimeout: 60_000,
  testFramework: { config: { timeout: 60_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), serverPlugin(), coturnPlugin()],
  reporters: [defaultReporter(), summaryReporter()],
  groups: [
    { name: 'call', files: ['test/**/*.test.ts', '!test/denied/**', '!test/build/**'], browsers: [launcher(['--use-fake-ui-for-media-stream'])] },
    // A browser whose (fake) permission prompt says no to camera and microphone.
    { name: 'denied', files: 'test/denied/*.test.ts', browsers: [launcher(['--use-fake-ui-for-media-stream=deny'])] },
  ],
};
