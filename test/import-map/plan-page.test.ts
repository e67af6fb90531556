import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closeOverExposers, exposersByPackage, planPage } from '../../runtime/import-map/index.ts';
import { demoPodlets, litAvailable, podlet } from './fixtures.ts';

const header = () => podlet('header', 7100, { lit: '^3.1.0', '@podlets/auth': '^1.0.0' });
const auth = () => podlet('auth', 7300, { lit: '^3.1.0' }, { '@podlets/auth/session.js': 'session.js' });
const geo = () => podlet('geo', 7400, { lit: '^2.7.0' });

test('closeOverExposers() - a page podlet needs an exposed package - brings in its exposer though it is not on the page', () => {
  const known = [header(), auth(), geo()];
  const inPlan = closeOverExposers(new Set(['header']), known);
  assert.deepEqual(inPlan.map((p) => p.name).sort(), ['auth', 'header']);
});

test('closeOverExposers() - a chain of exposers - is followed to its end, and cycles end', () => {
  const a = podlet('a', 1, { '@podlets/b': '^1.0.0' });
  const b = podlet('b', 2, { '@podlets/c': '^1.0.0' });
  const c = podlet('c', 3, { '@podlets/a': '^1.0.0' });
  const lone = podlet('lone', 4, { lit: '^3.0.0' });
  assert.deepEqual(
    closeOverExposers(new Set(['a']), [a, b, c, lone]).map((p) => p.name),
    ['a', 'b', 'c'],
  );
});

test('closeOverExposers() - a page podlet without podmap.json - is simply not in the plan', () => {
  assert.deepEqual(closeOverExposers(new Set(['plain-podium']), demoPodlets()), []);
});

test('planPage() - the demo - meets every need, geo on lit 2 and the rest on lit 3', () => {
  const podlets = demoPodlets();
  const {
    plan,
    podlets: running,
    dropped,
  } = planPage({ podlets, exposers: exposersByPackage(podlets), globalNeeds: [], available: litAvailable });
  assert.equal(dropped.size, 0);
  assert.equal(running.length, 6);
  assert.equal(plan.topLevel.lit, '3.3.3');
  assert.equal(plan.assigned.geo?.lit, '2.8.0');
});

test('planPage() - a need nothing meets - drops only that podlet and plans again without it', () => {
  const podlets = [header(), auth(), podlet('future', 7900, { lit: '^5.0.0' })];
  const {
    dropped,
    podlets: running,
    plan,
  } = planPage({ podlets, exposers: exposersByPackage(podlets), globalNeeds: [], available: litAvailable });
  assert.deepEqual([...dropped.keys()], ['future']);
  assert.match(dropped.get('future')!, /lit@\^5\.0\.0/);
  assert.deepEqual(
    running.map((p) => p.name),
    ['header', 'auth'],
  );
  assert.equal(plan.unsatisfied.length, 0);
});

test('planPage() - an exposer that cannot run - drops the podlets that need its package, and says why', () => {
  const brokenAuth = podlet('auth', 7300, { lit: '^9.0.0' }, { '@podlets/auth/session.js': 'session.js' });
  const podlets = [header(), brokenAuth, geo()];
  const { dropped } = planPage({ podlets, exposers: exposersByPackage(podlets), globalNeeds: [], available: litAvailable });
  assert.deepEqual([...dropped.keys()].sort(), ['auth', 'header']);
  assert.match(dropped.get('header')!, /podlet "auth" exposes 1\.0\.0 but cannot run/);
});

test('planPage() - an exposer whose version is outside the range - drops the podlet that needs it', () => {
  const oldHeader = podlet('header', 7100, { '@podlets/auth': '^2.0.0' });
  const podlets = [oldHeader, auth()];
  const { dropped } = planPage({ podlets, exposers: exposersByPackage(podlets), globalNeeds: [], available: litAvailable });
  assert.deepEqual([...dropped.keys()], ['header']);
});

test('planPage() - needs for exposed packages - never ask the CDN', () => {
  const podlets = [header(), auth()];
  const { plan } = planPage({ podlets, exposers: exposersByPackage(podlets), globalNeeds: [], available: litAvailable });
  assert.equal(plan.topLevel['@podlets/auth'], undefined);
  assert.equal(plan.assigned.header?.['@podlets/auth'], undefined);
});
