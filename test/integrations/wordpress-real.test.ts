// The WordPress plugin inside WordPress itself: Debian's `wordpress` package (6.1) on a throwaway MariaDB (Debian's
// mariadb-server, started here as a child process on a socket in a temp dir, no network), installed from scratch,
// the plugin activated. Real the_content (shortcodes, blocks, wptexturize, wpautop), real escaping, real script
// printing (the pre-6.5 path: a footer script printed as type="module"), the real REST server and settings API.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyRoomToken } from '../../server/src/tokens.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const WP_DIR = join(ROOT, 'integrations/wordpress/tests/wordpress');
const ABSPATH = '/usr/share/wordpress';
const SECRET = 'real-wordpress-secret-0123456789abcdef';
const SERVER = 'https://calls.example.com';
const sbin = (name: string) => ['/usr/sbin', '/usr/bin'].map((d) => join(d, name)).find((p) => existsSync(p)) ?? name;
const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];

let dir = '';
let mariadb: ChildProcess | undefined;
let users: Record<'admin' | 'editor' | 'contributor' | 'subscriber', number>;

function php(script: string, input: unknown, extra: Record<string, unknown> = {}) {
  const env = { ...process.env, VCW_WP: JSON.stringify({ abspath: ABSPATH, content_dir: join(dir, 'wp-content'), socket: join(dir, 'mysql.sock'), url: 'https://site.example', ...extra }) };
  const run = spawnSync('php', ['-d', 'error_reporting=E_ALL & ~E_DEPRECATED', '-d', 'display_errors=stderr', join(WP_DIR, script)], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  assert.equal(run.status, 0, `php ${script} failed:\n${run.stderr}${run.stdout}`);
  // WordPress 6.1 itself is not warning-free on PHP 8.2; the plugin must be.
  const ours = run.stderr.split('\n').filter((l) => l.includes('video-call-widget'));
  assert.deepEqual(ours, [], 'no PHP warnings from the plugin');
  return JSON.parse(run.stdout);
}

interface Rendered {
  content: string[];
  viewed: string[];
  posts: number[];
  host_roles: string[];
  uninstalled?: { options: Record<string, unknown>; meta: number };
  display_name: string;
  footer: string;
  rest?: { status: number; body: { token?: string; code?: string; message?: string }; headers: Record<string, string> };
  saved?: Record<string, unknown>;
  errors?: string[];
  page?: string;
}
const render = (scenario: Record<string, unknown>): Rendered => php('render.php', scenario);

const decode = (s: string) =>
  s.replace(/&(quot|lt|gt|amp|#0?39|#038);/g, (_m, e: string) => ({ quot: '"', lt: '<', gt: '>', amp: '&', '#039': "'", '#39': "'", '#038': '&' })[e]!);
function widgets(html: string): Record<string, string>[] {
  return (html.match(/<video-call-widget\b[^]*?(?=<\/video-call-widget>)/g) ?? []).map((tag) => {
    const m = /^<video-call-widget((?:\s+[a-z][a-z-]*(?:="[^"<>]*")?)*)>$/.exec(tag);
    assert.ok(m, `a well-formed start tag: ${tag}`);
    return Object.fromEntries([...m[1]!.matchAll(/\s+([a-z][a-z-]*)(?:="([^"]*)")?/g)].map(([, k, v]) => [k!, decode(v ?? '')]));
  });
}
const elements = (html: string) => [...new Set([...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase()))].sort();

describe('the plugin in WordPress (Debian package) with MariaDB', () => {
  before(async () => {
    assert.ok(existsSync(join(ABSPATH, 'wp-settings.php')), 'WordPress from Debian: apt-get install wordpress mariadb-server php-mysql (.ci/run does)');
    dir = mkdtempSync(join(tmpdir(), 'vcw-wp-'));
    const install = spawnSync(sbin('mariadb-install-db'), ['--no-defaults', `--datadir=${dir}/data`, ...asRoot, '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(install.status, 0, `mariadb-install-db: ${install.stderr}`);
    mariadb = spawn(sbin('mariadbd'), ['--no-defaults', `--datadir=${dir}/data`, `--socket=${dir}/mysql.sock`, '--skip-networking', `--pid-file=${dir}/mariadb.pid`,
      `--log-error=${dir}/mariadb.err`, '--skip-grant-tables', ...asRoot], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ping = spawnSync('mariadb', ['--no-defaults', '-S', `${dir}/mysql.sock`, '-u', 'root', '-e', 'CREATE DATABASE IF NOT EXISTS wordpress'], { encoding: 'utf8' });
      if (ping.status === 0) break;
      if (Date.now() > deadline || mariadb.exitCode !== null) {
        assert.fail(`MariaDB did not start: ${ping.stderr}\n${existsSync(`${dir}/mariadb.err`) ? readFileSync(`${dir}/mariadb.err`, 'utf8') : ''}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    mkdirSync(join(dir, 'wp-content', 'plugins'), { recursive: true });
    symlinkSync(join(ROOT, 'integrations/wordpress/video-call-widget'), join(dir, 'wp-content', 'plugins', 'video-call-widget'));
    const installed = php('install.php', {}, { installing: true });
    assert.match(installed.version, /^6\./);
    assert.deepEqual(installed.active, ['video-call-widget/video-call-widget.php'], 'the plugin activates');
    assert.deepEqual(installed.host_roles, ['administrator'], 'activation grants vcw_host_calls to administrators only');
    users = installed.users;
  });

  after(async () => {
    if (mariadb && mariadb.exitCode === null) {
      const exited = new Promise((resolve) => mariadb!.once('exit', resolve));
      mariadb.kill('SIGTERM');
      const timer = setTimeout(() => mariadb!.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the shortcode in a post: the element, a token the server accepts, the module script in the footer', () => {
    const out = render({
      options: { video_call_widget_server_url: SERVER, video_call_widget_token_secret: SECRET, video_call_widget_token_ttl: 900, video_call_widget_allowed_rooms: 'support-42 blk from-name' },
      user: 'editor',
      content: ['Join us:\n\n[video_call room="support-42" audio="off" auto-join="yes" height="70vh"]\n\nThanks.'],
    });
    const [w] = widgets(out.content[0]!);
    assert.equal(w!.room, 'support-42');
    assert.equal(w!.server, SERVER);
    assert.equal(w!['display-name'], 'Dana Editor');
    assert.equal(w!.audio, 'off');
    assert.equal(w!['auto-join'], '');
    assert.equal(w!.style, 'display:block;height:70vh');
    const grant = verifyRoomToken(w!.token!, SECRET, 'support-42', 3600);
    assert.deepEqual([grant.role, grant.name, grant.sub], ['guest', 'Dana Editor', String(users.editor)], 'editors join as guests');
    const claims = JSON.parse(Buffer.from(w!.token!.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.exp - claims.iat, 900);
    assert.equal(decode(w!['data-vcw-token-url']!), 'https://site.example/index.php?rest_route=%2Fvideo-call-widget%2Fv1%2Ftoken&room=support-42');
    // WordPress 6.1 has no script modules: the plugin's filter prints the footer script as a module.
    assert.equal(out.footer, `<script type="module" src="${SERVER}/video-call-widget.js" id="video-call-widget-js"></script>\n`);
  });

  test('hostile values from a block and from a user\'s display name stay text', () => {
    const hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>';
    // As the block editor serializes attributes: < and > escaped in the comment's JSON.
    const attrs = JSON.stringify({ room: 'blk', displayName: hostile, height: '1px;background:red', lang: 'en" onfocus="x' })
      .replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
    const out = render({
      options: { video_call_widget_server_url: SERVER, video_call_widget_token_secret: SECRET, video_call_widget_allowed_rooms: 'blk from-name' },
      user: 'subscriber',
      display_name: `Sam ${hostile}`,
      content: [`<!-- wp:video-call-widget/call ${attrs} /-->`, '[video_call room="from-name"]'],
    });
    const [fromBlock] = widgets(out.content[0]!);
    assert.equal(fromBlock!['display-name'], hostile, 'the block\'s name arrives intact, as an attribute value');
    assert.equal(fromBlock!.style, 'display:block;height:480px');
    assert.ok(!('lang' in fromBlock!));
    assert.deepEqual(elements(out.content[0]!), ['div', 'noscript', 'script', 'video-call-widget'], 'no injected elements');
    assert.equal(out.content[0]!.match(/<script/g)?.length, 1, 'only the token provider script');
    // WordPress strips tags from display names when it saves them (and stores `>` as `&gt;`); what is left is
    // plain text to the plugin: in the attribute (escaped) and in the token.
    assert.equal(out.display_name, 'Sam "&gt;');
    const [fromUser] = widgets(out.content[1]!);
    assert.equal(fromUser!['display-name'], 'Sam ">');
    const grant = verifyRoomToken(fromUser!.token!, SECRET, 'from-name', 3600);
    assert.deepEqual([grant.role, grant.name, grant.sub], ['guest', 'Sam ">', String(users.subscriber)]);
    assert.deepEqual(elements(out.content[1]!).filter((e) => !['p', 'video-call-widget', 'noscript'].includes(e)), [], 'no injected elements');
  });

  test('visitors who are not logged in are asked to log in when the site mints tokens; nothing is enqueued', () => {
    const out = render({ options: { video_call_widget_server_url: SERVER, video_call_widget_token_secret: SECRET }, user: null, content: ['[video_call room="r"]'] });
    assert.match(out.content[0]!, /<p class="video-call-widget-notice">Log in to join this video call\. <a href="https:\/\/site\.example\/wp-login\.php\?redirect_to=https%3A%2F%2Fsite\.example%2F">Log in<\/a><\/p>/);
    assert.equal(widgets(out.content[0]!).length, 0);
    assert.equal(out.footer, '');
    const open = render({ options: { video_call_widget_server_url: SERVER, video_call_widget_token_secret: null }, user: null, content: ['[video_call room="r"]'] });
    const [w] = widgets(open.content[0]!);
    assert.ok(w && !('token' in w) && !('display-name' in w), 'without a secret: an open call, the name asked on the pre-join screen');
  });

  test('the REST route through WordPress\'s REST server', () => {
    const options = { video_call_widget_server_url: SERVER, video_call_widget_token_secret: SECRET, video_call_widget_allowed_rooms: 'support-42' };
    const ok = render({ options, user: 'subscriber', rest: { room: 'support-42' } });
    assert.equal(ok.rest!.status, 200);
    assert.equal(ok.rest!.headers['Cache-Control'], 'no-store');
    assert.equal(verifyRoomToken(ok.rest!.body.token!, SECRET, 'support-42', 3600).sub, String(users.subscriber));
    assert.equal(render({ options, user: null, rest: { room: 'support-42' } }).rest!.status, 401);
    assert.equal(render({ options, user: 'subscriber', rest: { room: 'no good' } }).rest!.status, 400);
    assert.equal(render({ options: { video_call_widget_token_secret: null }, user: 'subscriber', rest: { room: 'r' } }).rest!.status, 404);
  });

  test('tokens only for rooms the user may enter: on a published post they can read, or listed in the settings', () => {
    const options = { video_call_widget_server_url: SERVER, video_call_widget_token_secret: SECRET, video_call_widget_allowed_rooms: 'lobby' };
    const setup = render({
      options,
      posts: [
        { author: 'editor', status: 'publish', content: '[video_call room="town-hall"]' },
        { author: 'admin', status: 'private', content: '<!-- wp:group --><div class="wp-block-group"><!-- wp:video-call-widget/call {"room":"board-room"} /--></div><!-- /wp:group -->' },
        { author: 'contributor', status: 'draft', content: '[video_call room="contrib-draft"]' },
        { author: 'editor', status: 'publish', content: '[[video_call room="escaped-room"]] and [video_call room="Case-Room"]' },
      ],
      user: 'subscriber',
      rest: { room: 'town-hall' },
    });
    const ok = setup.rest!;
    assert.equal(ok.status, 200);
    const grant = verifyRoomToken(ok.body.token!, SECRET, 'town-hall', 3600);
    assert.deepEqual([grant.role, grant.sub], ['guest', String(users.subscriber)]);
    const rest = (user: string, room: string, role?: string) => render({ user, rest: role ? { room, role } : { room } }).rest!;
    assert.equal(verifyRoomToken(rest('subscriber', 'lobby').body.token!, SECRET, 'lobby', 3600).room, 'lobby', 'a room from the settings');

    const refused = rest('subscriber', 'anywhere-else');
    assert.equal(refused.status, 403, 'an arbitrary room');
    assert.equal(refused.body.code, 'video_call_widget_room_forbidden');
    assert.match(refused.body.message!, /You may not join room "anywhere-else": it is not on a published post you can read/);
    assert.equal(rest('subscriber', 'board-room').status, 403, 'a room on a private post the subscriber cannot read');
    assert.equal(verifyRoomToken(rest('admin', 'board-room').body.token!, SECRET, 'board-room', 3600).sub, String(users.admin), 'its reader may (inside a group block)');
    assert.equal(rest('contributor', 'contrib-draft').status, 403, 'a contributor\'s own draft opens no room');
    assert.equal(rest('subscriber', 'escaped-room').status, 403, '[[escaped]] shortcodes open no room');
    assert.equal(rest('subscriber', 'case-room').status, 403, 'room names are case-sensitive');
    assert.equal(rest('subscriber', 'Case-Room').status, 200);

    // The index follows edits: the room leaves the post, the token goes with it.
    render({ posts: [{ id: setup.posts[0], author: 'editor', status: 'publish', content: 'The call moved.' }] });
    assert.equal(rest('subscriber', 'town-hall').status, 403, 'removed from its post');

    // Rendering follows the same rule: the draft's preview shows a notice, no token.
    const preview = render({ options, user: 'contributor', content: ['[video_call room="contrib-draft"]'] });
    assert.match(preview.content[0]!, /Video call: room &quot;contrib-draft&quot; opens once this post is published/);
    assert.equal(widgets(preview.content[0]!).length, 0);
  });

  test('host only with vcw_host_calls: an editor gets guest, an administrator gets host when asking for it', () => {
    const options = { video_call_widget_server_url: SERVER, video_call_widget_token_secret: SECRET, video_call_widget_allowed_rooms: 'desk' };
    const editor = render({ options, user: 'editor', rest: { room: 'desk' } }).rest!;
    assert.equal(verifyRoomToken(editor.body.token!, SECRET, 'desk', 3600).role, 'guest');
    const editorAsks = render({ user: 'editor', rest: { room: 'desk', role: 'host' } }).rest!;
    assert.deepEqual([editorAsks.status, editorAsks.body.code], [403, 'video_call_widget_host_forbidden']);
    assert.equal(verifyRoomToken(render({ user: 'admin', rest: { room: 'desk', role: 'host' } }).rest!.body.token!, SECRET, 'desk', 3600).role, 'host');
    assert.equal(verifyRoomToken(render({ user: 'admin', rest: { room: 'desk', role: 'guest' } }).rest!.body.token!, SECRET, 'desk', 3600).role, 'guest');
    assert.equal(render({ user: 'admin', rest: { room: 'desk', role: 'owner' } }).rest!.status, 400);
  });

  test('an upgrade from a version without them grants vcw_host_calls to administrators and indexes existing posts', () => {
    const options = { video_call_widget_server_url: SERVER, video_call_widget_token_secret: SECRET, video_call_widget_allowed_rooms: '' };
    render({ options, posts: [{ author: 'editor', status: 'publish', content: '[video_call room="old-post-room"]' }] });
    const before = render({ reset: true, user: 'admin', rest: { room: 'old-post-room' } });
    assert.equal(before.rest!.status, 403, 'index forgotten');
    assert.deepEqual(before.host_roles, []);
    // The next request's init runs the upgrade.
    const after = render({ user: 'admin', rest: { room: 'old-post-room', role: 'host' } });
    assert.deepEqual(after.host_roles, ['administrator']);
    assert.equal(verifyRoomToken(after.rest!.body.token!, SECRET, 'old-post-room', 3600).role, 'host');
  });

  test('a shortcode\'s server is used only when the post\'s author may post unfiltered HTML', () => {
    const out = render({
      options: { video_call_widget_server_url: SERVER, video_call_widget_token_secret: SECRET },
      posts: [
        { author: 'contributor', status: 'publish', content: '[video_call room="contrib-call" server="https://evil.example"]' },
        { author: 'admin', status: 'publish', content: '[video_call room="admin-call" server="https://calls-2.example.com/"]' },
      ],
      user: 'subscriber',
      view: [0, 1],
    });
    const [fromContributor] = widgets(out.viewed[0]!);
    assert.equal(fromContributor!.server, SERVER, 'the settings\' server, not the contributor\'s');
    assert.equal(verifyRoomToken(fromContributor!.token!, SECRET, 'contrib-call', 3600).sub, String(users.subscriber), 'published post: the room is open');
    assert.ok(!out.viewed[0]!.includes('evil.example'));
    assert.equal(widgets(out.viewed[1]!)[0]!.server, 'https://calls-2.example.com', 'an administrator\'s choice is honoured');
  });

  test('settings through the Settings API: sanitized, a short secret refused, the secret never printed', () => {
    const out = render({
      options: { video_call_widget_token_secret: SECRET },
      user: 'admin',
      settings: { video_call_widget_server_url: 'https://calls.example.org/x/', video_call_widget_script_url: 'javascript:alert(1)', video_call_widget_token_secret: 'short', video_call_widget_token_ttl: '30',
        video_call_widget_allowed_rooms: 'lobby\r\nbad!room, team_2' },
    });
    assert.deepEqual(out.saved, {
      video_call_widget_server_url: 'https://calls.example.org/x',
      video_call_widget_script_url: '',
      video_call_widget_token_secret: SECRET,
      video_call_widget_token_ttl: 3600,
      video_call_widget_allowed_rooms: 'lobby\nteam_2',
    });
    assert.deepEqual([...out.errors!].sort(), ['invalid-room', 'invalid-url', 'short-secret']);
    assert.match(out.page!, /name="video_call_widget_server_url"[^>]*value="https:\/\/calls\.example\.org\/x"/);
    assert.ok(!out.page!.includes(SECRET), 'the secret is not in the page');
  });

  test('uninstall removes the settings, vcw_host_calls from every role and the room index', () => {
    const out = render({ uninstall: true });
    assert.deepEqual(out.uninstalled, { options: [], meta: 0 });
    assert.deepEqual(out.host_roles, []);
  });
});
