// The dev servers of the e2e tests: `podmap dev` (startPodletDevServer) in-process on a free
// port, for a podlet of this repository or for one in a folder of its own outside it.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPodletDevServer, type PodletDevServer } from '../../runtime/dev/index.ts';

export type { PodletDevServer };

const rootDir = fileURLToPath(new URL('../..', import.meta.url));

/** Starts podlets/<name>'s dev server in-process on a free port. */
export function startRepositoryPodlet(name: string, options: { layoutUrl?: string } = {}): Promise<PodletDevServer> {
  return startPodletDevServer({ podletDir: path.join(rootDir, 'podlets', name), port: 0, ...options });
}

/** Links `names` from this repository's node_modules into `dir`/node_modules, as `npm install` would have put them. */
export function linkPackages(dir: string, names: string[]): void {
  for (const name of names) {
    mkdirSync(path.dirname(path.join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(path.join(rootDir, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
}

/**
 * Writes the "cart" podlet into a new temporary folder outside the repository: package.json
 * (lit, and @podlets/missing, which is not installed), assets/ in TypeScript, public/ as its
 * build would leave it, server.js (plain JS; createPodlet from this repository's sources for
 * now) and a node_modules with lit and typescript linked. `parts` leaves pieces out.
 * Removed by the returned function.
 */
export function writeOutsidePodlet(parts: { server?: string | false; typescript?: boolean } = {}): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'podmap-outside-podlet-'));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  const dependencies = { lit: '^3.1.0', '@podlets/missing': '^1.0.0' };
  write('package.json', JSON.stringify({ name: '@acme/cart', version: '1.0.0', type: 'module', dependencies }));
  write('tsconfig.json', JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true } }));
  write('assets/label.ts', "export const label: string = 'Cart from assets/cart.ts';\n");
  write(
    'assets/cart.ts',
    "import { LitElement, html } from 'lit';\nimport { label } from './label.ts';\n\n" +
      'class PodletCart extends LitElement {\n  count: number = 2;\n  override render() {\n    return html`<p>${label}: ${this.count} items</p>`;\n  }\n}\n' +
      "customElements.define('podlet-cart', PodletCart);\n",
  );
  write('public/label.js', "export const label = 'Cart from public/';\n");
  write('public/cart.js', "import { LitElement, html } from 'lit';\nimport { label } from './label.js';\nvoid LitElement, html, label;\n");
  const server =
    parts.server ??
    `import { fileURLToPath } from 'node:url';\nimport { createPodlet } from ${JSON.stringify(path.join(rootDir, 'runtime/podlet/index.ts'))};\n` +
      "export const podlet = await createPodlet({ name: 'cart', packageDir: fileURLToPath(new URL('.', import.meta.url)), entries: ['cart.js'], content: () => '<podlet-cart></podlet-cart>' });\n";
  if (server !== false) write('server.js', server);
  linkPackages(dir, ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', ...(parts.typescript === false ? [] : ['typescript'])]);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
