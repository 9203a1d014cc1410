/**
 * The call chunk's entry: what the element loads once someone joins (PeerJS, the mesh, chat, files, the call view),
 * typed by `CallChunk` in the host contract.
 */
import type { WidgetHost } from '../core/host.js';
import { Session } from './session.js';

export { callStyles } from './call-view.styles.js';
// What the support flow borrows once a call is on its way (knock, desk): the room API.
export { NOT_UNDERSTOOD, roomApi } from './room-api.js';

export const createSession = (host: WidgetHost) => new Session(host);
