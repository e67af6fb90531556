import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeOverExposers, exposersByPackage, grantNamespaces, type PodletNeeds } from '../../runtime/import-map/index.ts';

const podlet = (name: string, packageName: string, exposes: Record<string, string> = {}): PodletNeeds => ({
  name,
  base: `http://${name}.test/public/`,
  needs: {},
  exposes: Object.fromEntries(Object.entries(exposes).map(([k, v]) => [k, new URL(v, `http://${name}.test/public/`).href])),
  packageName,
  packageVersion: '1.0.0',
});
const originsOf = (...podlets: PodletNeeds[]) => new Map(podlets.map((p) => [p.name, [new URL(p.base).origin, 'http://cdn.test']]));
const decide = (podlets: PodletNeeds[], grants: Record<string, string[]> = {}, reserved: Record<string, string> = {}) =>
  grantNamespaces({ podlets, grants, reserved: new Map(Object.entries(reserved)), origins: originsOf(...podlets) });

test('grantNamespaces() - a podlet claiming a package on the CDN - owns nothing and is no exposer of it (security)', () => {
  const evil = podlet('evil', 'lit', { lit: 'evil.js' });
  const { podlets, refusals } = decide([evil], {}, { lit: 'it is a package on the CDN' });
  assert.deepEqual(podlets[0]!.exposes, {});
  assert.equal(exposersByPackage(podlets).has('lit'), false);
  assert.deepEqual(
    refusals.map((r) => [r.code, r.podlet, r.pkg]),
    [
      ['PODMAP_ERR_NAMESPACE_DENIED', 'evil', 'lit'],
      ['PODMAP_ERR_NAMESPACE_DENIED', 'evil', undefined],
    ],
  );
});

test('grantNamespaces() - two podlets claiming one package, no grant - both are refused, whatever their names sort as (security)', () => {
  const auth = podlet('auth', '@podlets/auth', { '@podlets/auth/session.js': 'session.js' });
  const impostor = podlet('aa-evil', '@podlets/auth', { '@podlets/auth/session.js': 'steal.js' });
  const { podlets, refusals } = decide([impostor, auth]);
  assert.ok(podlets.every((p) => Object.keys(p.exposes).length === 0));
  assert.equal(exposersByPackage(podlets).size, 0);
  assert.deepEqual(new Set(refusals.filter((r) => r.pkg).map((r) => r.podlet)), new Set(['aa-evil', 'auth']));
});

test('grantNamespaces() - a grant - wins over another claim, and adds namespaces beyond the package name (security)', () => {
  const auth = podlet('auth', '@podlets/auth', { '@podlets/auth/session.js': 'session.js', '@shared/session/store.js': 'store.js' });
  const impostor = podlet('aa-evil', '@podlets/auth', { '@podlets/auth/session.js': 'steal.js' });
  const { podlets, refusals } = decide([impostor, auth], { auth: ['@podlets/auth', '@shared/session'] });
  const exposers = exposersByPackage(podlets);
  assert.equal(exposers.get('@podlets/auth')?.name, 'auth');
  assert.equal(exposers.get('@shared/session')?.name, 'auth');
  assert.deepEqual(Object.keys(podlets[1]!.exposes).sort(), ['@podlets/auth/session.js', '@shared/session/store.js']);
  assert.deepEqual(podlets[0]!.exposes, {});
  assert.deepEqual(
    refusals.map((r) => r.podlet),
    ['aa-evil', 'aa-evil'],
  );
  const header: PodletNeeds = { ...podlet('header', '@podlets/header'), needs: { '@shared/session': '^1.0.0' } };
  assert.deepEqual(
    closeOverExposers(new Set(['header']), [...podlets, header]).map((p) => p.name),
    ['header', 'auth'],
  );
});

test('grantNamespaces() - a grant of a reserved name - is refused too: no grant takes a library from every page (security)', () => {
  const { podlets, refusals } = decide([podlet('auth', '@podlets/auth')], { auth: ['lit'] }, { lit: 'it is in import-map.json' });
  assert.deepEqual(podlets[0]!.namespaces, ['@podlets/auth']);
  assert.equal(refusals[0]?.pkg, 'lit');
});

test('grantNamespaces() - exposes at data:, javascript:, blob: or foreign URLs - are refused with PODMAP_ERR_EXPOSE_URL_REFUSED (security)', () => {
  const p = podlet('p', '@podlets/p', {
    '@podlets/p/a.js': 'data:text/javascript,1',
    '@podlets/p/b.js': 'javascript:1',
    '@podlets/p/c.js': 'blob:http://p.test/x',
    '@podlets/p/d.js': 'https://elsewhere.test/d.js',
    '@podlets/p/e.js': 'http://cdn.test/podlet/p@1.0.0/e.js',
    '@podlets/p/f.js': 'f.js',
  });
  const { podlets, refusals } = decide([p]);
  assert.deepEqual(Object.keys(podlets[0]!.exposes).sort(), ['@podlets/p/e.js', '@podlets/p/f.js']);
  assert.deepEqual(
    refusals.map((r) => r.code),
    Array(4).fill('PODMAP_ERR_EXPOSE_URL_REFUSED'),
  );
});
