/**
 * Registration's second line of defence (issue 15.1), without a server process: PeerServer reads the socket URL
 * itself, so whatever id and ticket it registered are checked against the ticket the upgrade guard admitted. A
 * client registered under any other id — or with another ticket — is closed, takes no seat, receives nothing
 * kept for that id, and frees nobody's seat when it goes.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { IClient } from 'peer';
import { pino } from 'pino';
import type { WebSocket } from 'ws';
import type { TurnGrants } from '../src/ice.js';
import { Rooms } from '../src/rooms.js';
import { OfflineQueues } from '../src/signaling/offline-queue.js';
import { Registration } from '../src/signaling/registration.js';
import { Registry } from '../src/signaling/registry.js';
import { admit } from '../src/signaling/upgrade-guard.js';
import type { Support } from '../src/support/support.js';
import { peerToken, Tickets } from '../src/tickets.js';

/** A socket that records whether it was terminated (what registration sends it, its ICE servers, goes nowhere). */
function fakeSocket(): WebSocket & { terminated: boolean } {
  const socket = { terminated: false, on: () => socket, terminate: () => void (socket.terminated = true), close: () => void (socket.terminated = true), send: () => {} };
  return socket as unknown as WebSocket & { terminated: boolean };
}

/** A PeerServer client as PeerServer would have built it from a URL: the id and the token (ticket signature) it read. */
function fakeClient(id: string, ticket: string, socket: WebSocket): IClient & { sent: object[] } {
  const sent: object[] = [];
  return { sent, getId: () => id, getToken: () => peerToken(ticket), getSocket: () => socket, send: (m: object) => void sent.push(m) } as unknown as IClient & { sent: object[] };
}

const noTurn = { for: () => [], drop: () => {} } as unknown as TurnGrants;
const noSupport = { isBanned: () => false, accepts: () => true, connected: () => {}, disconnected: () => {} } as unknown as Support;

test('a client registered under an id or ticket other than the admitted one is closed and holds nothing', () => {
  const rooms = new Rooms(4, 60_000);
  const tickets = new Tickets(randomBytes(32), 3600);
  const registry = new Registry();
  const offline = new OfflineQueues(10, 10_000);
  const registration = new Registration({ rooms, tickets, support: noSupport, registry, offline, turn: noTurn, log: pino({ level: 'silent' }) });
  const attacker = rooms.reserve('r', 'Attacker')!;
  const victim = rooms.reserve('r', 'Victim')!;
  const attackerTicket = tickets.issue('r', attacker.peerId, 'Attacker');
  offline.enqueue(victim.peerId, { type: 'OFFER', payload: 'for the victim' }, 30);

  // PeerServer read the victim's id; the guard admitted the attacker's id and ticket.
  const socket = fakeSocket();
  registration.watch(socket, admitted(attackerTicket, attacker.peerId));
  const client = fakeClient(victim.peerId, attackerTicket, socket);
  registration.connected(client);
  assert.ok(socket.terminated, 'the socket is closed');
  assert.deepEqual(client.sent, [], 'nothing kept for the victim was handed over');
  assert.ok(!registry.has(victim.peerId), 'nobody is registered as the victim');
  registration.disconnected(client);
  assert.equal(rooms.roomOf(victim.peerId), 'r', "the victim's seat is still there");
  assert.deepEqual(rooms.stats(), { rooms: 1, peers: 2 });

  // The right id with a ticket other than the admitted one (even a genuine one) is refused as well.
  const other = fakeSocket();
  registration.watch(other, admitted(tickets.issue('r', victim.peerId, 'Victim', Date.now() - 5000), victim.peerId));
  registration.connected(fakeClient(victim.peerId, tickets.issue('r', victim.peerId, 'Victim'), other));
  assert.ok(other.terminated);

  // The admitted id and ticket are taken, and its seat is freed by that id when it goes.
  const own = fakeSocket();
  registration.watch(own, admitted(attackerTicket, attacker.peerId));
  const genuine = fakeClient(attacker.peerId, attackerTicket, own);
  registration.connected(genuine);
  assert.ok(!own.terminated && registry.has(attacker.peerId));
  registration.disconnected(genuine);
  assert.equal(rooms.roomOf(attacker.peerId), undefined);
  assert.equal(rooms.roomOf(victim.peerId), 'r');
  rooms.clear();
});

/** An upgrade request the guard admitted with `ticket`. */
function admitted(ticket: string, peerId: string): IncomingMessage {
  const req = { url: '/signal/peerjs' } as IncomingMessage;
  admit(req, ticket, peerId);
  return req;
}
