// custom-elements.json as @custom-elements-manifest/analyzer writes it (`npm run build`, configured by
// custom-elements-manifest.config.mjs): valid against the official schema, every module a file the npm package ships,
// and documentation that does not match the source refused. Runs on the real build.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';

const ROOT = new URL('../../', import.meta.url).pathname;
const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
const pkg = readJson('package.json');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ANALYZER = join(ROOT, 'node_modules/@custom-elements-manifest/analyzer/cem.js');
const CONFIG = join(ROOT, 'custom-elements-manifest.config.mjs');

interface Parameter { name?: string }
interface Manifest {
  schemaVersion: string;
  modules: {
    path: string;
    declarations?: { name: string; members?: { kind: string; name: string; parameters?: Parameter[] }[] }[];
    exports?: { kind: string; name: string; declaration: { name: string; module?: string } }[];
  }[];
}

const manifest = (): Manifest => readJson(pkg.customElements);

test('custom-elements.json is valid against the Custom Elements Manifest schema (draft-07, ajv)', () => {
  const schema = readJson('node_modules/custom-elements-manifest/schema.json');
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#', 'the schema is draft-07, which Ajv’s default class implements');
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  const doc = manifest();
  assert.ok(validate(doc), `custom-elements.json does not follow the schema:\n${ajv.errorsText(validate.errors, { separator: '\n' })}`);
  assert.equal(doc.schemaVersion, readJson('node_modules/custom-elements-manifest/package.json').version, 'schemaVersion names the schema it follows');
  // The schema requires parameter names; say which ones are missing if it ever fails (decline(id, message?) once had one).
  const nameless = doc.modules.flatMap((m) => m.declarations ?? []).flatMap((d) => (d.members ?? [])
    .filter((member) => member.parameters?.some((p) => !p.name)).map((member) => `${d.name}.${member.name}()`));
  assert.deepEqual(nameless, [], 'every parameter has a name');
});

test('every module path in custom-elements.json is a built file that package.json "files" ships', () => {
  const doc = manifest();
  assert.ok(doc.modules.length > 0);
  const [packed] = JSON.parse(npmRun(['pack', '--dry-run', '--json', '--ignore-scripts'])) as [{ files: { path: string }[] }];
  const shipped = new Set(packed.files.map((f) => f.path));
  const files = pkg.files as string[];
  const references = doc.modules.flatMap((m) => [m.path, ...(m.exports ?? []).map((e) => e.declaration.module).filter((p): p is string => !!p)]);
  for (const path of new Set(references)) {
    assert.ok(!/^\.?\/|^src\//.test(path), `${path}: a package-relative path to a built file, not a source`);
    assert.ok(existsSync(join(ROOT, path)), `${path} exists after npm run build`);
    assert.ok(files.some((entry) => path === entry || path.startsWith(`${entry.replace(/\/$/, '')}/`)), `${path} is under an entry of package.json "files" (${files.join(', ')})`);
    assert.ok(shipped.has(path), `${path} is in npm pack`);
  }
});

test('the module custom-elements.json documents is the bundle entry, which exports the class and defines the tag', () => {
  const doc = manifest();
  const entry = (pkg.exports['.'].default as string).replace(/^\.\//, '');
  assert.deepEqual(doc.modules.map((m) => m.path), [entry], 'one module: what `import "video-call-widget"` loads');
  const bundle = readFileSync(join(ROOT, entry), 'utf8');
  // The minified entry ends with `export{t as VideoCallWidget}` and calls customElements.define(`video-call-widget`,t).
  const exported = new Map([...bundle.matchAll(/export\s*\{([^}]*)\}/g)].flatMap(([, list]) => list!.split(',').map((item) => {
    const [local, name = local] = item.trim().split(/\s+as\s+/);
    return [name!, local!] as const;
  })));
  const defined = new Map([...bundle.matchAll(/customElements\.define\(\s*(['"`])([a-z][\w.-]*-[\w.-]*)\1\s*,\s*([\w$]+)\s*\)/g)].map((m) => [m[2]!, m[3]!]));
  const [module] = doc.modules;
  for (const e of module!.exports ?? []) {
    assert.equal(e.declaration.module ?? entry, entry, `${e.kind} ${e.name} refers to the entry module`);
    assert.ok(module!.declarations?.some((d) => d.name === e.declaration.name), `${e.name}: its declaration ${e.declaration.name} is in the module`);
    if (e.kind === 'js') assert.ok(exported.has(e.name), `${entry} exports ${e.name} (exports: ${[...exported.keys()].join(', ')})`);
    if (e.kind === 'custom-element-definition') {
      assert.ok(defined.has(e.name), `${entry} defines <${e.name}>`);
      assert.equal(defined.get(e.name), exported.get(e.declaration.name), `<${e.name}> is defined with the exported ${e.declaration.name}`);
    }
  }
  assert.ok(module!.exports?.some((e) => e.kind === 'custom-element-definition' && e.name === 'video-call-widget'));
});

test('the analyzer accepts the sources and refuses documentation that does not match them', (t) => {
  const ok = analyze(t, () => undefined);
  assert.equal(ok.status, 0, ok.stderr);
  const written = JSON.parse(readFileSync(join(ok.tree, 'custom-elements.json'), 'utf8')) as Manifest;
  assert.deepEqual(written.modules.map((m) => m.path), manifest().modules.map((m) => m.path));

  // A copy of src/ whose element JSDoc invents a part, a custom property and an attribute, documents a reactive
  // property's attribute again, and drops an event, a part and a custom property that the source has.
  const refused = analyze(t, (source) => source
    .replace(' * @csspart base', ' * @csspart sparkles - made up\n * @cssproperty --vcw-glow - made up\n * @attr glitter - made up\n * @attr display-name - again')
    .replace(/^ \* @fires vcw-chat-toggle.*\n/m, '')
    .replace(/^ \* @cssproperty --vcw-gap .*\n/m, ''));
  assert.equal(refused.status, 1, refused.stderr);
  assert.ok(!existsSync(join(refused.tree, 'custom-elements.json')), 'nothing written');
  assert.match(refused.stderr, /does not match its source/);
  assert.match(refused.stderr, /@csspart sparkles appears in no part=/);
  assert.match(refused.stderr, /part "base" is used in src\/[\w/.-]+\.ts.* but has no @csspart tag/);
  assert.match(refused.stderr, /@cssproperty --vcw-glow is not declared on :host/);
  assert.match(refused.stderr, /custom property --vcw-gap is declared on :host \(src\/[\w/.-]+\.ts\) but has no @cssproperty tag/);
  assert.match(refused.stderr, /@attr glitter is read nowhere in src\//);
  assert.match(refused.stderr, /@attr display-name is already a reactive property's attribute/);
  assert.match(refused.stderr, /event vcw-chat-toggle \(src\/[\w/.-]+\.ts\) has no @fires tag/);
});

function npmRun(args: string[]) {
  const result = spawnSync(npm, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 0, `npm ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/**
 * Runs the analyzer with the project's config on a copy of src/ in which `edit` rewrote the element's file (the file
 * that declares `class VideoCallWidget`, wherever src/ keeps it). The copy has a package.json: the analyzer's config
 * loader (@web/config-loader 0.1) looks for one up the tree and never stops at the root when there is none.
 */
function analyze(t: { after: (fn: () => void) => void }, edit: (source: string) => string | undefined) {
  const tree = mkdtempSync(join(tmpdir(), 'vcw-manifest-'));
  t.after(() => rmSync(tree, { recursive: true, force: true }));
  cpSync(join(ROOT, 'src'), join(tree, 'src'), { recursive: true });
  writeFileSync(join(tree, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  const element = sourceFiles(join(tree, 'src')).filter((file) => /export class VideoCallWidget\b/.test(readFileSync(file, 'utf8')));
  assert.equal(element.length, 1, `one file declares VideoCallWidget: ${element.map((f) => relative(tree, f)).join(', ')}`);
  const source = readFileSync(element[0]!, 'utf8');
  const edited = edit(source);
  if (edited !== undefined) {
    assert.notEqual(edited, source, 'the edit changed the element');
    writeFileSync(element[0]!, edited);
  }
  const run = spawnSync(process.execPath, [ANALYZER, 'analyze', '--config', CONFIG], { cwd: tree, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stderr: `${run.stderr}${run.error ?? ''}`, tree };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []);
}
