/**
 * Benchmark (not a test): what a page of the six real-packages podlets (test/real-packages/:
 * preact+hooks+htm, date-fns 4 + lodash-es + immer, date-fns 2 + uuid 9 + zod 3, rxjs + d3-scale +
 * uuid 11 + nanoid + zod 4, react + react-dom/client, vue) costs a browser when podmap loads each
 * npm package as the CDN's browser build, against one esbuild bundle of the same imports. Serves
 * everything in this process over HTTP/2 with TLS on 127.0.0.1, loads it in Debian's Chromium
 * with the CDP network emulation of bench:page (bench/lib/network-emulation.ts: 10 Mbit/s and the
 * latency; at 0 ms no emulation at all, which stalls cold loads in Chromium), and writes
 * bench/results/packages.json and .md.
 *
 *   npm run bench:packages     (env: BENCH_REPS=11, BENCH_LATENCIES=0,40; about 3 minutes)
 *
 * The parts: settings and types (bench/lib/packages-options.ts), the documents as served
 * (packages-documents.ts), the packages the page imports and their module graph
 * (packages-graph.ts), one load's figures, the summary and the targets (packages-summary.ts), and
 * the markdown (packages-markdown.ts).
 *
 * Variants, shuffled in every repetition:
 *   podmap      the layout's page as shipped: libraries from the CDN's builds shaken to what the
 *               site imports (docs/shaken-builds.md), each podlet's module from its release on
 *               the CDN (one origin for every module)
 *   podmap full the same with a CDN that makes no shaken builds: every package's full build
 *   podmap 7o   the real-packages test's wiring: each podlet serves its module itself (7 origins)
 *   bundle      the layout's page with the map, preloads and module scripts replaced by one
 *               esbuild bundle of that page's podlet modules (minified, production define)
 * Scenarios, in one fresh browser context per variant and repetition: a cold load of the
 * six-podlet page `/`, then `/second` (p-preact, p-dates, p-react) in the same tab. The bundle
 * variant has a bundle per page, so its second page loads a second bundle.
 */
import { basename, dirname, join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { createLayout } from '../runtime/layout/index.ts';
import { createPodlet } from '../runtime/podlet/index.ts';
import { launchChromium } from '../test/helpers/chromium.ts';
import { ensureRealPackagesStore, realPodlets } from '../test/helpers/real-packages.ts';
import { serveBundles } from './lib/build-bundles.ts';
import { buildPodletBundles } from './lib/build-podlet-bundles.ts';
import type { RequestHandler } from './lib/listen-tls.ts';
import { fetchDocument, type DocumentFigures } from './lib/packages-documents.ts';
import { analysePackages } from './lib/packages-graph.ts';
import { renderPackagesMarkdown } from './lib/packages-markdown.ts';
import { copyStoreWithReleases, settleShakenBuilds, startCdns, withSamplesOnePerLine } from './lib/packages-cdn.ts';
import { packagesBench, pages, pathOf, podletsDir, scenarios, secondPodlets, sixPodlets, variants } from './lib/packages-options.ts';
import type { Sample, Scenario, Variant } from './lib/packages-options.ts';
import { figuresOf, isModule, judge, kb, summarise } from './lib/packages-summary.ts';
import { attachRequestRecorder, type OkLoadRecord } from './lib/record-requests.ts';
import { replaceModulesWithBundle, rewriteHead } from './lib/rewrite-head.ts';
import { describeMachine, shuffled } from './lib/stats.ts';
import { startTlsServers, type TlsServers } from './lib/tls-servers.ts';
import { writeResults } from './lib/write-results.ts';

const started = Date.now();
const log = (text: string) => console.error(`bench:packages: ${text} (${Math.round((Date.now() - started) / 1000)} s)`);

const servers = await startTlsServers('podmap-bench-packages-');
let browser: Browser | undefined;
try {
  const store = await ensureRealPackagesStore();
  log(`CDN store of the real packages ready: ${store.storeDir}`);
  const storeDir = await copyStoreWithReleases(store.storeDir, join(servers.work, 'store'));
  log('store copied, podlet releases published');
  const { shakenUrl: cdnUrl, fullUrl, shaken } = await startCdns(servers, storeDir);
  const onCdn = await startRealStack(servers, cdnUrl, cdnUrl);
  const full = await startRealStack(servers, fullUrl, fullUrl);
  const ownOrigins = await startRealStack(servers, cdnUrl, null);
  const bundles = await buildPodletBundles({
    installDir: store.installDir,
    podletsDir,
    pages: { '/': { name: 'six', podlets: sixPodlets }, '/second': { name: 'three', podlets: secondPodlets } },
    workDir: join(servers.work, 'bundles'),
  });
  log(
    `bundles built: ${Object.entries(bundles.sizes)
      .map(([p, s]) => `${p} ${kb(s.raw)} KB, br ${kb(s.br)} KB`)
      .join('; ')}`,
  );
  const rewritten = rewriteHead(onCdn.handle, Object.keys(pages), (head, path) => replaceModulesWithBundle(head, bundles.entries[path]!));
  const fronts: Record<Variant, string> = {
    podmap: await servers.listen(onCdn.handle),
    'podmap full': await servers.listen(full.handle),
    'podmap 7o': await servers.listen(ownOrigins.handle),
    bundle: await servers.listen(serveBundles(bundles.files, rewritten)),
  };
  const layouts = [onCdn, ownOrigins].map((stack, i) => ({ refresh: stack.refresh, url: i === 0 ? fronts.podmap : fronts['podmap 7o'] }));
  log(`shaken builds settled in ${await settleShakenBuilds(layouts, Object.keys(pages), shaken)} rounds`);
  const documents = await checkDocuments(fronts);
  const packages = await analysePackages(fronts.podmap, cdnUrl);
  const fullBytes = Object.fromEntries((await analysePackages(fronts['podmap full'], fullUrl)).map((p) => [p.package, p.rawBytes]));
  log(`documents checked; the six-podlet page imports ${packages.length} packages`);

  browser = await launchChromium([`--ignore-certificate-errors-spki-list=${servers.tls.spki}`]);
  const chromium = await browser.version();
  const run = await measureLoads(browser, fronts, new Map([...onCdn.podletOrigins, ...ownOrigins.podletOrigins]));
  const machine = await describeMachine();
  const summary = summarise(run.samples);
  const targets = judge(summary, packages, documents);
  const date = new Date().toISOString();
  const md = renderPackagesMarkdown({
    date,
    chromium,
    machine,
    summary,
    targets,
    packages,
    fullBytes,
    documents,
    bundles,
    failures: run.failures,
  });
  const { reps, latencies, targetLatency } = packagesBench;
  const json = {
    date,
    chromium,
    machine,
    reps,
    latencies,
    throughputMbps: 10,
    variants,
    pages,
    store: basename(dirname(store.storeDir)),
    targetLatencyMs: targetLatency,
    targets,
    documents,
    bundles: { sizes: bundles.sizes, bytesByPackage: bundles.bytesByPackage, resolved: bundles.resolved },
    packages,
    fullBytes,
    orders: run.orders,
    failures: run.failures,
    summary,
    moduleLists: run.moduleLists,
  };
  await writeResults('packages', withSamplesOnePerLine(json, run.samples), md);
  log('done');
} finally {
  await browser?.close().catch(() => {});
  await servers.close();
}

/** Six podlets (their modules on the CDN, or with `podletCdn` null served by each podlet) and a layout with both pages. */
async function startRealStack(servers: TlsServers, cdnUrl: string, podletCdn: string | null) {
  const manifests: Record<string, string> = {};
  const podletOrigins = new Map<string, string>();
  for (const name of sixPodlets) {
    const podlet = await createPodlet({
      name,
      packageDir: join(podletsDir, name),
      entries: [`${name}.js`],
      content: () => `<${name}></${name}>`,
      fallback: () => `<p>${name} is unavailable</p>`,
      ...(podletCdn ? { cdnUrl: podletCdn } : {}),
    });
    const url = await servers.listen(podlet.handle);
    manifests[name] = `${url}manifest.json`;
    podletOrigins.set(new URL(url).origin, name);
  }
  const layout = createLayout({ cdnUrl, importMap: { imports: {} }, podlets: manifests, pages });
  await layout.refresh();
  return { handle: layout.handle as RequestHandler, podletOrigins, refresh: () => layout.refresh() };
}

/**
 * The documents as served (brotli asked for), before any browser: every page composed, no
 * fallback, podmap's podlet modules on the CDN, and each page's HTML and import map measured.
 */
async function checkDocuments(fronts: Record<Variant, string>): Promise<Record<string, DocumentFigures>> {
  const documents: Record<string, DocumentFigures> = {};
  for (const variant of variants) {
    for (const path of Object.keys(pages)) {
      const doc = await fetchDocument(new URL(path, fronts[variant]).href);
      if (doc.html.includes('data-fallback')) throw new Error(`bench: ${variant} ${path} served a podlet's fallback:\n${doc.html}`);
      documents[`${variant} ${path}`] = doc.figures;
      const onCdn = variant === 'podmap' || variant === 'podmap full';
      if (onCdn && !doc.moduleScripts.every((src) => new URL(src).pathname.startsWith('/podlet/')))
        throw new Error(`bench: podmap ${path}: a podlet's module is not on the CDN: ${doc.moduleScripts.join(', ')}`);
    }
  }
  return documents;
}

/** One visit in a fresh browser context: the cold page, then the second page in the same tab. */
async function visit(browser: Browser, front: string, variant: Variant, latencyMs: number): Promise<Record<Scenario, OkLoadRecord>> {
  const context = await browser.createBrowserContext();
  try {
    const recorder = await attachRequestRecorder(await context.newPage(), latencyMs);
    const out = {} as Record<Scenario, OkLoadRecord>;
    for (const scenario of scenarios) {
      out[scenario] = await recorder.load(new URL(pathOf[scenario], front).href).catch((error: Error) => {
        throw new Error(`${variant}, ${scenario}: ${error.message}`, { cause: error });
      });
    }
    return out;
  } finally {
    await context.close();
  }
}

/**
 * A warm-up visit of each variant (not recorded: the layouts' page assets, the podlets' and the
 * CDN's caches, Chromium), then at each latency `reps` repetitions, variants shuffled in each.
 */
async function measureLoads(browser: Browser, fronts: Record<Variant, string>, podletOrigins: Map<string, string>) {
  for (const variant of variants)
    await visit(browser, fronts[variant], variant, 0).catch((error: Error) => log(`warm-up: ${error.message}`));
  log('warmed up');
  const run = { samples: [] as Sample[], failures: [] as string[], orders: {} as Record<string, Variant[][]> };
  /** Network module paths of the first recorded sample of each variant, scenario and latency. */
  const moduleLists: Record<string, string[]> = {};
  for (const latencyMs of packagesBench.latencies) {
    run.orders[latencyMs] = [];
    for (let rep = 1; rep <= packagesBench.reps; rep++) {
      const order = shuffled(variants);
      run.orders[latencyMs].push(order);
      for (const variant of order) {
        try {
          const result = await visit(browser, fronts[variant], variant, latencyMs);
          for (const scenario of scenarios) {
            const sample = { variant, scenario, latencyMs, rep };
            recordSample(run, sample, result[scenario], podletOrigins);
            moduleLists[`${variant} | ${scenario} | ${latencyMs}`] ??= result[scenario].requests
              .filter((q) => !q.cached && isModule(q))
              .map((q) => q.url.replace(/^https:\/\/127\.0\.0\.1:\d+/, ''));
          }
        } catch (error) {
          run.failures.push(`${variant} ${latencyMs} ms rep ${rep}: ${(error as Error).message}`);
        }
      }
      log(`${latencyMs} ms, repetition ${rep}/${packagesBench.reps} done`);
    }
  }
  return { ...run, moduleLists };
}

/** One load's sample; every podlet must have set the data-ok it renders when its packages work, and the page reported no problem. */
function recordSample(
  run: { samples: Sample[]; failures: string[] },
  sample: Pick<Sample, 'variant' | 'scenario' | 'latencyMs' | 'rep'>,
  r: OkLoadRecord,
  podletOrigins: Map<string, string>,
): void {
  const label = `${sample.variant} ${sample.scenario} ${sample.latencyMs} ms rep ${sample.rep}`;
  const expected = Object.fromEntries(pages[pathOf[sample.scenario]].podlets.map((p) => [p, realPodlets[p]!]));
  if (JSON.stringify(r.ok) !== JSON.stringify(expected)) run.failures.push(`${label}: data-ok ${JSON.stringify(r.ok)}`);
  for (const problem of r.problems) run.failures.push(`${label}: ${problem}`);
  run.samples.push({ ...sample, ...figuresOf(r, podletOrigins) });
}
