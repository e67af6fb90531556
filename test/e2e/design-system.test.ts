import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { publishInstalledPackages } from '../../runtime/cdn/index.ts';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { startInProcessDemo, type InProcessDemo } from '../helpers/demo-in-process.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';

// The design system shared by contract (issue 14): @podmap-demo/design is a library on the CDN
// like any other, so the page gets one copy, a minor release reaches every page with no podlet
// rebuilt, and a podlet that stays on the previous major gets it in a scope beside the others.

const root = fileURLToPath(new URL('../..', import.meta.url));
const cardPodlets = ['podlet-auth', 'podlet-geo', 'podlet-image'];
let demo: InProcessDemo;
let browser: Browser;
before(async () => {
  demo = await startInProcessDemo({ serviceWorker: false });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await demo?.close();
});

/** Publishes the design package as `version`, its compiled module changed by `edit`, into the demo's CDN store. */
async function publishDesign(version: string, edit: (source: string) => string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'podmap-design-'));
  try {
    const pkgDir = path.join(dir, 'node_modules/@podmap-demo/design');
    await mkdir(path.join(dir, 'node_modules/@lit'), { recursive: true });
    // Its dependency, installed beside it as npm would (the publisher reads what lit resolves to).
    for (const name of ['lit', 'lit-html', 'lit-element', '@lit/reactive-element']) {
      await symlink(path.join(root, 'node_modules', name), path.join(dir, 'node_modules', name));
    }
    await mkdir(pkgDir, { recursive: true });
    await cp(path.join(root, 'design/public'), path.join(pkgDir, 'public'), { recursive: true });
    const pkg = JSON.parse(await readFile(path.join(root, 'design/package.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(pkgDir, 'package.json'), JSON.stringify({ ...pkg, version }));
    const module = path.join(pkgDir, 'public/index.js');
    await writeFile(module, edit(await readFile(module, 'utf8')));
    await publishInstalledPackages(demo.storeDir, dir, ['@podmap-demo/design']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.createBrowserContext()).newPage();
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => void errors.push(String(e)));
  await page.goto(url, { waitUntil: 'networkidle0' });
  return { page, errors };
}

/** What the page shows of the design system: its module URLs, and per podlet the card's accent and whether it adopted the one shared sheet. */
function designOnPage(page: Page, tags: string[]) {
  return page.evaluate((names: string[]) => {
    const designUrls = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((u) => u.includes('/@podmap-demo/design@'));
    const sheets = names.map((n) =>
      (document.querySelector(n)?.shadowRoot?.adoptedStyleSheets ?? []).find((s) =>
        [...s.cssRules].some((r) => r.cssText.includes('--pm-accent')),
      ),
    );
    const accents = names.map((n) => {
      const card = document.querySelector(n)?.shadowRoot?.querySelector('pm1-card, pm2-card');
      return card ? getComputedStyle(card).getPropertyValue('--pm-accent').trim() : null;
    });
    return { designUrls, oneSheet: sheets.every((s) => s !== undefined && s === sheets[0]), accents };
  }, tags);
}

test('design system - the demo home page - loads one copy of the design package, and every podlet adopts the same stylesheet object', async () => {
  const { page, errors } = await open(demo.layoutUrl);
  try {
    await page.waitForFunction(
      (names: string[]) => names.every((n) => document.querySelector(n)?.shadowRoot?.querySelector('pm1-card')),
      {},
      cardPodlets,
    );
    const design = await designOnPage(page, cardPodlets);
    assert.equal(design.designUrls.length, 1, design.designUrls.join('\n'));
    assert.ok(design.oneSheet, 'one CSSStyleSheet, shared by every shadow root (geo on lit 2 included)');
    assert.deepEqual(design.accents, ['#0b5cad', '#0b5cad', '#0b5cad']);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('design system - a minor release published to the CDN - is on the next page, with no podlet rebuilt or redeployed', async () => {
  const before = (await (await fetch(demo.layoutUrl)).text()).match(/\/podlet\/[a-z]+@[\d.]+\//g)!.sort();
  await publishDesign('1.1.0', (source) => source.replace('--pm-accent: #0b5cad;', '--pm-accent: #7a1fa2;'));
  // A layout caches version lists for 60 s; a new one (as after that minute) asks the CDN now.
  demo.useLayout({});
  const html = await (await fetch(demo.layoutUrl)).text();
  assert.deepEqual(html.match(/\/podlet\/[a-z]+@[\d.]+\//g)!.sort(), before, 'the same podlet releases');
  assert.match(html, /@podmap-demo\/design@1\.1\.0\//);
  const { page, errors } = await open(demo.layoutUrl);
  try {
    await page.waitForFunction(
      (names: string[]) => names.every((n) => document.querySelector(n)?.shadowRoot?.querySelector('pm1-card')),
      {},
      cardPodlets,
    );
    const design = await designOnPage(page, cardPodlets);
    assert.deepEqual(design.accents, ['#7a1fa2', '#7a1fa2', '#7a1fa2'], 'every podlet shows the new release');
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('design system - a podlet on the next major beside podlets on the previous one - both majors run in scopes, and their elements never clash', async (t) => {
  await publishDesign('2.0.0', (source) =>
    source.replace('export const MAJOR = 1;', 'export const MAJOR = 2;').replace('--pm-accent: #0b5cad;', '--pm-accent: #1f7a3a;'),
  );
  const dir = await writePodletFolder(t, {
    name: '@podlets/pinned',
    dependencies: { lit: '^3.1.0', '@podmap-demo/design': '^2.0.0' },
    modules: {
      'pinned.js': `import { LitElement, html } from 'lit';
import { designStyles, MAJOR } from '@podmap-demo/design';
customElements.define('podlet-pinned', class extends LitElement {
  static styles = [designStyles];
  render() { return html\`<pm2-card><h2 slot="heading">On design \${MAJOR}</h2></pm2-card>\`; }
});
`,
    },
  });
  const pinned = await createPodlet({
    name: 'pinned',
    packageDir: dir,
    entries: ['pinned.js'],
    content: () => '<podlet-pinned></podlet-pinned>',
  });
  const importMap = JSON.parse(await readFile(path.join(root, 'import-map.json'), 'utf8'));
  const layout = createLayout({
    cdnUrl: demo.cdnUrl,
    importMap,
    podlets: { ...demo.podletUrls, pinned: `${await listen(t, pinned.handle)}manifest.json` },
    pages: { '/': { title: 'two majors', podlets: ['header', 'auth', 'geo', 'image', 'pinned', 'footer'] } },
  });
  demo.useHandler(layout.handle);
  t.after(() => demo.useLayout({}));
  const { page, errors } = await open(demo.layoutUrl);
  try {
    const tags = [...cardPodlets, 'podlet-pinned'];
    await page.waitForFunction(
      (names: string[]) => names.every((n) => document.querySelector(n)?.shadowRoot?.querySelector('pm1-card, pm2-card')),
      {},
      tags,
    );
    const design = await designOnPage(page, tags);
    assert.equal(
      new Set(design.designUrls.map((u) => /design@(\d+)\./.exec(u)![1])).size,
      2,
      `both majors: ${design.designUrls.join(' ')}`,
    );
    assert.deepEqual(design.accents, ['#7a1fa2', '#7a1fa2', '#7a1fa2', '#1f7a3a'], 'each podlet renders with its own major');
    assert.deepEqual(
      await page.evaluate(() => [!!customElements.get('pm1-card'), !!customElements.get('pm2-card')]),
      [true, true],
      'both majors defined their elements, under their own names',
    );
    assert.match(await page.evaluate(() => document.querySelector('podlet-pinned')!.shadowRoot!.textContent ?? ''), /On design 2/);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
