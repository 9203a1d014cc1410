// Preload for dependency-cruiser: `node --import ./scripts/depcruise-typescript5.mjs <dependency-cruise.mjs> …`
// (`npm run lint:deps` and test/build/layering.test.ts run it that way).
//
// Why: dependency-cruiser 17 reads TypeScript through the TypeScript compiler API, and with
// `tsPreCompilationDeps: true` it needs that API to see type-only imports at all. The project's own `typescript` is 7
// (native, no compiler API), so dependency-cruiser would find no usable TypeScript. A TypeScript 5 sits beside it
// under the npm alias `typescript5` (devDependencies: "typescript5": "npm:typescript@^5.9.3"); it is for the cruiser
// only, `tsc` stays TypeScript 7.
//
// How: dependency-cruiser has no option to say where TypeScript comes from. It finds it in one place,
// src/utl/try-import.mjs, in two ways: `require('typescript/package.json')` (through createRequire) to check the
// version is one it supports (>=2 <7), then `import('typescript')`. So this file makes the bare name `typescript`
// (and `typescript/…`) mean `typescript5`, only for requests made from files inside dependency-cruiser's own
// package, in both of node's resolvers:
// - ES modules: node's public module-customization hook (`module.register`), the `resolve` export below;
// - CommonJS `require`: node 20 has no public hook for it (`module.registerHooks` arrives in node 22.15), so the
//   resolver `Module._resolveFilename` is wrapped, the way module-alias and tsconfig-paths do it.
// Nothing else is touched: other tools, and every other package, still get `typescript` 7. If a later
// dependency-cruiser supports TypeScript 7 (or is told where TypeScript is), delete this file and the `--import`.
import Module, { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const TYPESCRIPT = /^typescript(?=\/|$)/;
const CRUISER = /[\\/]node_modules[\\/]dependency-cruiser[\\/]/;

/** ES-module resolve hook (runs in node's hooks thread): `import('typescript')` from dependency-cruiser → typescript5. */
export async function resolve(specifier, context, nextResolve) {
  if (TYPESCRIPT.test(specifier) && CRUISER.test(context.parentURL ?? '')) {
    return nextResolve(specifier.replace(TYPESCRIPT, 'typescript5'), context);
  }
  return nextResolve(specifier, context);
}

// Node loads this file a second time in its hooks thread, for `resolve`; set things up once, on the main thread.
if (isMainThread) {
  try {
    createRequire(import.meta.url).resolve('typescript5/package.json');
  } catch {
    console.error('dependency-cruiser needs TypeScript 5 beside TypeScript 7: the devDependency "typescript5" (npm:typescript@5) is missing; run npm install.');
    process.exit(2);
  }
  register(import.meta.url);
  // .dependency-cruiser.cjs refuses to run without this mark: without TypeScript 5, dependency-cruiser reads no .ts
  // file at all and reports "no dependency violations found (0 modules…)".
  globalThis[Symbol.for('depcruise-typescript5')] = true;
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    const redirect = typeof request === 'string' && TYPESCRIPT.test(request) && CRUISER.test(parent?.filename ?? '');
    return resolveFilename.call(this, redirect ? request.replace(TYPESCRIPT, 'typescript5') : request, parent, ...rest);
  };
}
