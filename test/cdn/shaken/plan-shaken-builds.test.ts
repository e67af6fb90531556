import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { VersionMetadata } from '../../../runtime/cdn/index.ts';
import { planShakenBuilds, type ShakenPlanSources } from '../../../runtime/cdn/shaken/plan-shaken-builds.ts';
import type { StoredShakenBuild } from '../../../runtime/cdn/store/shaken-build-store.ts';

/** A version whose full build's main module imports `imports`. */
const meta = (name: string, version: string, imports: string[] = [], build = true): VersionMetadata => ({
  kind: 'npm',
  name,
  version,
  dependencies: {},
  exports: {},
  files: {
    '+/index.js': { size: 1, integrity: 'sha384-x', type: 'text/javascript', imports },
    '+/b.js': { size: 1, integrity: 'sha384-y', type: 'text/javascript' },
  },
  ...(build ? { build: { entries: { '.': '+/index.js', './b': '+/b.js', './b.js': '+/b.js' }, unavailable: {} } } : {}),
});

function sources(versions: VersionMetadata[], stored: StoredShakenBuild[] = [], failed: Record<string, string> = {}): ShakenPlanSources {
  return {
    metadata: async (name, version) => versions.find((v) => v.name === name && v.version === version) ?? null,
    stored: async (name, version, id) => stored.find((b) => b.name === name && b.version === version && b.id === id) ?? null,
    failure: (id) => (failed[id] ? { code: 'PODMAP_ERR_CDN_SHAKEN_FAILED', reason: failed[id]! } : undefined),
    engine: 'test engine',
  };
}

const statusOf = (states: Map<string, { status: string }>) => Object.fromEntries([...states].map(([k, s]) => [k, s.status]));

test('planShakenBuilds() - a package another version imports - waits for that version, then takes the names its build imports', async () => {
  const versions = [meta('scale', '4.0.0', ['array']), meta('array', '3.0.0')];
  const request = { packages: { 'scale@4.0.0': { '.': ['scaleLinear'] }, 'array@3.0.0': {} } };
  const first = await planShakenBuilds(request, sources(versions));
  assert.deepEqual(statusOf(first), { 'scale@4.0.0': 'build', 'array@3.0.0': 'pending' });
  const scaleId = (first.get('scale@4.0.0') as { id: string }).id;
  const built: StoredShakenBuild = {
    id: scaleId,
    name: 'scale',
    version: '4.0.0',
    replaces: {},
    files: {},
    imports: { array: ['ticks'], 'array/b': [] },
  };
  const second = await planShakenBuilds(request, sources(versions, [built]));
  assert.deepEqual(statusOf(second), { 'scale@4.0.0': 'ready', 'array@3.0.0': 'build' });
  const array = second.get('array@3.0.0') as { roots: Map<string, unknown> };
  assert.deepEqual(
    [...array.roots],
    [
      ['+/b.js', []],
      ['+/index.js', ['ticks']],
    ],
  );
});

test('planShakenBuilds() - everything, nothing, a failed importer, a cycle, no build - full, unused or failed, never a build', async () => {
  const versions = [
    meta('whole', '1.0.0'),
    meta('orphan', '1.0.0'),
    meta('user', '1.0.0', ['used']),
    meta('used', '1.0.0'),
    meta('ping', '1.0.0', ['pong']),
    meta('pong', '1.0.0', ['ping']),
    meta('plain', '1.0.0', [], false),
  ];
  const request = {
    packages: {
      'whole@1.0.0': '*' as const,
      'orphan@1.0.0': {},
      'user@1.0.0': { '.': '*' as const },
      'used@1.0.0': {},
      'ping@1.0.0': { '.': ['a'] },
      'pong@1.0.0': { '.': ['b'] },
      'plain@1.0.0': { '.': ['c'] },
      'gone@1.0.0': { '.': ['d'] },
    },
  };
  const states = await planShakenBuilds(request, sources(versions));
  assert.deepEqual(statusOf(states), {
    'whole@1.0.0': 'full',
    'orphan@1.0.0': 'unused',
    'user@1.0.0': 'full',
    'used@1.0.0': 'full',
    'ping@1.0.0': 'full',
    'pong@1.0.0': 'full',
    'plain@1.0.0': 'full',
    'gone@1.0.0': 'full',
  });
  assert.match((states.get('used@1.0.0') as { reason: string }).reason, /user@1\.0\.0 imports it and is not shaken/);
});

test('planShakenBuilds() - the same names in another order, or by two subpaths of one file - the same content address; a remembered failure - failed', async () => {
  const versions = [meta('p', '1.0.0')];
  const a = await planShakenBuilds({ packages: { 'p@1.0.0': { '.': ['y', 'x'], './b': ['k'] } } }, sources(versions));
  const b = await planShakenBuilds({ packages: { 'p@1.0.0': { './b.js': ['k'], '.': ['x', 'y', 'x'] } } }, sources(versions));
  const id = (a.get('p@1.0.0') as { id: string }).id;
  assert.equal((b.get('p@1.0.0') as { id: string }).id, id);
  const other = await planShakenBuilds({ packages: { 'p@1.0.0': { '.': ['x'] } } }, sources(versions));
  assert.notEqual((other.get('p@1.0.0') as { id: string }).id, id, 'other names, another address');
  const failed = await planShakenBuilds(
    { packages: { 'p@1.0.0': { '.': ['x', 'y'], './b': ['k'] } } },
    sources(versions, [], { [id]: 'boom' }),
  );
  assert.deepEqual(failed.get('p@1.0.0'), { status: 'failed', code: 'PODMAP_ERR_CDN_SHAKEN_FAILED', reason: 'boom' });
});
