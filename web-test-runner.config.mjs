import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CALL_FLAGS, chromiumPath } from './test/support/chromium.mjs';
import { coturnPlugin } from './test/support/coturn-plugin.mjs';
import { hostingPlugin } from './test/support/hosting-plugin.mjs';
import { netnsPlugin } from './test/support/netns-plugin.mjs';
import { screenshotPlugin } from './test/support/screenshot-plugin.mjs';
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
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), serverPlugin(), coturnPlugin(), hostingPlugin(), netnsPlugin(), screenshotPlugin()],
  reporters: [defaultReporter(), summaryReporter()],
  groups: [
    // Screen capture picks the whole (headless) screen, made 1280×720 so a shared screen is that size.
    { name: 'call', files: ['test/**/*.test.ts', '!test/denied/**', '!test/build/**', '!test/integrations/**', '!test/engines/**', '!test/proxy/**'], browsers: [launcher(['--use-fake-ui-for-media-stream', '--auto-select-desktop-capture-source=Entire screen', '--screen-info={1280x720}'])] },
    // Through nginx with TLS (deploy/nginx/): the certificate is a self-signed one made by the test.
    { name: 'proxy', files: 'test/proxy/*.test.ts', browsers: [launcher(['--use-fake-ui-for-media-stream', '--ignore-certificate-errors'])] },
    // A browser whose (fake) permission prompt says no to camera and microphone.
    { name: 'denied', files: 'test/denied/*.test.ts', browsers: [launcher(['--use-fake-ui-for-media-stream=deny'])] },
  ],
};
