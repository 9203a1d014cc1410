// Framework typings generated from custom-elements.json (scripts/framework-types.mjs, part of `npm run build`): React
// 19 JSX, Vue's GlobalComponents and plain TypeScript interfaces cover every attribute and event the manifest lists,
// and consumer fixtures for each type-check through the package's exports (with @ts-expect-error lines that must
// fail). Every public type of the element is exported from the package root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as { exports: Record<string, { types?: string }> };

interface Declaration {
  tagName?: string;
  attributes?: { name: string }[];
  events?: { name: string }[];
}
const manifest = JSON.parse(read('custom-elements.json')) as { modules: { declarations: Declaration[] }[] };
const element = manifest.modules.flatMap((m) => m.declarations).find((d) => d.tagName === 'video-call-widget')!;
const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());

test('the generated typings are what the generator makes of the current manifest', () => {
  const before = ['html', 'react', 'vue'].map((f) => read(`dist/types/frameworks/${f}.d.ts`));
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/framework-types.mjs')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(['html', 'react', 'vue'].map((f) => read(`dist/types/frameworks/${f}.d.ts`)), before, 'run `npm run build`');
});

test('every attribute and vcw-* event of the manifest is typed for React, Vue and plain TypeScript', () => {
  const react = read('dist/types/frameworks/react.d.ts');
  const vue = read('dist/types/frameworks/vue.d.ts');
  const html = read('dist/types/frameworks/html.d.ts');
  assert.ok(element.attributes!.length >= 9 && element.events!.length >= 12);
  for (const { name } of element.attributes!) {
    const key = /-/.test(name) ? `'${name}'?:` : `${name}?:`;
    assert.ok(html.includes(`  ${key}`), `attribute ${name} in html.d.ts`);
    const camel = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    assert.match(vue, new RegExp(`^  ${camel}\\?:`, 'm'), `attribute ${name} as ${camel} in vue.d.ts`);
  }
  for (const { name } of element.events!) {
    assert.ok(react.includes(`'on${name}'?: (event: WidgetEvents["${name}"]) => void;`), `React prop on${name}`);
    assert.ok(vue.includes(`on${pascal(name)}?: (event: WidgetEvents["${name}"]) => void;`), `Vue prop on${pascal(name)}`);
    assert.ok(html.includes(`'${name}'?: (event: WidgetEvents["${name}"]) => void;`), `handler ${name}`);
  }
  assert.match(react, /interface IntrinsicElements \{\n\s+'video-call-widget': VideoCallWidgetReactProps;/);
  assert.match(vue, /interface GlobalComponents \{\n\s+'video-call-widget': DefineComponent<VideoCallWidgetVueProps>;/);
  for (const [entry, file] of [['./react', 'react'], ['./vue', 'vue'], ['./html', 'html']] as const) {
    assert.equal(pkg.exports[entry]?.types, `./dist/types/frameworks/${file}.d.ts`);
  }
});

test('React 19, Vue and plain TypeScript consumer fixtures type-check (and their expected errors are errors)', () => {
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'test/build/fixtures/frameworks')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(tsc.status, 0, `the framework fixtures do not type-check:\n${tsc.stdout}${tsc.stderr}`);
});

test('every public type of the element is exported from the package root, and no Node types leak into it', () => {
  const index = read('dist/types/index.d.ts');
  const exported = new Set([...index.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()).filter(Boolean)));
  const declared = (file: string) => [...read(file).matchAll(/^export (?:type|interface|class) (\w+)/gm)].map((m) => m[1]!);
  for (const name of [...declared('src/core/types.ts'), 'WidgetEventMap', 'WidgetEvents', 'Strings', 'StringOverrides', 'DeviceChoice', 'VideoCallWidget']) {
    assert.ok(exported.has(name), `${name} is exported from video-call-widget`);
  }
  for (const name of ['FileTransfer', 'StringOverrides', 'WidgetError']) assert.ok(exported.has(name), name);
  for (const file of readdirSync(join(ROOT, 'dist/types'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.d.ts'))) {
    assert.doesNotMatch(read(`dist/types/${file}`), /reference types="node"|from 'node:/, `${file} needs no Node types`);
  }
});
