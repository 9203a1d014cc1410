/** The lazily loaded half of the widget: what is needed once someone joins (PeerJS, the mesh, the call view). */
export { CallController } from './controllers/call-controller.js';
export { callView } from './parts/call-view.js';
export { callStyles } from './parts/call-view.styles.js';
export { Session } from './session.js';
