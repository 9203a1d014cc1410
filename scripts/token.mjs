#!/usr/bin/env node
// `npm run token -- --room R [--role host|guest] [--ttl 600] [--name N] [--sub S]`: print a room token (HS256 JWT)
// signed with ROOM_TOKEN_SECRET from the environment — for development; a site's backend mints its own
// (see the README). Exits 2 with a message on bad arguments or a missing/short secret.
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';

const USAGE = 'usage: npm run token -- --room <room> [--role host|guest] [--ttl <seconds>] [--name <display name>] [--sub <user id>]';
const ROOM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function fail(problem) {
  process.stderr.write(`token: ${problem}\n${USAGE}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      room: { type: 'string' },
      role: { type: 'string', default: 'guest' },
      ttl: { type: 'string', default: '600' },
      name: { type: 'string' },
      sub: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (error) {
  fail(error.message);
}

const secret = process.env.ROOM_TOKEN_SECRET ?? '';
if (!secret) fail('ROOM_TOKEN_SECRET is not set (the same secret the server is started with)');
if (secret.length < 32) fail('ROOM_TOKEN_SECRET must be at least 32 characters long');
if (values.room === undefined) fail('--room is required');
if (!ROOM_NAME.test(values.room)) fail(`--room "${values.room}" is not 1–64 letters, digits, "-" or "_"`);
if (values.role !== 'host' && values.role !== 'guest') fail(`--role must be host or guest, got "${values.role}"`);
if (!/^\d+$/.test(values.ttl) || Number(values.ttl) < 1 || Number(values.ttl) > 7 * 24 * 3600) fail(`--ttl must be a whole number of seconds (1–604800), got "${values.ttl}"`);
if (values.name !== undefined && [...values.name].length > 64) fail('--name must be at most 64 characters');

const now = Math.floor(Date.now() / 1000);
const claims = { room: values.room, role: values.role, iat: now, exp: now + Number(values.ttl) };
if (values.name !== undefined) claims.name = values.name;
if (values.sub !== undefined) claims.sub = values.sub;
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64url');
const head = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const body = b64(JSON.stringify(claims));
const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
process.stdout.write(`${head}.${body}.${signature}\n`);
