// The import map of the browser tests: bare specifiers → URLs on the test server, whose root is
// the repository. One small function on purpose, so that the project's map generator can take
// its place later. Only production builds of lit: its `development/` files are never mapped.
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);

/** Picks the target of an exports entry for a production browser build (never `development`). */
function pickTarget(entry) {
  if (typeof entry === 'string') return entry;
  return pickTarget(entry.browser ?? entry.import ?? entry.default);
}

/** Returns the URL path of the production browser entry point of a package in node_modules. */
function resolvePackageEntry(name) {
  const manifest = JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, root), 'utf8'));
  return new URL(pickTarget(manifest.exports['.']), `http://x/node_modules/${name}/`).pathname;
}

/**
 * Creates the map that `testRunnerHtml` writes into every test page, as a native
 * `<script type="importmap">` or as an es-module-shims `importmap-shim`.
 */
export function createImportMapForTests() {
  return {
    imports: {
      '@podmap/browser': '/runtime/browser/public/index.js',
      '@podmap/browser/': '/runtime/browser/public/',
      lit: resolvePackageEntry('lit'),
      'lit/': '/node_modules/lit/',
      'lit-html': resolvePackageEntry('lit-html'),
      'lit-html/': '/node_modules/lit-html/',
      'lit-element/': '/node_modules/lit-element/',
      '@lit/reactive-element': resolvePackageEntry('@lit/reactive-element'),
      '@lit/reactive-element/': '/node_modules/@lit/reactive-element/',
    },
  };
}
