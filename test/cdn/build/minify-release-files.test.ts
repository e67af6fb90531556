import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { init as initLexer, parse as parseModule } from 'es-module-lexer';
import ts from 'typescript';
import { DEFAULT_MINIFY_LIMITS, minifyReleaseFiles } from '../../../runtime/cdn/build/minify-release-files.ts';
import { integrityOf } from '../../../runtime/shared/files/integrity-of.ts';

const filesOf = (tree: Record<string, string | Buffer>) =>
  new Map(Object.entries(tree).map(([path, bytes]) => [path, typeof bytes === 'string' ? Buffer.from(bytes) : bytes]));
const text = (files: ReadonlyMap<string, Buffer>, path: string) => files.get(path)?.toString('utf8') ?? '';
/** Imports a module from a data: URL, without its sourceMappingURL comment (Node would resolve the map against the data: URL). */
const load = (code: string) =>
  import(`data:text/javascript;base64,${Buffer.from(code.replace(/\/\/# sourceMappingURL=.*\n$/, '')).toString('base64')}`) as Promise<
    Record<string, unknown>
  >;

/** A module as a podlet's tsc output looks: comments, indentation, long local names, every kind of import. */
const card = `import { LitElement, css, html } from 'lit';
import { format } from './format.js';
import '@podlets/auth/session.js';
/** A card: the long comment and the indentation are what minifying removes. */
export class PodletCard extends LitElement {
    static { this.styles = css\`
      :host {
        display: block;
      }
    \`; }
    #currentlyDisplayedLabel = 'nothing yet';
    render() {
        const somewhatLongLocalName = format(this.#currentlyDisplayedLabel);
        return html\`<p class="label">\${somewhatLongLocalName}</p>\`;
    }
}
export const assetUrl = new URL('./card.svg', import.meta.url).href;
export async function loadPart(name) {
    return import(\`./parts/\${name}.js\`);
}
export const later = () => import('./lazy.js');
`;

async function importsOf(code: string): Promise<string[]> {
  await initLexer;
  return parseModule(code)[0].map((i) => (i.d === -2 ? 'import.meta' : (i.n ?? `<computed>`)));
}

describe('minifyReleaseFiles()', () => {
  test('a module with static, bare, dynamic and import.meta imports - is smaller, keeps every import, export and template as written, and gets a map', async () => {
    const files = filesOf({ 'card.js': card });
    const release = await minifyReleaseFiles(files);
    const minified = text(release.files, 'card.js');
    assert.ok(minified.length < card.length * 0.75, `${minified.length} bytes of ${card.length}`);
    assert.deepEqual(await importsOf(minified), await importsOf(card));
    for (const name of ['export class PodletCard', 'export const assetUrl', 'export async function loadPart', 'export const later']) {
      assert.ok(minified.includes(name), `${name} is in ${minified}`);
    }
    assert.ok(minified.includes('`\n      :host {\n        display: block;\n      }\n    `'), 'the css template is byte for byte');
    assert.ok(!minified.includes('somewhatLongLocalName'), 'locals are renamed');
    assert.ok(minified.endsWith('\n//# sourceMappingURL=card.js.map\n'), minified);
    const map = JSON.parse(text(release.files, 'card.js.map')) as { version: number; sources: string[]; sourcesContent: string[] };
    assert.equal(map.version, 3);
    assert.deepEqual(map.sources, ['card.js']);
    assert.deepEqual(map.sourcesContent, [card]);
    assert.deepEqual(release.notes.get('card.js'), { published: { size: Buffer.byteLength(card), integrity: integrityOf(card) } });
    assert.deepEqual(release.notes.get('card.js.map'), { generated: true });
    assert.deepEqual(release.warnings, []);
    assert.equal(files.get('card.js')!.toString(), card, 'the input is not changed');
  });

  test('a module - minified - computes what it computed as published', async () => {
    const source = `const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export function describeDay(dayIndex, options = {}) {
    const name = weekdays[dayIndex % weekdays.length] ?? 'no day';
    const prefix = options.prefix !== undefined && options.prefix !== null ? options.prefix : 'Today is';
    return \`\${prefix} \${name} (\${typeof dayIndex})\`;
}
export class Counter { static created = 0; #count = 0; constructor() { Counter.created++; } increment() { return ++this.#count; } }
`;
    const release = await minifyReleaseFiles(filesOf({ 'day.js': source }));
    assert.ok(release.notes.has('day.js'), 'the module was minified');
    const [before, after] = await Promise.all([load(source), load(text(release.files, 'day.js'))]);
    const run = (module: Record<string, unknown>) => {
      const describeDay = module.describeDay as (i: number, o?: object) => string;
      const Counter = module.Counter as new () => { increment(): number };
      const counter = new Counter();
      counter.increment();
      return [describeDay(8), describeDay(3, { prefix: 'On' }), counter.increment()];
    };
    assert.deepEqual(run(before!), ['Today is Monday (number)', 'On Wednesday (number)', 2]);
    assert.deepEqual(run(after!), run(before!));
  });

  test("a module with tsc's map beside it - chains it: the new map leads to the TypeScript source", async () => {
    const tsSource = `import { html } from 'lit';\n\ntype Label = string;\n\nexport function renderLabel(label: Label) {\n  const longLocalName: number = label.length;\n  console.info('chained-marker');\n  return html\`<b>\${label}</b>\` ?? longLocalName;\n}\n`;
    const compiled = ts.transpileModule(tsSource, {
      fileName: 'label.ts',
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true },
    });
    // As tsc writes it with rootDir assets/ and outDir public/: the map names the source relative to itself.
    const tscMap = JSON.stringify({ ...JSON.parse(compiled.sourceMapText!), sources: ['../assets/label.ts'], file: 'label.js' });
    const js = compiled.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=label.js.map');
    const release = await minifyReleaseFiles(filesOf({ 'label.js': js, 'label.js.map': tscMap }));
    const minified = text(release.files, 'label.js');
    assert.ok(minified.endsWith('//# sourceMappingURL=label.js.map\n'));
    assert.equal(minified.match(/sourceMappingURL/g)?.length, 1, 'only the new comment');
    const map = JSON.parse(text(release.files, 'label.js.map')) as { sources: string[]; mappings: string };
    assert.deepEqual(map.sources, ['../assets/label.ts']);
    const at = minified.indexOf('"chained-marker"');
    assert.ok(at >= 0);
    const line = minified.slice(0, at).split('\n').length - 1;
    const column = at - (minified.lastIndexOf('\n', at - 1) + 1);
    assert.equal(
      originalLineAt(map.mappings, line, column),
      tsSource.split('\n').findIndex((l) => l.includes('chained-marker')),
    );
    assert.deepEqual(release.notes.get('label.js.map'), { published: { size: Buffer.byteLength(tscMap), integrity: integrityOf(tscMap) } });
  });

  test('a module with its map inlined as a data URL - chains it too, and the stored module names only the new map', async () => {
    const inlineMap = { version: 3, sources: ['../assets/inline.ts'], names: [], mappings: 'AAAA;AACA;AACA', sourcesContent: ['// ts'] };
    const js = `export function inlineMapped(valueToShow) {\n    return String(valueToShow).padStart(10);\n}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(inlineMap)).toString('base64')}\n`;
    const release = await minifyReleaseFiles(filesOf({ 'inline.js': js }));
    const minified = text(release.files, 'inline.js');
    assert.equal(minified.match(/sourceMappingURL=(.*)/g)?.join(), 'sourceMappingURL=inline.js.map');
    assert.deepEqual(JSON.parse(text(release.files, 'inline.js.map')).sources, ['../assets/inline.ts']);
    assert.deepEqual(release.notes.get('inline.js.map'), { generated: true });
  });

  test('a stylesheet - is minified with a CSS map comment; other files are untouched', async () => {
    const css = '/* the card */\n.card {\n  color: #ff0000;\n  margin: 0px 0px 0px 0px;\n}\n';
    const others = { 'card.d.ts': 'export declare const x: number;\n', 'data.json': '{ "a": 1 }\n', 'logo.svg': '<svg>  </svg>\n' };
    const release = await minifyReleaseFiles(filesOf({ 'css/card.css': css, ...others }));
    assert.equal(text(release.files, 'css/card.css'), '.card{color:red;margin:0}\n/*# sourceMappingURL=card.css.map */\n');
    assert.deepEqual(JSON.parse(text(release.files, 'css/card.css.map')).sources, ['card.css']);
    for (const [path, content] of Object.entries(others)) assert.equal(text(release.files, path), content);
    assert.deepEqual([...release.files.keys()].sort(), ['card.d.ts', 'css/card.css', 'css/card.css.map', 'data.json', 'logo.svg']);
  });

  test('a module esbuild cannot parse - is kept as published with PODMAP_ERR_CDN_MINIFY_SKIPPED naming it; the others are minified', async () => {
    const broken = 'export const = 1;\n// a module that does not parse\n';
    const release = await minifyReleaseFiles(filesOf({ 'broken.js': broken, 'card.js': card }));
    assert.equal(text(release.files, 'broken.js'), broken);
    assert.ok(!release.files.has('broken.js.map'));
    assert.ok(!release.notes.has('broken.js'));
    assert.equal(release.warnings.length, 1);
    assert.equal(release.warnings[0]!.code, 'PODMAP_ERR_CDN_MINIFY_SKIPPED');
    assert.match(release.warnings[0]!.message, /broken\.js: Expected identifier but found "=" \(line 1, column 13\)/);
    assert.ok(release.notes.has('card.js'), 'the good module was minified');
  });

  test('bad input - kept as published, each with a warning: CSS esbuild repairs, a file not UTF-8, a map that is not JSON', async () => {
    const files = filesOf({
      'open.css': '.a {\n  color: red;\n',
      'latin1.js': Buffer.concat([Buffer.from('export const word = "caf'), Buffer.from([0xe9]), Buffer.from('";\n// padding\n'.repeat(3))]),
      'mapped.js': card,
      'mapped.js.map': 'not json',
    });
    const release = await minifyReleaseFiles(files);
    for (const path of files.keys()) assert.ok(release.files.get(path)!.equals(files.get(path)!), `${path} as published`);
    assert.deepEqual([...release.files.keys()].sort(), [...files.keys()].sort());
    assert.deepEqual(release.notes, new Map());
    const messages = release.warnings.map((w) => `${w.code} ${w.detail}`).sort();
    assert.equal(messages.length, 3);
    assert.match(messages[0]!, /^PODMAP_ERR_CDN_MINIFY_SKIPPED latin1\.js: not UTF-8$/);
    assert.match(messages[1]!, /^PODMAP_ERR_CDN_MINIFY_SKIPPED mapped\.js: .*source map/);
    assert.match(messages[2]!, /^PODMAP_ERR_CDN_MINIFY_SKIPPED open\.css: Expected "}"/);
  });

  test('a file over maxFileBytes - is kept as published with a warning, before esbuild sees it (security: 262,144 nested `!` stop its service)', async () => {
    const hostile = `export const a = ${'!'.repeat(262_144)}1;\n`;
    const release = await minifyReleaseFiles(filesOf({ 'deep.js': hostile, 'card.js': card }));
    assert.equal(text(release.files, 'deep.js'), hostile);
    assert.deepEqual(
      release.warnings.map((w) => w.detail),
      [`deep.js: ${hostile.length} bytes, over the ${DEFAULT_MINIFY_LIMITS.maxFileBytes} the CDN minifies`],
    );
    assert.ok(release.notes.has('card.js'), 'the other module was minified');
    // esbuild's service still runs: a later release is minified.
    assert.ok((await minifyReleaseFiles(filesOf({ 'card.js': card }))).notes.has('card.js'));
  });

  test('a module that reaches esbuild and stops its service (262,144 `!`, past a raised maxFileBytes) - the release is kept as published with one warning; the next release is minified', async () => {
    const hostile = `export const a = ${'!'.repeat(262_144)}1;\n`;
    const files = filesOf({ 'deep.js': hostile, 'card.js': card });
    const release = await minifyReleaseFiles(files, { ...DEFAULT_MINIFY_LIMITS, maxFileBytes: 1024 * 1024 });
    for (const path of files.keys()) assert.ok(release.files.get(path)!.equals(files.get(path)!), path);
    assert.deepEqual(release.notes, new Map());
    assert.deepEqual(
      release.warnings.map((w) => w.code),
      ['PODMAP_ERR_CDN_MINIFY_SKIPPED'],
    );
    assert.match(
      release.warnings[0]!.detail!,
      /^2 files not minified, the minifier stopped \(PODMAP_ERR_CDN_BUILD_CRASHED: esbuild's service in process \d+ stopped during the job\)$/,
    );
    assert.ok((await minifyReleaseFiles(filesOf({ 'card.js': card }))).notes.has('card.js'), "this process's minifier still works");
  });

  test('a release whose minify outlives timeoutMs (12,000 nested `if (a)`, about 24 s) - its build process is killed and the release kept as published, with one warning', async () => {
    const slow = `export function f(a, b) { ${'if (a) '.repeat(12_000)}b(); }\n`;
    const files = filesOf({ 'slow.js': slow, 'card.js': card });
    const started = performance.now();
    const release = await minifyReleaseFiles(files, { ...DEFAULT_MINIFY_LIMITS, maxFileBytes: 1024 * 1024, timeoutMs: 200 });
    const took = performance.now() - started;
    assert.ok(took < 200 + 8_000, `answered after ${Math.round(took)} ms`);
    for (const path of files.keys()) assert.ok(release.files.get(path)!.equals(files.get(path)!), path);
    assert.equal(release.warnings.length, 1);
    const detail = release.warnings[0]!.detail!;
    assert.match(detail, /^2 files not minified, the minifier stopped \(PODMAP_ERR_CDN_BUILD_TIMEOUT: process \d+ killed after 200 ms\)$/);
    assert.throws(() => process.kill(Number(/process (\d+)/.exec(detail)![1]), 0), { code: 'ESRCH' }, 'the build process is gone');
    assert.ok((await minifyReleaseFiles(filesOf({ 'card.js': card }))).notes.has('card.js'), 'the next release is minified');
  });

  test('a map beside a module over maxMapBytes - keeps both as published, with a warning (esbuild would parse it)', async () => {
    const map = JSON.stringify({ version: 3, sources: ['../assets/card.ts'], names: [], mappings: 'AAAA' });
    const release = await minifyReleaseFiles(filesOf({ 'card.js': card, 'card.js.map': map }), {
      ...DEFAULT_MINIFY_LIMITS,
      maxMapBytes: 16,
    });
    assert.equal(text(release.files, 'card.js'), card);
    assert.equal(text(release.files, 'card.js.map'), map);
    assert.deepEqual(
      release.warnings.map((w) => w.detail),
      [`card.js: its map has ${map.length} bytes, over the 16 the CDN reads`],
    );
  });

  test('a release whose budget is spent - keeps the files not yet started as published, with one warning naming them', async () => {
    const files = filesOf({ 'a.js': card, 'b.js': card, 'c.css': '.c {\n  color: red;\n}\n' });
    const release = await minifyReleaseFiles(files, { ...DEFAULT_MINIFY_LIMITS, budgetMs: 0 });
    for (const path of files.keys()) assert.ok(release.files.get(path)!.equals(files.get(path)!), path);
    assert.deepEqual(release.notes, new Map());
    assert.deepEqual(
      release.warnings.map((w) => [w.code, w.detail]),
      [['PODMAP_ERR_CDN_MINIFY_SKIPPED', '3 of 3 files not minified, the release took its 0 ms: a.js, b.js, c.css']],
    );
  });

  test('a module minifying would not shrink (already minified, or tiny) - is kept as published, without a map', async () => {
    const files = filesOf({ 'tiny.js': 'export{};\n', 'min.js': 'export const a=1;\n', 'empty.js': '' });
    const release = await minifyReleaseFiles(files);
    assert.deepEqual([...release.files.keys()].sort(), ['empty.js', 'min.js', 'tiny.js']);
    for (const path of files.keys()) assert.ok(release.files.get(path)!.equals(files.get(path)!));
    assert.deepEqual(release.notes, new Map());
    assert.deepEqual(release.warnings, []);
  });
});

const VLQ = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The original line (0-based) of the last mapping at or before a generated line and column, from a v3 `mappings` string. */
function originalLineAt(mappings: string, line: number, column: number): number {
  let sourceLine = 0;
  let found = -1;
  for (const [index, group] of mappings.split(';').entries()) {
    let generated = 0;
    for (const segment of group.split(',').filter(Boolean)) {
      const fields = decodeVlq(segment);
      generated += fields[0]!;
      if (fields.length >= 4) sourceLine += fields[2]!;
      if (index === line && generated <= column && fields.length >= 4) found = sourceLine;
    }
  }
  return found;
}

function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = VLQ.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >> 1) : value >> 1);
    value = 0;
    shift = 0;
  }
  return values;
}
