/**
 * Minting room tokens: `npm run token` (scripts/token.mjs) and the README's Node and PHP snippets — each token
 * is checked by the verifier and accepted by a real server started with the same ROOM_TOKEN_SECRET.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyRoomToken } from '../src/tokens.js';
import { join, logged, ROOT, startShared, type JoinResponse, type TestServer } from './helpers.js';

const SECRET = 'token-script-secret-0123456789-abcdefgh';
const SCRIPT = pathJoin(ROOT, 'scripts', 'token.mjs');

function mint(args: string[], env: Record<string, string | undefined> = { ROOM_TOKEN_SECRET: SECRET }) {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ROOM_TOKEN_SECRET') childEnv[k] = v;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  const run = spawnSync(process.execPath, [SCRIPT, ...args], { env: childEnv, encoding: 'utf8', timeout: 10_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The first fenced block of `lang` in the README after `heading`. */
function readmeBlock(lang: string, after: string): string {
  const readme = readFileSync(pathJoin(ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf(after);
  assert.ok(from >= 0, `README has no "${after}"`);
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(from));
  assert.ok(match, `README has no \`\`\`${lang} block after "${after}"`);
  return match[1]!;
}

describe('room tokens for development and for backends', () => {
  let server: TestServer;
  const dirs: string[] = [];
  before(async () => {
    server = await startShared({ ROOM_TOKEN_SECRET: SECRET, TOKEN_MAX_TTL: '3600' });
  });
  after(async () => {
    await server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const accepted = async (token: string, room: string) => {
    const res = await join<JoinResponse>(server, room, { name: 'From body' }, { authorization: `Bearer ${token}` });
    assert.equal(res.status, 200, `the server refused the token: ${res.text}`);
    return res.body;
  };

  test(
    'npm run token -- --room R --role host --ttl 600 prints a token the server accepts',
    logged(async () => {
      const npm = spawnSync('npm', ['run', '--silent', 'token', '--', '--room', 'dev-room', '--role', 'host', '--ttl', '600'], {
        cwd: ROOT,
        env: { ...process.env, ROOM_TOKEN_SECRET: SECRET },
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(npm.status, 0, npm.stderr);
      const token = npm.stdout.trim();
      assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'one JWT on stdout');
      const grant = verifyRoomToken(token, SECRET, 'dev-room', 3600);
      assert.equal(grant.role, 'host');
      const t = Math.floor(Date.now() / 1000);
      assert.ok(Math.abs(grant.exp - (t + 600)) <= 5, `exp ${grant.exp} is not now + 600`);
      await accepted(token, 'dev-room');
      const other = await join(server, 'other-room', {}, { authorization: `Bearer ${token}` });
      assert.equal(other.status, 401, 'a token is for its room only');
    }),
  );

  test(
    'name and sub claims; defaults are guest and 600 s',
    logged(async () => {
      const { code, stdout, stderr } = mint(['--room', 'named', '--name', 'Dana Q.', '--sub', 'user-7']);
      assert.equal(code, 0, stderr);
      const grant = verifyRoomToken(stdout.trim(), SECRET, 'named', 3600);
      assert.deepEqual([grant.role, grant.name, grant.sub], ['guest', 'Dana Q.', 'user-7']);
      const t = Math.floor(Date.now() / 1000);
      assert.ok(Math.abs(grant.exp - (t + 600)) <= 5);
      const a = await accepted(stdout.trim(), 'named');
      const b = await accepted(mint(['--room', 'named']).stdout.trim(), 'named');
      assert.deepEqual(b.members, [{ peerId: a.peerId, name: 'Dana Q.', role: 'guest' }], 'the name claim is the name others see');
    }),
  );

  test('bad arguments and a missing or short secret: exit 2 and a message saying what is wrong', () => {
    const cases: Array<[string[], Record<string, string | undefined>, RegExp]> = [
      [['--room', 'r'], {}, /ROOM_TOKEN_SECRET is not set/],
      [['--room', 'r'], { ROOM_TOKEN_SECRET: 'short' }, /ROOM_TOKEN_SECRET must be at least 32/],
      [[], { ROOM_TOKEN_SECRET: SECRET }, /--room is required/],
      [['--room', 'bad room'], { ROOM_TOKEN_SECRET: SECRET }, /--room "bad room"/],
      [['--room', 'r', '--role', 'admin'], { ROOM_TOKEN_SECRET: SECRET }, /--role must be host or guest/],
      [['--room', 'r', '--ttl', '10m'], { ROOM_TOKEN_SECRET: SECRET }, /--ttl must be a whole number/],
      [['--room', 'r', '--ttl', '0'], { ROOM_TOKEN_SECRET: SECRET }, /--ttl/],
      [['--room', 'r', '--name', 'n'.repeat(65)], { ROOM_TOKEN_SECRET: SECRET }, /--name must be at most 64/],
      [['--room', 'r', '--rol', 'host'], { ROOM_TOKEN_SECRET: SECRET }, /Unknown option '--rol'/],
      [['--room'], { ROOM_TOKEN_SECRET: SECRET }, /--room/],
      [['--room', 'r', 'extra'], { ROOM_TOKEN_SECRET: SECRET }, /extra|positional/i],
    ];
    for (const [args, env, message] of cases) {
      const { code, stdout, stderr } = mint(args, env);
      assert.equal(code, 2, `${args.join(' ')}: exit ${code}`);
      assert.equal(stdout, '', `${args.join(' ')}: nothing on stdout`);
      assert.match(stderr, message, `${args.join(' ')}: ${stderr}`);
      assert.match(stderr, /usage: npm run token/);
    }
  });

  test(
    "the README's Node snippet mints a token the server accepts",
    logged(async () => {
      const dir = mkdtempSync(pathJoin(tmpdir(), 'vcw-token-node-'));
      dirs.push(dir);
      const file = pathJoin(dir, 'mint.mjs');
      writeFileSync(file, `${readmeBlock('js', '### Room tokens')}\nconsole.log(roomToken('node-room', { role: 'host', name: 'Backend' }));\n`);
      const run = spawnSync(process.execPath, [file], { env: { ...process.env, ROOM_TOKEN_SECRET: SECRET }, encoding: 'utf8', timeout: 10_000 });
      assert.equal(run.status, 0, run.stderr);
      const token = run.stdout.trim();
      const grant = verifyRoomToken(token, SECRET, 'node-room', 3600);
      assert.deepEqual([grant.role, grant.name], ['host', 'Backend']);
      await accepted(token, 'node-room');
    }),
  );

  test(
    "the README's PHP snippet mints a token the server accepts (php-cli)",
    logged(async () => {
      const php = spawnSync('php', ['--version'], { encoding: 'utf8' });
      assert.equal(php.status, 0, "php-cli is needed for this test (Debian: apt-get install php-cli; .ci/run installs it)");
      const dir = mkdtempSync(pathJoin(tmpdir(), 'vcw-token-php-'));
      dirs.push(dir);
      const file = pathJoin(dir, 'mint.php');
      writeFileSync(file, `<?php\n${readmeBlock('php', '### Room tokens')}\necho vcw_room_token('php-room', 'host', 600, 'Ünïcode CMS user');\n`);
      const run = spawnSync('php', [file], { env: { ...process.env, ROOM_TOKEN_SECRET: SECRET }, encoding: 'utf8', timeout: 10_000 });
      assert.equal(run.status, 0, run.stderr + run.stdout);
      const token = run.stdout.trim();
      const grant = verifyRoomToken(token, SECRET, 'php-room', 3600);
      assert.deepEqual([grant.role, grant.name], ['host', 'Ünïcode CMS user']);
      await accepted(token, 'php-room');
      const wrong = spawnSync('php', [file], { env: { ...process.env, ROOM_TOKEN_SECRET: 'another-secret-0123456789-abcdefghij' }, encoding: 'utf8' });
      const refused = await join(server, 'php-room', {}, { authorization: `Bearer ${wrong.stdout.trim()}` });
      assert.equal(refused.status, 401, 'a token signed with another secret is refused');
    }),
  );

  test('a token name is counted in characters as everywhere else: 40 emoji pass, 65 do not', () => {
    const sign = (claims: object) => {
      const body = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
    };
    const now = Math.floor(Date.now() / 1000);
    const claims = (name: string) => ({ room: 'emoji', iat: now, exp: now + 600, name });
    const forty = '😀'.repeat(40);
    assert.equal(verifyRoomToken(sign(claims(forty)), SECRET, 'emoji', 3600).name, forty, '40 emoji (80 UTF-16 units) are 40 characters');
    assert.throws(() => verifyRoomToken(sign(claims('😀'.repeat(65))), SECRET, 'emoji', 3600), /at most 64 characters/);
  });
});
