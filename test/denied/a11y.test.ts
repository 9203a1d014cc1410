// The permission-denied error screen (camera and microphone refused) meets WCAG 2.1 AA in both themes.
import type { VideoCallWidget } from '../../src/index.js';
import { axeViolations, screenshot } from '../a11y.js';
import { assert, equal } from '../assert.js';
import { addWidget, loadWidget, startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from '../helpers.js';

describe('denied camera and microphone: accessibility', function () {
  let server: TestServer;
  let w: VideoCallWidget | undefined;
  before(async () => {
    server = await startServer();
    await loadWidget(server);
  });
  after(async () => {
    await w?.leave();
    w?.remove();
    await stopAllServers();
  });

  it('the permission-denied screen has no axe violations, light and dark, and its buttons are reachable', async () => {
    w = addWidget(server, uniqueRoom(), { 'display-name': 'Private' });
    // The person asks for the preview (the default pre-join card asks for nothing by itself) and the browser says no.
    const check = await waitFor(() => [...w!.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === 'Check camera and microphone'), 'the card');
    check.click();
    await waitFor(() => w!.state === 'error', 'permission-denied error on the pre-join screen');
    await waitFor(() => /address bar/.test(w!.shadowRoot!.querySelector('[role=alert]')?.textContent ?? ''), 'how to allow them again');
    const alert = w.shadowRoot!.querySelector('[role=alert]');
    assert(/blocked/.test(alert?.textContent ?? ''), 'the error is announced as an alert');
    equal(await axeViolations(w), '', 'axe-core: permission-denied, light');
    await screenshot(w, 'error-denied');
    w.setAttribute('theme', 'dark');
    equal(await axeViolations(w), '', 'axe-core: permission-denied, dark');
    const buttons = [...w.shadowRoot!.querySelectorAll('button')];
    equal(buttons.length, 2, 'Try again and Join without');
    for (const b of buttons) {
      b.focus();
      equal(w.shadowRoot!.activeElement, b, `${b.textContent} takes focus`);
    }
  });
});
