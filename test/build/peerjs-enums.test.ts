// The build's PeerJS enum inlining (vite.config.ts inlineEnums): every read of an enum member becomes its string, on
// the real PeerJS bundle; a read of a name the enum does not have, or an enum still read some other way, fails the
// build instead of shipping something that behaves differently.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { inlineEnums, trimPeerjs } from '../../vite.config.js';

const enumOf = (name: string, local: string, entries: Record<string, string>) =>
  `var $78455e22dea96b8c$export$${name} = /*#__PURE__*/ function(${local}) {\n` +
  Object.entries(entries).map(([k, v]) => `    ${local}["${k}"] = "${v}";\n`).join('') +
  `    return ${local};\n}({});\n`;
const five = ['a1', 'b2', 'c3', 'd4', 'e5'].map((n, i) => enumOf(n, `T${i}`, { Open: `OPEN${i}`, Leave: `LEAVE${i}` })).join('');
const exported = 'export {$78455e22dea96b8c$export$a1 as T0, $78455e22dea96b8c$export$b2 as T1, $78455e22dea96b8c$export$c3 as T2, $78455e22dea96b8c$export$d4 as T3, $78455e22dea96b8c$export$e5 as T4};\n';

test('reads become strings, in both shapes PeerJS writes them; the definitions are then read by nobody', () => {
  const code = `${five}if (m.type === (0, $78455e22dea96b8c$export$a1).Open) x($78455e22dea96b8c$export$e5.Leave);\n${exported}`;
  const out = inlineEnums(code);
  assert.match(out, /if \(m\.type === "OPEN0"\) x\("LEAVE4"\);/);
  for (const n of ['a1', 'b2', 'c3', 'd4', 'e5']) assert.equal(out.split(`$78455e22dea96b8c$export$${n}`).length - 1, 2, `${n}: its definition and the export list`);
});

test('a name the enum lacks, an enum read whole, or no enums at all: the build fails', () => {
  assert.throws(() => inlineEnums(`${five}f((0, $78455e22dea96b8c$export$a1).Nope);\n${exported}`), /not one of the enum's names/);
  assert.throws(() => inlineEnums(`${five}f($78455e22dea96b8c$export$b2);\n${exported}`), /still read/);
  assert.throws(() => inlineEnums('var x = 1;'), /enums were not found/);
});

test('the real PeerJS bundle, trimmed as the build does: every enum read is inlined and none is left', () => {
  const out = trimPeerjs(readFileSync('node_modules/peerjs/dist/bundler.mjs', 'utf8'));
  assert.doesNotMatch(out, /\(0, \$78455e22dea96b8c\$export\$\w+\)\.\w+/);
  assert.match(out, /"HEARTBEAT"/);
});
