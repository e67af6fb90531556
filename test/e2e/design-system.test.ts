import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import semver from 'semver';
import { publishInstalledPackages } from '../../runtime/cdn/index.ts';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { startInProcessDemo, type InProcessDemo } from '../helpers/demo-in-process.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';
import { podletsReady, serverOnlyElements } from '../helpers/demo-elements.ts';

// The design system shared by contract (issue 14): @podmap-demo/design is a library on the CDN
// like any other, so the page gets one copy, a minor release reaches every page with no podlet
// rebuilt, and a podlet that stays on the previous major gets it in a scope beside the others.

const root = fileURLToPath(new URL('../..', import.meta.url));
const cardPodlets = ['podlet-auth', 'podlet-geo', 'podlet-image'];
/** The podlets around every page, which use the tokens without a card. */
const chromePodlets = ['podlet-header', 'podlet-footer'];
/**
 * Where the header and footer take their looks from the tokens: the podlet, the element in its
 * shadow root ('' for the podlet itself), the property the token sets, and the token.
 */
const chromeTokens: Array<[string, string, string, string]> = [
  ['podlet-header', '', 'background-color', '--pm-brand'],
  ['podlet-header', '', 'font', '--pm-font'],
  ['podlet-header', '.brand', 'color', '--pm-on-brand'],
  ['podlet-header', 'nav a[aria-current="false"]', 'color', '--pm-on-brand-muted'],
  ['podlet-footer', '', 'background-color', '--pm-surface-subtle'],
  ['podlet-footer', '', 'font', '--pm-font-small'],
  ['podlet-footer', 'a', 'color', '--pm-accent'],
  ['podlet-footer', 'a', 'font-family', '--pm-font-family'],
  ['podlet-footer', 'small', 'color', '--pm-muted'],
];
let demo: InProcessDemo;
let browser: Browser;
before(async () => {
  // The footer in 'client' mode: what is tested is the browser's one copy of the design package,
  // and a server-rendered footer takes its styles from the server's install (docs/render-modes.md).
  process.env.PODMAP_FOOTER_RENDER = 'client';
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

/** What the page shows of the design system: its module URLs, per card podlet the card's accent, and whether every podlet (chrome included) adopted the one shared sheet. */
function designOnPage(page: Page, tags: string[], chrome: string[] = []) {
  return page.evaluate(
    (names: string[], around: string[]) => {
      const designUrls = performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((u) => u.includes('/@podmap-demo/design@'));
      const sheets = [...names, ...around].map((n) =>
        (document.querySelector(n)?.shadowRoot?.adoptedStyleSheets ?? []).find((s) =>
          [...s.cssRules].some((r) => r.cssText.includes('--pm-accent')),
        ),
      );
      const accents = names.map((n) => {
        const card = document.querySelector(n)?.shadowRoot?.querySelector('pm1-card, pm2-card');
        return card ? getComputedStyle(card).getPropertyValue('--pm-accent').trim() : null;
      });
      return { designUrls, oneSheet: sheets.every((s) => s !== undefined && s === sheets[0]), accents };
    },
    tags,
    chrome,
  );
}

/**
 * Per entry of `chromeTokens`, as the page computes them: the element's style (`actual`), the
 * same property set from the token's text on a probe (`expected`), and the token's text on the
 * podlet (`token`). A podlet that hand-rolls a colour equal to the token's still fails once a
 * release changes the token, which the minor-release case does.
 */
function chromeLooks(page: Page) {
  return page.evaluate((checks: Array<[string, string, string, string]>) => {
    // A shorthand is compared by the longhands that make it up; colours by themselves.
    const longhands: Record<string, string[]> = { font: ['font-family', 'font-size', 'line-height'] };
    const probe = document.createElement('div');
    document.body.append(probe);
    const looks = checks.map(([tag, selector, property, token]) => {
      const host = document.querySelector(tag)!;
      const element = selector ? host.shadowRoot!.querySelector(selector)! : host;
      const value = getComputedStyle(host).getPropertyValue(token).trim();
      probe.style.cssText = '';
      if (value) probe.style.setProperty(property, value);
      // No named functions in here: tsx's __name helper does not exist in the page.
      const [own, probed] = [getComputedStyle(element), getComputedStyle(probe)].map((style) =>
        (longhands[property] ?? [property]).map((p) => style.getPropertyValue(p)).join(' | '),
      );
      return {
        what: `${tag} ${selector || ':host'} ${property} (${token})`,
        actual: own!,
        expected: probed!,
        token: value,
      };
    });
    probe.remove();
    return looks;
  }, chromeTokens);
}

/** Asserts that every entry of `chromeTokens` holds: the token is set, and the element's style is the token's value. */
function assertChromeUsesTokens(looks: Awaited<ReturnType<typeof chromeLooks>>): void {
  for (const look of looks) assert.notEqual(look.token, '', `${look.what}: the token is set on the podlet`);
  assert.deepEqual(
    looks.map((l) => `${l.what}: ${l.actual}`),
    looks.map((l) => `${l.what}: ${l.expected}`),
  );
}

/** Waits until the card podlets show their cards and the header and footer their links, rendered or hydrated by the page's modules. */
async function waitForPodlets(page: Page, cards: string[]) {
  await page.waitForFunction(podletsReady, {}, [...cards, 'podlet-header', 'podlet-footer'], serverOnlyElements);
  return page.waitForFunction(
    (names: string[]) =>
      names.every((n) => document.querySelector(n)?.shadowRoot?.querySelector('pm1-card, pm2-card')) &&
      ['podlet-header', 'podlet-footer'].every((n) => document.querySelector(n)?.shadowRoot?.querySelector('a')),
    {},
    cards,
  );
}

test('design system - the demo home page - loads one copy of the design package, and every podlet adopts the same stylesheet object', async () => {
  const { page, errors } = await open(demo.layoutUrl);
  try {
    await waitForPodlets(page, cardPodlets);
    const design = await designOnPage(page, cardPodlets, chromePodlets);
    assert.equal(design.designUrls.length, 1, design.designUrls.join('\n'));
    assert.ok(design.oneSheet, 'one CSSStyleSheet, shared by every shadow root (geo on lit 2, the header and the footer included)');
    assert.deepEqual(design.accents, ['#0b5cad', '#0b5cad', '#0b5cad']);
    assertChromeUsesTokens(await chromeLooks(page));
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('design system - a minor release published to the CDN - is on the next page, with no podlet rebuilt or redeployed', async () => {
  const before = (await (await fetch(demo.layoutUrl)).text()).match(/\/podlet\/[a-z]+@[\d.]+\//g)!.sort();
  const { version } = JSON.parse(await readFile(path.join(root, 'design/package.json'), 'utf8')) as { version: string };
  const minor = semver.inc(version, 'minor')!;
  // New values for an accent, a colour and a font the header and footer take from the tokens.
  const edits: Array<[string, string]> = [
    ['--pm-accent: #0b5cad;', '--pm-accent: #7a1fa2;'],
    ['--pm-brand: #0b2545;', '--pm-brand: #3d1a5b;'],
    ['--pm-font-family: system-ui, sans-serif;', '--pm-font-family: Georgia, serif;'],
  ];
  await publishDesign(minor, (source) =>
    edits.reduce((edited, [from, to]) => {
      assert.ok(edited.includes(from), `the design module has "${from}"`);
      return edited.replace(from, to);
    }, source),
  );
  // A layout caches version lists for 60 s; a new one (as after that minute) asks the CDN now.
  demo.useLayout({});
  const html = await (await fetch(demo.layoutUrl)).text();
  assert.deepEqual(html.match(/\/podlet\/[a-z]+@[\d.]+\//g)!.sort(), before, 'the same podlet releases');
  assert.ok(html.includes(`/@podmap-demo/design@${minor}/`), `design ${minor} is in the map`);
  const { page, errors } = await open(demo.layoutUrl);
  try {
    await waitForPodlets(page, cardPodlets);
    const design = await designOnPage(page, cardPodlets, chromePodlets);
    assert.deepEqual(design.accents, ['#7a1fa2', '#7a1fa2', '#7a1fa2'], 'every podlet shows the new release');
    const looks = await chromeLooks(page);
    const shown = (what: string) => looks.find((l) => l.what.startsWith(what))!.actual;
    assert.equal(shown('podlet-footer a color'), 'rgb(122, 31, 162)', "the footer's links in the new accent");
    assert.equal(shown('podlet-header :host background-color'), 'rgb(61, 26, 91)', "the header's band in the new brand colour");
    assert.match(shown('podlet-header :host font'), /^Georgia, serif \| /, "the header's font is the new one");
    assert.match(shown('podlet-footer :host font'), /^Georgia, serif \| /, "the footer's font is the new one");
    assertChromeUsesTokens(looks);
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
