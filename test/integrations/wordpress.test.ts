// The WordPress plugin's real PHP, run by PHP from Debian inside a minimal WordPress-compatible harness
// (integrations/wordpress/tests/harness.php): rendered markup (hostile attribute values escaped), script
// enqueueing on WordPress 6.5+ (script modules) and older (module tag filter), settings, the REST token route,
// and the minted tokens checked with the server's own verifier.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TokenError, verifyRoomToken } from '../../server/src/tokens.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const HARNESS = join(ROOT, 'integrations/wordpress/tests/harness.php');
const PLUGIN = join(ROOT, 'integrations/wordpress/video-call-widget');
const SECRET = 'wp-test-secret-0123456789abcdef-0123456789';
const SERVER = 'https://calls.example.com';

interface Scenario {
  modules?: boolean;
  options?: Record<string, unknown>;
  constants?: Record<string, string>;
  user?: { ID: number; display_name: string; caps: string[] } | null;
  content?: string[];
  blocks?: Record<string, unknown>[];
  settings?: Record<string, string>;
  rest?: Record<string, string>;
}
interface Output {
  shortcodes: string[];
  blocks: Record<string, { attributes: Record<string, unknown>; editorScript: string; name: string }>;
  routes: string[];
  pages: Record<string, string>;
  settings: string[];
  content: string[];
  rendered: string[];
  footer: string;
  sanitized?: Record<string, unknown>;
  errors?: { code: string; message: string }[];
  page?: string;
  rest?: { status: number; body?: { token: string }; headers?: Record<string, string>; code?: string };
}

function wordpress(scenario: Scenario): Output {
  const php = spawnSync('php', ['-d', 'display_errors=stderr', '-d', 'error_reporting=-1', HARNESS], {
    input: JSON.stringify(scenario),
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(php.error, undefined, `php could not run (install Debian's php-cli): ${php.error}`);
  assert.equal(php.status, 0, `php failed:\n${php.stderr}`);
  assert.equal(php.stderr, '', 'no PHP warnings or notices');
  return JSON.parse(php.stdout) as Output;
}

const configured = (extra: Record<string, unknown> = {}) => ({ video_call_widget_server_url: `${SERVER}/`, ...extra });
const editor = { ID: 7, display_name: 'Dana Editor', caps: ['read', 'edit_posts', 'edit_others_posts'] };
const subscriber = { ID: 12, display_name: 'Sam', caps: ['read'] };
const host = { ID: 3, display_name: 'Ada Admin', caps: ['read', 'edit_others_posts', 'manage_options', 'vcw_host_calls'] };

const decode = (s: string) =>
  s.replace(/&(quot|lt|gt|apos|#0?39|amp);/g, (_m, e: string) => ({ quot: '"', lt: '<', gt: '>', apos: "'", '#039': "'", '#39': "'", amp: '&' })[e]!);

/**
 * Every <video-call-widget> start tag in `html`, parsed strictly: only `name="value"` pairs (or bare names) whose
 * values hold no raw quote or angle bracket. A tag that breaks out of an attribute does not parse and fails.
 */
function widgets(html: string): Record<string, string>[] {
  const tags = html.match(/<video-call-widget\b[^]*?(?=<\/video-call-widget>)/g) ?? [];
  return tags.map((tag) => {
    const m = /^<video-call-widget((?:\s+[a-z][a-z-]*(?:="[^"<>]*")?)*)>$/.exec(tag);
    assert.ok(m, `a well-formed start tag: ${tag}`);
    return Object.fromEntries([...m[1]!.matchAll(/\s+([a-z][a-z-]*)(?:="([^"]*)")?/g)].map(([, k, v]) => [k!, decode(v ?? '')]));
  });
}

/** Element names in `html`: the output may contain only what the plugin means to print. */
const elements = (html: string) => [...html.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!.toLowerCase());

describe('WordPress plugin', () => {
  test('registers the shortcode, the block (block.json + editor script), the settings page and the token route', () => {
    const out = wordpress({});
    assert.deepEqual(out.shortcodes, ['video_call']);
    const block = out.blocks['video-call-widget/call'];
    assert.ok(block, 'block registered from block.json');
    assert.deepEqual(Object.keys(block.attributes).sort(), ['audio', 'autoJoin', 'chat', 'displayName', 'height', 'lang', 'room', 'video']);
    assert.ok(existsSync(join(PLUGIN, 'block', block.editorScript.replace('file:./', ''))), 'editor script exists');
    assert.ok(existsSync(join(PLUGIN, 'block', 'index.asset.php')), 'editor script dependencies declared');
    assert.deepEqual(out.pages, { 'video-call-widget': 'manage_options' });
    assert.deepEqual(out.settings.sort(), ['video_call_widget_allowed_rooms', 'video_call_widget_script_url', 'video_call_widget_server_url', 'video_call_widget_token_secret', 'video_call_widget_token_ttl']);
    assert.deepEqual(out.routes, ['video-call-widget/v1/token']);
  });

  test('the shortcode renders the element with normalized attributes and enqueues the module once (WordPress 6.5+)', () => {
    const out = wordpress({
      modules: true,
      options: configured(),
      content: ['<p>Before</p>[video_call room="support-42" display-name="Dana" audio="off" video="no" chat="on" auto-join="yes" lang="de" height="70vh"]',
        '[video_call room="second_room"]'],
    });
    const [first] = widgets(out.content[0]!);
    assert.deepEqual(first, {
      room: 'support-42', server: SERVER, 'display-name': 'Dana', audio: 'off', video: 'off', chat: 'on', lang: 'de', 'auto-join': '',
      style: 'display:block;height:70vh',
    });
    assert.ok(out.content[0]!.startsWith('<p>Before</p><video-call-widget'), 'content around the shortcode kept');
    const [second] = widgets(out.content[1]!);
    assert.equal(second!.room, 'second_room');
    assert.ok(!('auto-join' in second!) && !('token' in second!) && !('display-name' in second!), 'defaults: no auto-join, no token, name asked');
    assert.equal(out.footer, `<script type="module" src="${SERVER}/video-call-widget.js" id="video-call-widget-js-module"></script>\n`, 'one module script, no version query');
  });

  test('before WordPress 6.5 the script is enqueued in the footer and printed as type="module"', () => {
    const out = wordpress({ modules: false, options: configured({ video_call_widget_script_url: 'https://cdn.example.net/vcw/1.0/video-call-widget.js' }), content: ['[video_call room="r"]'] });
    assert.equal(out.footer, '<script type="module" src="https://cdn.example.net/vcw/1.0/video-call-widget.js" id="video-call-widget-js"></script>\n');
    assert.equal(widgets(out.content[0]!)[0]!.server, SERVER, 'the server stays the configured one when the script is on a CDN');
  });

  test('hostile attribute values are escaped: nothing breaks out of an attribute or adds an element', () => {
    const hostile = `"><img src=x onerror=alert(1)><script>alert(2)</script>`;
    const out = wordpress({
      modules: true,
      options: configured(),
      user: { ...editor, display_name: `Eve ${hostile}` },
      content: [
        `[video_call room="ok-room" display-name='${hostile}' lang='en" onfocus="alert(3)' height='1px;background:url(javascript:alert(4))' server='javascript:alert(5)//']`,
        `[video_call room='${hostile}']`,
        '[video_call room="ok-room" audio="<b>" video="" chat="maybe"]',
      ],
      blocks: [{ room: 'ok-room', displayName: hostile, height: '"><svg onload=alert(6)>' }],
    });
    const [w] = widgets(out.content[0]!);
    assert.equal(w!['display-name'], hostile, 'the name arrives intact, as text');
    assert.ok(!('lang' in w!), 'an invalid lang is dropped');
    assert.equal(w!.style, 'display:block;height:480px', 'an invalid height falls back');
    assert.equal(w!.server, SERVER, 'a javascript: server is not used');
    assert.deepEqual([...new Set(elements(out.content[0]!))].sort(), ['noscript', 'video-call-widget'], 'no injected elements');
    assert.equal(out.content[1], '<p class="video-call-widget-notice">Video call: &quot;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;&quot; is not a valid room name (letters, digits, &quot;-&quot; and &quot;_&quot;, at most 64).</p>');
    const [odd] = widgets(out.content[2]!);
    assert.deepEqual([odd!.audio, odd!.video, odd!.chat], ['on', 'on', 'on'], 'unknown switch values keep the default');
    const [fromBlock] = widgets(out.rendered[0]!);
    assert.equal(fromBlock!['display-name'], hostile);
    assert.equal(fromBlock!.style, 'display:block;height:480px');
    assert.deepEqual([...new Set(elements(out.rendered[0]!))].sort(), ['div', 'noscript', 'video-call-widget']);
    // Markup only (text between tags and quoted attribute values removed): no event handler attribute anywhere.
    const markup = [...out.content, ...out.rendered].join('').replace(/>[^<]*</g, '><').replace(/="[^"]*"/g, '=""');
    assert.ok(!/\son\w+=/.test(markup), `no event handler attribute in ${markup}`);
  });

  test('with a token secret, logged-in users get a token the server accepts (claims per DESIGN.md)', () => {
    const longName = `${'😀'.repeat(40)}`; // 80 UTF-16 code units
    const before = Math.floor(Date.now() / 1000);
    const rooms = { video_call_widget_allowed_rooms: 'support-42\nother\nr' };
    const out = wordpress({
      modules: true,
      options: configured({ video_call_widget_token_secret: SECRET, video_call_widget_token_ttl: 1800, ...rooms }),
      user: { ...editor, caps: [...editor.caps, 'vcw_host_calls'] },
      content: ['[video_call room="support-42"]', '[video_call room="other"]'],
    });
    const after = Math.floor(Date.now() / 1000);
    const [w] = widgets(out.content[0]!);
    assert.equal(w!['display-name'], 'Dana Editor', 'the WordPress display name by default');
    const grant = verifyRoomToken(w!.token!, SECRET, 'support-42', 3600);
    assert.deepEqual({ ...grant, exp: undefined, until: undefined }, { room: 'support-42', role: 'host', name: 'Dana Editor', sub: '7', exp: undefined, until: undefined }, 'host with vcw_host_calls');
    const claims = JSON.parse(Buffer.from(w!.token!.split('.')[1]!, 'base64url').toString('utf8'));
    assert.ok(claims.iat >= before && claims.iat <= after, 'iat is now');
    assert.equal(claims.exp - claims.iat, 1800, 'lifetime from the setting');
    assert.throws(() => verifyRoomToken(w!.token!, SECRET, 'other', 3600), TokenError, 'bound to its room');
    assert.throws(() => verifyRoomToken(w!.token!, 'another-secret-0123456789abcdef-0123', 'support-42', 3600), TokenError, 'signed with the secret');
    assert.equal(verifyRoomToken(widgets(out.content[1]!)[0]!.token!, SECRET, 'other', 3600).room, 'other', 'one token per room');
    assert.equal(w!['data-vcw-token-url'], 'https://site.example/?rest_route=/video-call-widget/v1/token&room=support-42', 'fresh tokens from the REST route');
    assert.match(w!['data-vcw-token-nonce']!, /^\w{10}$/);
    assert.equal(out.content.join('').match(/<script type="module">/g)?.length, 1, 'the token provider script is printed once');

    const editorOnly = wordpress({ modules: true, options: configured({ video_call_widget_token_secret: SECRET, ...rooms }), user: editor, content: ['[video_call room="r"]'] });
    assert.equal(verifyRoomToken(widgets(editorOnly.content[0]!)[0]!.token!, SECRET, 'r', 3600).role, 'guest', 'editing others\' posts is not hosting');
    const guest = wordpress({ modules: true, options: configured({ video_call_widget_token_secret: SECRET, ...rooms }), user: { ...subscriber, display_name: longName }, content: ['[video_call room="r"]'] });
    const guestGrant = verifyRoomToken(widgets(guest.content[0]!)[0]!.token!, SECRET, 'r', 3600);
    assert.equal(guestGrant.role, 'guest', 'subscribers join as guests');
    assert.equal(guestGrant.name, '😀'.repeat(32), 'name cut to 64 UTF-16 code units at a character boundary');
    assert.equal(guestGrant.sub, '12');

    // WordPress may store display names with entities: the name is plain text in the token and the attribute.
    const entities = wordpress({ modules: true, options: configured({ video_call_widget_token_secret: SECRET, ...rooms }), user: { ...subscriber, display_name: 'Jo &amp; Al &quot;&gt;' }, content: ['[video_call room="r"]'] });
    const [named] = widgets(entities.content[0]!);
    assert.equal(named!['display-name'], 'Jo & Al ">');
    assert.equal(verifyRoomToken(named!.token!, SECRET, 'r', 3600).name, 'Jo & Al ">');
  });

  test('the secret may come from wp-config.php instead of the settings', () => {
    const admin = { ...editor, caps: [...editor.caps, 'manage_options'] };
    const out = wordpress({ options: configured({ video_call_widget_allowed_rooms: 'r' }), constants: { VIDEO_CALL_WIDGET_TOKEN_SECRET: SECRET }, user: admin, content: ['[video_call room="r"]'], settings: {} });
    assert.equal(verifyRoomToken(widgets(out.content[0]!)[0]!.token!, SECRET, 'r', 3600).sub, '7');
    assert.match(out.page!, /Set in wp-config\.php/);
  });

  test('without a secret nobody gets a token; with one, visitors who are not logged in are asked to log in', () => {
    const open = wordpress({ modules: true, options: configured(), user: null, content: ['[video_call room="r"]'] });
    const [w] = widgets(open.content[0]!);
    assert.ok(w && !('token' in w) && !('data-vcw-token-url' in w), 'anonymous call without a token');
    assert.ok(!open.content[0]!.includes('<script type="module">'), 'no token provider script');

    const closed = wordpress({ modules: true, options: configured({ video_call_widget_token_secret: SECRET, video_call_widget_allowed_rooms: 'r' }), user: null, content: ['[video_call room="r"]'] });
    assert.equal(closed.content[0], '<p class="video-call-widget-notice">Log in to join this video call. <a href="https://site.example/wp-login.php?redirect_to=https%3A%2F%2Fsite.example%2Fcall-page%2F">Log in</a></p>');
    assert.equal(closed.footer, '', 'nothing enqueued');

    // Logged in, but the room is on no post and not in the settings: a notice, no token, nothing enqueued.
    const elsewhere = wordpress({ modules: true, options: configured({ video_call_widget_token_secret: SECRET, video_call_widget_allowed_rooms: 'r' }), user: subscriber, content: ['[video_call room="board-room"]'] });
    assert.equal(elsewhere.content[0], '<p class="video-call-widget-notice">Video call: room &quot;board-room&quot; opens once this post is published (or when it is listed under Settings → Video call widget → Allowed rooms).</p>');
    assert.equal(elsewhere.footer, '');

    const unconfigured = wordpress({ modules: true, content: ['[video_call room="r"]'] });
    assert.match(unconfigured.content[0]!, /^<p class="video-call-widget-notice">Video call: the call server is not configured/);
    assert.equal(unconfigured.footer, '');
  });

  test('the block renders like the shortcode inside the block wrapper', () => {
    const out = wordpress({ modules: true, options: configured(), blocks: [{ room: 'blk', displayName: 'Bo', audio: false, video: true, chat: false, autoJoin: true, height: '360px' }] });
    assert.ok(out.rendered[0]!.startsWith('<div class="wp-block-video-call-widget-call"><video-call-widget '));
    assert.deepEqual(widgets(out.rendered[0]!)[0], { room: 'blk', server: SERVER, 'display-name': 'Bo', audio: 'off', video: 'on', chat: 'off', 'auto-join': '', style: 'display:block;height:360px' });
    assert.match(out.footer, /video-call-widget\.js/);
  });

  test('settings: URLs validated, the secret never printed back, kept when left empty, refused when short', () => {
    const stored = configured({ video_call_widget_token_secret: SECRET });
    const out = wordpress({
      options: stored,
      user: { ID: 1, display_name: 'Admin', caps: ['manage_options'] },
      settings: { video_call_widget_server_url: ' https://calls.example.org/base/ ', video_call_widget_script_url: 'javascript:alert(1)', video_call_widget_token_secret: '', video_call_widget_token_ttl: '99999999',
        video_call_widget_allowed_rooms: 'lobby, team_1\n\nbad room! lobby' },
    });
    assert.deepEqual(out.sanitized, {
      video_call_widget_server_url: 'https://calls.example.org/base',
      video_call_widget_script_url: '',
      video_call_widget_token_secret: SECRET,
      video_call_widget_token_ttl: 3600,
      video_call_widget_allowed_rooms: 'lobby\nteam_1\nbad',
    });
    assert.deepEqual(out.errors!.map((e) => e.code), ['invalid-url', 'invalid-room']);
    assert.ok(!out.page!.includes(SECRET), 'the secret is not in the page');
    for (const field of ['video_call_widget_allowed_rooms', 'video_call_widget_server_url', 'video_call_widget_script_url', 'video_call_widget_token_secret', 'video_call_widget_token_ttl']) {
      assert.match(out.page!, new RegExp(`name="${field}"`), `${field} field`);
    }
    assert.match(out.page!, /<form action="options\.php" method="post">/);

    const short = wordpress({ options: stored, settings: { video_call_widget_token_secret: 'too-short' } });
    assert.equal(short.sanitized!.video_call_widget_token_secret, SECRET, 'a short secret keeps the old one');
    assert.deepEqual(short.errors!.map((e) => e.code), ['short-secret']);
    const cleared = wordpress({ options: stored, settings: { video_call_widget_token_secret: 'clear' } });
    assert.equal(cleared.sanitized!.video_call_widget_token_secret, '');
  });

  test('the REST route mints a fresh token for logged-in users only, for allowed rooms, host only with vcw_host_calls', () => {
    const options = configured({ video_call_widget_token_secret: SECRET, video_call_widget_allowed_rooms: 'support-42' });
    const ok = wordpress({ options, user: subscriber, rest: { room: 'support-42' } });
    assert.equal(ok.rest!.status, 200);
    assert.equal(ok.rest!.headers!['Cache-Control'], 'no-store');
    assert.equal(verifyRoomToken(ok.rest!.body!.token, SECRET, 'support-42', 3600).sub, '12');
    assert.equal(wordpress({ options, user: null, rest: { room: 'support-42' } }).rest!.status, 401, 'anonymous');
    assert.equal(wordpress({ options, user: subscriber, rest: { room: 'bad room' } }).rest!.status, 400, 'invalid room');
    assert.equal(wordpress({ options: configured(), user: subscriber, rest: { room: 'r' } }).rest!.status, 404, 'no secret configured');
    assert.deepEqual(wordpress({ options, user: subscriber, rest: { room: 'support-43' } }).rest, { status: 403, code: 'video_call_widget_room_forbidden' }, 'a room on no post, not listed');
    assert.deepEqual(wordpress({ options, user: subscriber, rest: { room: 'support-42', role: 'host' } }).rest, { status: 403, code: 'video_call_widget_host_forbidden' });
    assert.equal(wordpress({ options, user: subscriber, rest: { room: 'support-42', role: 'owner' } }).rest!.status, 400, 'invalid role');
    const asHost = wordpress({ options, user: host, rest: { room: 'support-42', role: 'host' } });
    assert.equal(verifyRoomToken(asHost.rest!.body!.token, SECRET, 'support-42', 3600).role, 'host');
    const asGuest = wordpress({ options, user: host, rest: { room: 'support-42', role: 'guest' } });
    assert.equal(verifyRoomToken(asGuest.rest!.body!.token, SECRET, 'support-42', 3600).role, 'guest', 'a host may join as a guest');
  });
});
