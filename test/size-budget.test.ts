// The size budget of the browser runtime: every page loads the compiled bus (index.js and the
// modules it imports), so its bytes are measured raw and gzipped, and held to a budget that
// runtime/browser/README.md states. Each file is a response of its own, gzipped on its own.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { init, parse } from 'es-module-lexer';

const publicDir = new URL('../runtime/browser/public/', import.meta.url);

// Keep in step with runtime/browser/README.md ("Size budget").
const BUDGET = { raw: 5_600, gzip: 2_300 };
// The store (`@podmap/browser/store.js`), loaded only by pages whose podlets use one, on top of the bus.
const STORE_BUDGET = { raw: 4_000, gzip: 1_500 };

/** The compiled modules that a page loads for `entry`, following its static imports. */
function collectModuleGraph(entry: URL): URL[] {
  const seen = new Map<string, URL>();
  const visit = (url: URL) => {
    if (seen.has(url.href)) return;
    seen.set(url.href, url);
    const [imports] = parse(readFileSync(url, 'utf8'));
    for (const { n: specifier, d: dynamic } of imports) {
      // Bare specifiers would be other packages through the map; the bus has none, and says so below.
      if (specifier && dynamic === -1) visit(new URL(specifier, url));
    }
  };
  visit(entry);
  return [...seen.values()];
}

test('size budget - the browser runtime that every page loads stays within budget', async () => {
  const entry = new URL('index.js', publicDir);
  assert.ok(
    existsSync(entry),
    'runtime/browser/public/index.js is missing: build it first with `npx tsc -p runtime/browser/tsconfig.json`',
  );
  await init;
  const files = collectModuleGraph(entry);
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    assert.ok(file.href.startsWith(publicDir.href), `the runtime imports ${file.href}, outside its own files`);
    const bytes = readFileSync(file);
    const zipped = gzipSync(bytes, { level: 9 }).length;
    raw += bytes.length;
    gzip += zipped;
    console.log(`podmap runtime: ${file.href.slice(publicDir.href.length)} ${bytes.length} B raw, ${zipped} B gzip`);
  }
  console.log(`podmap runtime: ${files.length} modules, ${raw} B raw, ${gzip} B gzip (budget ${BUDGET.raw} / ${BUDGET.gzip})`);
  assert.ok(raw <= BUDGET.raw, `the runtime is ${raw} B raw, over its budget of ${BUDGET.raw} B`);
  assert.ok(gzip <= BUDGET.gzip, `the runtime is ${gzip} B gzipped, over its budget of ${BUDGET.gzip} B`);
});

test('size budget - the store entry, on top of the bus, stays within its own budget', () => {
  const bytes = readFileSync(new URL('store.js', publicDir));
  const zipped = gzipSync(bytes, { level: 9 }).length;
  console.log(`podmap store: store.js ${bytes.length} B raw, ${zipped} B gzip (budget ${STORE_BUDGET.raw} / ${STORE_BUDGET.gzip})`);
  assert.ok(bytes.length <= STORE_BUDGET.raw, `store.js is ${bytes.length} B raw, over ${STORE_BUDGET.raw} B`);
  assert.ok(zipped <= STORE_BUDGET.gzip, `store.js is ${zipped} B gzipped, over ${STORE_BUDGET.gzip} B`);
});
