// Generates `custom-elements.json` (Custom Elements Manifest, schema 2.1.0) from the element's source: the class
// JSDoc (`@fires`, `@csspart`, `@cssproperty`, `@slot`, `@attr`), Lit's `static properties` (attributes), the documented
// public fields, getters and methods, and the event details in `src/events.ts`.
// It also refuses to document what does not exist: a `@csspart` must appear as `part="…"` in `src/`, a
// `@cssproperty` must be declared on `:host` in the styles, and every custom property declared there must be
// documented. Run by `npm run build`; `node scripts/custom-elements.mjs --check` only validates.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// VCW_MANIFEST_ROOT: read another tree (the test checks that made-up documentation is refused).
const ROOT = process.env.VCW_MANIFEST_ROOT ?? new URL('..', import.meta.url).pathname;
const SOURCE = 'src/video-call-widget.ts';
const read = (path) => readFileSync(join(ROOT, path), 'utf8');

const problems = [];
const source = read(SOURCE);
const classMatch = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export class (\w+) extends (\w+) \{\n([\s\S]*?)\n\}\n/.exec(source);
if (!classMatch) throw new Error(`${SOURCE}: no documented exported class found`);
const [, classDoc, className, superclass, body] = classMatch;

/** A JSDoc block's text without the leading ` * `. */
const docText = (raw) => raw.split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n').trim();

function parseClassDoc(raw) {
  const text = docText(raw);
  const description = text.split(/\n(?=@)/)[0].startsWith('@') ? '' : text.split(/\n\s*@/)[0].replace(/\s+/g, ' ').trim();
  const tags = [...text.matchAll(/^@(\w+)\s+(\S+)(?:\s+-\s+([\s\S]*?))?(?=\n@|\n\n|$)/gm)].map(([, tag, name, desc]) => ({
    tag,
    name,
    description: (desc ?? '').replace(/\s+/g, ' ').trim(),
  }));
  return { description, tags };
}
const { description, tags } = parseClassDoc(classDoc);

// Event details, from `export interface WidgetEventMap { 'vcw-…': { … }; }`.
const eventsSource = read('src/events.ts');
const eventMap = /interface WidgetEventMap \{([\s\S]*?)\n\}/.exec(eventsSource)?.[1] ?? '';
const eventDetails = new Map([...eventMap.matchAll(/'(vcw-[a-z-]+)':\s*(\{[^}]*\});/g)].map(([, name, detail]) => [name, detail.replace(/\s+/g, ' ')]));

// Lit's reactive properties: `static override properties = { name: { … }, … };` (state-only ones are internal).
const propsBlock = /static (?:override )?properties = \{([\s\S]*?)\n  \};/.exec(body)?.[1];
if (!propsBlock) throw new Error(`${SOURCE}: no static properties block`);
const reactive = [...propsBlock.matchAll(/^\s{4}(\w+): \{([^}]*)\},?$/gm)]
  .map(([, name, opts]) => ({
    name,
    state: /state:\s*true/.test(opts),
    // `attribute: false`: a property only (no attribute), e.g. an object such as `strings`.
    attribute: /attribute:\s*false/.test(opts) ? null : /attribute:\s*'([^']+)'/.exec(opts)?.[1] ?? name.toLowerCase(),
    boolean: /type:\s*Boolean/.test(opts),
    reflects: /reflect:\s*true/.test(opts),
  }))
  .filter((p) => !p.state);

// Documented class members at the class's own indentation (two spaces).
const members = [];
const memberRe = /\n  \/\*\*((?:(?!\*\/)[\s\S])*)\*\/\n  (?!private |protected |static )((?:override )?(?:async )?)(get )?(\w+)(\([^)]*\))?(?::\s*((?:=>|[^;={\n])+?))?(?:\s*=(?!>)\s*([^;\n]+))?\s*(?:;|\{)/g;
for (const [, doc, , getter, name, params, type, initial] of body.matchAll(memberRe)) {
  const summary = docText(doc).replace(/\s+/g, ' ');
  if (params !== undefined && !getter) {
    const parameters = params.slice(1, -1).split(',').map((p) => p.trim()).filter(Boolean).map((p) => {
      const [, pname, ptype, pdefault] = /^(\w+)(?::\s*([^=]+?))?(?:\s*=\s*(.+))?$/.exec(p) ?? [];
      const inferred = ptype ?? (pdefault?.startsWith('!') ? 'boolean' : /^'/.test(pdefault ?? '') ? 'string' : undefined);
      return { name: pname, ...(pdefault !== undefined ? { optional: true } : {}), ...(inferred ? { type: { text: inferred.trim() } } : {}) };
    });
    members.push({
      kind: 'method',
      name,
      description: summary,
      ...(parameters.length ? { parameters } : {}),
      ...(type ? { return: { type: { text: type.trim() } } } : {}),
    });
    continue;
  }
  const inferred = type?.trim() ?? (initial === undefined ? undefined : /^'/.test(initial) ? 'string' : /^(true|false)$/.test(initial) ? 'boolean' : undefined);
  const prop = reactive.find((p) => p.name === name);
  members.push({
    kind: 'field',
    name,
    description: summary,
    ...(inferred ? { type: { text: inferred } } : {}),
    ...(initial !== undefined ? { default: initial.trim() } : {}),
    ...(getter ? { readonly: true } : {}),
    ...(prop?.attribute ? { attribute: prop.attribute, ...(prop.reflects ? { reflects: true } : {}) } : {}),
  });
}

const attributes = reactive.flatMap((p) => {
  const field = members.find((m) => m.kind === 'field' && m.name === p.name);
  if (!field) problems.push(`reactive property "${p.name}" has no documented field`);
  if (!p.attribute) return [];
  return {
    name: p.attribute,
    fieldName: p.name,
    description: field?.description ?? '',
    ...(p.boolean ? { type: { text: 'boolean' } } : field?.type ? { type: field.type } : {}),
    ...(field?.default !== undefined ? { default: field.default } : {}),
  };
});

const events = tags.filter((t) => t.tag === 'fires').map((t) => {
  const detail = eventDetails.get(t.name);
  if (!detail) problems.push(`@fires ${t.name} is not in WidgetEventMap (src/events.ts)`);
  return { name: t.name, type: { text: `CustomEvent<${detail ?? 'unknown'}>` }, description: t.description };
});
for (const name of eventDetails.keys()) {
  if (!events.some((e) => e.name === name)) problems.push(`event ${name} (src/events.ts) has no @fires tag`);
}

// CSS: what the styles and templates really have.
const srcFiles = (dir) => readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) =>
  d.isDirectory() ? srcFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []);
const allSource = srcFiles('src').map(read).join('\n');
// Attributes the element reads without a reactive property (the support flow's, read by its lazily loaded chunk):
// `@attr name - description` in the class JSDoc; each must be read somewhere in src/ by that name.
for (const t of tags.filter((tag) => tag.tag === 'attr')) {
  if (!allSource.includes(`'${t.name}'`)) problems.push(`@attr ${t.name} is read nowhere in src/`);
  if (attributes.some((a) => a.name === t.name)) problems.push(`@attr ${t.name} is already a reactive property's attribute`);
  attributes.push({ name: t.name, description: t.description, type: { text: 'string' } });
}
const partsInTemplates = new Set([...allSource.matchAll(/\spart="([^"$]+)"/g)].flatMap(([, v]) => v.split(/\s+/)));
// The element's own custom properties (`:host { … }`), and the support flow's (`:host([mode='launcher']) { … }`,
// in its own chunk's styles).
const hostBlock = [
  /:host \{([^}]*)\}/.exec(read('src/video-call-widget.styles.ts'))?.[1] ?? '',
  ...[...read('src/support/support.styles.ts').matchAll(/:host\(\[mode='launcher'\]\) \{([^}]*)\}/g)].map((m) => m[1]),
].join('\n');
const declared = new Map([...hostBlock.matchAll(/(--vcw-[\w-]+):\s*([^;]+);/g)].map(([, name, value]) => [name, value.trim()]));

const cssParts = tags.filter((t) => t.tag === 'csspart').map((t) => {
  if (!partsInTemplates.has(t.name)) problems.push(`@csspart ${t.name} appears in no part="…" attribute in src/`);
  return { name: t.name, description: t.description };
});
for (const part of partsInTemplates) if (!cssParts.some((p) => p.name === part)) problems.push(`part "${part}" is used in src/ but has no @csspart tag`);

const cssProperties = tags.filter((t) => t.tag === 'cssproperty').map((t) => {
  if (!declared.has(t.name)) problems.push(`@cssproperty ${t.name} is not declared on :host in src/video-call-widget.styles.ts (or on :host([mode='launcher']) in src/support/support.styles.ts)`);
  return { name: t.name, description: t.description, ...(declared.has(t.name) ? { default: declared.get(t.name) } : {}) };
});
for (const name of declared.keys()) if (!cssProperties.some((p) => p.name === name)) problems.push(`custom property ${name} is declared on :host but has no @cssproperty tag`);

const slots = tags.filter((t) => t.tag === 'slot').map((t) => ({ name: t.name === '-' ? '' : t.name, description: t.description }));

if (problems.length) {
  process.stderr.write(`custom-elements.json: the element's documentation does not match its source:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}

const tagName = /customElements\.define\('([a-z][\w-]*-[\w-]*)', (\w+)\)/.exec(read('src/index.ts'));
if (!tagName || tagName[2] !== className) throw new Error(`src/index.ts does not define ${className}`);

const declaration = { name: className, module: SOURCE };
const manifest = {
  schemaVersion: '2.1.0',
  readme: 'README.md',
  modules: [
    {
      kind: 'javascript-module',
      path: SOURCE,
      declarations: [
        {
          kind: 'class',
          name: className,
          description,
          tagName: tagName[1],
          customElement: true,
          superclass: { name: superclass, package: 'lit' },
          attributes,
          members,
          events,
          ...(slots.length ? { slots } : {}),
          cssParts,
          cssProperties,
        },
      ],
      exports: [{ kind: 'js', name: className, declaration }],
    },
    {
      kind: 'javascript-module',
      path: 'src/index.ts',
      declarations: [],
      exports: [
        { kind: 'custom-element-definition', name: tagName[1], declaration },
        { kind: 'js', name: className, declaration },
      ],
    },
  ],
};

if (!process.argv.includes('--check')) writeFileSync(join(ROOT, 'custom-elements.json'), `${JSON.stringify(manifest, null, 2)}\n`);
