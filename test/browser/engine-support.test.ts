// What each engine does with the features podmap relies on, measured in the engine itself
// (docs/engines.md is written from these results). Each probe runs in an iframe of its own, so
// it gets a fresh module map and import map. The test holds every engine to what podmap needs,
// and to the table in docs/engines.md, so a browser update that changes a row fails here.
import { deepEqual, ok } from './assert.ts';

const fixtures = new URL('/test/browser/fixtures/probe/', location.href).href;
const engine = /Firefox\//.test(navigator.userAgent) ? 'firefox' : /Chrome\//.test(navigator.userAgent) ? 'chromium' : 'webkit';

/** Runs `body` (HTML) in a new iframe; its scripts answer with `report(result)`. */
function probe(body: string): Promise<string> {
  return new Promise((resolve) => {
    const id = Math.random().toString(36).slice(2);
    const frame = document.createElement('iframe');
    const done = (result: string) => {
      removeEventListener('message', onMessage);
      frame.remove();
      resolve(result);
    };
    const onMessage = (event: MessageEvent) => {
      if ((event.data as { probe?: string })?.probe === id) done(String((event.data as { result: unknown }).result));
    };
    addEventListener('message', onMessage);
    setTimeout(() => done('no answer'), 4000);
    const report = `<script>function report(r){parent.postMessage({probe:${JSON.stringify(id)},result:r},'*')}</script>`;
    frame.srcdoc = `<!doctype html><html><head><base href="${fixtures}">${report}${body}</head><body></body></html>`;
    document.body.append(frame);
  });
}

const importAndReport = (specifier: string) =>
  `<script type="module">import(${JSON.stringify(specifier)}).then((m) => report('loaded ' + m.value), () => report('refused'))</script>`;

async function sha384(url: string): Promise<string> {
  const bytes = await (await fetch(url)).arrayBuffer();
  return `sha384-${btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('SHA-384', bytes))))}`;
}
const WRONG = 'sha384-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Every feature podmap relies on, as this engine does it. */
async function measure(): Promise<Record<string, string>> {
  const a = `${fixtures}a.js`;
  const map = (json: object) => `<script type="importmap">${JSON.stringify(json)}</script>`;
  const preload = (href: string, integrity: string) =>
    `<script type="module">const l=document.createElement('link');l.rel='modulepreload';l.href=${JSON.stringify(href)};l.integrity=${JSON.stringify(integrity)};l.crossOrigin='anonymous';l.onload=()=>report('loaded');l.onerror=()=>report('refused');document.head.append(l)</script>`;
  return {
    'import maps (HTMLScriptElement.supports)': String(
      typeof HTMLScriptElement.supports === 'function' && HTMLScriptElement.supports('importmap'),
    ),
    'integrity in the import map, right hash': await probe(
      map({ imports: { x: `${a}?1` }, integrity: { [`${a}?1`]: await sha384(a) } }) + importAndReport('x'),
    ),
    'integrity in the import map, wrong hash': await probe(
      map({ imports: { x: `${a}?2` }, integrity: { [`${a}?2`]: WRONG } }) + importAndReport('x'),
    ),
    'modulepreload (relList.supports)': String(document.createElement('link').relList.supports('modulepreload')),
    'modulepreload with integrity and crossorigin, right hash': await probe(preload(`${a}?3`, await sha384(a))),
    'modulepreload with integrity and crossorigin, wrong hash': await probe(preload(`${a}?4`, WRONG)),
    scopes: await probe(
      map({ imports: { 'probe-scoped': `${a}?5` }, scopes: { [`${fixtures}scoped/`]: { 'probe-scoped': `${fixtures}b.js?5` } } }) +
        `<script type="module">Promise.all([import('probe-scoped'),import(${JSON.stringify(`${fixtures}scoped/importer.js`)})]).then(([x,y])=>report(x.value+y.value),(e)=>report('refused: '+e.message))</script>`,
    ),
    'an import map after a module script': await probe(
      `<script type="module">window.early=1</script>` + map({ imports: { late: `${a}?6` } }) + importAndReport('late'),
    ),
    'two import maps (merged)': await probe(
      map({ imports: { one: `${a}?7` } }) + map({ imports: { two: `${fixtures}b.js?7` } }) + importAndReport('two'),
    ),
    BroadcastChannel: String(typeof BroadcastChannel === 'function'),
  };
}

/** The table of docs/engines.md, as measured: engine → feature → result. */
const expected: Record<string, Record<string, string>> = {
  // Chromium 156
  chromium: {
    'import maps (HTMLScriptElement.supports)': 'true',
    'integrity in the import map, right hash': 'loaded a',
    'integrity in the import map, wrong hash': 'refused',
    'modulepreload (relList.supports)': 'true',
    'modulepreload with integrity and crossorigin, right hash': 'loaded',
    'modulepreload with integrity and crossorigin, wrong hash': 'refused',
    scopes: 'ab',
    'an import map after a module script': 'loaded a',
    'two import maps (merged)': 'loaded b',
    BroadcastChannel: 'true',
  },
  // Firefox ESR 153: one import map, and only before any module script.
  firefox: {
    'import maps (HTMLScriptElement.supports)': 'true',
    'integrity in the import map, right hash': 'loaded a',
    'integrity in the import map, wrong hash': 'refused',
    'modulepreload (relList.supports)': 'true',
    'modulepreload with integrity and crossorigin, right hash': 'loaded',
    'modulepreload with integrity and crossorigin, wrong hash': 'refused',
    scopes: 'ab',
    'an import map after a module script': 'refused',
    'two import maps (merged)': 'refused',
    BroadcastChannel: 'true',
  },
  // WebKitGTK 2.50: a modulepreload's integrity is not checked (the map's is).
  webkit: {
    'import maps (HTMLScriptElement.supports)': 'true',
    'integrity in the import map, right hash': 'loaded a',
    'integrity in the import map, wrong hash': 'refused',
    'modulepreload (relList.supports)': 'true',
    'modulepreload with integrity and crossorigin, right hash': 'loaded',
    'modulepreload with integrity and crossorigin, wrong hash': 'loaded',
    scopes: 'ab',
    'an import map after a module script': 'loaded a',
    'two import maps (merged)': 'loaded b',
    BroadcastChannel: 'true',
  },
};

if (window.__podmapTestMode === 'native') {
  describe(`engine support - ${engine}`, () => {
    // Measured once, for both cases: each probe is an iframe and a module load.
    let measured: Promise<Record<string, string>> | undefined;
    const results = () => (measured ??= measure());

    it('measures every feature podmap relies on, and matches docs/engines.md', async () => {
      const found = await results();
      console.log(`podmap engine support ${engine}: ${JSON.stringify(found)}`);
      deepEqual(found, expected[engine], `${engine} no longer does what docs/engines.md says:`);
    });

    it('what podmap needs holds: native import maps, and a tampered module refused by the map or the preload', async () => {
      const found = await results();
      ok(found['import maps (HTMLScriptElement.supports)'] === 'true', 'import maps are native');
      ok(
        found['integrity in the import map, wrong hash'] === 'refused' ||
          found['modulepreload with integrity and crossorigin, wrong hash'] === 'refused',
        'a wrong hash is refused somewhere',
      );
      ok(found.scopes === 'ab', `scopes: ${found.scopes}`);
    });
  });
}
