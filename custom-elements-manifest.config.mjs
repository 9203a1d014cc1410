// Configuration of @custom-elements-manifest/analyzer: `custom-elements.json` (run by `npm run build`).
//
// The analyzer reads the element's JSDoc (`@fires`, `@attr`, `@csspart`, `@cssproperty`, `@slot`), Lit's
// `static properties` and the public members. The plugins below are our own:
//  - `vcw-source-facts` notes, while the analyzer walks src/, what the source really has: the parts used in
//    templates (`part="…"`), the custom properties declared on `:host` in `css` styles, the string literals (to
//    find the attributes src/ reads), `interface WidgetEventMap` and each class's JSDoc tags, Lit reactive
//    properties and `@internal` members. Nothing here depends on where a file sits under src/: the element is
//    found by its `customElements.define(…)`, the events by the interface's name.
//  - `vcw-element` refuses documentation that does not match the source (the build fails with a list of the
//    problems), adds what the analyzer does not produce (event detail types from `WidgetEventMap`, custom
//    properties' defaults, Lit's attribute names, parameter types), drops private and internal members, and
//    describes the element as the npm package ships it: one module, the bundle's entry
//    (`package.json` `exports["."].default`), not the sources.
// When a check fails, the analyzer stops with exit status 1 before writing anything. To check a tree without touching
// this one's custom-elements.json, run the analyzer in it with `--config` pointing here (test/build/custom-elements.test.ts).
import { readFileSync } from 'node:fs';

/** The Custom Elements Manifest schema the output follows (`test/build/custom-elements.test.ts` validates it). */
const SCHEMA_VERSION = '2.1.0';
/** The package this config belongs to (not the working directory: a test analyzes a copy of src/ elsewhere). */
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

export default {
  globs: ['src/**/*.ts'],
  // String tables and the shims that stand in for PeerJS's optional dependencies document nothing.
  exclude: ['src/**/i18n/**', 'src/**/vendor/**'],
  outdir: '',
  litelement: true,
  // `customElements` is already in package.json; the analyzer must not rewrite the file.
  packagejson: false,
  plugins: vcwPlugins(),
};

/** The plugins share what the first one saw in the sources. */
function vcwPlugins() {
  const facts = newFacts();
  return [sourceFactsPlugin(facts), elementPlugin(facts)];
}

function newFacts() {
  return {
    /** Every string literal's value in src/ (an attribute src/ reads appears as one: `getAttribute('hours')`). */
    strings: new Set(),
    /** Part name → files that use it in a `part="…"` attribute. */
    parts: new Map(),
    /** Custom properties declared on `:host` or `:host(…)`: { name, value, selector, file }. */
    hostProperties: [],
    /** Every `interface WidgetEventMap`: { file, events: Map<event name, detail type text> }. */
    eventMaps: [],
    /** `file#ClassName` → { tags, reactive, internal }. */
    classes: new Map(),
  };
}

const EVENT_MAP = 'WidgetEventMap';
const PART_ATTRIBUTE = /(?:^|\s)part="([^"$]*)"/g;
const CUSTOM_PROPERTY = /(--[\w-]+)\s*:\s*([^;]+)/g;
const HOST_SELECTOR = /^:host(?:\([^)]*\))?$/;

// ---------------------------------------------------------------------------------------------------------------
// What the sources really have.

function sourceFactsPlugin(facts) {
  return {
    name: 'vcw-source-facts',
    initialize() {
      Object.assign(facts, newFacts());
    },
    collectPhase({ ts, node }) {
      const file = node.getSourceFile().fileName;
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) facts.strings.add(node.text);
      // Template and string text: HTML templates carry the parts.
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
        for (const [, names] of node.text.matchAll(PART_ATTRIBUTE)) {
          for (const name of names.split(/\s+/).filter(Boolean)) facts.parts.set(name, [...(facts.parts.get(name) ?? []), file]);
        }
      }
      if (ts.isTaggedTemplateExpression(node) && node.tag.getText() === 'css') collectHostProperties(ts, node.template, file, facts);
      if (ts.isInterfaceDeclaration(node) && node.name.text === EVENT_MAP) facts.eventMaps.push({ file, events: eventMap(ts, node) });
      if (ts.isClassDeclaration(node) && node.name) facts.classes.set(`${file}#${node.name.text}`, classFacts(ts, node));
    },
  };
}

/** The text of a template literal; `${…}` become a blank. */
function templateText(ts, template) {
  if (ts.isNoSubstitutionTemplateLiteral(template)) return template.text;
  return [template.head.text, ...template.templateSpans.map((span) => span.literal.text)].join(' ');
}

function collectHostProperties(ts, template, file, facts) {
  const text = templateText(ts, template).replace(/\/\*[\s\S]*?\*\//g, '');
  // Innermost rules (`selector { declarations }`): a rule inside `@media` is found too.
  for (const [, selectorList, body] of text.matchAll(/([^{};]*)\{([^{}]*)\}/g)) {
    const selectors = selectorList.split(',').map((s) => s.trim());
    if (!selectors.every((s) => HOST_SELECTOR.test(s))) continue;
    for (const [, name, value] of body.matchAll(CUSTOM_PROPERTY)) {
      facts.hostProperties.push({ name, value: value.trim().replace(/\s+/g, ' '), selector: selectors.join(', '), file });
    }
  }
}

/** `'vcw-state-change': { state: WidgetState };` → 'vcw-state-change' → '{ state: WidgetState }'. */
function eventMap(ts, node) {
  const events = new Map();
  for (const member of node.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const name = ts.isStringLiteral(member.name) || ts.isIdentifier(member.name) ? member.name.text : member.name.getText();
    events.set(name, member.type.getText().replace(/\s+/g, ' '));
  }
  return events;
}

function classFacts(ts, node) {
  // The class's JSDoc tags (`@attr name - …`): the tag and the name it documents.
  const tags = ts.getJSDocTags(node).map((tag) => {
    const comment = (ts.getTextOfJSDocComment(tag.comment) ?? '').replace(/^\{[^}]*\}\s*/, '').trim();
    return { tag: tag.tagName.text, name: comment.split(/\s+/)[0] ?? '' };
  });
  /** Lit reactive properties: name → { attribute: string | null, state, boolean, reflect }. */
  const reactive = new Map();
  /** Members that are not part of the public API although TypeScript calls them public. */
  const internal = new Set();
  for (const member of node.members) {
    const name = member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) || ts.isPrivateIdentifier(member.name)) ? member.name.text : undefined;
    if (!name) continue;
    if (ts.getJSDocTags(member).some((tag) => tag.tagName.text === 'internal' || tag.tagName.text === 'ignore')) internal.add(name);
    const isStatic = ts.getModifiers?.(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    if (isStatic && name === 'properties') {
      for (const property of reactivePropertiesObject(ts, member)?.properties ?? []) {
        if (!ts.isPropertyAssignment(property)) continue;
        reactive.set(property.name.getText().replace(/^['"]|['"]$/g, ''), reactiveOptions(ts, property.name.getText().replace(/^['"]|['"]$/g, ''), property.initializer));
      }
    }
    // Decorators: `@state()` is internal state, `@property({…})` a reactive property.
    for (const decorator of ts.getDecorators?.(member) ?? []) {
      const call = ts.isCallExpression(decorator.expression) ? decorator.expression : undefined;
      const callee = (call?.expression ?? decorator.expression).getText();
      if (callee === 'state' || callee === 'internalProperty') reactive.set(name, { attribute: null, state: true, boolean: false, reflect: false });
      if (callee === 'property') reactive.set(name, reactiveOptions(ts, name, call?.arguments[0]));
    }
  }
  return { tags, reactive, internal };
}

/** `static properties = {…}` or `static get properties() { return {…}; }`. */
function reactivePropertiesObject(ts, member) {
  if (ts.isPropertyDeclaration(member) && member.initializer && ts.isObjectLiteralExpression(member.initializer)) return member.initializer;
  if (ts.isGetAccessorDeclaration(member)) {
    const returned = member.body?.statements.find(ts.isReturnStatement)?.expression;
    if (returned && ts.isObjectLiteralExpression(returned)) return returned;
  }
  return undefined;
}

/** Lit's rules: no `attribute` option = the property name lower-cased; `attribute: false` and `state: true` = none. */
function reactiveOptions(ts, name, options) {
  const option = (key) => options && ts.isObjectLiteralExpression(options)
    ? options.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText() === key)?.initializer
    : undefined;
  const attribute = option('attribute');
  const state = option('state')?.kind === ts.SyntaxKind.TrueKeyword;
  return {
    state,
    attribute: state || attribute?.kind === ts.SyntaxKind.FalseKeyword ? null : attribute && ts.isStringLiteral(attribute) ? attribute.text : name.toLowerCase(),
    boolean: option('type')?.getText() === 'Boolean',
    reflect: option('reflect')?.kind === ts.SyntaxKind.TrueKeyword,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The element: checked against the sources, completed, and placed in the module the package ships.

function elementPlugin(facts) {
  return {
    name: 'vcw-element',
    packageLinkPhase({ customElementsManifest: manifest }) {
      const problems = [];
      const entry = shippedEntry(problems);
      const modules = manifest.modules;
      const definitions = modules.flatMap((m) => m.exports ?? []).filter((e) => e.kind === 'custom-element-definition');
      if (!definitions.length) problems.push('no customElements.define(…) found in src/');
      const elements = [];
      for (const definition of definitions) {
        const found = findClass(modules, definition.declaration);
        if (!found) {
          problems.push(`<${definition.name}> is defined with class ${definition.declaration.name}, which is not declared in src/`);
          continue;
        }
        const { module, declaration } = found;
        const source = facts.classes.get(`${module.path}#${declaration.name}`);
        if (!source) {
          problems.push(`class ${declaration.name} (${module.path}) was not seen in the sources`);
          continue;
        }
        declaration.tagName = definition.name;
        declaration.customElement = true;
        checkAndComplete(declaration, module.path, source, facts, problems);
        elements.push({ definition, declaration });
      }

      if (problems.length) {
        process.stderr.write(`custom-elements.json: the element's documentation does not match its source:\n  ${problems.join('\n  ')}\n`);
        process.exit(1);
      }

      // One module, the file `import 'video-call-widget'` loads: it exports the class and defines the element.
      const reference = (name) => ({ name, module: entry });
      for (const { declaration } of elements) pointModulesAt(declaration, entry);
      manifest.schemaVersion = SCHEMA_VERSION;
      if (!manifest.readme) delete manifest.readme;
      manifest.modules = [
        {
          kind: 'javascript-module',
          path: entry,
          declarations: elements.map((e) => e.declaration),
          exports: [
            ...elements.map(({ declaration }) => ({ kind: 'js', name: declaration.name, declaration: reference(declaration.name) })),
            ...elements.map(({ definition, declaration }) => ({ kind: 'custom-element-definition', name: definition.name, declaration: reference(declaration.name) })),
          ],
        },
      ];
    },
  };
}

/** The bundle's entry module as package.json exports it (`dist/widget/video-call-widget.js`). */
function shippedEntry(problems) {
  const root = pkg.exports?.['.'];
  const target = typeof root === 'string' ? root : root?.default ?? root?.import ?? pkg.module ?? pkg.main;
  if (typeof target !== 'string') {
    problems.push('package.json has no exports["."].default: no shipped module to document');
    return '';
  }
  return target.replace(/^\.\//, '');
}

/** The class a definition names: by name, preferring the module the definition points at. */
function findClass(modules, reference) {
  const candidates = modules.flatMap((module) => (module.declarations ?? [])
    .filter((d) => d.kind === 'class' && d.name === reference.name)
    .map((declaration) => ({ module, declaration })));
  const wanted = reference.module?.replace(/^\//, '').replace(/\.js$/, '');
  return candidates.find((c) => c.module.path.replace(/\.ts$/, '') === wanted) ?? candidates[0];
}

function checkAndComplete(element, file, source, facts, problems) {
  const tagged = (tag) => source.tags.filter((t) => t.tag === tag).map((t) => t.name);

  // Members: public API only.
  const dropped = new Set();
  element.members = (element.members ?? []).filter((member) => {
    const keep = !(member.privacy === 'private' || member.privacy === 'protected' || /^[_#]/.test(member.name) || source.internal.has(member.name));
    if (!keep) dropped.add(member.name);
    return keep;
  });
  for (const member of element.members) {
    const prop = source.reactive.get(member.name);
    if (member.kind === 'field' && prop) {
      if (prop.attribute) member.attribute = prop.attribute;
      else delete member.attribute;
      if (prop.attribute && prop.reflect) member.reflects = true;
      else delete member.reflects;
    }
    for (const [index, parameter] of (member.parameters ?? []).entries()) {
      if (!parameter.name) problems.push(`${element.name}.${member.name}(): parameter ${index + 1} has no name`);
      completeParameter(parameter);
    }
  }

  // Attributes: Lit's reactive properties (with Lit's attribute names), then the `@attr` tags.
  const reactiveAttributes = new Map([...source.reactive].filter(([name, p]) => p.attribute && !dropped.has(name)).map(([name, p]) => [name, p]));
  const attributeTags = tagged('attr').concat(tagged('attribute'));
  const attributes = [];
  for (const [fieldName, prop] of reactiveAttributes) {
    const analyzed = element.attributes?.find((a) => a.fieldName === fieldName) ?? {};
    const field = element.members.find((m) => m.name === fieldName);
    if (!field) problems.push(`reactive property "${fieldName}" has no public field`);
    const attribute = { ...analyzed, name: prop.attribute, fieldName };
    if (!attribute.description && field?.description) attribute.description = field.description;
    if (prop.boolean) attribute.type = { text: 'boolean' };
    else if (!attribute.type && field?.type) attribute.type = field.type;
    const initial = attributeDefault(attribute.default ?? field?.default, prop.boolean);
    if (initial === undefined) delete attribute.default;
    else attribute.default = initial;
    attributes.push(attribute);
  }
  for (const name of attributeTags) {
    if (!facts.strings.has(name)) problems.push(`@attr ${name} is read nowhere in src/ (no string '${name}')`);
    if (attributes.some((a) => a.name === name)) problems.push(`@attr ${name} is already a reactive property's attribute`);
    const analyzed = element.attributes?.find((a) => a.name === name && !a.fieldName) ?? { name };
    attributes.push({ ...analyzed, type: analyzed.type ?? { text: 'string' } });
  }
  // Anything else the analyzer found (`observedAttributes`…), unless it belongs to a dropped or attribute-less field.
  for (const analyzed of element.attributes ?? []) {
    if (attributes.some((a) => a.name === analyzed.name || (analyzed.fieldName && a.fieldName === analyzed.fieldName))) continue;
    if (analyzed.fieldName && (dropped.has(analyzed.fieldName) || source.reactive.has(analyzed.fieldName))) continue;
    attributes.push(analyzed);
  }
  element.attributes = attributes;

  // Events: each `@fires` has its detail in WidgetEventMap, and each event there is documented.
  if (facts.eventMaps.length !== 1) {
    problems.push(facts.eventMaps.length
      ? `interface ${EVENT_MAP} is declared more than once (${facts.eventMaps.map((m) => m.file).join(', ')})`
      : `no interface ${EVENT_MAP} in src/: the events' details are typed there`);
  }
  const { file: mapFile = 'src/', events: details = new Map() } = facts.eventMaps[0] ?? {};
  element.events = (element.events ?? []).map((event) => {
    const detail = details.get(event.name);
    if (!detail) problems.push(`@fires ${event.name} is not in ${EVENT_MAP} (${mapFile})`);
    return { ...event, type: { text: `CustomEvent<${detail ?? 'unknown'}>` } };
  });
  for (const name of details.keys()) {
    if (!element.events.some((e) => e.name === name)) problems.push(`event ${name} (${mapFile}) has no @fires tag`);
  }

  // Parts: documented = used in a template.
  for (const part of element.cssParts ?? []) {
    if (!facts.parts.has(part.name)) problems.push(`@csspart ${part.name} appears in no part="…" attribute in src/`);
  }
  for (const [part, files] of facts.parts) {
    if (!element.cssParts?.some((p) => p.name === part)) problems.push(`part "${part}" is used in ${[...new Set(files)].join(', ')} but has no @csspart tag`);
  }

  // Custom properties: documented = declared on `:host` (the plain `:host` rule's value is the default).
  const declared = (name) => facts.hostProperties.filter((p) => p.name === name);
  for (const property of element.cssProperties ?? []) {
    const declarations = declared(property.name);
    if (!declarations.length) {
      problems.push(`@cssproperty ${property.name} is not declared on :host in the styles (a css\`\` rule for :host or :host(…) in src/)`);
      continue;
    }
    if (property.default === undefined) property.default = (declarations.find((d) => d.selector === ':host') ?? declarations[0]).value;
  }
  for (const { name, selector, file: where } of facts.hostProperties) {
    if (name.startsWith('--vcw-') && !element.cssProperties?.some((p) => p.name === name)) {
      problems.push(`custom property ${name} is declared on ${selector} (${where}) but has no @cssproperty tag`);
    }
  }

  for (const key of ['attributes', 'events', 'cssParts', 'cssProperties', 'slots', 'cssStates']) {
    if (Array.isArray(element[key]) && !element[key].length) delete element[key];
  }
  normalizeDescriptions(element);
  if (!element.description) problems.push(`class ${element.name} (${file}) has no description`);
}

/**
 * An attribute's default is the attribute's value (the schema: "not a human readable description"): the field's
 * `'on'` is `on`; a boolean attribute, or a field that starts empty or undefined, has the attribute absent.
 */
function attributeDefault(initial, boolean) {
  if (boolean || initial === undefined) return undefined;
  const literal = /^(['"`])(.*)\1$/.exec(initial);
  if (literal) return literal[2] || undefined;
  return /^-?\d[\d_.]*$/.test(initial) ? initial : undefined;
}

/** A default that is an expression on the instance (`on = !this.media.micOn`) is not API: "optional" says it. */
function completeParameter(parameter) {
  const initial = parameter.default;
  if (initial === undefined) return;
  parameter.optional = true;
  if (!parameter.type) {
    const inferred = /^!/.test(initial) || /^(true|false)$/.test(initial) ? 'boolean'
      : /^(['"`]).*\1$/.test(initial) ? 'string'
      : /^-?\d[\d_.]*$/.test(initial) ? 'number' : undefined;
    if (inferred) parameter.type = { text: inferred };
  }
  if (/\bthis\b/.test(initial)) delete parameter.default;
}

/** JSDoc line breaks inside a paragraph are not Markdown line breaks. */
function normalizeDescriptions(value) {
  if (Array.isArray(value)) return value.forEach(normalizeDescriptions);
  if (!value || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if ((key === 'description' || key === 'summary') && typeof child === 'string') {
      value[key] = child.split(/\n\s*\n/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n\n');
    } else normalizeDescriptions(child);
  }
}

/** References to the sources (`{ module: 'src/…' }`) become references to the shipped module. */
function pointModulesAt(value, entry) {
  if (Array.isArray(value)) return value.forEach((v) => pointModulesAt(v, entry));
  if (!value || typeof value !== 'object') return;
  if (typeof value.module === 'string' && !value.package) value.module = entry;
  for (const child of Object.values(value)) pointModulesAt(child, entry);
}
