// Browser tests in three engines from Debian (Chromium, Firefox ESR, WebKitGTK), each twice: once
// resolving bare specifiers through a native import map, once through es-module-shims in shim
// mode. PODMAP_ENGINES ("chromium,firefox,webkit", the default) picks engines. Never through the runner's node
// resolution (nodeResolve: false) nor @web/dev-server-import-maps, which would rewrite the
// specifiers on the server and test nothing about import maps.
import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';
import { webdriverLauncher } from '@web/test-runner-webdriver';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fileURLToPath } from 'node:url';
import { createImportMapForTests } from './import-map-for-tests.js';
import { chromiumArgs, chromiumPath } from '../helpers/chromium-flags.js';
import { firefoxPath, requireBinary, startWebKitDriver, webkitCapabilities } from '../helpers/engines.js';

const rootDir = fileURLToPath(new URL('../..', import.meta.url));

const importMap = JSON.stringify(createImportMapForTests());

// More URLs for the same runtime files, /copy-<name>/runtime/browser/public/…, so a test can
// load another copy of the bus whose modules (index.js and everything it imports) are new
// module instances, as when two podlets bring the runtime from two places.
const COPY_PATH = /^\/copy-[\w-]+(?=\/runtime\/browser\/public\/)/;

// Shim mode is decided when es-module-shims starts, so it must be asked for explicitly. The
// importmap-shim comes before es-module-shims, which then reads it as it starts: after it, WebKit
// once ran a test module before es-module-shims had seen the map ("Unable to resolve specifier").
const SHIM_SCRIPTS = `<script type="esms-options">{"shimMode":true}</script>
    <script src="/node_modules/es-module-shims/dist/es-module-shims.js"></script>`;

/** The page of one test file. `mode` is read by test/browser/resolution.test.ts. */
function createTestPage(mode) {
  return (testFramework) => {
    const shim = mode === 'shim';
    return `<!DOCTYPE html>
<html>
  <head>
    <script>window.__podmapTestMode = '${mode}';</script>
    <script type="${shim ? 'importmap-shim' : 'importmap'}">${importMap}</script>
    ${shim ? SHIM_SCRIPTS : ''}
  </head>
  <body>
    <script type="${shim ? 'module-shim' : 'module'}" src="${testFramework}"></script>
  </body>
</html>`;
  };
}

/**
 * The runner puts a module script of its own (it captures browser logs) first in the head.
 * Chromium accepts an import map after a module script; Firefox ESR 153 ignores it, as HTML
 * once required ("bare specifier … was not remapped"). podmap's layout always writes the map
 * first, and so does this page: the native map moves to the top of the head, before anything
 * the runner added.
 */
function importMapFirst() {
  return {
    name: 'podmap-import-map-first',
    transform(context) {
      if (!context.response.is('html') || typeof context.body !== 'string') return undefined;
      const map = /<script type="importmap">[\s\S]*?<\/script>/.exec(context.body)?.[0];
      if (!map) return undefined;
      return context.body.replace(map, '').replace(/<head>/i, `<head>${map}`);
    },
  };
}

/** One launcher per engine: puppeteer-core for Chromium (CDP) and Firefox (WebDriver BiDi), WebDriver classic for WebKit. */
async function launchers(engines) {
  const all = [];
  if (engines.includes('chromium')) {
    // `puppeteer` given only so the runner names the engine (Chromium, Firefox) instead of "Chrome".
    const launchOptions = { executablePath: chromiumPath, headless: true, args: ['--headless=new', ...chromiumArgs] };
    all.push(chromeLauncher({ puppeteer: puppeteerCore, launchOptions }));
  }
  if (engines.includes('firefox')) {
    requireBinary(firefoxPath, 'firefox-esr');
    all.push(
      chromeLauncher({ puppeteer: puppeteerCore, launchOptions: { browser: 'firefox', executablePath: firefoxPath, headless: true } }),
    );
  }
  if (engines.includes('webkit')) {
    const driver = await startWebKitDriver();
    // WebKitWebDriver speaks WebDriver classic only: webdriverio must not ask for BiDi.
    const capabilities = { ...webkitCapabilities, 'wdio:enforceWebDriverClassic': true };
    all.push(webdriverLauncher({ hostname: '127.0.0.1', port: driver.port, capabilities, logLevel: 'error' }));
  }
  return all;
}

// Set on the groups only: top-level files would also run as a third group without a map.
const files = [`${rootDir}/test/browser/**/*.test.ts`];

export default {
  rootDir,
  nodeResolve: false,
  concurrency: 4,
  browserStartTimeout: 20_000,
  testsFinishTimeout: 30_000,
  testFramework: { config: { timeout: 5_000 } },
  browsers: await launchers((process.env.PODMAP_ENGINES || 'chromium,firefox,webkit').split(',')),
  plugins: [esbuildPlugin({ ts: true, target: 'auto' }), importMapFirst()],
  middleware: [
    function serveRuntimeCopies(context, next) {
      context.url = context.url.replace(COPY_PATH, '');
      return next();
    },
  ],
  groups: [
    { name: 'native', files, testRunnerHtml: createTestPage('native') },
    { name: 'shim', files, testRunnerHtml: createTestPage('shim') },
  ],
};
