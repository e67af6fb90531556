import { freeDemoPorts } from '../../layouts/demo-wiring.ts';
import { startDemo, type RunningDemo } from '../../layouts/demo.ts';
import { ensureTestStore } from './cdn-with-lit.ts';

/**
 * The demo as `npm start` runs it (startDemo: the CDN, every podlet and the layout each a process
 * of its own), on free ports and the shared test store, with `env` for its servers
 * (PODMAP_CSP, PODMAP_MODE, …). The caller stops it.
 */
export async function startTestDemo(env: Record<string, string> = {}): Promise<RunningDemo> {
  const storeDir = await ensureTestStore();
  // The store is shared by every test: shaken builds, which are written into it, stay off.
  return startDemo({ ports: freeDemoPorts(), env: { PODMAP_STORE_DIR: storeDir, PODMAP_CDN_SHAKEN: 'off', ...env } });
}
