/**
 * Where PeerServer is mounted and the PeerJS key its clients use: what the room API tells each widget (the
 * `signaling` of its answer) and what the upgrade guard checks.
 */

/** Where PeerServer is mounted; the WebSocket endpoint is `${SIGNALING_PATH}/peerjs`. */
export const SIGNALING_PATH = '/signal';
export const PEERJS_KEY = 'vcw';
