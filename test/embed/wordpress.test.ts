// The WordPress plugin end to end: its PHP renders the shortcode for two logged-in users of a site whose call
// server requires room tokens (ROOM_TOKEN_SECRET); the page gets exactly that markup and the module script the
// plugin enqueued, and the two widgets join the call with the tokens the plugin minted.
import { executeServerCommand } from '@web/test-runner-commands';
import type { VideoCallWidget } from '../../src/index.js';
import { assert, equal, rejects } from '../assert.js';
import { remotes, removeWidgets, startServer, stopAllServers, uniqueRoom, waitFor, type TestServer } from '../helpers.js';

const SECRET = 'wordpress-e2e-secret-0123456789abcdef';

interface Rendered {
  content: string[];
  footer: string;
}

describe('the WordPress plugin\'s markup', function () {
  let server: TestServer;
  const widgets: VideoCallWidget[] = [];

  before(async () => {
    server = await startServer({ ROOM_TOKEN_SECRET: SECRET });
  });
  after(async () => {
    await removeWidgets(widgets);
    await stopAllServers();
  });

  const render = async (user: { ID: number; display_name: string; caps: string[] } | null, room: string, secret = SECRET) => {
    const out = await executeServerCommand<Rendered, { scenario: unknown }>('vcw-wordpress-render', {
      scenario: {
        modules: true,
        options: { video_call_widget_server_url: server.url, video_call_widget_token_secret: secret, video_call_widget_allowed_rooms: room },
        user,
        content: [`[video_call room="${room}" height="300px"]`],
      },
    });
    assert(out, 'the plugin rendered');
    return out;
  };

  it('joins a token-protected call with the tokens the plugin minted', async () => {
    const room = uniqueRoom('wp');
    const pages = [await render({ ID: 3, display_name: 'Editor Ed', caps: ['edit_others_posts'] }, room), await render({ ID: 4, display_name: 'Reader Rae', caps: ['read'] }, room)];
    // The module script exactly as the plugin enqueued it.
    const src = /<script type="module" src="([^"]+)"/.exec(pages[0]!.footer)?.[1];
    equal(src, `${server.url}/video-call-widget.js`, 'enqueued script');
    const script = document.createElement('script');
    script.type = 'module';
    script.src = src!;
    document.head.append(script);
    await waitFor(() => customElements.get('video-call-widget'), 'element defined');
    for (const page of pages) {
      const host = document.createElement('div');
      host.innerHTML = page.content[0]!;
      document.body.append(host);
      widgets.push(host.querySelector('video-call-widget')!);
    }
    const [a, b] = widgets as [VideoCallWidget, VideoCallWidget];
    assert(a.token && b.token && a.token !== b.token, 'each user has a token');
    await a.join();
    await b.join();
    await waitFor(() => remotes(a)[0]?.connection === 'connected' && remotes(b)[0]?.connection === 'connected', 'both connected');
    equal(remotes(b)[0]!.name, 'Editor Ed', 'the WordPress display name');
  });

  it('a token minted with another secret is refused by the server (forbidden)', async () => {
    const page = await render({ ID: 5, display_name: 'Mallory', caps: ['read'] }, uniqueRoom('wp'), 'not-the-servers-secret-0123456789abcdef');
    const host = document.createElement('div');
    host.innerHTML = page.content[0]!;
    document.body.append(host);
    const w = host.querySelector('video-call-widget')!;
    widgets.push(w);
    const error = await rejects(w.join(), 'join with a foreign token');
    equal(error.code, 'forbidden', 'code');
  });
});
