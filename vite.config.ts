import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/** Collapse the whitespace of the stylesheet literal in `*.styles.ts` (one css`` with no expressions). */
function compactStyles(): Plugin {
  return {
    name: 'vcw-compact-styles',
    transform(code, id) {
      if (!id.endsWith('.styles.ts')) return null;
      const compact = code.replace(/css`([^`$]*)`/g, (_m, body: string) =>
        `css\`${body.replace(/\s+/g, ' ').replace(/\s*([{}:;,>])\s*/g, '$1').replace(/;}/g, '}').trim()}\``,
      );
      return { code: compact, map: null };
    },
  };
}

/**
 * Lit templates keep the source's line breaks and indentation as text nodes and attribute whitespace. In the static
 * text of every html`` literal of src/, a line break with the spaces around it becomes one space: what the browser
 * renders is the same (no template of the widget puts literal text in `<pre>`, `<textarea>` or a `white-space: pre*`
 * element; their content is always a binding). Fails the build if a literal does not close.
 */
function compactTemplates(): Plugin {
  return {
    name: 'vcw-compact-templates',
    transform(code, id) {
      if (!/[\\/]src[\\/].*\.ts$/.test(id) || id.endsWith('.styles.ts') || !code.includes('html`')) return null;
      return { code: compactHtmlLiterals(code), map: null };
    },
  };
}

/** See compactTemplates(): the code with the static text of each html`` literal (nested ones too) compacted. */
export function compactHtmlLiterals(code: string): string {
  let out = '';
  let from = 0;
  const tag = /\bhtml`/g;
  for (let m = tag.exec(code); m; m = tag.exec(code)) {
    if (m.index < from) continue;
    const start = m.index + m[0].length;
    const end = templateEnd(code, start);
    out += code.slice(from, start) + compactText(code.slice(start, end));
    from = tag.lastIndex = end;
  }
  return out + code.slice(from);
}

/** Compact the static parts of a template body (between its backticks), recursing into html`` in its expressions. */
function compactText(body: string): string {
  let out = '';
  let text = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') i++;
    else if (body[i] === '$' && body[i + 1] === '{') {
      out += body.slice(text, i).replace(/[ \t]*\n\s*/g, ' ');
      const close = expressionEnd(body, i + 2);
      out += `\${${compactHtmlLiterals(body.slice(i + 2, close))}}`;
      text = close + 1;
      i = close;
    }
  }
  return out + body.slice(text).replace(/[ \t]*\n\s*/g, ' ');
}

/** The index of the backtick that ends the template literal whose body starts at `i`. */
function templateEnd(code: string, i: number): number {
  for (; i < code.length; i++) {
    if (code[i] === '\\') i++;
    else if (code[i] === '`') return i;
    else if (code[i] === '$' && code[i + 1] === '{') i = expressionEnd(code, i + 2);
  }
  throw new Error('compactTemplates: a template literal did not close; check vite.config.ts');
}

/** The index of the `}` that closes the `${` expression starting at `i` (strings, comments and template literals skipped). */
function expressionEnd(code: string, i: number): number {
  let depth = 1;
  for (; i < code.length; i++) {
    const c = code[i]!;
    if (c === '`') i = templateEnd(code, i + 1);
    else if (c === '/' && code[i + 1] === '/') i = code.indexOf('\n', i);
    else if (c === '/' && code[i + 1] === '*') i = code.indexOf('*/', i) + 1;
    else if (c === '"' || c === "'") {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  throw new Error('compactTemplates: a template expression did not close; check vite.config.ts');
}

/**
 * PeerJS registers every serializer it has (binary-pack with its chunker, raw, JSON) in the `Peer` constructor, so
 * none of them can be tree-shaken. The widget opens JSON connections only: point every name at the JSON class so the
 * others drop out of the bundle. An incoming offer that asks for another serialization then gets a JSON connection,
 * whose frames pass the widget's frame check like any other (what is not JSON is dropped and counted). Fails the
 * build if PeerJS's code changed shape.
 */
function peerjsJsonOnly(): Plugin {
  return {
    name: 'vcw-peerjs-json-only',
    transform(code, id) {
      if (!/[\\/]peerjs[\\/]dist[\\/]bundler\.mjs$/.test(id)) return null;
      return { code: trimPeerjs(code), map: null };
    },
  };
}

/** PeerJS's bundle as the widget ships it: JSON connections only, and every trim below. Throws if its shape changed. */
export function trimPeerjs(code: string): string {
  const ref = String.raw`\(0, [$\w]+\)`;
  const table = new RegExp(String.raw`this\._serializers = \{\s*raw: ${ref},\s*json: (${ref}),\s*binary: ${ref},\s*"binary-utf8": ${ref},\s*default: ${ref}\s*\}`);
  const found = table.exec(code);
  if (!found) throw new Error('peerjs: the serializer table was not found; check vite.config.ts trimPeerjs()');
  const json = found[1];
  const jsonOnly = code.replace(table, `this._serializers = { raw: ${json}, json: ${json}, binary: ${json}, "binary-utf8": ${json}, default: ${json} }`);
  const trims = [dropPeerjsLogs, dropPeerjsLogger, dropPeerjsRestApi, smallEmitter, noThirdPartyIce, utilWithoutChunker, utilWithoutBrowserDetection, noSupportProbe, shortReconnectErrors, dropEnumNamespace, jsonSerializationName, noSdpTransform, inlineEnums];
  return trims.reduce((out, trim) => trim(out), jsonOnly);
}

/**
 * The widget opens PeerJS with `debug: 0`, so PeerJS's logger prints nothing: its 60-odd `log`, `warn` and `error`
 * calls are only message strings in the bundle. Each call becomes `void 0` (the arguments are strings and property
 * reads, without side effects). Fails the build if the logger is no longer found or a call cannot be parsed.
 */
export function dropPeerjsLogs(code: string): string {
  const call = /\(0, (\$\w+\$export\$2e2bcd8739ae039)\)\.(?:log|warn|error)\(/g;
  const logger = /var (\$\w+\$export\$2e2bcd8739ae039) = new \$\w+\$var\$Logger\(\);/.exec(code)?.[1];
  if (!logger) throw new Error('peerjs: the logger was not found; check vite.config.ts dropPeerjsLogs()');
  let out = '';
  let from = 0;
  for (let m = call.exec(code); m; m = call.exec(code)) {
    if (m[1] !== logger) continue;
    const end = closingParen(code, m.index + m[0].length);
    out += `${code.slice(from, m.index)}void 0`;
    from = call.lastIndex = end + 1;
  }
  return out + code.slice(from);
}

/**
 * PeerJS's REST client (`API`: a random id from the server, the deprecated peer list) is built in the `Peer`
 * constructor but used only when no id is given; the widget always opens PeerJS with the id the room API assigned,
 * and never asks for the peer list (`Peer.listAllPeers`, deprecated, which goes too). In its place: an object whose
 * `retrieveId` rejects, so the class drops out of the bundle. Fails the build if PeerJS's code changed shape.
 */
export function dropPeerjsRestApi(code: string): string {
  const construct = /this\._api = new \(0, [$\w]+\)\(options\);/;
  const list = /\n    \/\*\*\n\t \* Get a list of available peer IDs\.[^]*?\*\/ listAllPeers\(cb = \(_\)=>\{\}\) \{\n[^\n]*\n    \}\n/;
  if (!construct.test(code) || !list.test(code)) throw new Error('peerjs: the REST API was not found; check vite.config.ts dropPeerjsRestApi()');
  const refuse = '()=>Promise.reject(new Error("video-call-widget: peer ids come from the room API"))';
  const out = code.replace(construct, `this._api = { retrieveId: ${refuse} };`).replace(list, '\n');
  if (/\.listAllPeers\(/.test(out)) throw new Error('peerjs: the peer list is still asked for; check vite.config.ts dropPeerjsRestApi()');
  return out;
}

/**
 * PeerJS inlines eventemitter3 (with its old-browser fallbacks and aliases). In its place: a small emitter of our own
 * with the API PeerJS and the widget use (on/addListener, once, off/removeListener, removeAllListeners, emit; listeners called with their context, `once` ones removed before they run). Fails the build if the
 * inlined module is not found as expected.
 */
export function smallEmitter(code: string): string {
  const start = code.indexOf('var $c4dcfd1d1ea86647$exports = {};');
  const endMark = '$c4dcfd1d1ea86647$exports = $c4dcfd1d1ea86647$var$EventEmitter;';
  const end = code.indexOf(endMark);
  if (start < 0 || end < start || code.indexOf('$c4dcfd1d1ea86647$', end + endMark.length) < 0) {
    throw new Error('peerjs: the inlined eventemitter3 was not found; check vite.config.ts smallEmitter()');
  }
  return `${code.slice(0, start)}var $c4dcfd1d1ea86647$exports = { EventEmitter: ${EMITTER} };${code.slice(end + endMark.length)}`;
}

const EMITTER = `class EventEmitter {
  _vcwListeners = new Map();
  on(name, fn, context, once = false) {
    const list = this._vcwListeners.get(name) ?? [];
    list.push({ fn, context, once });
    this._vcwListeners.set(name, list);
    return this;
  }
  off(name, fn, context, once) {
    const list = this._vcwListeners.get(name);
    if (!list) return this;
    const keep = fn ? list.filter((l) => l.fn !== fn || (once && !l.once) || (context && l.context !== context)) : [];
    if (keep.length) this._vcwListeners.set(name, keep);
    else this._vcwListeners.delete(name);
    return this;
  }
  once(name, fn, context) { return this.on(name, fn, context, true); }
  removeAllListeners(name) {
    if (name === undefined) this._vcwListeners.clear();
    else this._vcwListeners.delete(name);
    return this;
  }
  emit(name, ...args) {
    const list = this._vcwListeners.get(name);
    if (!list) return false;
    for (const l of [...list]) {
      if (l.once) this.off(name, l.fn, undefined, true);
      l.fn.apply(l.context ?? this, args);
    }
    return true;
  }
  static {
    this.prototype.addListener = this.prototype.on;
    this.prototype.removeListener = this.prototype.off;
  }
}`;

/**
 * PeerJS's default configuration names a Google STUN server and PeerJS's public TURN servers; the widget always passes
 * the ICE servers the room API gave it, and the project contacts no third party by default. The default becomes an
 * empty list (also used by PeerJS's feature test at load). Fails the build if the default is not found.
 */
export function noThirdPartyIce(code: string): string {
  const config = /(\$\w+\$var\$DEFAULT_CONFIG = \{\s*iceServers: )\[[^\]]*?stun:[\s\S]*?credential: "peerjsp"\s*\}\s*\]/;
  if (!config.test(code)) throw new Error('peerjs: DEFAULT_CONFIG was not found; check vite.config.ts noThirdPartyIce()');
  return code.replace(config, '$1[]');
}

/**
 * PeerJS's `util` extends the binary chunker (which splits binary-pack messages) only to carry its `chunkedMTU`, which
 * the JSON connection reads; with binary serialization gone (peerjsJsonOnly) the chunker itself is dead weight. `util`
 * extends a class holding only that number. Fails the build if the shape changed.
 */
export function utilWithoutChunker(code: string): string {
  const chunker = '$fcbcc7538a6776d5$export$f1c5f4c9cb95390b';
  const util = `class $4f4134156c446392$export$f8f26dd395d7e1bd extends (0, ${chunker}) {`;
  const mtu = /this\.chunkedMTU = (\d+)/.exec(code);
  if (!code.includes(util) || !code.includes(`class ${chunker} {`) || !mtu) {
    throw new Error('peerjs: util and its chunker were not found; check vite.config.ts utilWithoutChunker()');
  }
  // Its binary helpers served the binary serializations only: nothing calls them any more.
  const helpers = /    noop\(\) \{\}\n    blobToArrayBuffer\(blob, cb\) \{[\s\S]*?\n    \}\n    binaryStringToArrayBuffer\(binary\) \{[\s\S]*?\n    \}\n/;
  if (!helpers.test(code) || /\.(blobToArrayBuffer|binaryStringToArrayBuffer|noop)\(/.test(code)) {
    throw new Error('peerjs: util\'s binary helpers were not found, or are used; check vite.config.ts utilWithoutChunker()');
  }
  return code
    .replace(util, `class $4f4134156c446392$export$f8f26dd395d7e1bd extends (class { constructor() { this.chunkedMTU = ${mtu[1]}; } }) {`)
    .replace(helpers, '')
    // Which browsers need binary chunking: read by nobody.
    .replace(/this\.chunkedBrowsers = \{\s*Chrome: 1,\s*chrome: 1\s*\}, /, '');
}

/**
 * With every log call gone (dropPeerjsLogs), PeerJS's logger is only configured, never asked to print: the `Peer`
 * constructor's two lines that set its level and print function go, and with them the logger class. Fails the build
 * if the logger is still called or its shape changed.
 */
export function dropPeerjsLogger(code: string): string {
  const logger = '$257947e92926277a$export$2e2bcd8739ae039';
  const configure =
    /\n\s*\/\/ Set a custom log function if present\n\s*if \(this\._options\.logFunction\) \(0, \$257947e92926277a\$export\$2e2bcd8739ae039\)\.setLogFunction\(this\._options\.logFunction\);\n\s*\(0, \$257947e92926277a\$export\$2e2bcd8739ae039\)\.logLevel = this\._options\.debug \|\| 0;/;
  const start = code.indexOf('const $257947e92926277a$var$LOG_PREFIX = "PeerJS: ";');
  const endMark = `var ${logger} = new $257947e92926277a$var$Logger();`;
  const end = code.indexOf(endMark);
  if (!configure.test(code) || start < 0 || end < start) throw new Error('peerjs: the logger was not found; check vite.config.ts dropPeerjsLogger()');
  const out = code.slice(0, start) + code.slice(end + endMark.length).replace(configure, '');
  if (out.includes(logger) || out.includes('$257947e92926277a$var$Logger')) throw new Error('peerjs: the logger is still used; check vite.config.ts dropPeerjsLogs()');
  return out;
}

/**
 * PeerJS names the browser (through `webrtc-adapter`: `util.browser`, `util.browserVersion`, `util.supports.browser`,
 * `supports.binaryBlob`) and keeps binarypack's `pack`/`unpack` on `util`: nothing reads them, neither PeerJS (which
 * checks only `supports.audioVideo` and `supports.data`) nor the widget. They go, and with them the browser-detection
 * class and the `webrtc-adapter` import (so no shim for it); `supports` is still measured the same way (a throwaway
 * RTCPeerConnection and data channel). Fails the build if the shape changed.
 */
export function utilWithoutBrowserDetection(code: string): string {
  const browser = '$fb63e766cfafaab9$export$25be9502477c137d';
  const start = code.indexOf('const $fb63e766cfafaab9$var$webRTCAdapter = ');
  const end = code.indexOf('\n}();\n', start);
  const fields = /this\.browser = \(0, \$fb63e766cfafaab9\$export\$25be9502477c137d\)\.getBrowser\(\), this\.browserVersion = \(0, \$fb63e766cfafaab9\$export\$25be9502477c137d\)\.getVersion\(\), this\.pack = \$gCcbY\$pack, this\.unpack = \$gCcbY\$unpack, /;
  const detect = /browser: \(0, \$fb63e766cfafaab9\$export\$25be9502477c137d\)\.isBrowserSupported\(\),\s*webRTC: \(0, \$fb63e766cfafaab9\$export\$25be9502477c137d\)\.isWebRTCSupported\(\),/;
  const blob = /binaryBlob: false,\s*/;
  const blobTest = /\s*\/\/ Binary test\s*try \{\s*dc\.binaryType = "blob";\s*supported\.binaryBlob = !\(0, \$fb63e766cfafaab9\$export\$25be9502477c137d\)\.isIOS;\s*\} catch \(e\) \{\}/;
  const imports = /^import \$gCcbY\$webrtcadapter from "webrtc-adapter";\n/m;
  if (start < 0 || end < start || ![fields, detect, blob, blobTest, imports].every((r) => r.test(code))) {
    throw new Error('peerjs: util\'s browser detection was not found; check vite.config.ts utilWithoutBrowserDetection()');
  }
  const out = (code.slice(0, start) + code.slice(end + '\n}();\n'.length))
    .replace(imports, '')
    .replace(fields, '')
    .replace(detect, 'webRTC: typeof RTCPeerConnection !== "undefined",')
    .replace(blob, '')
    .replace(blobTest, '');
  if (out.includes(browser) || out.includes('$gCcbY$webrtcadapter') || /this\.(pack|unpack) = /.test(out)) throw new Error('peerjs: the browser detection is still used; check vite.config.ts utilWithoutBrowserDetection()');
  return out;
}

/**
 * PeerJS probes the browser when it loads (`util.supports`): a throwaway RTCPeerConnection with a data channel, made
 * and closed on every page that loads the call chunk. The widget refuses a browser without RTCPeerConnection itself
 * (`unsupported-browser`, before any device or call), and every engine that has one has media and reliable data
 * channels: `supports` says so without the probe. Runs after utilWithoutBrowserDetection. Fails the build if the
 * shape changed.
 */
export function noSupportProbe(code: string): string {
  const probe = /this\.supports = function\(\) \{\s*const supported = \{\s*webRTC: typeof RTCPeerConnection !== "undefined",[\s\S]*?\n\s*return supported;\s*\}\(\),/;
  if (!probe.test(code)) throw new Error('peerjs: the support probe was not found; check vite.config.ts noSupportProbe()');
  const out = code.replace(probe, 'this.supports = { webRTC: typeof RTCPeerConnection !== "undefined", audioVideo: true, data: true, reliable: true },');
  if (out.includes('_PEERJSTEST')) throw new Error('peerjs: the support probe is still there; check vite.config.ts noSupportProbe()');
  return out;
}

/**
 * `Peer.reconnect()` throws two long sentences when called on a destroyed or connected peer; the widget calls it only
 * on a disconnected one (and catches): they become short ones. Fails the build if they are not found.
 */
export function shortReconnectErrors(code: string): string {
  const destroyed = 'throw new Error("This peer cannot reconnect to the server. It has already been destroyed.");';
  const connected = 'throw new Error(`Peer ${this.id} cannot reconnect because it is not disconnected from the server!`);';
  if (!code.includes(destroyed) || !code.includes(connected)) throw new Error('peerjs: reconnect()\'s errors were not found; check vite.config.ts shortReconnectErrors()');
  return code.replace(destroyed, 'throw new Error("destroyed");').replace(connected, 'throw new Error("not disconnected");');
}

/**
 * PeerJS lets a caller rewrite each offer's and answer's SDP (`sdpTransform`, in the options of `call`, `connect` and
 * `answer`); the widget never passes one, so the three places that look for it go. Fails the build if they are not
 * found, or another place reads it.
 */
export function noSdpTransform(code: string): string {
  const reads = [
    /\n\s*if \(this\.connection\.options\.sdpTransform && typeof this\.connection\.options\.sdpTransform === "function"\) offer\.sdp = this\.connection\.options\.sdpTransform\(offer\.sdp\) \|\| offer\.sdp;/,
    /\n\s*if \(this\.connection\.options\.sdpTransform && typeof this\.connection\.options\.sdpTransform === "function"\) answer\.sdp = this\.connection\.options\.sdpTransform\(answer\.sdp\) \|\| answer\.sdp;/,
    /\n\s*if \(options && options\.sdpTransform\) this\.options\.sdpTransform = options\.sdpTransform;/,
  ];
  if (!reads.every((r) => r.test(code))) throw new Error('peerjs: sdpTransform was not found; check vite.config.ts noSdpTransform()');
  const out = reads.reduce((c, r) => c.replace(r, ''), code);
  if (out.includes('sdpTransform')) throw new Error('peerjs: sdpTransform is read elsewhere; check vite.config.ts noSdpTransform()');
  return out;
}

/**
 * The JSON connection names its serialization through PeerJS's `SerializationType` enum, which nothing else left in the
 * bundle reads (the other connection classes are gone, see peerjsJsonOnly()): the name is written out, `"json"`, and
 * the enum drops out. Fails the build if the shape changed.
 */
export function jsonSerializationName(code: string): string {
  const named = 'super(...args), this.serialization = (0, $78455e22dea96b8c$export$89f507cf986a947).JSON, this.encoder = new TextEncoder()';
  if (!code.includes(named)) throw new Error('peerjs: the JSON connection\'s serialization was not found; check vite.config.ts jsonSerializationName()');
  return code.replace(named, 'super(...args), this.serialization = "json", this.encoder = new TextEncoder()');
}

/**
 * PeerJS builds a namespace object of its enums (`$parcel$export` getters), for an `export *` nobody reads: the enums
 * themselves stay, the namespace goes. Fails the build if it is read or its shape changed.
 */
export function dropEnumNamespace(code: string): string {
  const ns = '$78455e22dea96b8c$exports';
  const block = /var \$78455e22dea96b8c\$exports = \{\};\n\n(?:\$parcel\$export\(\$78455e22dea96b8c\$exports, "\w+", \(\) => \$78455e22dea96b8c\$export\$\w+\);\n)+/;
  if (!block.test(code)) throw new Error('peerjs: the enum namespace was not found; check vite.config.ts dropEnumNamespace()');
  const out = code.replace(block, '');
  if (out.includes(ns)) throw new Error('peerjs: the enum namespace is read; check vite.config.ts dropEnumNamespace()');
  return out;
}

/**
 * PeerJS's enums (`ServerMessageType.Offer`, `PeerErrorType.Network`, …) are objects of names to strings, read as
 * `(0, $…$export$…).Name` all over the bundle: each read becomes its string, and the objects, read by nobody then, drop
 * out of the bundle. Fails the build if no enum is found, or one is still read some other way.
 */
export function inlineEnums(code: string): string {
  const enums = [...code.matchAll(/var (\$78455e22dea96b8c\$export\$\w+) = \/\*#__PURE__\*\/ function\((\w+)\) \{([\s\S]*?)return \2;\n\}\(\{\}\);/g)];
  if (enums.length < 5) throw new Error('peerjs: its enums were not found; check vite.config.ts inlineEnums()');
  let out = code;
  for (const [, name, local, body] of enums) {
    const values = new Map([...body!.matchAll(new RegExp(String.raw`${local}\["(\w+)"\] = ("[^"]*");`, 'g'))].map(([, key, value]) => [key!, value!]));
    const escaped = name!.replace(/\$/g, '\\$');
    out = out.replace(new RegExp(String.raw`(?:\(0, ${escaped}\)|${escaped})\.(\w+)\b`, 'g'), (read, key: string) => {
      const value = values.get(key);
      if (value === undefined) throw new Error(`peerjs: ${read} is not one of the enum's names; check vite.config.ts inlineEnums()`);
      return value;
    });
    // What is left: the enum's own definition and the package's export list.
    if (out.split(name!).length - 1 > 2) throw new Error(`peerjs: the enum ${local} is still read; check vite.config.ts inlineEnums()`);
  }
  return out;
}

/** The index of the `)` that closes the call whose arguments start at `i` (strings and template literals skipped). */
function closingParen(code: string, i: number): number {
  let depth = 1;
  for (; i < code.length; i++) {
    const c = code[i]!;
    if (c === '"' || c === "'" || c === '`') {
      for (i++; code[i] !== c; i++) {
        if (code[i] === '\\') i++;
        else if (c === '`' && code[i] === '$' && code[i + 1] === '{') i = closingBrace(code, i + 2);
        if (i >= code.length) break;
      }
    } else if (c === '(' || c === '{' || c === '[') depth++;
    else if ((c === ')' || c === '}' || c === ']') && --depth === 0) return i;
  }
  throw new Error('peerjs: a logger call did not close; check vite.config.ts dropPeerjsLogs()');
}

function closingBrace(code: string, i: number): number {
  const end = closingParen(code, i);
  if (code[end] !== '}') throw new Error('peerjs: a template literal did not close; check vite.config.ts dropPeerjsLogs()');
  return end;
}

/**
 * Folders are chunks: `src/<folder>/` becomes the chunk `<folder>`, loaded when the core first `import()`s it. The
 * core chunk (named like the entry, beside it) holds `src/core/`, Lit and the protocol's room and name rules (the pre-join script);
 * each language table is its own chunk; PeerJS and its shims go with the call. Lit's directive base is needed only by
 * the devices chunk's `<video>` binding. The layering rules (`.dependency-cruiser.cjs`) keep imports in line with it.
 */
/**
 * Lit as the widget uses it: modern browsers only, no server rendering, no second copy of Lit to warn about. Drops the
 * hooks for the old Shady DOM polyfills and for hydration (each a global read and a call), the version lists Lit keeps
 * on `globalThis` for its multiple-copies warning, and shortens the two `css` misuse errors (a `CSSResult` built by
 * hand, a non-`css` value in `css```): the widget does neither, and the errors still throw. Each change must find its
 * text: a Lit update that moves it fails the build here instead of silently shipping the old weight.
 */
function litTrims(): Plugin {
  const edits: [RegExp, RegExp, string][] = [
    [/[\\/]@lit[\\/]reactive-element[\\/]css-tag\.js$/, /"CSSResult is not constructable[^"]*"/, '"CSSResult"'],
    [/[\\/]@lit[\\/]reactive-element[\\/]css-tag\.js$/, /"Value passed to 'css' function[^"]*"\+(\w+)\+"[^"]*"/, '"css: "+$1'],
    [/[\\/]@lit[\\/]reactive-element[\\/]reactive-element\.js$/, /\w+\.reactiveElementPolyfillSupport/, 'void 0'],
    [/[\\/]@lit[\\/]reactive-element[\\/]reactive-element\.js$/, /\(\w+\.reactiveElementVersions\?\?=\[\]\)\.push\("[\d.]+"\)/, 'void 0'],
    [/[\\/]lit-html[\\/]lit-html\.js$/, /\w+\.litHtmlPolyfillSupport/, 'void 0'],
    [/[\\/]lit-html[\\/]lit-html\.js$/, /\(\w+\.litHtmlVersions\?\?=\[\]\)\.push\("[\d.]+"\)/, 'void 0'],
    [/[\\/]lit-element[\\/]lit-element\.js$/, /\w+\.litElementHydrateSupport\?\.\(\{LitElement:\w+\}\)/, 'void 0'],
    [/[\\/]lit-element[\\/]lit-element\.js$/, /\w+\.litElementPolyfillSupport/, 'void 0'],
    [/[\\/]lit-element[\\/]lit-element\.js$/, /\(\w+\.litElementVersions\?\?=\[\]\)\.push\("[\d.]+"\)/, 'void 0'],
  ];
  return {
    name: 'vcw-lit-trims',
    transform(code, id) {
      const mine = edits.filter(([file]) => file.test(id));
      if (!mine.length) return null;
      for (const [, text, by] of mine) {
        if (!text.test(code)) this.error(`lit: ${text} not found in ${id}; check vite.config.ts litTrims()`);
        code = code.replace(text, by);
      }
      return { code, map: null };
    },
  };
}

const CORE = 'video-call-widget';
export function chunkOf(id: string): string | null {
  const path = id.replace(/\\/g, '/');
  if (/node_modules\/(lit-html|lit)\/directive\.js$/.test(path)) return 'devices';
  if (/node_modules\/(lit|lit-html|lit-element|@lit\/reactive-element)\//.test(path)) return CORE;
  if (/node_modules\/(peerjs|eventemitter3|sdp|@msgpack)\//.test(path)) return 'call';
  const src = /\/src\/(.+)$/.exec(path)?.[1];
  if (!src || src === 'index.ts') return null;
  const [folder, file = ''] = src.split('/');
  if (folder === 'core' || src === 'protocol/room.ts') return CORE;
  if (folder === 'vendor') return 'call';
  // One chunk per language table: `i18n/de.ts` → `de`, `support/i18n/support-de.ts` → `support-de`.
  if (folder === 'i18n' || file === 'i18n') return src.split('/').pop()!.replace(/\.ts$/, '');
  return folder ?? null;
}

// The widget bundle: one ES module entry (`video-call-widget.js`) and the lazily loaded chunks beside it.
export default defineConfig({
  plugins: [compactStyles(), compactTemplates(), peerjsJsonOnly(), litTrims()],
  resolve: {
    alias: {
      'peerjs-js-binarypack': fileURLToPath(new URL('src/vendor/binarypack-none.ts', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: true,
    lib: { entry: 'src/index.ts', formats: ['es'], fileName: () => 'video-call-widget.js' },
    rolldownOptions: {
      output: {
        // Each chunk is named after its folder (`call-…`, `devices-…`, `support-…`, `de-…`).
        chunkFileNames: (chunk) => `chunks/${chunkOf(chunk.facadeModuleId ?? chunk.moduleIds.at(-1) ?? '') ?? chunk.name}-[hash].js`,
        minify: true,
        // `@__PURE__` marks helped the minifier; in the shipped chunks they are bytes nobody reads (the build kept no
        // other comments already).
        comments: false,
        // Only the core is a group: everything the pre-join screen needs, Lit included, in one chunk beside the
        // entry. Every other folder is reached only through its own `import()` (the layering rules see to it), so the
        // bundler's own split already makes it one chunk; grouping it too would make each `import()` go through a
        // namespace object. `src/index.ts` stays in the entry itself: its `import.meta.url` is the script's URL, the
        // widget's default `server`.
        codeSplitting: { groups: [{ name: CORE, test: (id: string) => chunkOf(id) === CORE }] },
      },
    },
  },
});
