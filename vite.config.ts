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
      return { code: code.replace(table, `this._serializers = { raw: ${json}, json: ${json}, binary: ${json}, "binary-utf8": ${json}, default: ${json} }`), map: null };
    },
  };
}

// The widget bundle: one ES module entry (`video-call-widget.js`) and the lazily loaded call chunk beside it.
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
        chunkFileNames: 'chunks/[name]-[hash].js',
        minify: true,
        // Everything the pre-join screen needs (Lit included) in one chunk beside the entry file; the call chunk
        // imports what it shares from there instead of a third file. Lit's directive base is used only in a call. `src/index.ts` stays in the entry itself:
        // its `import.meta.url` is the script's URL, the widget's default `server`.
        codeSplitting: { groups: [{ name: 'video-call-widget', test: /node_modules[\\/](lit|lit-html|lit-element|@lit)[\\/](?!directive\.js)|src[\\/](?!index\.ts|call\.ts|session|support[\\/]|controllers[\\/](call|chat|file|devices|recorder|stats|room-api)|parts[\\/](call-view|chat|tile|announcer|devices|source)|protocol|vendor|i18n)/ },
          // The devices chunk (pickers, level meter) loads with the pre-join screen; the strings it shares with the
          // call chunk go with it rather than into a third small file.
          { name: 'devices', test: /src[\\/](controllers[\\/]devices|parts[\\/](devices|chat-strings|source))|node_modules[\\/](lit|lit-html)[\\/]directive\.js/ }] },
      },
    },
  },
});
