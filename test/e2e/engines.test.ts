import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startInProcessDemo, type InProcessDemo, type LoggedRequest } from '../helpers/demo-in-process.ts';
import { demoElements, hydratingElements, hydrationProblems, podletsReady, serverOnlyElements } from '../helpers/demo-elements.ts';
import { engineNames, launchEngine, type Engine, type EngineTab } from '../helpers/engine-driver.ts';

// The demo in the three engines users have (issue 13): Chromium, Firefox ESR and WebKitGTK, the
// engine behind Safari. What a page fetched is read at the demo's own servers, and what went
// wrong in it from a first script of the page (window.__podmapErrors), so every engine is held
// to the same checks, WebKit included, whose driver cannot read the console.

let demo: InProcessDemo;
before(async () => {
  // The page's own requests are checked without the service worker, whose precache makes requests
  // of its own after load; the last case of each engine holds the worker to its promise.
  demo = await startInProcessDemo({ serviceWorker: false });
});
after(() => demo?.close());

const pages = demoElements;

/**
 * Waits until each custom element has rendered into its shadow root. When it times out, the error
 * says what the page had reached and what the servers answered meanwhile, so a failure in CI can
 * be diagnosed from its log alone.
 */
async function rendered(tab: EngineTab, tags: readonly string[], timeoutMs = 15_000, since = demo.requests.length): Promise<void> {
  try {
    await tab.waitFor(podletsReady, timeoutMs, [...tags], serverOnlyElements);
  } catch (error) {
    const page = await tab.evaluate(snapshotPage, [...tags]).catch((e: unknown) => `(the page could not be read: ${String(e)})`);
    const answered = demo.requests
      .slice(since)
      .map((r) => `${r.status} ${r.server}${r.path} (${r.dest || 'no dest'}${r.preload ? ', preload' : ''})`);
    throw new Error(
      `${(error as Error).message}\nThe page: ${JSON.stringify(page)}\nWhat the servers answered since: ${answered.join(', ')}`,
      {
        cause: error,
      },
    );
  }
}

/** What a page that did not render had reached (run in the page). */
function snapshotPage(names: string[]) {
  return {
    url: location.href,
    readyState: document.readyState,
    elements: names.map((n) => {
      const element = document.querySelector(n);
      return `${n}: ${element ? 'present' : 'absent'}, ${customElements.get(n) ? 'defined' : 'undefined'}, ${element?.shadowRoot ? `shadow text ${(element.shadowRoot.textContent ?? '').trim().length}` : 'no shadow root'}`;
    }),
    errors: (window as unknown as { __podmapErrors?: string[] }).__podmapErrors ?? null,
    controller: navigator.serviceWorker?.controller?.state ?? null,
    navigation: (() => {
      const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return (
        n && {
          type: n.type,
          workerStart: Math.round(n.workerStart),
          responseStart: Math.round(n.responseStart),
          responseEnd: Math.round(n.responseEnd),
        }
      );
    })(),
    scripts: [...document.scripts].map((script) => `${script.type || 'classic'} ${script.src || `inline ${script.text.length} chars`}`),
    resources: performance
      .getEntriesByType('resource')
      .map((e) => `${(e as PerformanceResourceTiming).name} ${Math.round(e.duration)}ms`)
      .slice(0, 60),
  };
}

/** What the page reported: its first script's record, and the console where the driver sees it. */
async function errorsOf(tab: EngineTab): Promise<string[]> {
  const recorded = await tab.evaluate(
    () => (window as unknown as { __podmapErrors?: string[] }).__podmapErrors ?? ['no error record: the capture script did not run'],
  );
  return [...recorded, ...tab.consoleErrors];
}

/** Loads `pathname` in a new profile until every podlet rendered, and returns what the servers answered meanwhile. */
async function coldLoad(
  engine: Engine,
  pathname: keyof typeof pages,
): Promise<{ tab: EngineTab; requests: LoggedRequest[]; close(): Promise<void> }> {
  const profile = await engine.open();
  try {
    const tab = await profile.tab();
    demo.requests.length = 0;
    await tab.goto(new URL(pathname, demo.layoutUrl).href);
    await rendered(tab, pages[pathname]);
    return { tab, requests: demo.requests.filter((r) => r.browser), close: () => profile.close() };
  } catch (error) {
    // WebKitWebDriver runs one session at a time: a profile left open would fail every later case.
    await profile.close();
    throw error;
  }
}

/** The checks of every page in every engine. */
function assertClean(requests: LoggedRequest[], errors: string[], expectShim: boolean): void {
  assert.deepEqual(errors, [], 'no error in the page');
  assert.deepEqual(
    requests.filter((r) => r.status >= 400),
    [],
    'no failed request',
  );
  // 304 is a revalidation (the service worker's precache of the layout's stylesheet), not a redirect.
  assert.deepEqual(
    requests.filter((r) => r.status >= 300 && r.status < 400 && r.status !== 304),
    [],
    'no redirect',
  );
  const modules = requests.filter((r) => r.path.endsWith('.js') && r.server !== 'layout');
  const seen = new Map<string, number>();
  for (const r of modules) seen.set(`${r.server}${r.path}`, (seen.get(`${r.server}${r.path}`) ?? 0) + 1);
  assert.deepEqual(
    [...seen].filter(([, n]) => n > 1),
    [],
    'no module fetched twice',
  );
  const shim = modules.some((r) => r.path.includes('/es-module-shims@'));
  assert.equal(
    shim,
    expectShim,
    expectShim ? 'es-module-shims is loaded in shim mode' : 'es-module-shims is not loaded where import maps are native',
  );
}

for (const name of engineNames) {
  describe(`engines - ${name}`, () => {
    let engine: Engine;
    before(async () => {
      engine = await launchEngine(name);
    });
    after(() => engine?.close());

    for (const pathname of Object.keys(pages) as Array<keyof typeof pages>) {
      test(`engines - ${name} - ${pathname} under the demo's strict CSP - every podlet renders and the server-rendered ones hydrate in place, with no mismatch; no error, failed request, redirect or module fetched twice; no es-module-shims`, async () => {
        const load = await coldLoad(engine, pathname);
        try {
          assertClean(load.requests, await errorsOf(load.tab), false);
          assert.deepEqual(await load.tab.evaluate(hydrationProblems, hydratingElements), [], 'every server-rendered podlet hydrated');
        } finally {
          await load.close();
        }
      });
    }

    test(`engines - ${name} - shim mode - every podlet renders through es-module-shims and the server-rendered ones hydrate, with no error and no module fetched twice`, async () => {
      demo.useLayout({ mode: 'shim' });
      try {
        const load = await coldLoad(engine, '/');
        try {
          assertClean(load.requests, await errorsOf(load.tab), true);
          assert.deepEqual(await load.tab.evaluate(hydrationProblems, hydratingElements), [], 'every server-rendered podlet hydrated');
        } finally {
          await load.close();
        }
      } finally {
        demo.useLayout({});
      }
    });

    test(`engines - ${name} - a tampered library file on the CDN - never runs: the integrity in the map and on the preload refuses it (security)`, async () => {
      const lit = await litFile();
      const original = await (await fetch(new URL(lit, demo.cdnUrl))).text();
      demo.tampered.set(lit, `${original}\nglobalThis.tampered = true;\n`);
      const profile = await engine.open();
      try {
        const tab = await profile.tab();
        await tab.goto(demo.layoutUrl);
        // lit is refused, so no podlet on lit 3 can render: give the page time to fail.
        await tab.waitFor(() => document.readyState === 'complete', 10_000);
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(
          await tab.evaluate(() => (globalThis as unknown as { tampered?: boolean }).tampered ?? null),
          null,
          'the tampered file did not run',
        );
        const errors = await errorsOf(tab);
        assert.ok(errors.length > 0, 'the refusal shows as an error in the page');
      } finally {
        await profile.close();
        demo.tampered.clear();
      }
    });

    test(`engines - ${name} - the service worker - installs after a first visit and answers the next one with no module crossing the network; the first visit downloads each module once where the worker can reach the HTTP cache`, async (t) => {
      demo.useLayout({ serviceWorker: true });
      const profile = await engine.open();
      try {
        const tab = await profile.tab();
        demo.requests.length = 0;
        await tab.goto(demo.layoutUrl);
        await rendered(tab, pages['/']);
        await tab.waitFor(() => navigator.serviceWorker?.controller != null, 15_000);
        // The install is done when the worker controls the page (it claims it as it activates).
        const first = downloads(demo.requests.filter((r) => r.browser));
        const twice = [...first].filter(([, n]) => n > 1);
        if (name === 'webkit') {
          // WebKitGTK's automation session is ephemeral: its service worker runs in a process with
          // no HTTP cache shared with the page, so the precache downloads each module a second
          // time (docs/engines.md). Every module, at most twice: never more.
          t.diagnostic(`WebKit: ${twice.length} of ${first.size} modules downloaded twice on the first visit (the worker's precache)`);
          assert.ok([...first.values()].every((n) => n <= 2));
        } else {
          assert.deepEqual(twice, [], 'the worker took what the page fetched from the HTTP cache');
        }
        demo.requests.length = 0;
        await tab.reload();
        // A loaded CI machine once took WebKit past 15 s here; the worker answers every module.
        // What the servers answered since the reload began, the page's own request included.
        await rendered(tab, pages['/'], 30_000, 0);
        const documents = demo.requests.filter((r) => r.server === 'layout' && r.path === '/');
        t.diagnostic(
          `${name}: the reload asked the layout for the page: ${documents.map((r) => (r.preload ? 'preload' : r.dest || 'fetch')).join(', ')}`,
        );
        assert.deepEqual([...downloads(demo.requests.filter((r) => r.browser))], [], 'the second visit fetched no module');
        assert.deepEqual(await errorsOf(tab), []);
      } finally {
        await profile.close();
        demo.useLayout({});
      }
    });

    test(`engines - ${name} - two tabs - signing in on auth in one updates the header in the other (BroadcastChannel)`, async () => {
      const profile = await engine.open();
      try {
        const first = await profile.tab();
        await first.goto(demo.layoutUrl);
        await rendered(first, pages['/']);
        const second = await profile.tab();
        await second.goto(demo.layoutUrl);
        await rendered(second, pages['/']);
        const headerSays = (text: string) =>
          second.waitFor((t: string) => (document.querySelector('podlet-header')?.shadowRoot?.textContent ?? '').includes(t), 10_000, text);
        await headerSays('Not signed in');
        await first.evaluate(() => {
          const root = document.querySelector('podlet-auth')!.shadowRoot!;
          (root.querySelector('#user') as HTMLInputElement).value = 'Grace';
          (root.querySelector('#password') as HTMLInputElement).value = 'secret';
          (root.querySelector('form') as HTMLFormElement).requestSubmit();
        });
        await headerSays('Signed in as Grace');
      } finally {
        await profile.close();
      }
    });
  });
}

/** Module downloads by path (the page's and its service worker's): where it fetched, not what it ran. */
function downloads(requests: LoggedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) if (r.path.endsWith('.js') && r.server !== 'layout') counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
  return counts;
}

/** The CDN path of lit 3's browser build, the file every lit-3 podlet imports ("/npm/lit@3.3.3/+/index.js"). */
async function litFile(): Promise<string> {
  const meta = JSON.parse(await (await fetch(`${demo.cdnUrl}-/npm/lit`)).text()) as { majors: Record<string, string> };
  return `/npm/lit@${meta.majors['3']}/+/index.js`;
}
