import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findHydrateScripts } from '../../../runtime/layout/assets/find-hydrate-scripts.ts';
import type { PodletState } from '../../../runtime/layout/podlets/podlet-state.ts';
import { renderModuleTags } from '../../../runtime/layout/render/render-module-tags.ts';
import type { PageAssets } from '../../../runtime/layout/assets/page-assets.ts';

const CDN = 'https://cdn.test/';
const SUPPORT_3 = '@lit-labs/ssr-client/lit-element-hydrate-support.js';
const SUPPORT_2 = 'lit/experimental-hydrate-support.js';

/** A page map like the demo's: lit 3 at the top, lit 2 in the geo release's scope. */
const map = {
  imports: {
    lit: `${CDN}npm/lit@3.3.3/+/index.js`,
    [SUPPORT_3]: `${CDN}npm/@lit-labs/ssr-client@1.1.8/+/lit-element-hydrate-support.js`,
  },
  scopes: {
    [`${CDN}podlet/geo@1.0.0/`]: {
      lit: `${CDN}npm/lit@2.8.0/+/index.js`,
      [SUPPORT_2]: `${CDN}npm/lit@2.8.0/+/experimental-hydrate-support.js`,
    },
  },
  integrity: { [`${CDN}npm/lit@3.3.3/+/index.js`]: 'sha384-lit3' },
};

function podlet(name: string, render: 'client' | 'hydrate', hydrate?: string[]): { name: string; state: PodletState } {
  const base = `${CDN}podlet/${name}@1.0.0/`;
  return {
    name,
    state: {
      version: '1.0.0',
      contentUrl: `http://${name}.test/`,
      fallbackUrl: null,
      js: [{ value: `${base}${name}.js`, type: 'module' }],
      css: [],
      fallbackHtml: '',
      podmap: {
        podmap: 1,
        package: { name: `@p/${name}`, version: '1.0.0' },
        base,
        baseUrl: base,
        needs: {},
        exposes: {},
        modules: {},
        render,
        ...(hydrate && { hydrate }),
      },
    },
  };
}

test('findHydrateScripts() - lit 3 and lit 2 podlets hydrating on one page - each major evaluated right after its own support, in page order, each URL once', () => {
  const warnings: string[] = [];
  const scripts = findHydrateScripts(
    [
      podlet('header', 'hydrate', [SUPPORT_3, 'lit']),
      podlet('search', 'client'),
      podlet('geo', 'hydrate', [SUPPORT_2, 'lit']),
      podlet('auth', 'hydrate', [SUPPORT_3, 'lit']),
    ],
    map,
    (line) => warnings.push(line),
  );
  assert.deepEqual(
    scripts.map((s) => s.src),
    [
      `${CDN}npm/@lit-labs/ssr-client@1.1.8/+/lit-element-hydrate-support.js`,
      `${CDN}npm/lit@3.3.3/+/index.js`,
      `${CDN}npm/lit@2.8.0/+/experimental-hydrate-support.js`,
      `${CDN}npm/lit@2.8.0/+/index.js`,
    ],
  );
  assert.equal(scripts[1]!.integrity, 'sha384-lit3', "the map's integrity goes on the script");
  assert.deepEqual(warnings, []);
});

test('findHydrateScripts() - a hydrate specifier the map does not resolve - skipped and logged with the podlet, the rest kept', () => {
  const warnings: string[] = [];
  const scripts = findHydrateScripts([podlet('header', 'hydrate', ['not-mapped/x.js', 'lit'])], map, (line) => warnings.push(line));
  assert.deepEqual(
    scripts.map((s) => s.src),
    [`${CDN}npm/lit@3.3.3/+/index.js`],
  );
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /podlet "header".*not-mapped\/x\.js/);
});

test('findHydrateScripts() - no podlet hydrates - nothing, and the head has no guard', () => {
  assert.deepEqual(
    findHydrateScripts([podlet('search', 'client')], map, () => {}),
    [],
  );
  const assets: PageAssets = { map, preloads: [], scripts: [], stylesheets: [], fallbackOnly: new Map(), shimUrl: null, hydrate: [] };
  assert.ok(!renderModuleTags(assets).includes('litElementHydrateSupport'));
});

test('renderModuleTags() - a page with hydrate scripts - the guard, then the scripts in order, each with the nonce; module-shim in shim mode', () => {
  const hydrate = [{ src: `${CDN}s.js` }, { src: `${CDN}lit.js`, integrity: 'sha384-x' }];
  const assets: PageAssets = { map, preloads: [], scripts: [], stylesheets: [], fallbackOnly: new Map(), shimUrl: null, hydrate };
  const head = renderModuleTags(assets, { nonce: 'n0nce' });
  const guard = head.indexOf('litElementHydrateSupport');
  const [first, second] = [head.indexOf(`src="${CDN}s.js"`), head.indexOf(`src="${CDN}lit.js"`)];
  assert.ok(guard > head.indexOf('type="importmap"') && guard < first && first < second, head);
  assert.match(head, /<script nonce="n0nce">\(function\(\)\{/);
  assert.match(
    head,
    /<script type="module" src="https:\/\/cdn\.test\/lit\.js" crossorigin="anonymous" integrity="sha384-x" nonce="n0nce">/,
  );
  assert.match(renderModuleTags(assets, { mode: 'shim' }), /<script type="module-shim" src="https:\/\/cdn\.test\/s\.js"/);
});
