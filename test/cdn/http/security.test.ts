import assert from 'node:assert/strict';
import { join, resolve, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import validate from 'validate-npm-package-name';
import { decodePathSegments, MAX_REQUEST_PATH_LENGTH } from '../../../runtime/shared/http/decode-path-segments.ts';
import { parseCdnPath } from '../../../runtime/cdn/http/parse-cdn-path.ts';
import { isSafeRelativePath } from '../../../runtime/shared/files/is-safe-relative-path.ts';
import { safeLocation } from '../../../runtime/cdn/http/safe-location.ts';
import { validatePackageName } from '../../../runtime/cdn/store/validate-package-name.ts';
import { publishTarball } from '../../../runtime/cdn/index.ts';
import { PodmapError } from '../../../runtime/shared/errors.ts';
import { collectCleanups } from '../../helpers/cleanups.ts';
import { rawGet } from '../../helpers/raw-get.ts';
import { makeTempDir, manifestOf, packFixture, startCdn } from '../helpers.ts';

const cleanups = collectCleanups();
let origin = '';
let store = '';
before(async () => {
  const dir = await makeTempDir(cleanups);
  store = join(dir, 'store');
  await publishTarball(
    store,
    await packFixture(dir, { 'package.json': manifestOf('pkg', '1.0.0'), 'index.js': 'export {}', 'sub/a.js': 'export {}' }),
  );
  await publishTarball(
    store,
    await packFixture(join(dir, 's'), { 'package.json': manifestOf('@scope/pkg', '1.0.0'), 'index.js': 'export {}' }),
  );
  origin = await startCdn(cleanups, { storeDir: store });
});
after(async () => {
  await cleanups.run();
});

describe('createCdnServer() - security: no path leaves a package root (regression tests)', () => {
  const attacks: Array<[string, string]> = [
    ['.. segment', '/npm/pkg@1.0.0/../../../../etc/passwd'],
    ['.. in the file part', '/npm/pkg@1.0.0/sub/../../pkg@1.0.0/meta.json'],
    ['%2e%2e', '/npm/pkg@1.0.0/%2e%2e/%2e%2e/meta.json'],
    ['%2E%2E mixed case', '/npm/pkg@1.0.0/%2E%2e/meta.json'],
    ['.%2e', '/npm/pkg@1.0.0/.%2e/meta.json'],
    ['%2f inside a segment', '/npm/pkg@1.0.0/..%2f..%2fmeta.json'],
    ['%2F upper case', '/npm/pkg@1.0.0/sub%2Fa.js'],
    ['backslash', '/npm/pkg@1.0.0/..\\..\\meta.json'],
    ['%5c backslash', '/npm/pkg@1.0.0/..%5c..%5cmeta.json'],
    ['absolute path (empty segment)', '/npm/pkg@1.0.0//etc/passwd'],
    ['NUL', '/npm/pkg@1.0.0/index.js%00.png'],
    ['over-long path', `/npm/pkg@1.0.0/${'a/'.repeat(MAX_REQUEST_PATH_LENGTH)}x.js`],
    ['.. in the scope', '/npm/@../pkg@1.0.0/index.js'],
    ['%2e%2e as the scope', '/npm/@%2e%2e/pkg@1.0.0/index.js'],
    ['traversal in the metadata URL', '/-/npm/..%2f..%2fetc@1.0.0'],
    ['traversal in the map URL', '/-/map/npm/pkg@1.0.0/../../x'],
    ['absolute-form target', 'http://evil.example/npm/pkg@1.0.0/index.js'],
  ];
  for (const [what, path] of attacks) {
    test(`${what} - answers 400 or 404 with a JSON error and never a stored file`, async () => {
      const res = await rawGet(origin, path);
      assert.ok(res.status === 400 || res.status === 404, `${path} → ${res.status}`);
      assert.match(res.body, /"code":"PODMAP_ERR_/);
      assert.doesNotMatch(res.body, /root:|"files":/);
    });
  }

  test('a file path naming an Object.prototype member ("constructor", "__proto__") - answers 404, not 500 (regression)', async () => {
    for (const path of ['/npm/pkg@1.0.0/constructor', '/npm/pkg@1.0.0/__proto__', '/npm/pkg@1.0.0/hasOwnProperty']) {
      assert.equal((await rawGet(origin, path)).status, 404, path);
    }
  });

  test('names are validated like npm: "@../x" and "@./x", which npm itself accepts, are refused (regression)', () => {
    assert.equal(validate('@../x').validForNewPackages, true, 'npm accepts it, which is why we check parts ourselves');
    for (const name of ['@../x', '@./x', '.x', '_x', 'a/b', '@a/b/c', 'a b', 'a\\b', 'a%2fb', '', 'x'.repeat(215), 'node_modules']) {
      assert.throws(
        () => validatePackageName(name, 'npm'),
        (e: unknown) => (e as PodmapError).code === 'PODMAP_ERR_CDN_BAD_NAME',
        name,
      );
    }
    assert.throws(
      () => validatePackageName('@scope/podlet', 'podlet'),
      (e: unknown) => (e as PodmapError).code === 'PODMAP_ERR_CDN_BAD_NAME',
    );
    for (const name of ['lit', '@lit/reactive-element', 'lit-html', 'a.b', 'JSONStream']) validatePackageName(name, 'npm');
  });

  test('alias redirects - Location is never protocol-relative or on another host (regression)', async () => {
    for (const path of [
      '/npm/pkg@1//evil.example/x',
      '/npm/pkg@1/%2f%2fevil.example',
      '/npm/pkg@1/\\\\evil.example',
      '/npm/pkg@1/%5c%5cevil.example',
      '/npm/pkg@1/http:%2f%2fevil.example',
    ]) {
      const res = await rawGet(origin, path);
      if (res.status === 302) {
        assert.ok(res.headers.location!.startsWith('/') && !/^\/[/\\]/.test(res.headers.location!), `${path} → ${res.headers.location}`);
        assert.equal(new URL(res.headers.location!, 'http://cdn.example').host, 'cdn.example');
      } else {
        assert.equal(res.status, 400, path);
      }
    }
    assert.throws(() => safeLocation('//evil.example/x'));
    assert.throws(() => safeLocation('/\\evil.example/x'));
    assert.throws(() => safeLocation('https://evil.example/x'));
  });
});

// Pieces that make hostile paths likely, mixed with ordinary ones.
const pathPiece = fc.constantFrom(
  '/',
  '..',
  '.',
  '%2e',
  '%2E',
  '%2f',
  '%2F',
  '%5c',
  '\\',
  '%00',
  '%',
  '%25',
  '%c0%ae',
  '@',
  'a',
  'pkg',
  'npm',
  '-',
  'index.js',
  '1.0.0',
  '~',
  ':',
);
const hostilePath = fc.array(pathPiece, { maxLength: 24 }).map((pieces) => `/${pieces.join('')}`);

describe('decodePathSegments() - property-based', () => {
  test('whatever the input, accepted segments joined to a root stay inside it', () => {
    const root = resolve('/srv/store/npm/pkg@1.0.0/files');
    fc.assert(
      fc.property(
        fc.oneof(
          hostilePath,
          fc.string(),
          fc.string({ unit: 'binary' }).map((s) => `/${s}`),
        ),
        (target) => {
          let segments: string[];
          try {
            segments = decodePathSegments(target);
          } catch (error) {
            assert.equal((error as PodmapError).code, 'PODMAP_ERR_BAD_PATH');
            return;
          }
          for (const segment of segments) {
            assert.ok(segment !== '' && segment !== '.' && segment !== '..');
            assert.ok(!/[/\\\0]/.test(segment));
          }
          const joined = join(root, ...segments);
          assert.ok(joined === root || joined.startsWith(root + sep), joined);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parseCdnPath() and validatePackageName() - property-based', () => {
  test('an accepted name is valid for npm and makes a folder inside the kind folder', () => {
    const nameish = fc.oneof(
      fc.string(),
      fc
        .array(fc.constantFrom('@', '/', '.', '..', 'a', 'Z', '-', '_', '~', '%', '\\', '!', ' '), { maxLength: 12 })
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(nameish, (name) => {
        try {
          validatePackageName(name, 'npm');
        } catch {
          return;
        }
        assert.ok(validate(name).validForOldPackages, name);
        const kindDir = resolve('/srv/store/npm');
        const dir = join(kindDir, `${name}@1.0.0`);
        assert.ok(dir.startsWith(kindDir + sep), dir);
        assert.ok(name.split('/').length <= 2);
      }),
      { numRuns: 3000 },
    );
  });

  test('every route parsed from any path carries a valid name and a file path without traversal', () => {
    fc.assert(
      fc.property(hostilePath, (target) => {
        let route;
        try {
          route = parseCdnPath(target);
        } catch (error) {
          assert.ok(error instanceof PodmapError && [400, 404].includes(error.status));
          return;
        }
        if (route.resource === 'shaken') return;
        validatePackageName(route.name, route.kind);
        if (route.resource === 'file') assert.ok(isSafeRelativePath(route.file), route.file);
      }),
      { numRuns: 3000 },
    );
  });

  test('over HTTP, any path answers 200, 302 on this host, 400 or 404 — never 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(pathPiece, { maxLength: 10 }).map((p) => `/npm/pkg@1/${p.join('')}`),
        async (path) => {
          const res = await rawGet(origin, path);
          assert.ok([200, 302, 400, 404].includes(res.status), `${path} → ${res.status}`);
          if (res.status === 302) {
            assert.ok(!/^\/[/\\]/.test(res.headers.location!), res.headers.location);
            assert.equal(new URL(res.headers.location!, 'http://cdn.example').host, 'cdn.example');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
