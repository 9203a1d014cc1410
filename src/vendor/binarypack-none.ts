/**
 * Stand-in for `peerjs-js-binarypack`, which PeerJS imports for its `binary` serialization. The widget never uses it:
 * every data connection is JSON (PeerJS's other serializers are left out of the build too, see `peerjsJsonOnly()` in
 * vite.config.ts). The real package is about 4 KB gzip. Aliased in vite.config.ts.
 */
const refuse = (): never => {
  throw new Error('binary serialization is not part of video-call-widget');
};
export const pack = refuse;
export const unpack = refuse;
