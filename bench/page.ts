/**
 * Benchmark (not a test): what a user's browser pays for podmap's unbundled pages, against
 * esbuild bundles of the same podlets, in one run (issue 6). Serves the demo in this process
 * over TLS (HTTP/2, and HTTP/1.1 for one variant), loads it in headless Chromium with CDP
 * network emulation, and writes bench/results/page.json and page.md.
 *
 *   npm run bench:page     (env: BENCH_REPS=7, BENCH_LATENCIES=0,40,150)
 *
 * Variants, shuffled in every repetition:
 *   U          podmap without its modulepreload links (stripped from the head here)
 *   U+P        podmap as shipped
 *   B          one esbuild bundle per page, served from the layout's origin
 *   S          esbuild split bundles: both pages in one build, shared chunks
 *   U+P h1     podmap as shipped, every server HTTP/1.1 over TLS (no h2 in ALPN)
 * Scenarios, in one browser context per variant and repetition: a cold load of home, then
 * search in the same tab, then home again in a new tab (warm HTTP cache, warm connections).
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { publishDemoAssets } from '../layouts/publish-demo.ts';
import { createDemoLayout } from '../layouts/server.ts';
import { createCdnServer } from '../runtime/cdn/index.ts';
import { launchChromium } from '../test/helpers/chromium.ts';
import { buildBundles, serveBundles } from './lib/build-bundles.ts';
import { listenTls, type RequestHandler, type TlsListener } from './lib/listen-tls.ts';
import { attachRecorder, type LoadRecord } from './lib/record-page-load.ts';
import { replaceModulesWithBundle, rewriteHead, stripModulePreloads } from './lib/rewrite-head.ts';
import { describeMachine, markdownTable, shuffled, spreadOf } from './lib/stats.ts';
import { generateCertificate } from './lib/tls-cert.ts';

// The layout fetches manifests and content from the podlets and the CDN over the same TLS
// servers the browser uses, with a certificate made a moment ago. This process talks only to
// loopback, so certificate checks are off for its own outgoing requests (Node 20 cannot add a
// CA to fetch() after start-up).
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const root = fileURLToPath(new URL('../', import.meta.url));
const reps = Number(process.env.BENCH_REPS ?? 7);
// 40 and 150 ms are the conditions; 0 ms is a diagnostic: what remains without latency is
// the browser's own cost (per module, per connection), not round trips.
const latencies = (process.env.BENCH_LATENCIES ?? '0,40,150').split(',').map(Number);
// U+P 7o: podmap as shipped before podlet releases moved to the CDN: each podlet serves its own
// modules, so a page opens one connection per podlet origin (7 in all).
const variants = ['U', 'U+P', 'U+P 7o', 'B', 'S', 'U+P h1'] as const;
type Variant = (typeof variants)[number];
const scenarios = ['cold home', 'home → search', 'revisit home'] as const;
type Scenario = (typeof scenarios)[number];
const pages = { home: ['header', 'auth', 'geo', 'image', 'footer'], search: ['header', 'search', 'geo', 'footer'] };
const pagePaths = ['/', '/search'];
const pageName = (path: string) => (path === '/' ? 'home' : 'search');

interface Sample extends LoadRecord {
  variant: Variant;
  scenario: Scenario;
  latencyMs: number;
  rep: number;
}

const work = await mkdtemp(join(tmpdir(), 'podmap-bench-page-'));
const listeners: TlsListener[] = [];
let browser: Browser | undefined;
try {
  const tls = await generateCertificate(work);
  const storeDir = join(work, 'store');
  await publishDemoAssets(storeDir);
  const cdnHandler = createCdnServer({ storeDir }).listeners('request')[0] as RequestHandler;
  const listen = async (handler: RequestHandler, protocol: 'h2' | 'http/1.1') => {
    const l = await listenTls(handler, tls, protocol);
    listeners.push(l);
    return l.url;
  };

  // One stack per protocol: CDN, six podlets, and a layout that points at them. The podlets'
  // handlers are shared; each stack has its own origins, so the map names the right ones.
  const layoutFor = async (protocol: 'h2' | 'http/1.1', podletAssets: 'cdn' | 'podlet' = 'cdn') => {
    const cdnUrl = await listen(cdnHandler, protocol);
    process.env.PODMAP_CDN_URL = cdnUrl;
    const podlets = await importPodlets(podletAssets === 'cdn' ? cdnUrl : '', `${protocol}-${podletAssets}`);
    for (const [name, p] of Object.entries(podlets))
      process.env[`PODMAP_${name.toUpperCase()}_URL`] = `${await listen(p.handle, protocol)}manifest.json`;
    const layout = createDemoLayout();
    await layout.refresh();
    return layout.handle as RequestHandler;
  };
  const h2Layout = await layoutFor('h2');
  const h1Layout = await layoutFor('http/1.1');
  const ownOriginsLayout = await layoutFor('h2', 'podlet');

  const bundles = await buildBundles(root, join(work, 'bundles'), pages);
  const bundled = (kind: 'b' | 's') =>
    serveBundles(
      bundles.files,
      rewriteHead(h2Layout, pagePaths, (head, path) => replaceModulesWithBundle(head, bundles.entries[kind][pageName(path)]!)),
    );
  const fronts: Record<Variant, string> = {
    U: await listen(rewriteHead(h2Layout, pagePaths, stripModulePreloads), 'h2'),
    'U+P': await listen(h2Layout, 'h2'),
    'U+P 7o': await listen(ownOriginsLayout, 'h2'),
    B: await listen(bundled('b'), 'h2'),
    S: await listen(bundled('s'), 'h2'),
    'U+P h1': await listen(h1Layout, 'http/1.1'),
  };
  for (const [variant, url] of Object.entries(fronts)) {
    for (const path of pagePaths) {
      const html = await (await fetch(new URL(path, url))).text();
      if (html.includes('data-fallback')) throw new Error(`bench: ${variant} ${path} served a podlet's fallback`);
    }
  }

  browser = await launchChromium([`--ignore-certificate-errors-spki-list=${tls.spki}`]);
  const chromium = await browser.version();
  const b = browser;

  /** One visit: cold home, search in the same tab, home in a new tab of the same context. */
  const visit = async (variant: Variant, latencyMs: number): Promise<Record<Scenario, LoadRecord>> => {
    const context = await b.createBrowserContext();
    try {
      const tab = await context.newPage();
      const recorder = await attachRecorder(tab, latencyMs);
      const step = <T>(scenario: Scenario, run: () => Promise<T>) =>
        run().catch((error: Error) => {
          throw new Error(`${variant}, ${scenario}: ${error.message}`, { cause: error });
        });
      const cold = await step('cold home', () => recorder.load(new URL('/', fronts[variant]).href));
      const nav = await step('home → search', () => recorder.load(new URL('/search', fronts[variant]).href));
      const tab2 = await context.newPage();
      const revisit = await step('revisit home', async () =>
        (await attachRecorder(tab2, latencyMs)).load(new URL('/', fronts[variant]).href),
      );
      return { 'cold home': cold, 'home → search': nav, 'revisit home': revisit };
    } finally {
      await context.close();
    }
  };

  // Warm-up, not recorded: the layouts' page assets, the podlets' compressed files, the CDN's cache.
  for (const variant of variants) await visit(variant, 0).catch((error: Error) => console.error(`bench:page: warm-up: ${error.message}`));

  const samples: Sample[] = [];
  const failures: string[] = [];
  const orders: Record<string, Variant[][]> = {};
  const started = Date.now();
  for (const latencyMs of latencies) {
    orders[latencyMs] = [];
    for (let rep = 1; rep <= reps; rep++) {
      const order = shuffled(variants);
      orders[latencyMs].push(order);
      for (const variant of order) {
        try {
          const result = await visit(variant, latencyMs);
          for (const scenario of scenarios) {
            const r = result[scenario];
            const expected = pages[scenario === 'home → search' ? 'search' : 'home'].length;
            if (r.podlets !== expected)
              failures.push(`${variant} ${scenario} ${latencyMs} ms rep ${rep}: ${r.podlets} podlets, expected ${expected}`);
            samples.push({ variant, scenario, latencyMs, rep, ...r });
          }
        } catch (error) {
          failures.push(`${variant} ${latencyMs} ms rep ${rep}: ${(error as Error).message}`);
        }
      }
      console.error(`bench:page: ${latencyMs} ms, repetition ${rep}/${reps} done (${Math.round((Date.now() - started) / 1000)} s)`);
    }
  }

  const machine = await describeMachine();
  const summary = summarise(samples);
  const date = new Date().toISOString();
  const md = renderMarkdown(summary, { date, chromium, machine, reps, failures });
  await mkdir(join(root, 'bench/results'), { recursive: true });
  await writeFile(
    join(root, 'bench/results/page.json'),
    JSON.stringify(
      {
        date,
        chromium,
        machine,
        reps,
        latencies,
        throughputMbps: 10,
        variants,
        orders,
        failures,
        bundleFiles: [...bundles.files].map(([path, f]) => ({ path, bytes: f.raw.length, brotliBytes: f.br.length })),
        summary,
        samples,
      },
      null,
      2,
    ) + '\n',
  );
  await writeFile(join(root, 'bench/results/page.md'), md);
  console.log(md);
} finally {
  await browser?.close().catch(() => {});
  await Promise.all(listeners.map((l) => l.close()));
  await rm(work, { recursive: true, force: true });
}

/**
 * The demo's six podlets, imported (not started): each module exports `podlet` with a handler.
 * Podlets read PODMAP_PODLET_CDN_URL when they are created, so each stack imports its own
 * instances (the query string makes a new module) with its CDN, or none to serve their own modules.
 */
async function importPodlets(cdnUrl: string, tag: string): Promise<Record<string, { handle: RequestHandler }>> {
  const names = ['header', 'footer', 'auth', 'geo', 'image', 'search'];
  process.env.PODMAP_PODLET_CDN_URL = cdnUrl;
  const modules = await Promise.all(
    names.map(
      (n) => import(`../podlets/${n}/server.ts?${tag}`) as Promise<{ podlet: { handle(req: IncomingMessage, res: ServerResponse): void } }>,
    ),
  );
  delete process.env.PODMAP_PODLET_CDN_URL;
  return Object.fromEntries(names.map((n, i) => [n, modules[i]!.podlet]));
}

interface Row {
  scenario: Scenario;
  latencyMs: number;
  variant: Variant;
  renderedMs: ReturnType<typeof spreadOf>;
  requests: number;
  cached: number;
  bytes: number;
  documentBytes: number;
  scriptBytes: number;
  origins: number;
  chainDepth: number;
  ttfbMs: number;
  htmlDoneMs: number;
  lastResourceMs: number;
  protocols: string[];
  /** Median render time and median bytes, each over B's. */
  timeVsB: number;
  bytesVsB: number;
}

function summarise(samples: Sample[]): Row[] {
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    for (const latencyMs of latencies) {
      const of = (variant: Variant) => samples.filter((s) => s.scenario === scenario && s.latencyMs === latencyMs && s.variant === variant);
      const base = of('B');
      const baseTime = spreadOf(base.map((s) => s.renderedMs)).median;
      const baseBytes = spreadOf(base.map((s) => s.bytes)).median;
      for (const variant of variants) {
        const list = of(variant);
        const renderedMs = spreadOf(list.map((s) => s.renderedMs));
        const bytes = spreadOf(list.map((s) => s.bytes)).median;
        const median = (
          key:
            'requests' | 'cached' | 'documentBytes' | 'scriptBytes' | 'origins' | 'chainDepth' | 'ttfbMs' | 'htmlDoneMs' | 'lastResourceMs',
        ) => spreadOf(list.map((s) => s[key])).median;
        rows.push({
          scenario,
          latencyMs,
          variant,
          renderedMs,
          requests: median('requests'),
          cached: median('cached'),
          bytes,
          documentBytes: median('documentBytes'),
          scriptBytes: median('scriptBytes'),
          origins: median('origins'),
          chainDepth: median('chainDepth'),
          ttfbMs: median('ttfbMs'),
          htmlDoneMs: median('htmlDoneMs'),
          lastResourceMs: median('lastResourceMs'),
          protocols: [...new Set(list.flatMap((s) => s.protocols))].sort(),
          timeVsB: renderedMs.median / baseTime,
          bytesVsB: bytes / baseBytes,
        });
      }
    }
  }
  return rows;
}

function renderMarkdown(
  rows: Row[],
  meta: { date: string; chromium: string; machine: Awaited<ReturnType<typeof describeMachine>>; reps: number; failures: string[] },
): string {
  const { machine } = meta;
  const out = [
    '# bench:page — podmap against bundles, in the browser',
    '',
    `${meta.date} · ${meta.chromium} · ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB · Node ${machine.node}`,
    `${meta.reps} repetitions per variant and latency, variants shuffled in each; CDP emulation 10 Mbit/s both ways. ` +
      'Time: performance.now() when every podlet element has rendered into its shadow root (median, min–max). ' +
      'Requests and KB: from the network only (cache hits counted apart), encodedDataLength with headers. ' +
      'HTML done / last byte: medians, from the page’s navigation and resource timing (last byte: of anything fetched before render). ' +
      'Chain: the longest initiator chain of network requests, the document counting 1. × B: median over B’s median. ' +
      '0 ms latency is a diagnostic, not a target condition.',
    '',
  ];
  for (const scenario of scenarios) {
    for (const latencyMs of latencies) {
      out.push(`## ${scenario}, ${latencyMs} ms latency`, '');
      out.push(
        markdownTable(
          [
            'variant',
            'rendered ms',
            '× B',
            'HTML done ms',
            'last byte ms',
            'requests',
            'cached',
            'origins',
            'KB',
            '× B bytes',
            'HTML KB',
            'JS KB',
            'chain',
            'protocol',
          ],
          rows
            .filter((r) => r.scenario === scenario && r.latencyMs === latencyMs)
            .map((r) => [
              r.variant,
              `${r.renderedMs.median.toFixed(0)} (${r.renderedMs.min.toFixed(0)}–${r.renderedMs.max.toFixed(0)})`,
              r.timeVsB.toFixed(2),
              r.htmlDoneMs.toFixed(0),
              r.lastResourceMs.toFixed(0),
              String(r.requests),
              String(r.cached),
              String(r.origins),
              (r.bytes / 1024).toFixed(1),
              r.bytesVsB.toFixed(2),
              (r.documentBytes / 1024).toFixed(1),
              (r.scriptBytes / 1024).toFixed(1),
              String(r.chainDepth),
              r.protocols.join(', '),
            ]),
        ),
        '',
      );
    }
  }
  if (meta.failures.length > 0) out.push('## Failures', '', ...meta.failures.map((f) => `- ${f}`), '');
  return out.join('\n');
}
