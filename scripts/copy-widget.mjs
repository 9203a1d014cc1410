// The server package serves the built widget: `npm run build` copies dist/widget/ into server/widget/ (git-ignored),
// which `npm pack` in server/ ships and `bundledPaths.staticDir` points at — without source maps, like the element
// package. The changelog (one for both packages) is copied beside it.
import { cpSync, existsSync, rmSync } from 'node:fs';

const from = new URL('../dist/widget/', import.meta.url);
const to = new URL('../server/widget/', import.meta.url);
if (!existsSync(new URL('video-call-widget.js', from))) throw new Error('dist/widget/ is not built: run `npm run build`');
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true, filter: (src) => !src.endsWith('.map') });
cpSync(new URL('../CHANGELOG.md', import.meta.url), new URL('../server/CHANGELOG.md', import.meta.url));
console.log('copied dist/widget/ to server/widget/');
