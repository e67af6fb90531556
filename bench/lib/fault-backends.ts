/**
 * Child process of bench/faults.ts: the CDN (the shared test store, test/helpers/cdn-with-lit.ts),
 * three healthy podlets (alpha, beta, gamma, as in test/e2e/hostile-load.test.ts: lit from the
 * CDN, alpha exposes @podlets/alpha/session.js and beta imports it), ten more well-behaved podlets
 * made like alpha and gamma (delta … nu: test/helpers/healthy-podlet.ts; the control for the page
 * of 13 podlets), and every hostile podlet of test/helpers/hostile-podlets.ts, each on
 * its own loopback port. Driven over IPC (ipc-child.ts):
 *
 *   behave { podlet, behaviour: 'ok' | 'hang' | 'flap' }   hang: accept the content request, never answer;
 *                                                         flap: a new podlet-version on every content response
 *   stop { podlet }    closeAllConnections() and close() its server     start { podlet }   listen again, same port
 *   cdnStop / cdnStart the same for the CDN
 */
import { createServer } from 'node:http';
import { createCdnServer } from '../../runtime/cdn/index.ts';
import { ensureTestStore } from '../../test/helpers/cdn-with-lit.ts';
import { collectCleanups } from '../../test/helpers/cleanups.ts';
import { createHealthyPodlet, healthyPodletNames } from '../../test/helpers/healthy-podlet.ts';
import { hostilePodlets } from '../../test/helpers/hostile-podlets.ts';
import { misbehavingHandler, type PodletBehaviour } from '../../test/helpers/misbehaving-handler.ts';
import { restartableServer, type RestartableServer } from '../../test/helpers/restartable-server.ts';
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
// The podlets' folders live as long as this process: removed at shutdown.
const cleanups = collectCleanups();

const storeDir = await ensureTestStore();
const cdn = restartableServer(() => createCdnServer({ storeDir }));
await cdn.start();
const cdnUrl = `http://127.0.0.1:${cdn.port}/`;

const behaviour: Record<string, PodletBehaviour> = {};
const servers: Record<string, RestartableServer> = {};
const healthy: Record<string, string> = {};
for (const name of [...healthyPodletNames, ...moreHealthy]) {
  behaviour[name] = 'ok';
  const podlet = await createHealthyPodlet(cleanups, name, { session: true });
  servers[name] = restartableServer(() => createServer(misbehavingHandler(podlet.handle, () => behaviour[name]!)));
  await servers[name].start();
  healthy[name] = `http://127.0.0.1:${servers[name].port}/manifest.json`;
}

const hostile: Backends['hostile'] = [];
for (const podlet of hostilePodlets('@podlets/alpha', cdnUrl)) {
  const server = restartableServer(() => createServer(podlet.handle));
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
  behave: (args) => void (behaviour[String(args.podlet)] = args.behaviour as PodletBehaviour),
  stop: (args) => serverOf(args).stop(),
  start: (args) => serverOf(args).start(),
  cdnStop: () => cdn.stop(),
  cdnStart: () => cdn.start(),
  shutdown: async () => {
    for (const s of Object.values(servers)) await s.stop();
    await cdn.stop();
    await cleanups.run();
  },
});
