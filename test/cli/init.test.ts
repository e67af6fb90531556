// `podmap init podlet <name>`: the files it writes, and the names and folders it refuses without writing.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { podletTemplate } from '../../runtime/cli/podlet-template.ts';
import { makeTempDir } from '../cdn/helpers.ts';
import { listFiles, printedCode, runCli, writeFiles } from './cli-helpers.ts';

const templateFiles = (name: string) => Object.keys(podletTemplate(name, '0.0.0')).sort();

describe('podmap init podlet', () => {
  test('podmap init podlet widget - an empty folder - writes exactly the template files, valid JSON, <podlet-widget>, exit 0', async (t) => {
    const cwd = await makeTempDir(t);
    const run = await runCli(['init', 'podlet', 'widget'], cwd);
    assert.equal(run.code, 0, run.all);
    assert.deepEqual(run.err, []);
    const dir = path.join(cwd, 'widget');
    assert.deepEqual(
      await listFiles(cwd),
      templateFiles('widget').map((file) => `widget/${file}`),
    );
    assert.deepEqual(templateFiles('widget'), [
      '.gitignore',
      'README.md',
      'assets/widget.ts',
      'package.json',
      'server.js',
      'tsconfig.json',
    ]);
    const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
    assert.equal(pkg.name, 'widget');
    assert.equal(pkg.version, '1.0.0');
    const tsconfig = JSON.parse(await readFile(path.join(dir, 'tsconfig.json'), 'utf8')) as { extends: string };
    assert.equal(tsconfig.extends, '@podmap/runtime/tsconfig.browser.json');
    const element = await readFile(path.join(dir, 'assets/widget.ts'), 'utf8');
    assert.match(element, /customElements\.define\('podlet-widget', PodletWidget\);/);
    assert.match(await readFile(path.join(dir, 'server.js'), 'utf8'), /name: 'widget'/);
    for (const file of templateFiles('widget')) assert.ok(run.out.includes(`  created ${path.join('widget', file)}`), file);
    assert.match(run.out.at(-1)!, /cd widget && npm install/);
  });

  test('podmap init podlet shop-cart2 --dir a nested folder - writes there, the class name in PascalCase', async (t) => {
    const cwd = await makeTempDir(t);
    const run = await runCli(['init', 'podlet', 'shop-cart2', '--dir', 'podlets/cart'], cwd);
    assert.equal(run.code, 0, run.all);
    assert.deepEqual(
      await listFiles(cwd),
      templateFiles('shop-cart2').map((file) => `podlets/cart/${file}`),
    );
    const element = await readFile(path.join(cwd, 'podlets/cart/assets/shop-cart2.ts'), 'utf8');
    assert.match(element, /customElements\.define\('podlet-shop-cart2', PodletShopCart2\);/);
    assert.match(run.out.at(-1)!, /cd podlets\/cart && npm install/);
  });

  test('podmap init podlet widget --dir . - an existing empty folder (the cwd) - writes into it', async (t) => {
    const cwd = await makeTempDir(t);
    const run = await runCli(['init', 'podlet', 'widget', '--dir', '.'], cwd);
    assert.equal(run.code, 0, run.all);
    assert.deepEqual(await listFiles(cwd), templateFiles('widget'));
    assert.match(run.out.at(-1)!, /cd \. && npm install/);
  });

  test('podmap init podlet - a 50-character name (the longest) - accepted', async (t) => {
    const cwd = await makeTempDir(t);
    const name = `a${'b'.repeat(49)}`;
    const run = await runCli(['init', 'podlet', name], cwd);
    assert.equal(run.code, 0, run.all);
    assert.equal((await listFiles(path.join(cwd, name))).length, templateFiles(name).length);
  });

  const badNames = ['A', 'Shop', 'x', 'a_b', 'shop-', '../evil', 'a/b', '1shop', `a${'b'.repeat(50)}`, 'podlet with space', 'ünï', ''];
  for (const name of badNames) {
    test(`podmap init podlet ${JSON.stringify(name)} - PODMAP_ERR_INIT_BAD_NAME naming it, nothing written, exit 1`, async (t) => {
      const cwd = await makeTempDir(t);
      const run = await runCli(['init', 'podlet', name], cwd);
      assert.equal(run.code, 1, run.all);
      assert.equal(printedCode(run), 'PODMAP_ERR_INIT_BAD_NAME');
      assert.ok(run.err[0]!.endsWith(`(${JSON.stringify(name)})`), run.err[0]);
      assert.deepEqual(run.out, []);
      assert.deepEqual(await readdir(cwd), [], 'nothing written, not even a folder');
    });
  }

  test('podmap init podlet ../evil --dir elsewhere - the name is checked before the folder, nothing written', async (t) => {
    const root = await makeTempDir(t);
    const cwd = path.join(root, 'work');
    await mkdir(cwd);
    const run = await runCli(['init', 'podlet', '../evil', '--dir', 'ok'], cwd);
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_INIT_BAD_NAME');
    assert.deepEqual(await readdir(root, { recursive: true }), ['work'], 'nothing written, not even beside cwd');
  });

  test('podmap init podlet -x - read as an unknown option: PODMAP_ERR_CLI_USAGE, exit 2; after -- it is a bad name, exit 1', async (t) => {
    const cwd = await makeTempDir(t);
    const asOption = await runCli(['init', 'podlet', '-x'], cwd);
    assert.equal(asOption.code, 2, asOption.all);
    assert.equal(printedCode(asOption), 'PODMAP_ERR_CLI_USAGE');
    const asName = await runCli(['init', 'podlet', '--', '-x'], cwd);
    assert.equal(asName.code, 1, asName.all);
    assert.equal(printedCode(asName), 'PODMAP_ERR_INIT_BAD_NAME');
    assert.match(asName.err[0]!, /\("-x"\)$/);
    assert.deepEqual(await readdir(cwd), [], 'nothing written');
  });

  test('podmap init foo widget - a kind other than podlet - PODMAP_ERR_CLI_USAGE naming it, the usage, exit 2', async (t) => {
    const cwd = await makeTempDir(t);
    const run = await runCli(['init', 'foo', 'widget'], cwd);
    assert.equal(run.code, 2, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_CLI_USAGE');
    assert.match(run.err[0]!, /not "foo"/);
    assert.ok(run.err.includes('usage: podmap init podlet <name> [--dir folder]'), run.all);
    assert.deepEqual(await readdir(cwd), []);
  });

  test('podmap init foo podlet - the words swapped - PODMAP_ERR_CLI_USAGE, exit 2, nothing written', async (t) => {
    const cwd = await makeTempDir(t);
    const run = await runCli(['init', 'foo', 'podlet'], cwd);
    assert.equal(run.code, 2, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_CLI_USAGE');
    assert.deepEqual(await readdir(cwd), []);
  });

  test('podmap init podlet widget - ./widget exists with files - PODMAP_ERR_INIT_EXISTS naming it, its files untouched, exit 1', async (t) => {
    const cwd = await makeTempDir(t);
    const mine = { 'widget/package.json': '{"name":"mine"}', 'widget/notes/todo.md': 'keep me\n', 'widget/.env': 'SECRET=1\n' };
    await writeFiles(cwd, mine);
    const run = await runCli(['init', 'podlet', 'widget'], cwd);
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_INIT_EXISTS');
    assert.ok(run.err[0]!.includes(path.join(cwd, 'widget')), run.err[0]);
    assert.deepEqual(await listFiles(cwd), Object.keys(mine).sort());
    for (const [file, text] of Object.entries(mine)) assert.equal(await readFile(path.join(cwd, file), 'utf8'), text, file);
  });

  test('podmap init podlet widget --dir . - the cwd holds only a dotfile - PODMAP_ERR_INIT_EXISTS, exit 1', async (t) => {
    const cwd = await makeTempDir(t);
    await writeFile(path.join(cwd, '.git'), 'gitdir: elsewhere\n');
    const run = await runCli(['init', 'podlet', 'widget', '--dir', '.'], cwd);
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_INIT_EXISTS');
    assert.deepEqual(await listFiles(cwd), ['.git']);
  });

  test('podmap init podlet widget - ./widget is a file - PODMAP_ERR_INIT_EXISTS, the file untouched, exit 1', async (t) => {
    const cwd = await makeTempDir(t);
    await writeFile(path.join(cwd, 'widget'), 'a file\n');
    const run = await runCli(['init', 'podlet', 'widget'], cwd);
    assert.equal(run.code, 1, run.all);
    assert.equal(printedCode(run), 'PODMAP_ERR_INIT_EXISTS');
    assert.match(run.err[0]!, /widget is a file\)$/);
    assert.equal(await readFile(path.join(cwd, 'widget'), 'utf8'), 'a file\n');
  });
});
