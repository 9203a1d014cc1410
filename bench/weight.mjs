// Embed weight: gzip bytes (level 9) of the built widget (dist/widget): what a page loads before Join (the
// entry file and what it imports statically) and everything needed to be in a call (entry + every chunk),
// beside PeerJS's own minified browser build gzip-measured the same way in the same run.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { printTable, ratio } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist/widget');
export const PREJOIN_BUDGET = 12_000;
export const CALL_BUDGET = 40_000;
/** The goal; the build's guard (CALL_BUDGET) is the same figure. */
export const CALL_GOAL = 40_000;

const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

/** The entry and every file it imports statically (not `import()`), transitively. */
function staticClosure(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(DIST, file), 'utf8');
    for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]*from\s*)?["'](\.\.?\/[^"']+)["']/g)) {
      visit(normalize(join(dirname(file), m[1])));
    }
  };
  visit(entry);
  return [...seen];
}

/**
 * What a page in a call has loaded, counted as the build's budget test counts it: the entry and every chunk but the
 * support flow's (launcher, desk), the recorder's (loaded when a recording starts), file sharing's and chat signing's
 * (loaded with the first file or chat message), the page's data sender's, the permission help's and the More menu's
 * (with their language tables), with one language chunk — the biggest — for a page not in English.
 */
function inCallFiles() {
  const chunks = readdirSync(join(DIST, 'chunks')).filter((f) => f.endsWith('.js') && !/^(support-|recorder-|files-|trust-|data-|help-|menu-)/.test(f)).map((f) => `chunks/${f}`);
  const languages = chunks.filter((f) => /^chunks\/(de|es|fr|ja)-/.test(f));
  const biggest = languages.map((f) => [f, gz(join(DIST, f))]).sort((a, b) => b[1] - a[1])[0]?.[0];
  const english = ['video-call-widget.js', ...chunks.filter((f) => !languages.includes(f))];
  return { english, translated: biggest ? [...english, biggest] : english };
}

export function runWeight() {
  const prejoinFiles = staticClosure('video-call-widget.js');
  const { english, translated: callFiles } = inCallFiles();
  const prejoin = prejoinFiles.reduce((sum, f) => sum + gz(join(DIST, f)), 0);
  const call = callFiles.reduce((sum, f) => sum + gz(join(DIST, f)), 0);
  const callEnglish = english.reduce((sum, f) => sum + gz(join(DIST, f)), 0);
  const peerjs = gz(join(ROOT, 'node_modules/peerjs/dist/peerjs.min.js'));
  const result = {
    unit: 'bytes gzip -9',
    prejoin: { bytes: prejoin, budget: PREJOIN_BUDGET, files: prejoinFiles, withinBudget: prejoin <= PREJOIN_BUDGET },
    inCall: { bytes: call, budget: CALL_BUDGET, goal: CALL_GOAL, files: callFiles, withinBudget: call <= CALL_BUDGET, withinGoal: call <= CALL_GOAL },
    inCallEnglish: { bytes: callEnglish, goal: CALL_GOAL, files: english, withinGoal: callEnglish <= CALL_GOAL },
    reference: {
      peerjsMinJs: { bytes: peerjs, measured: true, what: 'node_modules/peerjs/dist/peerjs.min.js' },
      wherebyIframeWrapper: { bytes: 10_000, measured: false, what: "Whereby's iframe wrapper, as quoted in the issue" },
      dailyJs: { bytes: 68_000, measured: false, what: 'daily-js, as quoted in the issue' },
    },
    ratios: { inCallToPeerjs: ratio(call, peerjs) },
  };
  printTable('Embed weight (gzip -9 of dist/widget; PeerJS measured in this run)', ['what', 'bytes gzip', 'budget', 'within', 'files'], [
    ['before Join', prejoin, PREJOIN_BUDGET, prejoin <= PREJOIN_BUDGET ? 'yes' : 'NO', prejoinFiles.join(' + ')],
    ['everything for a call (biggest language)', call, CALL_BUDGET, call <= CALL_BUDGET ? 'yes' : 'NO', callFiles.join(' + ')],
    ['everything for a call (English page)', callEnglish, CALL_GOAL, callEnglish <= CALL_GOAL ? 'yes' : 'NO', english.join(' + ')],
    ['ref: peerjs.min.js alone', peerjs, '', '', `in-call / PeerJS = ${ratio(call, peerjs)}×`],
    ['ref: Whereby iframe wrapper (quoted)', '10000', '', '', ''],
    ['ref: daily-js (quoted)', '68000', '', '', ''],
  ]);
  return result;
}
