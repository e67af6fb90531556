import assert from 'node:assert/strict';
import { join, resolve, sep } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import validate from 'validate-npm-package-name';
import { validatePackageName } from '../../runtime/cdn/store/validate-package-name.ts';
import { findPackageNameProblem, isPackageName, MAX_PACKAGE_NAME_LENGTH } from '../../runtime/shared/is-package-name.ts';
import { validatePodmapDocument } from '../../runtime/shared/validate-podmap-document.ts';

/** Whether the CDN would store a package of this name. */
const cdnAccepts = (name: string): boolean => {
  try {
    validatePackageName(name, 'npm');
    return true;
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'PODMAP_ERR_CDN_BAD_NAME');
    return false;
  }
};

/** Whether the layout would read a podmap.json whose package has this name. */
const layoutAccepts = (name: string): boolean => {
  const doc = { podmap: 1, package: { name, version: '1.0.0' }, base: './', needs: {}, exposes: {}, modules: {} };
  try {
    validatePodmapDocument(doc);
    return true;
  } catch (error) {
    assert.equal((error as { code?: string }).code, 'PODMAP_ERR_PODMAP_INVALID');
    return false;
  }
};

test('isPackageName() - npm names, scoped and not, capitals of old packages included - are accepted', () => {
  for (const name of [
    'lit',
    '@lit/reactive-element',
    'lit-html',
    'a.b',
    'JSONStream',
    'http',
    '~x',
    '-x',
    '@_x/y',
    '@x/_y',
    'a'.repeat(214),
  ]) {
    assert.equal(findPackageNameProblem(name), null, name);
  }
});

test('isPackageName() - names npm refuses, or that could leave a folder - are refused with the reason', () => {
  const refused = [
    ...['', 'x'.repeat(MAX_PACKAGE_NAME_LENGTH + 1), '.x', '_x', 'node_modules', 'FAVICON.ICO', 'a b', ' a', 'a%2fb', 'é'],
    // npm's rules accept these two: the scope is checked for URL-safe characters only.
    ...['@../x', '@./x', '@x/.y', 'a/b', '@a/b/c', '@scope', 'a\\b', 'a:b', '@a!/b', "@a'b/c"],
  ];
  for (const name of refused) {
    assert.equal(isPackageName(name), false, name);
    assert.ok(findPackageNameProblem(name)!.length > 0, name);
  }
  assert.equal(validate('@../x').validForNewPackages, true, 'npm accepts it, which is why podmap checks the parts itself');
  for (const notAString of [undefined, null, 42, ['lit'], { name: 'lit' }]) assert.equal(isPackageName(notAString), false);
});

test('the package-name rule - names the layout and the CDN used to disagree on - get one answer from both (regression)', () => {
  // Before, podmap.json and the CDN each had their own rule: podmap.json refused capitals and a
  // scope starting with "_", which the CDN stores, and accepted npm's reserved names, which the
  // CDN refuses. A podlet's package could be published and then not be read, or the reverse.
  const cases: Array<[name: string, accepted: boolean, before: string]> = [
    ['JSONStream', true, 'CDN accepted, podmap.json refused'],
    ['@_internal/session', true, 'CDN accepted, podmap.json refused'],
    ['@Acme/ui', true, 'CDN accepted, podmap.json refused'],
    ['node_modules', false, 'podmap.json accepted, CDN refused'],
    ['favicon.ico', false, 'podmap.json accepted, CDN refused'],
  ];
  for (const [name, accepted, before] of cases) {
    assert.equal(cdnAccepts(name), accepted, `${name} (before: ${before})`);
    assert.equal(layoutAccepts(name), accepted, `${name} (before: ${before})`);
  }
});

// Names that are often almost right: mostly characters npm allows, with its special characters,
// capitals, spaces and "%" now and then, and dots and underscores where they may not be.
const nameChar = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'z', '0', '9', '-', '.', '_'), weight: 12 },
  { arbitrary: fc.constantFrom('~', 'A', '!', '(', ')', '*', "'", '%', ' '), weight: 1 },
);
const namePart = fc.array(nameChar, { minLength: 1, maxLength: 8 }).map((chars) => chars.join(''));
const packageName = fc
  .tuple(fc.option(namePart, { nil: undefined }), namePart)
  .map(([scope, name]) => (scope === undefined ? name : `@${scope}/${name}`));

test('isPackageName() - property: a name npm lets a new package have is accepted', () => {
  let npmNames = 0;
  fc.assert(
    fc.property(packageName, (name) => {
      // validate-npm-package-name looks at a scope less closely than at a name, but npm's scopes
      // follow the rules of names (no "~'!()*", no leading "." or "_"): those are what npm publishes.
      const scope = name.startsWith('@') ? name.slice(1, name.indexOf('/')) : undefined;
      if (!validate(name).validForNewPackages || (scope !== undefined && !validate(scope).validForNewPackages)) return;
      npmNames++;
      assert.equal(findPackageNameProblem(name), null, name);
    }),
    { numRuns: 3000 },
  );
  assert.ok(npmNames > 500, `only ${npmNames} generated names were npm names: the property was hardly tested`);
});

test('isPackageName() - property: an accepted name is valid for npm and stays inside the folder it is joined to', () => {
  fc.assert(
    fc.property(fc.oneof(packageName, fc.string()), (name) => {
      if (!isPackageName(name)) return;
      assert.ok(validate(name).validForOldPackages && name.length <= MAX_PACKAGE_NAME_LENGTH, name);
      const kindDir = resolve('/srv/store/npm');
      assert.ok(join(kindDir, `${name}@1.0.0`).startsWith(kindDir + sep), name);
      assert.ok(name.split('/').length <= 2, name);
    }),
    { numRuns: 3000 },
  );
});

test('the package-name rule - property: the CDN and podmap.json accept exactly the same names', () => {
  let accepted = 0;
  fc.assert(
    fc.property(fc.oneof(packageName, fc.string()), (name) => {
      const cdn = cdnAccepts(name);
      assert.equal(layoutAccepts(name), cdn, name);
      assert.equal(isPackageName(name), cdn, name);
      if (cdn) accepted++;
    }),
    { numRuns: 3000 },
  );
  assert.ok(accepted > 500, `only ${accepted} generated names were accepted: the agreement was hardly tested`);
});
