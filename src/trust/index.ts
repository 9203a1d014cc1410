/** The trust chunk: signing our chat messages and checking everyone's (see signing.ts). */
export { Signer } from './signing.js';
