// Browser tests in Debian's Chromium, twice: once resolving bare specifiers through a native
// import map, once through es-module-shims in shim mode. Never through the runner's node
// resolution (nodeResolve: false) nor @web/dev-server-import-maps, which would rewrite the
// specifiers on the server and test nothing about import maps.
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fileURLToPath } from 'node:url';
import { createImportMapForTests } from './import-map-for-tests.js';
import { chromiumArgs, chromiumPath } from '../helpers/chromium-flags.js';

const rootDir = fileURLToPath(new URL('../..', import.meta.url));

const importMap = JSON.stringify(createImportMapForTests());

// More URLs for the same runtime files, /copy-<name>/runtime/browser/public/…, so a test can
// load another copy of the bus whose modules (index.js and everything it imports) are new
// module instances, as when two podlets bring the runtime from two places.
const COPY_PATH = /^\/copy-[\w-]+(?=\/runtime\/browser\/public\/)/;

// Shim mode is decided when es-module-shims starts, before the parser has reached the
// importmap-shim below, so it must be asked for explicitly.
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
    ${shim ? SHIM_SCRIPTS : ''}
    <script type="${shim ? 'importmap-shim' : 'importmap'}">${importMap}</script>
  </head>
  <body>
    <script type="${shim ? 'module-shim' : 'module'}" src="${testFramework}"></script>
  </body>
</html>`;
  };
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
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromiumPath,
        headless: true,
        args: ['--headless=new', ...chromiumArgs],
      },
    }),
  ],
  plugins: [esbuildPlugin({ ts: true, target: 'auto' })],
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
