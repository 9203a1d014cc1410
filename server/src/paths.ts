/**
 * Where the server package (`video-call-widget-server`, the folder `server/`) keeps the built widget (`widget/`,
 * copied from the element's build by `npm run build`) and the demo pages (`demo/`). Found from this module's own
 * place (the package root is the nearest folder with a package.json), so it holds for the sources run with tsx, for
 * the build in server/dist/server/src/, and for the package installed under node_modules.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

const root = packageRoot(dirname(fileURLToPath(import.meta.url)));

/** Where this package keeps the built widget and the demo page: the `paths` argument of `loadConfig`. */
export const bundledPaths: { readonly staticDir: string; readonly demoDir: string } = {
  staticDir: join(root, 'widget'),
  demoDir: join(root, 'demo'),
};
