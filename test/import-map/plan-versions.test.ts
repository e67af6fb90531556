import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compatibilityLine, planVersions, rangeForLine, type VersionNeed } from '../../runtime/import-map/plan-versions.ts';

const lit = (podlet: string | null, range: string): VersionNeed => ({ podlet, pkg: 'lit', range });
const available = { lit: ['2.7.6', '2.8.0', '3.1.0', '3.1.5', '3.3.3', '4.0.0-pre.1'] };

test('compatibilityLine() - versions - is the major, or 0.minor below 1.0.0', () => {
  assert.equal(compatibilityLine('3.3.3'), '3');
  assert.equal(compatibilityLine('0.1.7'), '0.1');
  assert.equal(compatibilityLine('0.0.3'), '0.0');
  assert.throws(() => compatibilityLine('three'), TypeError);
  assert.equal(rangeForLine('0.1'), '0.1.x');
});

test('planVersions() - two podlets in one major on different minors - both get the newest shared version', () => {
  const plan = planVersions([lit('header', '^3.1.0'), lit('search', '^3.3.0')], available);
  assert.deepEqual(plan.assigned, { header: { lit: '3.3.3' }, search: { lit: '3.3.3' } });
  assert.deepEqual(plan.topLevel, { lit: '3.3.3' });
  assert.deepEqual(plan.unsatisfied, []);
});

test('planVersions() - a tilde range in the line - equalises to the newest version every range accepts', () => {
  const plan = planVersions([lit('header', '^3.1.0'), lit('image', '~3.1.0')], available);
  assert.deepEqual(plan.assigned, { header: { lit: '3.1.5' }, image: { lit: '3.1.5' } });
});

test('planVersions() - ranges in one line with no common version - each gets its own newest match', () => {
  const plan = planVersions([lit('a', '~3.1.0'), lit('b', '~3.3.0')], available);
  assert.deepEqual(plan.assigned, { a: { lit: '3.1.5' }, b: { lit: '3.3.3' } });
});

test('planVersions() - a prerelease on the CDN - is never chosen', () => {
  const plan = planVersions([lit('a', '>=3.0.0')], available);
  assert.deepEqual(plan.assigned, { a: { lit: '3.3.3' } });
});

test('planVersions() - two majors of one library - puts the most-used one top-level', () => {
  const needs = [lit('header', '^3.1.0'), lit('auth', '^3.1.0'), lit('geo', '^2.7.0'), lit(null, '3.x')];
  const plan = planVersions(needs, available);
  assert.deepEqual(plan.topLevel, { lit: '3.3.3' });
  assert.deepEqual(plan.assigned, { header: { lit: '3.3.3' }, auth: { lit: '3.3.3' }, geo: { lit: '2.8.0' } });

  // More podlets on lit 2 than on lit 3: lit 2 is top-level, even though the global map asks for 3.
  const older = planVersions([lit('geo', '^2.7.0'), lit('maps', '^2.0.0'), lit('header', '^3.1.0'), lit(null, '3.x')], available);
  assert.deepEqual(older.topLevel, { lit: '2.8.0' });
});

test('planVersions() - two majors used equally - the global map breaks the tie, then the newest', () => {
  const tie = [lit('header', '^3.1.0'), lit('geo', '^2.7.0')];
  assert.deepEqual(planVersions([...tie, lit(null, '2.x')], available).topLevel, { lit: '2.8.0' });
  assert.deepEqual(planVersions([...tie, lit(null, '3.x')], available).topLevel, { lit: '3.3.3' });
  assert.deepEqual(planVersions(tie, available).topLevel, { lit: '3.3.3' });
});

test('planVersions() - one major split over two versions - still counts podlets per major', () => {
  // Line 3 has two podlets (on 3.1.5 and 3.3.3, no shared version), line 2 has two podlets too.
  // Counted per major it is a tie, so the global map's line (3) stays top-level.
  const needs = [lit('a', '~3.1.0'), lit('b', '~3.3.0'), lit('geo', '^2.7.0'), lit('maps', '^2.8.0'), lit(null, '3.x')];
  const plan = planVersions(needs, available);
  assert.equal(compatibilityLine(plan.topLevel.lit!), '3');

  // Three on line 3 split 2 + 1 against two on lit 2: line 3 is the most used.
  const more = planVersions(
    [lit('a', '~3.1.0'), lit('b', '~3.3.0'), lit('c', '~3.3.0'), lit('geo', '^2.7.0'), lit('maps', '^2.8.0')],
    available,
  );
  assert.deepEqual(more.topLevel, { lit: '3.3.3' });
});

test('planVersions() - only the global map needs a package - it is top-level and nobody is assigned', () => {
  const plan = planVersions([{ podlet: null, pkg: '@podmap/browser', range: '0.1.x' }], { '@podmap/browser': ['0.1.0', '0.2.0'] });
  assert.deepEqual(plan.topLevel, { '@podmap/browser': '0.1.0' });
  assert.deepEqual(plan.assigned, {});
});

test('planVersions() - a need no version satisfies - is reported and not guessed', () => {
  const plan = planVersions(
    [lit('header', '^3.1.0'), lit('future', '^5.0.0'), lit('typo', 'banana'), { podlet: 'x', pkg: 'nowhere', range: '^1.0.0' }],
    available,
  );
  assert.deepEqual(plan.assigned, { header: { lit: '3.3.3' } });
  assert.deepEqual(plan.topLevel, { lit: '3.3.3' });
  assert.deepEqual(
    plan.unsatisfied.map((n) => `${n.podlet}:${n.pkg}@${n.range}`),
    ['future:lit@^5.0.0', 'typo:lit@banana', 'x:nowhere@^1.0.0'],
  );
});

test('planVersions() - needs in any order - give the same plan', () => {
  const needs = [
    lit('a', '~3.1.0'),
    lit('b', '^3.0.0'),
    lit('geo', '^2.7.0'),
    lit(null, '3.x'),
    lit('z', '^9'),
    lit(null, '^9'),
    lit(null, '^8'),
  ];
  const expected = JSON.stringify(planVersions(needs, available));
  for (const order of [[...needs].reverse(), [needs[3]!, needs[6]!, needs[0]!, needs[5]!, needs[2]!, needs[4]!, needs[1]!]]) {
    const plan = planVersions(order, available);
    assert.equal(
      JSON.stringify({ ...plan, assigned: sortKeys(plan.assigned) }),
      JSON.stringify({ ...JSON.parse(expected), assigned: sortKeys(JSON.parse(expected).assigned) }),
    );
  }
});

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]!]),
  );
}

test('planVersions() - the global map asks for a line that loses the top-level place - reports its need', () => {
  // Two podlets on lit 2, one on lit 3: lit 2 is top-level, and the global map's "3.x" has no
  // base URL to be scoped to, so the page's own scripts would get lit 2. That must not be silent.
  const plan = planVersions([lit('geo', '^2.7.0'), lit('maps', '^2.0.0'), lit('header', '^3.1.0'), lit(null, '3.x')], available);
  assert.deepEqual(plan.topLevel, { lit: '2.8.0' });
  assert.deepEqual(plan.unsatisfied, [lit(null, '3.x')]);
  // When it wins, or when top-level still satisfies it, nothing is reported.
  assert.deepEqual(planVersions([lit('header', '^3.1.0'), lit(null, '3.x')], available).unsatisfied, []);
  assert.deepEqual(planVersions([lit('a', '~3.1.0'), lit('b', '~3.1.0'), lit('c', '~3.3.0'), lit(null, '3.x')], available).unsatisfied, []);
});
