// The build's template compaction (vite.config.ts compactTemplates): only the static text of html`` literals changes,
// a line break with its indentation becoming one space; expressions, other template literals, strings and comments
// stay as they are, and every source file keeps all its other characters.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compactHtmlLiterals } from '../../vite.config.js';

test('a line break and its indentation in html`` text become one space; nested html`` too, nothing else', () => {
  const code = [
    'const a = html`<div>',
    '    <p class="x ${cls}">${t.name}</p>',
    '    ${on ? html`<span>',
    '      ${`keep\n  this`}</span>` : nothing}',
    '    ${items.map((i) => { // don\'t touch "this" }',
    '      return i; })}',
    '  </div>`;',
    'const b = `<div>\n  <p>plain</p>`;',
  ].join('\n');
  const out = compactHtmlLiterals(code);
  assert.equal(
    out,
    [
      'const a = html`<div> <p class="x ${cls}">${t.name}</p> ${on ? html`<span> ${`keep\n  this`}</span>` : nothing} ${items.map((i) => { // don\'t touch "this" }',
      '      return i; })} </div>`;',
      'const b = `<div>\n  <p>plain</p>`;',
    ].join('\n'),
  );
});

test('every template file of src/ keeps its non-space characters', () => {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  let changed = 0;
  for (const f of files) {
    const code = readFileSync(join('src', f), 'utf8');
    const out = compactHtmlLiterals(code);
    assert.equal(out.replace(/\s+/g, ''), code.replace(/\s+/g, ''), f);
    if (out !== code) changed++;
  }
  assert.ok(changed >= 10, `templates compacted in ${changed} files`);
});

test('a template literal that does not close fails the build', () => {
  assert.throws(() => compactHtmlLiterals('html`<p>${x}'), /did not close/);
});
