// A @web/test-runner plugin that saves a PNG of part of the test page into docs/screenshots/ (for the README):
// `executeServerCommand('vcw-screenshot', { name, clip: { x, y, width, height } })` → the file's path.
// `'vcw-page', { url, expression, screenshot? }` opens `url` in a new tab of the same browser (another origin, a
// top-level page such as the demo), evaluates `expression` there (awaited, JSON result), optionally saves a
// full-page PNG, and closes the tab.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const DIR = new URL('../../docs/screenshots/', import.meta.url).pathname;

export function screenshotPlugin() {
  return {
    name: 'vcw-screenshot',
    async executeCommand({ command, payload, session }) {
      if (command !== 'vcw-screenshot' && command !== 'vcw-page') return undefined;
      if (session.browser.type !== 'puppeteer') throw new Error(`${command} needs the Chrome launcher`);
      if (command === 'vcw-page') return openPage(session.browser.getPage(session.id), payload ?? {});
      const { name, clip } = payload ?? {};
      const ok = clip && ['x', 'y', 'width', 'height'].every((k) => Number.isFinite(clip[k])) && clip.width > 0 && clip.height > 0;
      if (!ok) throw new Error(`bad clip ${JSON.stringify(clip)}`);
      const path = pngPath(name);
      await session.browser.getPage(session.id).screenshot({ path, clip, type: 'png' });
      return path;
    },
  };
}

function pngPath(name) {
  if (typeof name !== 'string' || !/^[a-z0-9-]{1,40}$/.test(name)) throw new Error(`bad screenshot name ${JSON.stringify(name)}`);
  mkdirSync(DIR, { recursive: true });
  return join(DIR, `${name}.png`);
}

async function openPage(testPage, { url, expression, screenshot, width = 1100, height = 900 }) {
  if (typeof url !== 'string' || !/^https?:\/\/(127\.0\.0\.1|\[::1\]|localhost)[:/]/.test(url)) throw new Error(`vcw-page opens loopback pages only, not ${url}`);
  const page = await testPage.browser().newPage();
  try {
    await page.setViewport({ width, height });
    await page.goto(url, { waitUntil: 'load', timeout: 20_000 });
    const result = typeof expression === 'string' ? await page.evaluate(expression) : null;
    if (screenshot) await page.screenshot({ path: pngPath(screenshot), fullPage: true, type: 'png' });
    return result;
  } finally {
    await page.close();
  }
}
