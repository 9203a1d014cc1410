/**
 * The shipped coturn configuration (deploy/coturn/turnserver.conf) against Debian's coturn on loopback, spoken to
 * in TURN (RFC 5766/8656) from here: the credentials our server hands out — only to a connected member, over its
 * signaling socket — allocate a relay; a join, a renewal or a waiting visitor gets none; expired, tampered and
 * missing credentials do not allocate; one credential holds at most `user-quota` allocations; and with the
 * production peer rules, relaying to loopback and private addresses is
 * refused while the test variant (loopback allowed) permits it.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
// @ts-expect-error -- a plain ES module shared with the browser tests' plugin
import { SHIPPED_CONFIG, startCoturn } from '../../test/support/coturn.mjs';
import { connect, joinOk, logged, send, serve, sleep, waitFor } from './helpers.js';

interface Coturn {
  port: number;
  pid: number;
  realm: string;
  logs(): string;
  stop(): Promise<void>;
}

const SECRET = 'turn-test-secret-0123456789-abcdefghijkl';
const MAGIC = 0x2112a442;
const ALLOCATE = 0x0003;
const CREATE_PERMISSION = 0x0008;
const ATTR = { USERNAME: 0x0006, MESSAGE_INTEGRITY: 0x0008, ERROR_CODE: 0x0009, XOR_PEER_ADDRESS: 0x0012, REALM: 0x0014, NONCE: 0x0015, XOR_RELAYED_ADDRESS: 0x0016, REQUESTED_TRANSPORT: 0x0019 };

interface Response {
  cls: 'success' | 'error';
  method: number;
  attrs: Map<number, Buffer>;
  errorCode: number | undefined;
}

function attribute(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
}

/** A STUN request; with `key`, MESSAGE-INTEGRITY (HMAC-SHA1 over the message with its length covering the attribute). */
function request(method: number, attrs: Buffer[], key?: Buffer): { id: Buffer; bytes: Buffer } {
  const id = randomBytes(12);
  const body = Buffer.concat(attrs);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(method, 0);
  header.writeUInt32BE(MAGIC, 4);
  id.copy(header, 8);
  if (!key) {
    header.writeUInt16BE(body.length, 2);
    return { id, bytes: Buffer.concat([header, body]) };
  }
  header.writeUInt16BE(body.length + 24, 2);
  const mac = createHmac('sha1', key).update(Buffer.concat([header, body])).digest();
  return { id, bytes: Buffer.concat([header, body, attribute(ATTR.MESSAGE_INTEGRITY, mac)]) };
}

function parse(msg: Buffer): Response {
  const type = msg.readUInt16BE(0);
  const attrs = new Map<number, Buffer>();
  for (let at = 20; at + 4 <= msg.length; ) {
    const t = msg.readUInt16BE(at);
    const len = msg.readUInt16BE(at + 2);
    if (!attrs.has(t)) attrs.set(t, msg.subarray(at + 4, at + 4 + len));
    at += 4 + len + ((4 - (len % 4)) % 4);
  }
  const error = attrs.get(ATTR.ERROR_CODE);
  return {
    cls: (type & 0x0110) === 0x0110 ? 'error' : 'success',
    method: type & 0x3eef,
    attrs,
    errorCode: error ? (error[2]! & 0x7) * 100 + error[3]! : undefined,
  };
}

/** XOR-PEER-ADDRESS for an IPv4 address. */
function xorPeer(ip: string, port = 9): Buffer {
  const value = Buffer.alloc(8);
  value[1] = 0x01;
  value.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const octets = ip.split('.').map(Number);
  value.writeUInt32BE((((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) ^ MAGIC) >>> 0, 4);
  return value;
}

/** One UDP 5-tuple to coturn: send a request, get its response (retransmitting like STUN does). */
class TurnClient {
  private readonly socket: Socket = createSocket('udp4');
  private readonly waiting = new Map<string, (r: Response) => void>();

  constructor(private readonly port: number) {
    this.socket.on('message', (msg) => {
      if (msg.length < 20) return;
      const id = msg.subarray(8, 20).toString('hex');
      this.waiting.get(id)?.(parse(msg));
    });
    this.socket.on('error', () => undefined);
  }

  async send(method: number, attrs: Buffer[], key?: Buffer): Promise<Response> {
    const { id, bytes } = request(method, attrs, key);
    const hex = id.toString('hex');
    try {
      return await new Promise<Response>((resolve, reject) => {
        let tries = 0;
        const timer = setInterval(() => {
          if (++tries > 20) {
            clearInterval(timer);
            reject(new Error('no TURN response'));
          } else this.socket.send(bytes, this.port, '127.0.0.1');
        }, 250);
        this.waiting.set(hex, (r) => {
          clearInterval(timer);
          resolve(r);
        });
        this.socket.send(bytes, this.port, '127.0.0.1');
      });
    } finally {
      this.waiting.delete(hex);
    }
  }

  /** The long-term credential dance: an unauthenticated Allocate for REALM/NONCE, then the signed one. */
  async allocate(username: string, password: string): Promise<{ response: Response; key: Buffer; realm: Buffer; nonce: Buffer }> {
    const transport = attribute(ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0]));
    const challenge = await this.send(ALLOCATE, [transport]);
    assert.equal(challenge.errorCode, 401, 'an Allocate without credentials is challenged');
    const realm = challenge.attrs.get(ATTR.REALM)!;
    const nonce = challenge.attrs.get(ATTR.NONCE)!;
    assert.ok(realm && nonce, 'the challenge carries REALM and NONCE');
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const auth = [attribute(ATTR.USERNAME, Buffer.from(username)), attribute(ATTR.REALM, realm), attribute(ATTR.NONCE, nonce)];
    const response = await this.send(ALLOCATE, [transport, ...auth], key);
    return { response, key, realm, nonce };
  }

  async permit(username: string, allocation: { key: Buffer; realm: Buffer; nonce: Buffer }, ip: string): Promise<Response> {
    const auth = [attribute(ATTR.USERNAME, Buffer.from(username)), attribute(ATTR.REALM, allocation.realm), attribute(ATTR.NONCE, allocation.nonce)];
    return this.send(CREATE_PERMISSION, [attribute(ATTR.XOR_PEER_ADDRESS, xorPeer(ip)), ...auth], allocation.key);
  }

  close(): void {
    this.socket.close();
  }
}

const restCredential = (username: string, secret = SECRET) => createHmac('sha1', secret).update(username).digest('base64');

describe('coturn with the shipped configuration', () => {
  let turn: Coturn;
  let production: Coturn;
  const clients: TurnClient[] = [];
  const client = (port: number) => {
    const c = new TurnClient(port);
    clients.push(c);
    return c;
  };
  before(async () => {
    turn = (await startCoturn({ secret: SECRET })) as Coturn;
    production = (await startCoturn({ secret: SECRET, production: true })) as Coturn;
  });
  after(async () => {
    for (const c of clients) c.close();
    await turn?.stop();
    await production?.stop();
  });

  test('the shipped file uses the TURN REST API secret, a realm, quotas and denies loopback and private peers', () => {
    const lines = readFileSync(SHIPPED_CONFIG, 'utf8').split('\n').map((l) => l.trim());
    for (const line of ['use-auth-secret', 'no-multicast-peers', 'no-cli', 'denied-peer-ip=127.0.0.0-127.255.255.255', 'denied-peer-ip=10.0.0.0-10.255.255.255', 'denied-peer-ip=192.168.0.0-192.168.255.255', 'denied-peer-ip=172.16.0.0-172.31.255.255', 'denied-peer-ip=169.254.0.0-169.254.255.255', 'denied-peer-ip=::1', 'denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']) {
      assert.ok(lines.includes(line), `missing "${line}"`);
    }
    assert.ok(lines.some((l) => /^static-auth-secret=CHANGE-ME/.test(l)), 'a placeholder secret');
    assert.ok(lines.some((l) => /^realm=\S+/.test(l)));
    assert.ok(lines.some((l) => /^user-quota=\d+$/.test(l)) && lines.some((l) => /^total-quota=\d+$/.test(l)) && lines.some((l) => /^max-bps=\d+$/.test(l)));
    const value = (name: string) => Number(lines.find((l) => l.startsWith(`${name}=`))?.split('=')[1]);
    assert.ok(value('user-quota') <= 16, `user-quota ${value('user-quota')}: one credential holds a handful of allocations`);
    assert.ok(value('bps-capacity') > 0, 'a total bandwidth cap (bps-capacity)');
    assert.ok(!lines.includes('allow-loopback-peers'), 'never allow loopback peers in production');
  });

  test(
    'credentials from our server (TURN_URLS + TURN_SECRET) go only to a connected member, and allocate a relay',
    logged(async (t) => {
      const server = await serve(t, { TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=udp`, TURN_SECRET: SECRET, TURN_TTL: '600', STUN_URLS: 'stun:127.0.0.1:3478' });
      const joined = await joinOk(server, 'turn-room', 'A');
      assert.deepEqual(joined.iceServers, [{ urls: ['stun:127.0.0.1:3478'] }], 'a join answer carries STUN only');
      const renewed = await send(`${server.url}/api/rooms/turn-room/renew`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ticket: joined.ticket }) });
      assert.deepEqual(((await renewed.json()) as { iceServers: unknown }).iceServers, [{ urls: ['stun:127.0.0.1:3478'] }], 'a renewal too');
      // Its socket admitted, the member hears its ICE servers first, just before OPEN (so before it dials anyone).
      const member = await connect(server, joined.peerId, joined.ticket, { t });
      assert.ok(/"type":"VCW-ICE"/.test(member.raw[0] ?? '') && /^\{"type":"OPEN"\}$/.test(member.raw[1] ?? ''), `VCW-ICE, then OPEN: ${member.raw.slice(0, 2).join(' ')}`);
      const servers = member.ice[0]!;
      const ice = servers.find((s) => s.username);
      assert.ok(ice?.username && ice.credential, JSON.stringify(servers));
      assert.deepEqual(servers[0], { urls: ['stun:127.0.0.1:3478'] });
      const expiry = Number(ice.username.split(':')[0]);
      assert.ok(Math.abs(expiry - (Date.now() / 1000 + 600)) < 5, 'valid for TURN_TTL');
      const { response } = await client(turn.port).allocate(ice.username, ice.credential);
      assert.equal(response.cls, 'success', `Allocate refused with ${response.errorCode}\n${turn.logs().slice(-2000)}`);
      assert.ok(response.attrs.has(ATTR.XOR_RELAYED_ADDRESS), 'a relayed address');
      // Asking again gives the same credential while most of its life is left: no new usernames to spread over.
      member.send({ type: 'VCW-ICE', payload: {} });
      await waitFor(() => member.ice.length === 2, 3000, 'a second VCW-ICE');
      assert.deepEqual(member.ice[1], servers);
      // A waiting visitor (a socket, no seat) asks and gets nothing.
      const knocked = await send(`${server.url}/api/rooms/turn-queue/knock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const visitor = (await knocked.json()) as { peerId: string; ticket: string };
      const waiting = await connect(server, visitor.peerId, visitor.ticket, { t });
      waiting.send({ type: 'VCW-ICE', payload: {} });
      await sleep(400);
      assert.deepEqual(waiting.ice, [], 'no ICE servers (no TURN credentials) for a waiting visitor');
    }),
  );

  test('one credential holds at most user-quota allocations (shipped configuration)', async () => {
    const lines = readFileSync(SHIPPED_CONFIG, 'utf8').split('\n').map((l) => l.trim());
    const quota = Number(lines.find((l) => l.startsWith('user-quota='))!.split('=')[1]);
    const username = `${Math.floor(Date.now() / 1000) + 600}:quota`;
    for (let i = 0; i < quota; i++) {
      const { response } = await client(production.port).allocate(username, restCredential(username));
      assert.equal(response.cls, 'success', `allocation ${i + 1} of ${quota}: ${response.errorCode}`);
    }
    const { response } = await client(production.port).allocate(username, restCredential(username));
    assert.equal(response.errorCode, 486, `allocation ${quota + 1} is refused: Allocation Quota Reached`);
  });

  test('expired, tampered, foreign and missing credentials are refused (401)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = `${now - 60}:a1b2c3`;
    assert.equal((await client(turn.port).allocate(expired, restCredential(expired))).response.errorCode, 401, 'expired');
    const valid = `${now + 600}:d4e5f6`;
    assert.equal((await client(turn.port).allocate(valid, restCredential(valid, 'another-secret-0123456789-abcdefghijkl'))).response.errorCode, 401, 'signed with another secret');
    const extended = `${now + 86_400}:d4e5f6`;
    assert.equal((await client(turn.port).allocate(extended, restCredential(valid))).response.errorCode, 401, 'expiry extended, old credential');
    const flipped = restCredential(valid).replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal((await client(turn.port).allocate(valid, flipped)).response.errorCode, 401, 'credential tampered');
    assert.equal((await client(turn.port).allocate('alice', 'password')).response.errorCode, 401, 'a static user/password');
    // And the genuine one still works (the refusals above were about the credentials, not the server).
    assert.equal((await client(turn.port).allocate(valid, restCredential(valid))).response.cls, 'success');
  });

  test('production peer rules: no relaying to loopback or private addresses; the test variant allows loopback', async () => {
    const username = `${Math.floor(Date.now() / 1000) + 600}:perm`;
    const prod = client(production.port);
    const allocation = await prod.allocate(username, restCredential(username));
    assert.equal(allocation.response.cls, 'success', `Allocate refused with ${allocation.response.errorCode}`);
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.1.1', '172.16.5.4', '169.254.169.254', '100.64.0.1', '0.0.0.0']) {
      const response = await prod.permit(username, allocation, ip);
      assert.equal(response.errorCode, 403, `CreatePermission to ${ip}: ${response.cls} ${response.errorCode}`);
    }
    const test = client(turn.port);
    const loopback = await test.allocate(username, restCredential(username));
    assert.equal((await test.permit(username, loopback, '127.0.0.1')).cls, 'success', 'the test variant allows loopback peers');
    assert.equal((await test.permit(username, loopback, '10.1.2.3')).errorCode, 403, 'and still denies private ranges');
  });
});
