import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { createLayout } from '../../runtime/layout/create-layout.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { startCdnWithLit } from '../helpers/cdn-with-lit.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { writePodletFolder } from '../helpers/fixture-podlet.ts';
import { listen } from '../helpers/listen.ts';

const component = (tag: string) => `import { LitElement, html } from 'lit';
customElements.define('${tag}', class extends LitElement { render() { return html\`<p>rendered</p>\`; } });
`;

/** Rewrites one stored file, and its precompressed copies, as a compromised CDN would serve it. */
async function tamper(storeDir: string, pkgFolder: string, file: string): Promise<void> {
  const root = path.join(storeDir, 'npm', pkgFolder);
  const original = await readFile(path.join(root, 'files', file), 'utf8');
  const evil = `${original}\nglobalThis.tampered = true;\n`;
  await writeFile(path.join(root, 'files', file), evil);
  for (const [folder, compress] of [
    ['br', brotliCompressSync],
    ['gz', gzipSync],
  ] as const) {
    await writeFile(path.join(root, folder, file), compress(evil));
  }
}

for (const mode of ['native', 'shim'] as const)
  for (const tampered of [false, true]) {
    test(`integrity (${mode}) - ${tampered ? 'a tampered CDN file - is refused and the podlet does not run (security)' : 'untampered files - load and render'}`, async (t) => {
      const cdn = await startCdnWithLit({ copy: true });
      t.after(() => cdn.close());
      const tag = `x-integrity-${mode}-${tampered ? 'tampered' : 'clean'}`;
      const dir = await writePodletFolder(t, {
        name: '@podlets/guarded',
        dependencies: { lit: '^3.1.0' },
        modules: { 'guarded.js': component(tag) },
      });
      const podlet = await createPodlet({ name: 'guarded', packageDir: dir, entries: ['guarded.js'], content: () => `<${tag}></${tag}>` });
      const podletUrl = await listen(t, podlet.handle);
      const meta = JSON.parse(await (await fetch(`${cdn.url}-/npm/lit`)).text()) as { majors: Record<string, string> };
      // The file pages load: lit's browser build, not the file as published.
      if (tampered) await tamper(cdn.storeDir, `lit@${meta.majors['3']}`, '+/index.js');
      const layout = createLayout({
        cdnUrl: cdn.url,
        importMap: { imports: { lit: './npm/lit@3/index.js' } },
        podlets: { guarded: `${podletUrl}manifest.json` },
        pages: { '/': { title: 'integrity', podlets: ['guarded'] } },
        mode,
        // Native mode: no es-module-shims at all, so nothing but Chromium checks the hashes.
        shim: mode === 'shim' ? undefined : false,
      });
      const pageUrl = await listen(t, layout.handle);
      const html = await (await fetch(pageUrl)).text();
      assert.match(html, /"integrity":\{[^}]*lit@3[^"]*\/index\.js":"sha384-/, 'the map pins lit with a hash');
      if (mode === 'shim') assert.match(html, /<script type="importmap-shim"/);

      const browser = await launchChromium();
      t.after(() => browser.close());
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pageUrl, { waitUntil: 'networkidle0' });
      const state = await page.evaluate(
        (name) => ({
          defined: customElements.get(name) !== undefined,
          tampered: (globalThis as { tampered?: boolean }).tampered === true,
        }),
        tag,
      );
      if (tampered) {
        assert.deepEqual(state, { defined: false, tampered: false });
        assert.ok(
          errors.some((e) => /integrity/i.test(e)),
          errors.join('\n'),
        );
      } else {
        assert.deepEqual(state, { defined: true, tampered: false });
        assert.deepEqual(errors, []);
      }
    });
  }
