// The built files are relocatable: dist/widget/ copied as-is to a plain static host (another loopback origin, no
// API, like a CDN) loads there — entry and lazy call chunk by relative URL — and, with `server` set, joins a call
// on the real server at a third origin.
import { executeServerCommand } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../../src/index.js';
import { assert, equal } from '../assert.js';
import { addWidget, framesAdvance, remotes, removeWidgets, selfId, startServer, stopAllServers, tileOf, uniqueRoom, waitFor, type TestServer } from '../helpers.js';

describe('the bundle hosted on a static file server', function () {
  let server: TestServer;
  let host: { id: string; url: string };
  const widgets: VideoCallWidget[] = [];

  before(async () => {
    server = await startServer();
    const started = await executeServerCommand<{ id: string; url: string }, undefined>('vcw-static-start');
    assert(started, 'static host started');
    host = started;
    const origins = new Set([location.origin, new URL(server.url).origin, host.url]);
    equal(origins.size, 3, 'page, bundle and call server on three origins');
  });
  after(async () => {
    await removeWidgets(widgets);
    if (host) await executeServerCommand('vcw-hosting-stop', { id: host.id });
    await stopAllServers();
  });

  it('loads the entry and its lazy chunk from the static host and joins a call on the server', async () => {
    await import(/* @vite-ignore */ `${host.url}/video-call-widget.js`);
    assert(customElements.get('video-call-widget'), 'element defined');
    const room = uniqueRoom('static');
    const [a, b] = [addWidget(server, room, { 'display-name': 'Ana' }), addWidget(server, room, { 'display-name': 'Bo' })];
    widgets.push(a, b);
    await a.join();
    await b.join();
    await waitFor(() => remotes(a)[0]?.connection === 'connected' && remotes(b)[0]?.connection === 'connected', 'both connected');
    assert(await framesAdvance(tileOf(a, selfId(b))!.querySelector('video')!), 'B\'s picture moves at A');

    const requests = (await executeServerCommand<string[], { id: string }>('vcw-static-requests', { id: host.id })) ?? [];
    assert(requests.includes('GET /video-call-widget.js'), 'entry from the static host');
    assert(requests.some((r) => /^GET \/chunks\/call-[\w-]+\.js$/.test(r)), `lazy call chunk from the static host: ${requests.join(', ')}`);
    equal(requests.filter((r) => !/^GET \/(video-call-widget\.js|chunks\/[\w-]+\.js(\.map)?)$/.test(r)).join(', '), '', 'nothing else asked of the static host');
    const chunks = performance.getEntriesByType('resource').map((e) => e.name).filter((n) => /\/chunks\/call-/.test(n));
    assert(chunks.length > 0 && chunks.every((n) => n.startsWith(`${host.url}/chunks/`)), `the call chunk resolved relative to the entry: ${chunks.join(', ')}`);
  });
});
