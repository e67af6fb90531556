import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cdnApiUrl, cdnFileUrl, packageRootOf, parseCdnUrl } from '../../runtime/shared/cdn-protocol/cdn-urls.ts';

test('parseCdnUrl() - a scoped package file - gives root, kind, name, version and file', () => {
  assert.deepEqual(parseCdnUrl('http://cdn/npm/@lit/reactive-element@2.1.1/decorators/x.js'), {
    root: 'http://cdn/npm/@lit/reactive-element@2.1.1/',
    kind: 'npm',
    name: '@lit/reactive-element',
    version: '2.1.1',
    file: 'decorators/x.js',
  });
  assert.equal(parseCdnUrl('http://cdn/podlet/header@1.1.0/')?.kind, 'podlet');
  assert.equal(parseCdnUrl('http://cdn/prefix/npm/lit@3/index.js')?.root, 'http://cdn/prefix/npm/lit@3/');
});

test('parseCdnUrl() - URLs outside the tree - are null', () => {
  for (const url of [
    'http://cdn/npm/lit/index.js',
    'http://podlet:7100/public@1.0.0/x.js',
    'http://cdn/other/lit@3.3.3/x.js',
    'http://cdn/npm/lit@3.3.3',
  ]) {
    assert.equal(parseCdnUrl(url), null, url);
  }
  assert.equal(packageRootOf('http://cdn/npm/lit@3.3.3/x.js'), 'http://cdn/npm/lit@3.3.3/');
});

test('cdnFileUrl() and cdnApiUrl() - build the URLs the CDN serves (docs/cdn.md)', () => {
  assert.equal(cdnFileUrl('http://cdn:7700', 'npm', 'lit', '3.3.3', 'index.js'), 'http://cdn:7700/npm/lit@3.3.3/index.js');
  assert.equal(cdnApiUrl('http://cdn:7700/', 'versions', 'npm', '@lit/task'), 'http://cdn:7700/-/npm/@lit/task');
  assert.equal(cdnApiUrl('http://cdn:7700/', 'metadata', 'podlet', 'auth', '1.1.0'), 'http://cdn:7700/-/podlet/auth@1.1.0');
  assert.equal(cdnApiUrl('http://cdn:7700/', 'map', 'npm', 'lit', '3.3.3'), 'http://cdn:7700/-/map/npm/lit@3.3.3');
});
