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
 * PeerJS registers every serializer it has (binary-pack with its chunker, raw, JSON) in the `Peer` constructor, so
 * none of them can be tree-shaken. The widget opens JSON connections only: point every name at the JSON class so the
 * others drop out of the bundle. An incoming offer that asks for another serialization then gets a JSON connection,
 * whose frames pass the widget's frame check like any other (what is not JSON is dropped and counted). Fails the
 * build if PeerJS's code changed shape.
 */
/**
 * PeerJS's logs (`logger.log(…)`, `.warn(…)`, `.error(…)`): we always create peers with `debug: 0`, so
 * they never print; their message texts only weigh on the call chunk. Each call becomes `void 0` (its arguments are
 * literals and plain reads, so nothing with an effect is lost).
 */
function dropDebugLogs(code: string): string {
  const call = /\(0, \$[\w$]+\)\.(?:log|warn|error)\(/g;
  let out = '';
  let from = 0;
  for (let m = call.exec(code); m; m = call.exec(code)) {
    // Find the closing parenthesis, skipping strings and template literals.
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < code.length && depth > 0; i++) {
      const c = code[i]!;
      if (c === '"' || c === "'" || c === '`') {
        for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
      } else if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    out += `${code.slice(from, m.index)}void 0`;
    from = i;
    call.lastIndex = i;
  }
  return out + code.slice(from);
}

function peerjsJsonOnly(): Plugin {
  return {
    name: 'vcw-peerjs-json-only',
    transform(code, id) {
      if (!/[\\/]peerjs[\\/]dist[\\/]bundler\.mjs$/.test(id)) return null;
      const ref = String.raw`\(0, [$\w]+\)`;
      const table = new RegExp(String.raw`this\._serializers = \{\s*raw: ${ref},\s*json: (${ref}),\s*binary: ${ref},\s*"binary-utf8": ${ref},\s*default: ${ref}\s*\}`);
      const found = table.exec(code);
      if (!found) this.error('peerjs: the serializer table was not found; check vite.config.ts peerjsJsonOnly()');
      const json = found[1];
      return { code: dropDebugLogs(code.replace(table, `this._serializers = { raw: ${json}, json: ${json}, binary: ${json}, "binary-utf8": ${json}, default: ${json} }`)), map: null };
    },
  };
}

/**
 * Folders are chunks: `src/<folder>/` becomes the chunk `<folder>`, loaded when the core first `import()`s it. The
 * core chunk (named like the entry, beside it) holds `src/core/`, Lit and the protocol's room and name rules (the pre-join script);
 * each language table is its own chunk; PeerJS and its shims go with the call. Lit's directive base is needed only by
 * the devices chunk's `<video>` binding. The layering rules (`.dependency-cruiser.cjs`) keep imports in line with it.
 */
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
  plugins: [compactStyles(), peerjsJsonOnly()],
  resolve: {
    alias: {
      'webrtc-adapter': fileURLToPath(new URL('src/vendor/webrtc-adapter-lite.ts', import.meta.url)),
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
