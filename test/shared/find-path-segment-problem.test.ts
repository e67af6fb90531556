import assert from 'node:assert/strict';
import { join, resolve, sep } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseCdnPath } from '../../runtime/cdn/http/parse-cdn-path.ts';
import { encodePath } from '../../runtime/cdn/store/build-package-map.ts';
import {
  findPathSegmentProblem,
  MAX_FILE_PATH_LENGTH,
  MAX_FILE_PATH_SEGMENTS,
} from '../../runtime/shared/files/find-path-segment-problem.ts';
import { isSafeRelativePath } from '../../runtime/shared/files/is-safe-relative-path.ts';
import { resolveInside } from '../../runtime/shared/files/resolve-inside.ts';
import { MAX_PACKAGE_NAME_LENGTH } from '../../runtime/shared/is-package-name.ts';
import type { PodmapError } from '../../runtime/shared/errors.ts';

/** The file a CDN URL addresses, or the code it is refused with. */
function fileOfUrl(url: string): string {
  try {
    const route = parseCdnPath(url);
    return route.resource === 'file' ? route.file : `not a file: ${route.resource}`;
  } catch (error) {
    return (error as PodmapError).code;
  }
}

const longestName = 'a'.repeat(MAX_PACKAGE_NAME_LENGTH);
const longestVersion = `1.0.0-${'x'.repeat(250)}`;

test('findPathSegmentProblem() - empty, ".", "..", separators and control characters - are refused', () => {
  for (const segment of ['', '.', '..', 'a/b', 'a\\b', 'a\0b', 'a\u001fb', 'a\u007f', '\n']) {
    assert.ok(findPathSegmentProblem(segment), JSON.stringify(segment));
  }
  for (const segment of ['a', '...', '..a', '.x', 'index.js', 'ü', '文', '😀', 'a b', '%2e', '@scope', '+build']) {
    assert.equal(findPathSegmentProblem(segment), null, JSON.stringify(segment));
  }
});

test('isSafeRelativePath() - at and past MAX_FILE_PATH_LENGTH and MAX_FILE_PATH_SEGMENTS - accepts up to the limit only', () => {
  assert.equal(isSafeRelativePath('a'.repeat(MAX_FILE_PATH_LENGTH)), true);
  assert.equal(isSafeRelativePath('a'.repeat(MAX_FILE_PATH_LENGTH + 1)), false);
  assert.equal(isSafeRelativePath(Array(MAX_FILE_PATH_SEGMENTS).fill('a').join('/')), true);
  assert.equal(
    isSafeRelativePath(
      Array(MAX_FILE_PATH_SEGMENTS + 1)
        .fill('a')
        .join('/'),
    ),
    false,
  );
  for (const path of ['', '/a', 'a/', 'a//b', 'a/../b', './a', 'a\\b', 'a/\0']) assert.equal(isSafeRelativePath(path), false, path);
});

test('the path-segment rule - paths the store and the URL reader used to disagree on - get one answer (regression)', () => {
  // Before, the store accepted any number of segments within 512 characters, while URLs stopped
  // at 64 segments and 1,024 characters as sent: a 100-level path was stored without a URL, and
  // so was a 170-character Chinese file name (1,530 characters percent-encoded).
  const deep = `${'a/'.repeat(99)}x.js`;
  assert.equal(isSafeRelativePath(deep), false, 'a path no URL can reach is not stored');
  const chinese = `${'文'.repeat(170)}.js`;
  assert.ok(encodePath(chinese).length > 1024, 'the scenario: its URL is longer than the old limit');
  assert.equal(isSafeRelativePath(chinese), true);
  assert.equal(fileOfUrl(`/npm/lit@3.3.3/${encodePath(chinese)}`), chinese);
});

test('parseCdnPath() - a file path at every limit, of the longest name and version - has a URL', () => {
  // Seven three-byte characters per segment: 64 segments and 511 characters, 4,095 encoded.
  const file = Array(MAX_FILE_PATH_SEGMENTS).fill('文'.repeat(7)).join('/');
  assert.ok(isSafeRelativePath(file) && file.length > MAX_FILE_PATH_LENGTH - 7);
  assert.equal(fileOfUrl(`/npm/${longestName}@${longestVersion}/${encodePath(file)}`), file);
  assert.equal(fileOfUrl(`/podlet/${longestName}@${longestVersion}/${encodePath(file)}`), file);
  assert.equal(fileOfUrl(`/npm/lit@3.3.3/${encodePath(`${file}xx`)}`), 'PODMAP_ERR_BAD_PATH', 'one character past the limit');
});

// Segments mixing ASCII, characters of one to four UTF-8 bytes, and what URLs encode or keep.
const segmentChar = fc.constantFrom('a', 'Z', '0', '.', '-', '_', '~', ' ', '%', '+', '@', ':', '#', '?', 'é', '文', '😀', '\u2028');
const segment = fc.array(segmentChar, { minLength: 1, maxLength: 40 }).map((chars) => chars.join(''));
const filePath = fc.array(segment, { minLength: 1, maxLength: MAX_FILE_PATH_SEGMENTS + 4 }).map((segments) => segments.join('/'));

test('isSafeRelativePath() and parseCdnPath() - property: every path the store accepts has a URL that reads back as that path', () => {
  let stored = 0;
  fc.assert(
    fc.property(filePath, fc.boolean(), (file, scoped) => {
      if (!isSafeRelativePath(file)) return;
      stored++;
      const name = scoped ? `@${'s'.repeat(100)}/${'n'.repeat(MAX_PACKAGE_NAME_LENGTH - 102)}` : longestName;
      assert.equal(fileOfUrl(`/npm/${name}@${longestVersion}/${encodePath(file)}`), file);
    }),
    { numRuns: 1000 },
  );
  assert.ok(stored > 300, `only ${stored} generated paths were storable: the property was hardly tested`);
});

test('resolveInside() - property: a path it accepts is one the store accepts, and stays inside the root', () => {
  const root = resolve('/srv/podlet/public');
  let served = 0;
  fc.assert(
    fc.property(fc.oneof(filePath.map(encodePath), filePath), (encoded) => {
      let file: string;
      try {
        file = resolveInside(root, encoded);
      } catch (error) {
        assert.equal((error as PodmapError).code, 'PODMAP_ERR_BAD_PATH');
        return;
      }
      // "#…" and "?…" leave nothing of the path: the folder itself, which is not a file (404).
      if (file === root) return;
      served++;
      assert.ok(file.startsWith(root + sep), file);
      assert.ok(
        isSafeRelativePath(
          file
            .slice(root.length + 1)
            .split(sep)
            .join('/'),
        ),
        file,
      );
      assert.equal(join(root, file.slice(root.length + 1)), file);
    }),
    { numRuns: 1000 },
  );
  assert.ok(served > 300, `only ${served} generated paths were served: the property was hardly tested`);
});
