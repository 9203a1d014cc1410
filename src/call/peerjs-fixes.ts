/**
 * Where PeerJS needs help: a guard around its frame reader, a small first frame for a new call's camera, and a
 * teardown that really closes every connection. Each one works around a behaviour measured or met in PeerJS 1.5.
 */
import type { DataConnection, Peer } from 'peerjs';
import { MAX_FRAME } from '../protocol/parse.js';

/** PeerJS's (internal, protected) frame reader of a JSON connection, wrapped to be robust. */
const FRAME_READER = '_handleDataMessage';

/**
 * A new call's camera starts at half the width and height: at full size (720p) the encoder drops its first frames
 * until the bandwidth estimate catches up, which put the first picture ≈ 130 ms later on loopback. The stats
 * controller's next pass (within 1.5 s) sends the size the mesh allows.
 */
const FAST_START_SCALE = 2;

/**
 * PeerJS decodes frames without a guard: a non-binary, oversized, non-JSON or `null` frame would throw in
 * its message handler. Check the frame first and count what cannot be read (`invalid`).
 */
export function guardFrames(conn: DataConnection, invalid: () => void): void {
  const read: unknown = Reflect.get(conn, FRAME_READER);
  if (typeof read === 'function') {
    Reflect.set(conn, FRAME_READER, (event: MessageEvent) => {
      const frame: unknown = event.data;
      if (!(frame instanceof ArrayBuffer) || frame.byteLength > MAX_FRAME) return void invalid();
      try {
        read.call(conn, event);
      } catch {
        invalid();
      }
    });
  }
}

/** Send the first frames of a new call small (FAST_START_SCALE); a browser that refuses keeps the full size. */
export function fastStart(pc: RTCPeerConnection): void {
  const sender = pc.getSenders().find((s) => s.track?.kind === 'video');
  const params = sender?.getParameters();
  const encoding = params?.encodings?.[0];
  if (!sender || !encoding) return;
  encoding.scaleResolutionDownBy = Math.max(FAST_START_SCALE, encoding.scaleResolutionDownBy ?? 1);
  sender.setParameters(params).catch(() => undefined);
}

/**
 * PeerJS's destroy() walks each peer's connection list while closing removes entries from it, so it skips
 * some (a data connection still offering stays open for good). Close every one ourselves first.
 */
export function destroyPeer(peer: Peer | undefined): void {
  for (const list of Object.values(peer?.connections ?? {}) as Array<Array<{ close(): void }>>) {
    for (const connection of [...list]) connection.close();
  }
  peer?.destroy();
}
