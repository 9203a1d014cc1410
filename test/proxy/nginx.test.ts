// The documented reverse proxy for real: Debian's nginx runs deploy/nginx/video-call-widget.conf (test ports and a
// self-signed certificate swapped in) in front of a real server with TRUST_PROXY=1, and two widgets loaded through
// it make a call: the bundle, the room API and the signaling WebSocket all pass through nginx over TLS.
import { executeServerCommand } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../../src/index.js';
import { assert, equal } from '../assert.js';
import { addWidget, framesAdvance, remotes, removeWidgets, selfId, startServer, stopAllServers, tileOf, uniqueRoom, waitFor, type TestServer } from '../helpers.js';

interface Proxy {
  id: string;
  https: string;
  http: string;
}

describe('behind nginx (deploy/nginx/video-call-widget.conf)', function () {
  let server: TestServer;
  let proxy: Proxy;
  const widgets: VideoCallWidget[] = [];

  before(async () => {
    server = await startServer({ TRUST_PROXY: '1' });
    const started = await executeServerCommand<Proxy, { upstreamPort: number }>('vcw-nginx-start', { upstreamPort: server.port });
    assert(started, 'nginx started');
    proxy = started;
    // The README's embed: the module script from the proxy's origin (not this page's).
    const script = document.createElement('script');
    script.type = 'module';
    script.src = `${proxy.https}/video-call-widget.js`;
    document.head.append(script);
    await waitFor(() => customElements.get('video-call-widget'), 'the element defined by the script from nginx');
  });
  after(async () => {
    await removeWidgets(widgets);
    if (proxy) await executeServerCommand('vcw-hosting-stop', { id: proxy.id });
    await stopAllServers();
  });

  it('answers over TLS and redirects plain HTTP to HTTPS', async () => {
    const health = await fetch(`${proxy.https}/healthz`);
    equal(health.status, 200, 'health through nginx');
    equal((await health.json()).ok, true, 'health body');
    const plain = await executeServerCommand<{ status: number; location: string }, { url: string }>('vcw-http-head', { url: `${proxy.http}/healthz` });
    equal(plain?.status, 301, 'plain HTTP is redirected');
    equal(plain?.location, 'https://127.0.0.1/healthz', 'to the same path over HTTPS');
  });

  it('two widgets make a call through nginx: API, WebSocket upgrade over TLS, media between the browsers', async () => {
    const room = uniqueRoom('nginx');
    // One widget as the two-line embed writes it (server = where the script came from), one with `server` set.
    document.body.insertAdjacentHTML('beforeend', `<video-call-widget room="${room}" display-name="Dana" style="width:640px;height:400px"></video-call-widget>`);
    const a = document.body.lastElementChild as VideoCallWidget;
    const b = addWidget({ ...server, url: proxy.https }, room, { 'display-name': 'Eli' });
    widgets.push(a, b);
    await a.join();
    await b.join();
    await waitFor(() => remotes(a)[0]?.connection === 'connected' && remotes(b)[0]?.connection === 'connected', 'both connected');
    equal(remotes(a)[0]!.name, 'Eli', 'A sees B');
    assert(await framesAdvance(tileOf(a, selfId(b))!.querySelector('video')!), 'B\'s picture moves at A');
    assert(await framesAdvance(tileOf(b, selfId(a))!.querySelector('video')!), 'A\'s picture moves at B');

    const log = await executeServerCommand<string, { id: string }>('vcw-nginx-log', { id: proxy.id });
    assert(log, 'an access log');
    equal(log.match(new RegExp(`"POST /api/rooms/${room}/join HTTP/[\\d.]+" 200 `, 'g'))?.length, 2, 'both joins went through nginx');
    equal(log.match(/"GET \/video-call-widget\.js HTTP\/[\d.]+" 200 /g)?.length, 1, 'the bundle came through nginx');
    // nginx logs a WebSocket when it closes: end the call, then find both upgrades (101).
    await Promise.all([a.leave(), b.leave()]);
    const upgraded = await waitFor(async () => {
      const text = (await executeServerCommand<string, { id: string }>('vcw-nginx-log', { id: proxy.id })) ?? '';
      const count = text.match(/"GET \/signal\/peerjs HTTP\/1\.1" 101 /g)?.length ?? 0;
      return count >= 2 ? text : '';
    }, 'two signaling WebSockets upgraded (101) in nginx\'s log', 10_000);
    equal(upgraded.match(/"GET \/signal\/peerjs HTTP\/1\.1" 101 /g)?.length, 2, 'one signaling socket per widget');
    // The log format leaves query strings out: no ticket (nor id) of a signaling URL is written to disk.
    assert(!/token=|[?&]id=/.test(upgraded), 'no ticket in the access log');
  });
});
