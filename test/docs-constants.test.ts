import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { NPM_BUILD_TIMEOUT_MS } from '../runtime/cdn/build/build-browser-package.ts';
import { DEFAULT_MINIFY_LIMITS } from '../runtime/cdn/build/minify-release-files.ts';
import { BUILD_PROCESS_HEAP_MB, MAX_BUILD_PROCESSES } from '../runtime/cdn/build/run-in-build-process.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_UPLOAD_TIMEOUT_MS } from '../runtime/cdn/http/create-cdn-server.ts';
import { DEFAULT_SHAKEN_OPTIONS } from '../runtime/cdn/shaken/create-shaken-service.ts';
import { defaultTarballLimits } from '../runtime/cdn/publish/read-tarball.ts';
import {
  DEFAULT_ASSETS_TTL_MS,
  DEFAULT_FAILURE_BACKOFF,
  DEFAULT_MAX_PAGES,
  SHAKEN_PENDING_REBUILD_MS,
} from '../runtime/layout/assets/create-assets-cache.ts';
import { DEFAULT_CDN_CACHE_SIZES, DEFAULT_CDN_TIMEOUT_MS, DEFAULT_VERSIONS_TTL_MS } from '../runtime/layout/assets/create-cdn-client.ts';
import { DEFAULT_CIRCUIT_BREAKER } from '../runtime/layout/podlets/create-circuit-breaker.ts';
import {
  DEFAULT_PODLET_TIMEOUT_MS,
  DEFAULT_REFETCH_INTERVAL_MS,
  MANIFEST_RETRY_MS,
} from '../runtime/layout/podlets/create-podlet-client.ts';
import { MANIFEST_MAX_BYTES } from '../runtime/layout/podlets/fetch-podlet-state.ts';
import { DEFAULT_SERVICE_WORKER } from '../runtime/layout/service-worker/worker-config.ts';
import { DEFAULT_ALIAS_MAX_AGE_SECONDS } from '../runtime/shared/cdn-protocol/cdn-urls.ts';
import { MAX_FILE_PATH_LENGTH, MAX_FILE_PATH_SEGMENTS } from '../runtime/shared/files/find-path-segment-problem.ts';
import { walkFiles } from '../runtime/shared/files/walk-files.ts';

const root = new URL('../', import.meta.url).pathname;

/** The named constants docs/*.md may cite as "`NAME` (value)" or "`NAME.field` (value)". */
const constants: Record<string, unknown> = {
  DEFAULT_ALIAS_MAX_AGE_SECONDS,
  DEFAULT_MAX_UPLOAD_BYTES,
  DEFAULT_UPLOAD_TIMEOUT_MS,
  DEFAULT_SHAKEN_OPTIONS,
  defaultTarballLimits,
  DEFAULT_MINIFY_LIMITS,
  NPM_BUILD_TIMEOUT_MS,
  BUILD_PROCESS_HEAP_MB,
  MAX_BUILD_PROCESSES,
  DEFAULT_ASSETS_TTL_MS,
  DEFAULT_FAILURE_BACKOFF,
  DEFAULT_MAX_PAGES,
  SHAKEN_PENDING_REBUILD_MS,
  DEFAULT_CDN_CACHE_SIZES,
  DEFAULT_CDN_TIMEOUT_MS,
  DEFAULT_VERSIONS_TTL_MS,
  DEFAULT_CIRCUIT_BREAKER,
  DEFAULT_PODLET_TIMEOUT_MS,
  DEFAULT_REFETCH_INTERVAL_MS,
  MANIFEST_RETRY_MS,
  MANIFEST_MAX_BYTES,
  DEFAULT_SERVICE_WORKER,
  MAX_FILE_PATH_LENGTH,
  MAX_FILE_PATH_SEGMENTS,
};

const units: Record<string, Record<string, number>> = {
  ms: { '': 1, ms: 1, s: 1000, min: 60_000 },
  s: { '': 1, s: 1 },
  bytes: { '': 1, B: 1, KiB: 1024, MiB: 1024 * 1024 },
  count: { '': 1 },
};

/** The unit a constant counts in, from its name: "…_MS"/"…Ms", "…_SECONDS", "…_BYTES"/"…Bytes", else a count. */
function unitOf(name: string): keyof typeof units {
  if (/(_MS|Ms)$/.test(name)) return 'ms';
  if (/_SECONDS$/.test(name)) return 's';
  if (/(_BYTES|Bytes)$/.test(name)) return 'bytes';
  return 'count';
}

/** "1,000 ms" → 1000 in the unit of `name`; null when the text is not a number in a unit that fits. */
function readValue(name: string, text: string): number | null {
  const match = /^([\d,]+(?:\.\d+)?)(?:\s*(ms|s|min|B|KiB|MiB))?/.exec(text.trim());
  const factor = match ? units[unitOf(name)]![match[2] ?? ''] : undefined;
  return factor === undefined ? null : Number(match![1]!.replace(/,/g, '')) * factor;
}

test('docs - every default or limit cited as "`NAME` (value)" - states the value the constant has', async () => {
  let checked = 0;
  for (const file of (await readdir(`${root}docs`)).filter((f) => f.endsWith('.md'))) {
    const text = await readFile(`${root}docs/${file}`, 'utf8');
    for (const [, name, field, value] of text.matchAll(/`([A-Za-z_]+)(?:\.([A-Za-z]+))?`\s+\(([^)]*)\)/g)) {
      if (!Object.hasOwn(constants, name!)) continue;
      const actual = field ? (constants[name!] as Record<string, unknown>)[field] : constants[name!];
      assert.equal(typeof actual, 'number', `docs/${file}: ${name}${field ? `.${field}` : ''} is not a number constant`);
      assert.equal(readValue(field ?? name!, value!), actual, `docs/${file}: \`${name}${field ? `.${field}` : ''}\` (${value})`);
      checked++;
    }
  }
  assert.ok(checked >= 20, `only ${checked} citations found: the docs no longer cite the constants by name`);
});

test('docs - a DEFAULT_… name in backticks - is a constant this test knows (none renamed or gone)', async () => {
  for (const file of (await readdir(`${root}docs`)).filter((f) => f.endsWith('.md'))) {
    const text = await readFile(`${root}docs/${file}`, 'utf8');
    for (const [, name] of text.matchAll(/`(DEFAULT_[A-Z_]+)/g)) {
      assert.ok(Object.hasOwn(constants, name!) || name === 'DEFAULT_ALLOWED_HOSTS', `docs/${file} cites ${name}`);
    }
  }
});

test('runtime/ - a doc comment - names a default by its constant instead of restating its number', async () => {
  const offenders: string[] = [];
  for (const file of await walkFiles(`${root}runtime`)) {
    if (!/\.(ts|js)$/.test(file) || /(^|\/)(node_modules|public|dist)\//.test(file)) continue;
    const lines = (await readFile(`${root}runtime/${file}`, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\*|\/\/|\/\*\*)/.test(line) && /\bdefaults?\b[:\s]*\(?\s*\d/i.test(line)) offenders.push(`runtime/${file}:${i + 1}`);
    });
  }
  assert.deepEqual(offenders, []);
});
