import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createShakenService, publishTarball, type ShakenAnswer } from '../../../runtime/cdn/index.ts';
import { makeTempDir, manifestOf, packFixture, settleShaken } from '../helpers.ts';

/**
 * As vue and d3-scale are built: `front` passes `dom` on whole (`export * from 'dom'`), `dom`
 * passes `core` on whole; `scale` imports a name of `fmt` (side-effect free) that only its unused
 * code reads, and runs `poly` (no `sideEffects` field) for its side effect.
 */
async function publishFixtures(t: TestContext, extra: Record<string, Record<string, string>> = {}): Promise<string> {
  const dir = await makeTempDir(t, 'podmap-shaken-deps-');
  const store = join(dir, 'store');
  const packages: Record<string, Record<string, string>> = {
    core: {
      'package.json': manifestOf('core', '1.0.0', { sideEffects: false }),
      'index.js': "export function coreUsed() { return 'CORE_USED'; }\nexport function coreUnused() { return 'CORE_UNUSED'; }\n",
    },
    dom: {
      'package.json': manifestOf('dom', '1.0.0', { sideEffects: false, dependencies: { core: '1.0.0' } }),
      'index.js':
        "export * from 'core';\nexport function domUsed() { return 'DOM_USED'; }\nexport function domUnused() { return 'DOM_UNUSED'; }\n",
    },
    front: {
      'package.json': manifestOf('front', '1.0.0', { dependencies: { dom: '1.0.0' } }),
      'index.js': "import { domUsed } from 'dom';\nexport * from 'dom';\nexport const compile = () => 'COMPILE_' + domUsed.name;\n",
    },
    fmt: {
      'package.json': manifestOf('fmt', '1.0.0', { sideEffects: false }),
      'index.js': "export function format() { return 'FMT_MARK'; }\n",
    },
    poly: {
      'package.json': manifestOf('poly', '1.0.0'),
      'index.js': "globalThis.POLY_MARK = 1;\nexport const unusedPoly = 'POLY_EXPORT';\n",
    },
    scale: {
      'package.json': manifestOf('scale', '1.0.0', { dependencies: { fmt: '1.0.0', poly: '1.0.0' } }),
      'index.js':
        "import { format } from 'fmt';\nimport { unusedPoly } from 'poly';\nexport function linear() { return 'LINEAR_MARK'; }\nexport function time() { return format() + unusedPoly; }\n",
    },
    ...extra,
  };
  for (const [name, files] of Object.entries(packages)) await publishTarball(store, await packFixture(join(dir, name), files));
  return store;
}

/** The shaken files of a ready version, joined. */
async function shakenText(store: string, key: string, answer: ShakenAnswer): Promise<string> {
  const build = answer.builds[key];
  assert.ok(build?.status === 'ready', `${key}: ${JSON.stringify(build)}`);
  const texts = await Promise.all(Object.keys(build.files).map((f) => readFile(join(store, 'npm', key, 'files', f), 'utf8')));
  return texts.join('\n');
}

/** A namespace import of dom: what esbuild writes for names asked through a star it was not told to forward. */
const NAMESPACE_OF_DOM = /import\s*\*\s*as\s*[\w$]+\s*from\s*"dom"/;

const deps = { 'dom@1.0.0': {}, 'core@1.0.0': {}, 'fmt@1.0.0': {}, 'poly@1.0.0': {} } as const;

test('createShakenService() - names a package passes on from another with export * - taken from that package, which is shaken too, down the chain', async (t) => {
  const store = await publishFixtures(t);
  const service = createShakenService(store);
  const { answer } = await settleShaken(service, { packages: { 'front@1.0.0': { '.': ['compile', 'domUsed', 'coreUsed'] }, ...deps } });
  const front = await shakenText(store, 'front@1.0.0', answer);
  assert.doesNotMatch(front, /export\s*\*|import\s*\*/, `no star or namespace left in front: ${front}`);
  assert.match(front, /COMPILE_/);
  const dom = await shakenText(store, 'dom@1.0.0', answer);
  assert.match(dom, /DOM_USED/);
  assert.doesNotMatch(dom, /DOM_UNUSED/, 'dom is shaken to what front forwards');
  const core = await shakenText(store, 'core@1.0.0', answer);
  assert.match(core, /CORE_USED/);
  assert.doesNotMatch(core, /CORE_UNUSED/, 'core is shaken to what dom forwards');
});

test('createShakenService() - a name nobody exports, asked through export * - not forwarded: the package below stays whole (bad input)', async (t) => {
  const store = await publishFixtures(t);
  const service = createShakenService(store);
  const { answer } = await settleShaken(service, { packages: { 'front@1.0.0': { '.': ['domUsed', 'noSuchName'] }, ...deps } });
  const front = await shakenText(store, 'front@1.0.0', answer);
  assert.match(front, NAMESPACE_OF_DOM, 'not forwarded: a name that does not exist would fail to link for every podlet');
  assert.equal(answer.builds['dom@1.0.0']?.status, 'full', JSON.stringify(answer.builds['dom@1.0.0']));
});

test('createShakenService() - two versions of the package passed on, the importer’s range allowing one - that one is read and shaken; the other is planned on its own', async (t) => {
  const dom2 = {
    'package.json': manifestOf('dom', '2.0.0', { sideEffects: false }),
    'index.js': "export function domUsed() { return 'DOM2_USED'; }\nexport function domUnused() { return 'DOM2_UNUSED'; }\n",
  };
  const store = await publishFixtures(t, { dom2 });
  const { answer } = await settleShaken(createShakenService(store), {
    packages: { 'front@1.0.0': { '.': ['domUsed'] }, 'dom@2.0.0': { '.': ['domUsed'] }, ...deps },
  });
  const front = await shakenText(store, 'front@1.0.0', answer);
  assert.match(front, /import\s*\{\s*domUsed\b[^}]*\}\s*from\s*"dom"/, `front’s range (1.0.0) picks dom@1.0.0: ${front}`);
  assert.doesNotMatch(front, NAMESPACE_OF_DOM);
  assert.doesNotMatch(await shakenText(store, 'dom@1.0.0', answer), /DOM_UNUSED/);
  const dom2Text = await shakenText(store, 'dom@2.0.0', answer);
  assert.match(dom2Text, /DOM2_USED/);
  assert.doesNotMatch(dom2Text, /DOM2_UNUSED/, 'dom@2 is not held back by front, which never imports it');
});

test('createShakenService() - two versions of the package passed on, the importer’s range allowing both - nothing forwarded, since which one a page maps is not known', async (t) => {
  const dom2 = { 'package.json': manifestOf('dom', '2.0.0'), 'index.js': "export function domUsed() { return 'DOM2_USED'; }\n" };
  const front2 = {
    'package.json': manifestOf('front', '2.0.0', { dependencies: { dom: '*' } }),
    'index.js': "export * from 'dom';\nexport const compile = () => 'COMPILE';\n",
  };
  const store = await publishFixtures(t, { dom2, front2 });
  const request = { packages: { 'front@2.0.0': { '.': ['domUsed'] }, 'dom@2.0.0': {}, ...deps } };
  const { answer } = await settleShaken(createShakenService(store), request);
  assert.match(await shakenText(store, 'front@2.0.0', answer), NAMESPACE_OF_DOM);
  assert.equal(answer.builds['dom@1.0.0']?.status, 'full', 'front’s namespace import of dom takes all of it');
  assert.equal(answer.builds['dom@2.0.0']?.status, 'full');
});

test('createShakenService() - imports whose names go unused - names dropped; the import too for a side-effect-free package, not for one without the flag', async (t) => {
  const store = await publishFixtures(t);
  const service = createShakenService(store);
  const { answer } = await settleShaken(service, { packages: { 'scale@1.0.0': { '.': ['linear'] }, ...deps } });
  const scale = await shakenText(store, 'scale@1.0.0', answer);
  assert.match(scale, /LINEAR_MARK/);
  assert.doesNotMatch(scale, /"fmt"/, 'fmt says it has no side effects and nothing used reads it');
  assert.match(scale, /"poly"/, 'poly may have side effects: it still runs');
  assert.deepEqual(answer.builds['fmt@1.0.0'], { status: 'full', reason: 'nothing on the site imports it' });
  const poly = answer.builds['poly@1.0.0'];
  assert.ok(poly?.status === 'ready', JSON.stringify(poly));
  const polyText = await shakenText(store, 'poly@1.0.0', answer);
  assert.match(polyText, /POLY_MARK/, 'its side effect is kept');
  assert.doesNotMatch(polyText, /POLY_EXPORT/, 'scale imported unusedPoly only for code the site does not use: poly is only run');
});

test('createShakenService() - an entry passing on two packages whole - each name taken from the one that has it; a name both have is not forwarded', async (t) => {
  const multi = {
    'package.json': manifestOf('multi', '1.0.0', { dependencies: { dom: '1.0.0', fmt: '1.0.0' } }),
    'index.js': "export * from 'dom';\nexport * from 'fmt';\nexport const own = 'OWN_MARK';\n",
  };
  const twin = {
    'package.json': manifestOf('twin', '1.0.0', { sideEffects: false }),
    'index.js': "export function domUsed() { return 'TWIN_DOM_USED'; }\n",
  };
  const both = {
    'package.json': manifestOf('both', '1.0.0', { dependencies: { dom: '1.0.0', twin: '1.0.0' } }),
    'index.js': "export * from 'dom';\nexport * from 'twin';\n",
  };
  const store = await publishFixtures(t, { multi, twin, both });
  const service = createShakenService(store);
  const { answer } = await settleShaken(service, {
    packages: { 'multi@1.0.0': { '.': ['own', 'domUsed', 'coreUsed', 'format'] }, ...deps },
  });
  const text = await shakenText(store, 'multi@1.0.0', answer);
  assert.doesNotMatch(text, /export\s*\*|import\s*\*/, `no star or namespace left: ${text}`);
  assert.doesNotMatch(await shakenText(store, 'dom@1.0.0', answer), /DOM_UNUSED/);
  assert.doesNotMatch(await shakenText(store, 'core@1.0.0', answer), /CORE_UNUSED/, 'coreUsed found through dom’s own star');
  assert.match(await shakenText(store, 'fmt@1.0.0', answer), /FMT_MARK/);

  const ambiguous = await settleShaken(createShakenService(store), {
    packages: { 'both@1.0.0': { '.': ['domUsed'] }, 'twin@1.0.0': {}, ...deps },
  });
  assert.equal(ambiguous.answer.builds['dom@1.0.0']?.status, 'full', 'domUsed is in dom and twin: through two stars it is no export');
  assert.equal(ambiguous.answer.builds['twin@1.0.0']?.status, 'full');
});

test('createShakenService() - a module of the package takes the entry whole (import * as) - nothing forwarded, since without its star that namespace would lack the names', async (t) => {
  const whole = {
    'package.json': manifestOf('whole', '1.0.0', {
      dependencies: { dom: '1.0.0' },
      exports: { '.': './index.js', './count': './count.js' },
    }),
    'index.js': "export * from 'dom';\nexport const own = 'OWN';\n",
    'count.js': "import * as all from './index.js';\nexport const count = () => Object.keys(all).length;\n",
  };
  const store = await publishFixtures(t, { whole });
  const { answer } = await settleShaken(createShakenService(store), {
    packages: { 'whole@1.0.0': { '.': ['domUsed'], './count': ['count'] }, ...deps },
  });
  assert.match(await shakenText(store, 'whole@1.0.0', answer), NAMESPACE_OF_DOM, 'the star stays');
  assert.equal(answer.builds['dom@1.0.0']?.status, 'full');
});
