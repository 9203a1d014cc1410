/**
 * The room-scoped relay: PeerServer's `message` listener, which runs before PeerServer's own handlers with the
 * same mutable message. What may pass is relayed by PeerServer as usual; everything else is turned into a type
 * PeerServer has no handler for (`DROPPED`), so it neither relays nor queues it. Passes: OFFER, ANSWER, CANDIDATE
 * and LEAVE between two peers of one room, within the sender's rate, not nested too deep, to a receiver that keeps
 * up. For a member that has not connected yet, OFFER/ANSWER/CANDIDATE wait in the bounded offline queue. Our own
 * VCW-* messages go to `Support` and are never relayed; support sockets are in no room, so nothing else of theirs
 * passes.
 */
import type { IClient, IMessage } from 'peer';
import type { Logger } from 'pino';
import type { DropReason } from '../metrics/metrics.js';
import { Notice, NOTICE_PREFIX } from '../../../src/protocol/limits.js';
import type { TurnGrants } from '../ice.js';
import type { Rooms } from '../rooms.js';
import type { SharedMode } from '../shared/cluster.js';
import type { SupportService } from '../support/service.js';
import { nestsDeeper } from '../util/json-depth.js';
import type { MessageRate } from './message-rate.js';
import type { OfflineQueues } from './offline-queue.js';
import { MAX_BUFFERED_BYTES, type Registry } from './registry.js';

const MAX_PAYLOAD_DEPTH = 32;
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE', 'LEAVE']);
export const RELAYED_TYPES: ReadonlySet<string> = RELAYED;
/** Kept for a member that has not connected yet (as stock PeerServer does, but bounded); LEAVE is not. */
const QUEUED = new Set(['OFFER', 'ANSWER', 'CANDIDATE']);

export interface RelayDeps {
  readonly rooms: Rooms;
  readonly support: SupportService;
  readonly shared: SharedMode | null;
  readonly registry: Registry;
  readonly offline: OfflineQueues;
  readonly rate: MessageRate;
  readonly turn: TurnGrants;
  readonly log: Logger;
  /** Counts each drop by reason (metrics). */
  readonly dropped?: (reason: DropReason) => void;
  /** Counts each message handed to another instance (shared mode; metrics count it as relayed). */
  readonly forwarded?: (type: string) => void;
}

export function relay({ rooms, support, shared, registry, offline, rate, turn, log, dropped = () => {}, forwarded = () => {} }: RelayDeps): (client: IClient, message: IMessage) => void {
  return (client, message) => {
    const msg = message as unknown as { type: unknown; src: unknown; dst: unknown; payload: unknown };
    if (rate.currentOverRate) {
      dropped('rate-limited');
      msg.type = 'DROPPED';
      return;
    }
    if (msg.type === 'HEARTBEAT') return;
    // A connected member asks for fresh TURN credentials (before its own expire); nobody else gets any.
    if (msg.type === Notice.ICE) {
      const id = client.getId();
      if (rooms.roomOf(id) !== undefined && registry.has(id)) client.send({ type: Notice.ICE, payload: { iceServers: turn.for(id) } });
      msg.type = 'DROPPED';
      return;
    }
    // Our own client messages (the support flow's): SupportService checks who sent what; never relayed.
    if (typeof msg.type === 'string' && msg.type.startsWith(NOTICE_PREFIX)) {
      support.message(client.getId(), msg.type, msg.payload);
      msg.type = 'DROPPED';
      return;
    }
    const room = rooms.roomOf(client.getId());
    // Shared mode: a receiver not held here may sit on another instance, which checks the room before delivery.
    if (shared && room !== undefined && typeof msg.dst === 'string' && rooms.roomOf(msg.dst) === undefined && typeof msg.type === 'string' && RELAYED.has(msg.type) && !nestsDeeper(msg.payload, MAX_PAYLOAD_DEPTH)) {
      const outgoing = { type: msg.type, src: client.getId(), dst: msg.dst, payload: msg.payload };
      const type = msg.type;
      shared.forward(room, outgoing).then(
        (sent) => {
          if (sent) return forwarded(type);
          log.debug({ peer: client.getId() }, 'signaling message for nobody dropped');
          dropped('not-allowed');
        },
        () => log.debug({ peer: client.getId() }, 'signaling message not forwarded: redis unreachable'),
      );
      msg.type = 'DROPPED';
      return;
    }
    const ok =
      typeof msg.type === 'string' &&
      RELAYED.has(msg.type) &&
      typeof msg.dst === 'string' &&
      room !== undefined &&
      rooms.roomOf(msg.dst) === room &&
      !nestsDeeper(msg.payload, MAX_PAYLOAD_DEPTH);
    if (!ok) {
      log.debug({ peer: client.getId(), type: String(msg.type).slice(0, 32) }, 'signaling message dropped');
      dropped('not-allowed');
      msg.type = 'DROPPED';
      return;
    }
    const dst = msg.dst as string;
    if (!registry.has(dst)) {
      const kept = QUEUED.has(msg.type as string) && offline.enqueue(dst, { type: msg.type, src: msg.src, dst, payload: msg.payload }, rate.currentBytes);
      if (!kept) {
        log.debug({ peer: client.getId(), dst }, 'message for a member not connected yet dropped');
        dropped(QUEUED.has(msg.type as string) ? 'offline-queue-full' : 'not-allowed');
      }
      msg.type = 'DROPPED';
      return;
    }
    // A receiver that does not keep up is not buffered for without end: while its backlog is over the bound,
    // messages to it are dropped (it keeps its socket — a flood from someone else must not cost it the call).
    const target = registry.socket(dst);
    if (target && target.bufferedAmount > MAX_BUFFERED_BYTES) {
      log.debug({ peer: dst }, 'receiver backlogged: message dropped');
      dropped('receiver-backlogged');
      msg.type = 'DROPPED';
    }
  };
}
