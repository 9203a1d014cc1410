// The README's two-line embed, as written: a module script from the call server's origin (this page is served
// from another origin) and a tag with no `server` attribute — the element talks to where its script came from.
import type { VideoCallWidget } from '../../src/index.js';
import { assert, equal } from '../assert.js';
import { framesAdvance, remotes, removeWidgets, selfId, startServer, stopAllServers, tileOf, uniqueRoom, waitFor, type TestServer } from '../helpers.js';

describe('the README embed snippet', function () {
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];

  before(async () => {
    server = await startServer();
    assert(new URL(server.url).origin !== location.origin, 'the bundle comes from another origin than the page');
  });
  after(async () => {
    await removeWidgets(widgets);
    await stopAllServers();
  });

  it('loads from the server\'s origin and joins a call there without a server attribute', async () => {
    const room = uniqueRoom('snippet');
    const host = document.createElement('div');
    host.innerHTML = `
      <video-call-widget room="${room}" display-name="Dana" style="width:640px;height:400px"></video-call-widget>
      <video-call-widget room="${room}" display-name="Eli" style="width:640px;height:400px"></video-call-widget>`;
    document.body.append(host);
    const script = document.createElement('script');
    script.type = 'module';
    script.src = `${server.url}/video-call-widget.js`;
    document.head.append(script);
    await waitFor(() => customElements.get('video-call-widget'), 'the element defined by the module script');
    const [a, b] = [...host.querySelectorAll('video-call-widget')] as [VideoCallWidget, VideoCallWidget];
    widgets.push(a, b);
    equal(a.server, '', 'no server attribute');
    await a.join();
    await b.join();
    await waitFor(() => remotes(a)[0]?.connection === 'connected' && remotes(b)[0]?.connection === 'connected', 'both connected');
    equal(remotes(b)[0]!.name, 'Dana', 'B sees A');
    assert(await framesAdvance(tileOf(b, selfId(a))!.querySelector('video')!), 'A\'s picture moves at B');
    const health = await (await fetch(`${server.url}/healthz`)).json();
    equal(health.peers, 2, 'both registered at the server the script came from');
  });
});
