import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
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
/** The decision for these podlets, registered under their names plus `alsoRegistered` (podlets without a podmap.json, or down). */
const decide = (
  podlets: PodletNeeds[],
  grants: Record<string, string[]> = {},
  reserved: Record<string, string> = {},
  alsoRegistered: string[] = [],
) =>
  grantNamespaces({
    podlets,
    registered: [...podlets.map((p) => p.name), ...alsoRegistered],
    grants,
    reserved: new Map(Object.entries(reserved)),
    origins: originsOf(...podlets),
  });
const codesOf = (refusals: ReturnType<typeof decide>['refusals']) => refusals.map((r) => [r.code, r.podlet, r.pkg]);

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

test('grantNamespaces() - two podlets claiming a package neither is registered as, no grant - both are refused, whatever their names sort as (security)', () => {
  const auth = podlet('auth', '@shared/session', { '@shared/session/store.js': 'store.js' });
  const impostor = podlet('aa-evil', '@shared/session', { '@shared/session/store.js': 'steal.js' });
  const { podlets, refusals } = decide([impostor, auth]);
  assert.ok(podlets.every((p) => Object.keys(p.exposes).length === 0));
  assert.equal(exposersByPackage(podlets).size, 0);
  assert.deepEqual(new Set(refusals.filter((r) => r.pkg).map((r) => r.podlet)), new Set(['aa-evil', 'auth']));
  assert.ok(refusals.every((r) => r.code === 'PODMAP_ERR_NAMESPACE_DENIED'));
});

test('grantNamespaces() - a podlet claiming the package of the podlet registered as auth, no grant - is refused alone with PODMAP_ERR_NAMESPACE_OWNED, and auth keeps its expose (security)', () => {
  const auth = podlet('auth', '@podlets/auth', { '@podlets/auth/session.js': 'session.js' });
  const impostor = podlet('aa-evil', '@podlets/auth', { '@podlets/auth/session.js': 'steal.js' });
  for (const order of [
    [impostor, auth],
    [auth, impostor],
  ]) {
    const { podlets, refusals } = decide(order);
    const granted = new Map(podlets.map((p) => [p.name, p]));
    assert.deepEqual(granted.get('auth')!.exposes, { '@podlets/auth/session.js': 'http://auth.test/public/session.js' });
    assert.deepEqual(granted.get('auth')!.namespaces, ['@podlets/auth']);
    assert.deepEqual(granted.get('aa-evil')!.exposes, {});
    assert.equal(exposersByPackage(podlets).get('@podlets/auth')?.name, 'auth');
    assert.deepEqual(codesOf(refusals), [
      ['PODMAP_ERR_NAMESPACE_OWNED', 'aa-evil', '@podlets/auth'],
      ['PODMAP_ERR_NAMESPACE_OWNED', 'aa-evil', undefined],
    ]);
    assert.match(refusals[0]!.detail, /^package @podlets\/auth: owned by podlet "auth": it is registered under that name$/);
    assert.match(refusals[1]!.detail, /^@podlets\/auth\/session\.js is inside @podlets\/auth, owned by podlet "auth"/);
  }
});

test('grantNamespaces() - the registered owner is down (no podmap.json) - an intruder still cannot take its package (security)', () => {
  const impostor = podlet('aa-evil', 'auth', { 'auth/session.js': 'steal.js' });
  const { podlets, refusals } = decide([impostor], {}, {}, ['auth']);
  assert.deepEqual(podlets[0]!.exposes, {});
  assert.equal(exposersByPackage(podlets).size, 0);
  assert.deepEqual(
    refusals.map((r) => r.code),
    ['PODMAP_ERR_NAMESPACE_OWNED', 'PODMAP_ERR_NAMESPACE_OWNED'],
  );
});

test("grantNamespaces() - an expose inside another registered podlet's namespace, from a podlet with its own package - only that expose is refused, with PODMAP_ERR_NAMESPACE_OWNED", () => {
  const sneaky = podlet('sneaky', '@podlets/sneaky', { '@acme/header/x.js': 'x.js', 'lit-html/': 'y/', '@podlets/sneaky/ok.js': 'ok.js' });
  const { podlets, refusals } = decide([sneaky], {}, {}, ['header']);
  assert.deepEqual(Object.keys(podlets[0]!.exposes), ['@podlets/sneaky/ok.js']);
  assert.deepEqual(codesOf(refusals), [
    ['PODMAP_ERR_NAMESPACE_OWNED', 'sneaky', undefined],
    ['PODMAP_ERR_NAMESPACE_DENIED', 'sneaky', undefined],
  ]);
});

test("grantNamespaces() - a grant of a name that another podlet's registered name would own - the explicit grant wins", () => {
  const auth = podlet('auth', '@podlets/auth', { '@podlets/auth/a.js': 'a.js' });
  const session = podlet('session', '@podlets/session', { '@podlets/auth/b.js': 'b.js' });
  const { podlets, refusals } = decide([auth, session], { session: ['@podlets/auth'] });
  assert.equal(exposersByPackage(podlets).get('@podlets/auth')?.name, 'session');
  assert.deepEqual(Object.keys(podlets[1]!.exposes), ['@podlets/auth/b.js']);
  assert.deepEqual(codesOf(refusals), [
    ['PODMAP_ERR_NAMESPACE_OWNED', 'auth', '@podlets/auth'],
    ['PODMAP_ERR_NAMESPACE_OWNED', 'auth', undefined],
  ]);
});

test('grantNamespaces() - a podlet registered under the name of a library - does not own the library: reserved names stay refused (security)', () => {
  const { podlets, refusals } = decide([podlet('lit', 'lit', { lit: 'evil.js' })], {}, { lit: 'it is a package on the CDN' });
  assert.deepEqual(podlets[0]!.exposes, {});
  assert.deepEqual(
    refusals.map((r) => r.code),
    ['PODMAP_ERR_NAMESPACE_DENIED', 'PODMAP_ERR_NAMESPACE_DENIED'],
  );
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
  assert.deepEqual(codesOf(refusals), [
    ['PODMAP_ERR_NAMESPACE_OWNED', 'aa-evil', '@podlets/auth'],
    ['PODMAP_ERR_NAMESPACE_OWNED', 'aa-evil', undefined],
  ]);
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

test('grantNamespaces() - any claims and exposes by the other registered podlets, in any order, owner up or down - never change what a registered owner keeps (property, security)', () => {
  const owners = ['auth', 'header', 'nav'];
  const intruders = ['aa-evil', 'mallory', 'zz-evil'];
  const packages = ['@podlets/auth', 'auth', '@evil/auth', '@podlets/header', '@podlets/nav', '@shared/x', '@podlets/mallory', 'lit'];
  const specifiers = ['@podlets/auth/session.js', 'auth/x.js', '@evil/auth/y.js', '@podlets/header/h.js', '@shared/x/a.js', 'lit', 'lit/'];
  const intruder = (name: string) =>
    fc
      .record({
        pkg: fc.constantFrom(...packages),
        exposes: fc.subarray(specifiers),
        foreign: fc.boolean(),
      })
      .map(({ pkg, exposes, foreign }) =>
        podlet(name, pkg, Object.fromEntries(exposes.map((s) => [s, foreign ? 'https://elsewhere.test/x.js' : `${name}.js`]))),
      );
  const world = fc.record({
    up: fc.subarray(owners),
    intruders: fc.tuple(...intruders.map((name) => fc.option(intruder(name), { nil: undefined }))),
    grants: fc
      .subarray(['@shared/x', '@podlets/mallory'])
      .chain((names) =>
        fc
          .tuple(...names.map(() => fc.constantFrom(...intruders)))
          .map((to) => Object.fromEntries(intruders.map((i) => [i, names.filter((_, k) => to[k] === i)]))),
      ),
    order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
  });
  fc.assert(
    fc.property(world, ({ up, intruders: present, grants, order }) => {
      const ownersUp = up.map((name) => podlet(name, `@podlets/${name}`, { [`@podlets/${name}/own.js`]: 'own.js' }));
      const others = present.filter((p): p is PodletNeeds => p !== undefined);
      const all = [...ownersUp, ...others]
        .map((p, i) => ({ p, k: order[i]! }))
        .sort((a, b) => a.k - b.k)
        .map(({ p }) => p);
      const decideOver = (podlets: PodletNeeds[]) =>
        grantNamespaces({
          podlets,
          registered: [...owners, ...intruders],
          grants,
          reserved: new Map([['lit', 'it is a package on the CDN']]),
          origins: originsOf(...podlets),
        });
      const alone = decideOver(ownersUp);
      const crowded = decideOver(all);
      for (const owner of ownersUp) {
        const kept = (d: ReturnType<typeof decideOver>) => d.podlets.find((p) => p.name === owner.name);
        assert.deepEqual(kept(crowded), kept(alone));
        assert.deepEqual(kept(crowded)!.exposes, { [`@podlets/${owner.name}/own.js`]: `http://${owner.name}.test/public/own.js` });
        assert.equal(exposersByPackage(crowded.podlets).get(`@podlets/${owner.name}`)?.name, owner.name);
        assert.deepEqual(
          crowded.refusals.filter((r) => r.podlet === owner.name),
          [],
        );
      }
      // No intruder keeps an expose in an owner's namespace or a library's.
      for (const p of crowded.podlets.filter((p) => intruders.includes(p.name))) {
        for (const specifier of Object.keys(p.exposes)) assert.match(specifier, /^(@shared\/x|@podlets\/mallory)\//);
      }
    }),
    { numRuns: 300 },
  );
});

test('grantNamespaces() - podlets registered as constructor, __proto__ or toString, with no grants - own their own packages and nothing from Object.prototype', () => {
  const odd = ['constructor', '__proto__', 'toString'].map((name) => podlet(name, `@podlets/${name.replace(/_/g, 'x').toLowerCase()}`));
  const { podlets, refusals } = decide(odd);
  assert.deepEqual(refusals, []);
  assert.deepEqual(
    podlets.map((p) => p.namespaces),
    [['@podlets/constructor'], ['@podlets/xxprotoxx'], ['@podlets/tostring']],
  );
});
