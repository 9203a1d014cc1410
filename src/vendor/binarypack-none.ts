/**
 * Stand-in for `peerjs-js-binarypack`, which PeerJS imports for its `binary` serialization. The widget never uses it:
 * every data connection it opens is `serialization: 'json'`, and it closes incoming ones of any other kind before
 * they carry data. The real package is about 4 KB gzip. Aliased in vite.config.ts.
 */
const refuse = (): never => {
  throw new Error('binary serialization is not part of video-call-widget');
};
export const pack = refuse;
export const unpack = refuse;
