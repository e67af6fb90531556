/**
 * Child process of bench/faults.ts: the CDN (the shared test store, test/helpers/cdn-with-lit.ts),
 * three healthy podlets (alpha, beta, gamma, as in test/e2e/hostile-load.test.ts: lit from the
 * CDN, alpha exposes @podlets/alpha/session.js and beta imports it), ten more well-behaved podlets
 * made like alpha and gamma (delta … nu: lit from the CDN, one entry, a short content; the control
 * for the page of 13 podlets), and every hostile podlet of test/helpers/hostile-podlets.ts, each on
 * its own loopback port. Driven over IPC (ipc-child.ts):
 *
 *   behave { podlet, behaviour: 'ok' | 'hang' | 'flap' }   hang: accept the content request, never answer;
 *                                                         flap: a new podlet-version on every content response
 *   stop { podlet }    closeAllConnections() and close() its server     start { podlet }   listen again, same port
 *   cdnStop / cdnStart the same for the CDN
 */
import { createServer, type Server } from 'node:http';
import type { TestContext } from 'node:test';
import { createCdnServer } from '../../runtime/cdn/index.ts';
import { createPodlet } from '../../runtime/podlet/create-podlet.ts';
import { listenOn } from '../../runtime/shared/listen-on.ts';
import { ensureTestStore } from '../../test/helpers/cdn-with-lit.ts';
import { writePodletFolder } from '../../test/helpers/fixture-podlet.ts';
import { hostilePodlets } from '../../test/helpers/hostile-podlets.ts';
import { serveIpc } from './ipc-child.ts';

export interface Backends {
  cdnUrl: string;
  /** Healthy podlet name → manifest URL: alpha, beta, gamma and the ten of `moreHealthy`. */
  healthy: Record<string, string>;
  /** The ten extra well-behaved podlets, in page order (delta … nu). */
  moreHealthy: string[];
  hostile: Array<{ name: string; what: string; manifest: string }>;
}

const moreHealthy = ['delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'nu'];
const healthyNames = ['alpha', 'beta', 'gamma', ...moreHealthy];
const cleanups: Array<() => unknown> = [];
// writePodletFolder removes its folder through t.after(); these live as long as this process.
const fakeT = { after: (cleanup: () => unknown) => void cleanups.push(cleanup) } as unknown as TestContext;

/** A server that can be stopped and started again on the same port. */
function restartable(make: () => Server) {
  let server: Server | undefined;
  let port = 0;
  return {
    get port() {
      return port;
    },
    async start() {
      if (server?.listening) return;
      server = await listenOn(make(), port);
      port = (server.address() as { port: number }).port;
    },
    async stop() {
      const s = server;
      if (!s?.listening) return;
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    },
  };
}

const storeDir = await ensureTestStore();
const cdn = restartable(() => createCdnServer({ storeDir }));
await cdn.start();
const cdnUrl = `http://127.0.0.1:${cdn.port}/`;

const behaviour: Record<string, 'ok' | 'hang' | 'flap'> = {};
let flaps = 0;
const servers: Record<string, ReturnType<typeof restartable>> = {};
const healthy: Record<string, string> = {};
for (const name of healthyNames) {
  behaviour[name] = 'ok';
  const dir = await writePodletFolder(fakeT, {
    name: `@podlets/${name}`,
    dependencies: name === 'beta' ? { lit: '^3.1.0', '@podlets/alpha': '^1.0.0' } : { lit: '^3.1.0' },
    modules: {
      [`${name}.js`]:
        name === 'beta'
          ? `import 'lit';\nimport { ran } from '@podlets/alpha/session.js';\nran('beta');\n`
          : `import 'lit';\ndocument.documentElement.dataset.${name} = 'ran';\n`,
      'session.js': 'export const ran = (name) => (document.documentElement.dataset[name] = "ran");\n',
    },
  });
  const podlet = await createPodlet({
    name,
    packageDir: dir,
    entries: [`${name}.js`],
    exposes: name === 'alpha' ? { '@podlets/alpha/session.js': 'session.js' } : {},
    content: () => `<p>${name} content</p>`,
    fallback: () => `<p>${name} fallback</p>`,
  });
  servers[name] = restartable(() =>
    createServer((req, res) => {
      if (req.url === '/' && behaviour[name] === 'hang') return; // never answers
      if (req.url === '/' && behaviour[name] === 'flap') {
        // Every content response claims a new release, as a podlet stuck in a deploy loop would.
        const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string>) => typeof res;
        res.writeHead = ((status: number, headers: Record<string, string> = {}) =>
          writeHead(status, { ...headers, 'podlet-version': `9.9.${++flaps}` })) as typeof res.writeHead;
      }
      podlet.handle(req, res);
    }),
  );
  await servers[name].start();
  healthy[name] = `http://127.0.0.1:${servers[name].port}/manifest.json`;
}

const hostile: Backends['hostile'] = [];
for (const podlet of hostilePodlets('@podlets/alpha', cdnUrl)) {
  const server = restartable(() => createServer(podlet.handle));
  await server.start();
  servers[podlet.name] = server;
  hostile.push({ name: podlet.name, what: podlet.what, manifest: `http://127.0.0.1:${server.port}/manifest.json` });
}

const serverOf = (args: Record<string, unknown>) => {
  const s = servers[String(args.podlet)];
  if (!s) throw new Error(`no podlet "${String(args.podlet)}"`);
  return s;
};
serveIpc({ cdnUrl, healthy, moreHealthy, hostile } satisfies Backends, {
  behave: (args) => void (behaviour[String(args.podlet)] = args.behaviour as 'ok' | 'hang' | 'flap'),
  stop: (args) => serverOf(args).stop(),
  start: (args) => serverOf(args).start(),
  cdnStop: () => cdn.stop(),
  cdnStart: () => cdn.start(),
  shutdown: async () => {
    for (const s of Object.values(servers)) await s.stop();
    await cdn.stop();
    for (const cleanup of cleanups) await cleanup();
  },
});
