// The widget under a strict Content-Security-Policy: the demo page /csp.html is served with no inline script or
// style, no eval and Trusted Types required (DEMO_CSP). In a frame, two widgets there join, connect and chat; the
// page counts `securitypolicyviolation` events and the server logs every report it gets — both must stay empty.
// A control run breaks the policy on purpose, so the detection itself is shown to work.
import { executeServerCommand } from '@web/test-runner-commands';
import { assert, equal } from './assert.js';
import { startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from './helpers.js';

interface CspResult {
  type: 'vcw-csp-result';
  ok: boolean;
  error?: string;
  violations: Array<{ directive: string; blocked: string; sample: string; source: string }>;
  states?: string[];
  chatShown?: boolean;
  videos?: number;
  controlled?: string[];
}

function runPage(server: TestServer, query: string): Promise<CspResult> {
  const frame = document.createElement('iframe');
  frame.allow = 'camera; microphone';
  frame.width = '900';
  frame.height = '900';
  return new Promise<CspResult>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error('the CSP page did not report within 60 s'))), 60_000);
    const onMessage = (e: MessageEvent) => {
      if (e.origin !== server.url || (e.data as CspResult)?.type !== 'vcw-csp-result') return;
      finish(() => resolve(e.data as CspResult));
    };
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      removeEventListener('message', onMessage);
      frame.remove(); // the widgets leave the call with their page
      settle();
    };
    addEventListener('message', onMessage);
    frame.src = `${server.url}/csp.html?${query}`;
    document.body.append(frame);
  });
}

const reports = async (server: TestServer) =>
  ((await executeServerCommand<string, { id: string }>('vcw-server-logs', { id: server.id })) ?? '')
    .split('\n')
    .filter((line) => line.includes('csp violation report'));

describe('strict Content-Security-Policy', function () {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(stopAllServers);

  it('the page really is served with the strict policy', async () => {
    const res = await fetch(`${server.url}/csp.html`);
    equal(res.status, 200, 'status');
    // The header is not exposed cross-origin; the control run below shows it in force.
    const text = await res.text();
    assert(!/<script(?![^>]*\bsrc=)/i.test(text) && !/\sstyle=/.test(text), 'the page itself has no inline script or style');
  });

  it('the widget loads, joins a call and shows chat with zero violations (events and reports)', async () => {
    const result = await runPage(server, `test=1&room=${uniqueRoom('csp')}`);
    assert(result.ok, `the page's own run failed: ${result.error}`);
    equal(JSON.stringify(result.violations), '[]', 'securitypolicyviolation events');
    equal(JSON.stringify(result.states), '["joined","joined"]', 'both widgets joined');
    assert(result.chatShown, 'the chat shows the message');
    assert((result.videos ?? 0) >= 2, `video elements playing streams: ${result.videos}`);
    equal((await reports(server)).length, 0, 'CSP reports received by the server');
  });

  it('control: inline style, eval, a raw HTML sink and a foreign request on the same page are blocked, seen and reported', async () => {
    const result = await runPage(server, `test=1&control=1&room=${uniqueRoom('csp-control')}`);
    assert(result.ok, `the page's own run failed: ${result.error}`);
    const directives = result.violations.map((v) => v.directive).sort();
    assert(directives.includes('style-src-attr'), `inline style blocked: ${directives}`);
    // eval of a string and innerHTML of a string are both Trusted Types sinks.
    equal(directives.filter((d) => d === 'require-trusted-types-for').length, 2, `eval and the HTML sink blocked: ${directives}`);
    assert(directives.includes('connect-src'), `request to an unlisted origin blocked: ${directives}`);
    equal(JSON.stringify(result.controlled), '["EvalError","TypeError","TypeError"]', 'eval, the sink and the fetch threw');
    await waitFor(async () => (await reports(server)).length >= 4, 'the reports to reach the server', 10_000);
  });
});
