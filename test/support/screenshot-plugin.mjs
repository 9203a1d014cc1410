// A @web/test-runner plugin that saves a PNG of part of the test page into docs/screenshots/ (for the README):
// `executeServerCommand('vcw-screenshot', { name, clip: { x, y, width, height } })` → the file's path.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const DIR = new URL('../../docs/screenshots/', import.meta.url).pathname;

export function screenshotPlugin() {
  return {
    name: 'vcw-screenshot',
    async executeCommand({ command, payload, session }) {
      if (command !== 'vcw-screenshot') return undefined;
      if (session.browser.type !== 'puppeteer') throw new Error('vcw-screenshot needs the Chrome launcher');
      const { name, clip } = payload ?? {};
      if (typeof name !== 'string' || !/^[a-z0-9-]{1,40}$/.test(name)) throw new Error(`bad screenshot name ${JSON.stringify(name)}`);
      const ok = clip && ['x', 'y', 'width', 'height'].every((k) => Number.isFinite(clip[k])) && clip.width > 0 && clip.height > 0;
      if (!ok) throw new Error(`bad clip ${JSON.stringify(clip)}`);
      mkdirSync(DIR, { recursive: true });
      const path = join(DIR, `${name}.png`);
      await session.browser.getPage(session.id).screenshot({ path, clip, type: 'png' });
      return path;
    },
  };
}
