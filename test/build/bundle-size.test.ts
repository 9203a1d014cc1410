// The embed's weight budgets, checked on the real build: what a page loads before Join (the entry file and
// what it imports statically) and everything needed to be in a call (all chunks).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

const DIST = new URL('../../dist/widget/', import.meta.url).pathname;
export const PREJOIN_BUDGET = 12_000;
// The performance issue's budget: everything needed to be in a call, in every shipped language (the biggest
// language chunk counted), the toolbar included.
export const CALL_BUDGET = 40_000;

const gz = (file: string) => gzipSync(readFileSync(join(DIST, file)), { level: 9 }).length;

/** The entry and every file it imports statically (not `import()`), transitively. */
export function staticClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(DIST, file), 'utf8');
    for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]*from\s*)?["'](\.\.?\/[^"']+)["']/g)) {
      visit(normalize(join(dirname(file), m[1]!)));
    }
  };
  visit(entry);
  return [...seen];
}

test('the script loaded before Join stays within 12 KB gzip', () => {
  const files = staticClosure('video-call-widget.js');
  const bytes = files.reduce((sum, f) => sum + gz(f), 0);
  assert.ok(!files.some((f) => /(^|\/)call-/.test(f)), `the call chunk must load lazily, got ${files.join(', ')}`);
  assert.ok(bytes <= PREJOIN_BUDGET, `pre-join JavaScript is ${bytes} B gzip (${files.join(' + ')}), budget ${PREJOIN_BUDGET}`);
});

/**
 * Chunks a call does not load: the support flow's (launcher and desk, with their languages), the recorder, which
 * loads when a recording starts, file sharing, which loads when a file is first picked or offered, chat signing
 * (trust), which loads with the first chat message sent or received, the host page's data sender, which loads
 * when the page first calls `sendData`, and the help after a permission denial (how to allow camera and microphone
 * again), which loads only on that error screen, and the toolbar's More menu (its items, recording's download, the
 * invite link), which loads when someone first opens it. The files and menu chunks' language tables (`files-de`,
 * `menu-ja`, …) load with them.
 */
const isSupport = (f: string) => /^chunks\/(support-|recorder-|files-|trust-|data-|help-|menu-)/.test(f);

test('everything needed to be in a call stays within 40 KB gzip in every language', () => {
  const chunks = readdirSync(join(DIST, 'chunks')).filter((f) => f.endsWith('.js') && !isSupport(`chunks/${f}`)).map((f) => `chunks/${f}`);
  // A page loads one language at most (English is built in): count the biggest language chunk, not all of them.
  const languages = chunks.filter((f) => /^chunks\/(de|es|fr|ja)-/.test(f));
  assert.equal(languages.length, 4, `one chunk per shipped language, got ${languages.join(', ')}`);
  const files = ['video-call-widget.js', ...chunks.filter((f) => !languages.includes(f))];
  const bytes = files.reduce((sum, f) => sum + gz(f), 0) + Math.max(...languages.map(gz));
  assert.ok(files.some((f) => /(^|\/)call-/.test(f)), 'a lazily loaded call chunk exists');
  assert.ok(bytes <= CALL_BUDGET, `in-call JavaScript is ${bytes} B gzip, budget ${CALL_BUDGET}`);
});

// A shop page with the support launcher loads the pre-join script, then the support chunk (button, panel, queue)
// and what it imports — before the visitor clicks "Call us"; the call chunk comes only then.
export const LAUNCHER_BUDGET = 24_000;

test('the support launcher loads lazily and stays within 24 KB gzip before "Call us"', () => {
  const all = readdirSync(join(DIST, 'chunks')).map((f) => `chunks/${f}`);
  const support = all.find((f) => /^chunks\/support-[\w-]{8}\.js$/.test(f));
  assert.ok(support, `a support chunk exists, got ${all.join(', ')}`);
  assert.ok(!staticClosure('video-call-widget.js').includes(support), 'the support chunk is not loaded by pages without a launcher or desk');
  const files = new Set([...staticClosure('video-call-widget.js'), ...staticClosure(support)]);
  assert.ok(![...files].some((f) => /(^|\/)call-/.test(f)), `the call chunk must wait for "Call us", got ${[...files].join(', ')}`);
  const bytes = [...files].reduce((sum, f) => sum + gz(f), 0);
  assert.ok(bytes <= LAUNCHER_BUDGET, `the launcher is ${bytes} B gzip (${[...files].join(' + ')}), budget ${LAUNCHER_BUDGET}`);
});

test('the More menu is its own chunk, loaded by neither the pre-join script nor the call chunk statically', () => {
  const all = readdirSync(join(DIST, 'chunks')).map((f) => `chunks/${f}`);
  const menu = all.find((f) => /^chunks\/menu-[\w-]{8}\.js$/.test(f));
  assert.ok(menu, `a menu chunk exists, got ${all.join(', ')}`);
  const call = all.find((f) => /^chunks\/call-[\w-]{8}\.js$/.test(f))!;
  assert.ok(!staticClosure('video-call-widget.js').includes(menu) && !staticClosure(call).includes(menu), 'the menu chunk loads only through import()');
  assert.ok(readFileSync(join(DIST, call), 'utf8').includes(menu.slice('chunks/'.length)), 'the call chunk imports it');
});
