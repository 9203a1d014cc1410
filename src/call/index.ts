/** The lazily loaded half of the widget: what is needed once someone joins (PeerJS, the mesh, the call view). */
export { CallController } from './controllers/call-controller.js';
export { callView } from './parts/call-view.js';
export { callStyles } from './parts/call-view.styles.js';
export { Session } from './session.js';
// What the support flow borrows once a call is on its way (knock, desk): the room API and the seat check.
export { NOT_UNDERSTOOD, roomApi } from './controllers/room-api.js';
export { parseJoinResponse } from './protocol.js';
