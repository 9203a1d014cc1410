/**
 * Stand-in for `webrtc-adapter`, which PeerJS imports only to name the browser (`util.browser`,
 * `util.supports.browser`). The real package is 13 KB gzip of shims for browsers that predate the
 * standard WebRTC API; the browsers we support (current Chrome, Edge, Firefox, Safari) need none of them.
 * Aliased in vite.config.ts.
 */
const ua = typeof navigator === 'undefined' ? '' : navigator.userAgent;
const firefox = /Firefox\/(\d+)/.exec(ua);
const chrome = /Chrom(?:e|ium)\/(\d+)/.exec(ua);
const safari = /Version\/(\d+).*Safari\//.exec(ua);
const [browser, match] = firefox ? ['firefox', firefox] : chrome ? ['chrome', chrome] : safari ? ['safari', safari] : ['Not a supported browser.', null];

export default { browserDetails: { browser, version: match ? Number(match[1]) : null } };
