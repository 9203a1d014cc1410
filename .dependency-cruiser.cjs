// Layering rules for the widget (src/) and its server (server/src/), checked by `npm run lint:deps` (part of
// `npm test`, right after the type check). Run on `src server/src`; paths below are relative to the working
// directory, which is how test/build/layering.test.ts runs the same rules on its fixture tree.
//
// The layout these rules hold:
//   src/index.ts                  the bundle entry
//   src/core/                     everything that loads before Join: the element, the host contract, public types,
//                                 events, strings, media controller, styles
//   src/protocol/                 the wire contract shared by browser and server (limits, wire, parse)
//   src/call/ src/devices/ src/files/ src/menu/ src/recorder/ src/support/ (files/, menu/ and support/ with an i18n/)
//   src/i18n/ src/trust/
//                                 chunk folders: each is a lazily loaded bundle chunk
//   src/vendor/                   shims aliased in for PeerJS's dependencies (vite.config.ts); part of the call chunk
//   server/src/                   the server
//
// "Statically" below means any import that is not `import()`: a value import, an `import type`, an `export … from`,
// and also a type written as `typeof import('…')` (dependency-cruiser's 'type-import'), which ties the importer's
// types to the other module as much as `import type` does. With `tsPreCompilationDeps: true` type-only imports are
// dependencies like any other: a type-only import of a chunk today is a value import after the next refactor.
// dependency-cruiser reads TypeScript through a TypeScript 5 (see scripts/depcruise-typescript5.mjs).

// Without TypeScript 5 dependency-cruiser skips every .ts file and passes with "0 modules cruised": refuse to run
// unless the preload that provides it is there (`npm run lint:deps` passes it).
if (!globalThis[Symbol.for('depcruise-typescript5')]) {
  throw new Error('Run dependency-cruiser with `node --import ./scripts/depcruise-typescript5.mjs` (npm run lint:deps): it needs TypeScript 5 to read .ts files.');
}

/** The chunk folders: each one is its own lazily loaded bundle chunk. */
const CHUNKS = 'call|data|devices|files|help|menu|recorder|support|i18n|trust';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle has no layer order: whichever module of it runs first sees the others half-initialised, and a cycle ' +
        'between a chunk and core pulls the chunk into the pre-join bundle. Browser and server alike; type-only ' +
        'imports count. import() is not followed (options.exclude.dynamic), so a lazily loaded chunk that uses core ' +
        'is not a cycle.',
      from: { path: '^(src|server/src)/' },
      to: { circular: true },
    },
    {
      name: 'core-no-static-chunk',
      severity: 'error',
      comment:
        'src/core/ and src/index.ts are what loads before Join. A static (or type-only) import of a chunk folder ' +
        'moves that chunk into the first download, or ties core to its insides; core reaches a chunk only with ' +
        'import(), and describes what it needs of it with its own types (the host contract). src/vendor/ is part of ' +
        'the call chunk, so it is a chunk here too.',
      from: { path: '^src/(core/|index\\.ts$)' },
      to: { path: `^src/(${CHUNKS}|vendor)/` },
    },
    {
      name: 'chunk-static-imports',
      severity: 'error',
      comment:
        'A chunk folder is one lazily loaded chunk: statically it imports only its own folder, core, the protocol and ' +
        'npm packages (the call chunk also its vendor shims, rule chunk-vendor-only-call). Another chunk folder, ' +
        'src/index.ts, or a file outside the layout are reached with import() or not at all; a static import would ' +
        'merge the two chunks (or the entry) into one. src/support/i18n/ belongs to support (files/i18n/ and menu/i18n/ likewise).',
      from: { path: `^src/(${CHUNKS})/` },
      to: { path: '^src/', pathNot: ['^src/$1/', '^src/(core|protocol|vendor)/', '^src/(call|devices|files)/strings\\.ts$'] },
    },
    {
      name: 'chunk-strings-types-only',
      severity: 'error',
      comment:
        'A language table (src/i18n/*.ts, one chunk each) translates the English tables of core, call and devices, ' +
        'and is typed by them so that a missing or misspelt key fails the type check. It may import those tables ' +
        'as types only (erased from the bundle); a value import would pull the chunk in, and nothing else may reach ' +
        'into another chunk\'s strings.',
      from: { path: '^src/([^/]+)/', pathNot: '^src/i18n/' },
      to: { path: '^src/(call|devices|files)/strings\\.ts$', pathNot: '^src/$1/' },
    },
    {
      name: 'chunk-strings-value-import',
      severity: 'error',
      comment: 'See chunk-strings-types-only: language tables import the other chunks\' English tables as types only.',
      from: { path: '^src/i18n/' },
      to: { path: '^src/(call|devices|files)/strings\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'chunk-vendor-only-call',
      severity: 'error',
      comment:
        'src/vendor/ holds the shims vite.config.ts aliases in for PeerJS dependencies; they belong to the call chunk. ' +
        'Another chunk importing them would pull them (or a copy) into that chunk.',
      from: { path: `^src/(${CHUNKS})/`, pathNot: '^src/call/' },
      to: { path: '^src/vendor/' },
    },
    {
      name: 'src-layout',
      severity: 'error',
      comment:
        'Every browser file lives in src/index.ts, core/, protocol/, a chunk folder or vendor/: a file anywhere else ' +
        'is in no layer, so no rule above guards what it imports or what imports it.',
      from: { path: '^src/', pathNot: `^src/(index\\.ts$|(core|protocol|vendor|${CHUNKS})/)` },
      to: {},
    },
    {
      name: 'browser-not-server',
      severity: 'error',
      comment: 'The browser bundle never contains server code: browser and server share only src/protocol/.',
      from: { path: '^src/' },
      to: { path: '^server/' },
    },
    {
      name: 'server-only-protocol',
      severity: 'error',
      comment:
        'The server shares only the wire contract with the browser: limits.ts and wire.ts of src/protocol/. ' +
        'Anything else in src/ is browser code (DOM, Lit) or browser parsing the server does its own way.',
      from: { path: '^server/src/' },
      to: { path: '^src/', pathNot: '^src/protocol/(limits|room|wire)\\.ts$' },
    },
    {
      name: 'protocol-self-contained',
      severity: 'error',
      comment:
        'src/protocol/ is compiled into both the browser bundle and the server, so it can depend on nothing but ' +
        'itself: no core or chunk module, no npm package, no node built-in, no DOM-only module.',
      from: { path: '^src/protocol/' },
      to: { pathNot: '^src/protocol/' },
    },
    {
      name: 'src-no-node-builtins',
      severity: 'error',
      comment: 'src/ runs in the browser: node built-ins (node:fs, crypto, …) do not exist there.',
      from: { path: '^src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment:
        'An import dependency-cruiser cannot resolve is in no layer, so every rule above would let it pass unseen ' +
        '(a file that moved while its importers did not).',
      from: { path: '^(src|server/src)/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment:
        'A module in src/ that imports nothing and is imported by nothing is dead code or a file left behind by a ' +
        'move. src/vendor/ is reached through the bundler alias only (vite.config.ts), not by an import.',
      from: { orphan: true, path: '^src/', pathNot: ['^src/vendor/', '\\.d\\.ts$'] },
      to: {},
    },
  ],
  options: {
    // Type-only imports are dependencies too (needs the TypeScript compiler API: scripts/depcruise-typescript5.mjs).
    tsPreCompilationDeps: true,
    // import() is the sanctioned way between layers: leaving it out of the graph keeps it out of every rule, and
    // makes no-circular exact (dependency-cruiser reports the first cycle it finds per import, so cycles through
    // import() would otherwise hide static ones that share an edge).
    exclude: { path: '^test/build/fixtures/', dynamic: true },
    doNotFollow: { path: 'node_modules' },
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
