import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { publishDemoAssets } from '../../../layouts/publish-demo.ts';
import { openStore, reindexStore, type CdnStore } from '../../../runtime/cdn/index.ts';
import { metadataKey, versionKey } from '../../../runtime/cdn/store/store-paths.ts';
import { packFiles } from '../../../runtime/shared/files/pack-files.ts';
import { walkFiles } from '../../../runtime/shared/files/walk-files.ts';
import { rendered, openPage } from '../../e2e/open-page.ts';
import { ensureTestStore } from '../../helpers/cdn-with-lit.ts';
import { launchChromium } from '../../helpers/chromium.ts';
import type { AfterHook } from '../../helpers/cleanups.ts';
import { demoElements } from '../../helpers/demo-elements.ts';
import { startDemoStack, type Handler } from '../../helpers/demo-stack.ts';
import { releasePodlet } from '../../helpers/release-podlet.ts';
import { freshLocation } from './ceph-bucket.ts';

const cdnMain = fileURLToPath(new URL('../../../runtime/cdn/main.ts', import.meta.url));
const token = 'two-cdns-publish-token';

/** `podmap cdn serve` as a process of its own on `location`, on a free port; stopped after the test. */
async function startCdnProcess(t: AfterHook, location: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', cdnMain, 'serve'], {
    env: { ...process.env, PODMAP_CDN_STORE: location, PODMAP_CDN_PORT: '0', PODMAP_CDN_TOKEN: token },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  t.after(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
  const [message] = (await Promise.race([once(child, 'message'), once(child, 'exit')])) as [{ url?: string }];
  assert.ok(message?.url, `the CDN process should say where it listens, not ${JSON.stringify(message)}`);
  return message.url;
}

async function serve(t: AfterHook, handler: Handler): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Opens `layout` until its page runs the header release marked `marker`; the page of that load. */
async function loadUntilHeader(browser: Browser, layout: string, marker: string) {
  // The layout learns of a release from the podlet's answer to one page and composes the next
  // pages for it: a few loads at most, each waiting for the network to go idle.
  for (let load = 0; load < 10; load++) {
    const opened = await openPage(browser, layout);
    await rendered(opened.page, demoElements['/']).catch(async (error: Error) => {
      const missing = await opened.page.evaluate(
        (tags: string[]) => tags.filter((tag) => !document.querySelector(tag)?.shadowRoot?.textContent?.trim()),
        demoElements['/'],
      );
      const fallbacks = await opened.page.evaluate(() =>
        [...document.querySelectorAll('[data-fallback]')].map((node) => node.outerHTML.slice(0, 300)),
      );
      throw new Error(
        `${error.message}; not rendered: ${missing.join(', ')}; fallbacks: ${fallbacks.join(' | ')}; console: ${opened.consoleErrors.join(' | ')}; header requests: ${opened.requests
          .filter((r) => r.url.includes('header'))
          .map((r) => r.url)
          .join(' ')}; map: ${await opened.page.evaluate(() =>
          document
            .querySelector('script[type=importmap]')
            ?.textContent?.match(/[^"]*header[^"]*/g)
            ?.join(' '),
        )}`,
      );
    });
    const release = await opened.page.evaluate(() => document.documentElement.dataset.headerRelease);
    if (release === marker) return opened;
    await opened.page.browserContext().close();
  }
  assert.fail(`${layout} never ran the header release ${marker}`);
}

/**
 * Copies every version of the store `from` into `to` through commitVersion, then indexes `to`:
 * the demo's packages, built once for every test in the folder test store, go into the bucket
 * without building them again.
 */
async function copyStore(from: CdnStore, to: CdnStore): Promise<void> {
  for (const { kind, name, versions } of await from.listPackages()) {
    for (const version of versions) {
      const prefix = versionKey(kind, name, version);
      const files = new Map<string, Buffer>();
      for (const { key } of await from.list(prefix)) {
        if (key !== metadataKey(kind, name, version)) files.set(key.slice(prefix.length + 1), (await from.read(key))!.body);
      }
      const metadata = (await from.read(metadataKey(kind, name, version)))!.body.toString();
      await to.commitVersion({ kind, name, version, files, metadata });
    }
  }
  await reindexStore(to);
}

/** The demo on two CDN processes and two layouts sharing one bucket, in Chromium. */
export function describeDemoOnTwoCdns(): void {
  describe('S3 store - the demo on two CDN processes and two layouts sharing one bucket', () => {
    test('createCdnServer() on one bucket twice - the demo renders through both, and a release published through one reaches pages through both', async (t) => {
      const location = freshLocation('demo');
      const shared = await ensureTestStore();
      await publishDemoAssets(shared);
      await copyStore(openStore(shared), openStore(location));
      const cdns = [await startCdnProcess(t, location), await startCdnProcess(t, location)];
      const stacks = [];
      for (const cdn of cdns) {
        const stack = await startDemoStack({
          cdnHandler: () => {},
          listen: (handler, server) => (server.name === 'cdn' ? Promise.resolve(cdn) : serve(t, handler)),
        });
        stacks.push({ cdn, stack, layout: await serve(t, stack.createLayout().handle) });
      }
      const browser = await launchChromium();
      t.after(() => browser.close());
      for (const { cdn, layout } of stacks) {
        const opened = await openPage(browser, layout);
        await rendered(opened.page, demoElements['/']);
        const modules = opened.requests.filter((request) => request.type === 'Script').map((request) => new URL(request.url).origin + '/');
        assert.ok(modules.includes(cdn), `${layout} loads its modules from ${cdn}`);
        assert.deepEqual(opened.consoleErrors, []);
        await opened.page.browserContext().close();
      }

      // A header release published over HTTP through the first CDN only.
      const workDir = await mkdtemp(join(tmpdir(), 'podmap-two-cdns-'));
      t.after(() => rm(workDir, { recursive: true, force: true }));
      const version = '99.0.0';
      const putThroughFirst = async (publicDir: string) => {
        const files = await Promise.all(
          (await walkFiles(publicDir, '')).map(async (path) => ({ path, bytes: await readFile(join(publicDir, path)) })),
        );
        const answer = await fetch(`${cdns[0]}podlet/header@${version}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}` },
          body: new Uint8Array(packFiles(files)),
        });
        assert.equal(answer.status, 201, await answer.text());
      };
      for (const [i, { cdn, stack }] of stacks.entries()) {
        const publish = i === 0 ? putThroughFirst : async () => {};
        stack.setPodlet(
          'header',
          await releasePodlet({
            name: 'header',
            workDir,
            storeDir: location,
            cdnUrl: cdn,
            version,
            marker: 'through the first CDN',
            publish,
          }),
        );
      }
      for (const { cdn, layout } of stacks) {
        const opened = await loadUntilHeader(browser, layout, 'through the first CDN');
        assert.ok(
          opened.requests.some((request) => request.url === `${cdn}podlet/header@${version}/header.js`),
          `${layout} loads the release from ${cdn}`,
        );
        await opened.page.browserContext().close();
      }
    });
  });
}
