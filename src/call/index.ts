/**
 * The call chunk's entry: what the element loads once someone joins (PeerJS, the mesh, chat, files, the call view),
 * typed by `CallChunk` in the host contract.
 */
import type { WidgetHost } from '../core/host.js';
import { callStyles } from './call-view.styles.js';
import { Session } from './session.js';

// What the support flow borrows once a call is on its way (knock, desk): the room API.
export { NOT_UNDERSTOOD, roomApi } from './room-api.js';

/** The session of one element; the call's styles join the element's shadow root. */
export function createSession(host: WidgetHost): Session {
  const root = host.element.renderRoot;
  if (root instanceof ShadowRoot && callStyles.styleSheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, callStyles.styleSheet];
  return new Session(host);
}
