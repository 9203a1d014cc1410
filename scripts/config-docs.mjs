// `npm run docs:config`: write the server's configuration table into README.md (between the config-table markers)
// from the one schema, server/src/cli/schema.ts. server/test/cli.test.ts fails when the README is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { withTable } from '../server/src/cli/help.ts';

const file = new URL('../README.md', import.meta.url);
const before = readFileSync(file, 'utf8');
const after = withTable(before);
if (after !== before) writeFileSync(file, after);
console.log(after === before ? 'README.md: configuration table up to date' : 'README.md: configuration table rewritten');
