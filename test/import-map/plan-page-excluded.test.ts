import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exposersByPackage, planPage } from '../../runtime/import-map/index.ts';
import { litAvailable, podlet } from './fixtures.ts';

const auth = () => podlet('auth', 7300, { lit: '^3.1.0' }, { '@podlets/auth/session.js': 'session.js' });
const header = () => podlet('header', 7100, { lit: '^3.1.0', '@podlets/auth': '^1.0.0' });
const geo = () => podlet('geo', 7400, { lit: '^2.7.0' });

test('planPage() - excluded podlets - are left out from the start, with their reasons kept', () => {
  const podlets = [auth(), header(), geo()];
  const {
    plan,
    podlets: running,
    dropped,
  } = planPage({
    podlets,
    exposers: exposersByPackage(podlets),
    globalNeeds: [],
    available: litAvailable,
    excluded: new Map([['geo', 'geo imports "preact", which nothing provides']]),
  });
  assert.deepEqual(
    running.map((p) => p.name),
    ['auth', 'header'],
  );
  assert.equal(dropped.get('geo'), 'geo imports "preact", which nothing provides');
  assert.equal(plan.assigned.geo, undefined);
  assert.deepEqual(Object.keys(plan.topLevel), ['lit']);
  assert.equal(plan.topLevel.lit, '3.3.3', 'without geo, lit 2 is planned for nobody');
});

test('planPage() - an excluded exposer - takes the podlets that need its package with it', () => {
  const podlets = [auth(), header(), geo()];
  const { podlets: running, dropped } = planPage({
    podlets,
    exposers: exposersByPackage(podlets),
    globalNeeds: [],
    available: litAvailable,
    excluded: new Map([['auth', 'the CDN refused something auth needs']]),
  });
  assert.deepEqual(
    running.map((p) => p.name),
    ['geo'],
  );
  assert.match(dropped.get('header')!, /@podlets\/auth@\^1\.0\.0 for podlet "header": podlet "auth" exposes 1\.0\.0 but cannot run/);
});
