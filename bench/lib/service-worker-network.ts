import type { Browser, BrowserContext, CDPSession } from 'puppeteer-core';
import { setOffline as setLinkOffline, startNetwork } from './network-emulation.ts';
import { trackNetwork, type NetworkEntry, type NetworkSource } from './network-entries.ts';

/** A CDP call that gives up after `ms`: a worker that was replaced may linger as a target that never answers. */
const bounded = <T>(call: Promise<T>, ms = 2000) =>
  Promise.race([call.catch(() => undefined), new Promise<undefined>((resolve) => setTimeout(resolve, ms))]);

/**
 * The service workers of one browser context, watched over CDP from the moment each starts: a
 * browser-level session auto-attaches to every `service_worker` target with the worker paused
 * (waitForDebuggerOnStart), enables Network on it, gives it the page's emulation (CDP emulation on
 * a page does not reach the fetches its worker makes), and only then lets it run. Its requests
 * are recorded, so a page load can count the worker's own network traffic with the page's
 * (`attachRecorder(page, latency, watcher)`). Workers of other contexts are let run untouched.
 */
export async function watchServiceWorkers(
  browser: Browser,
  context: BrowserContext,
  latencyMs: number,
): Promise<
  NetworkSource & {
    /** Switches the network off (or back on) for every worker of the context. */
    setOffline(offline: boolean): Promise<void>;
    /** Resolves once every worker seen so far is attached and emulated. */
    settled(): Promise<void>;
    close(): Promise<void>;
  }
> {
  let entries = new Map<string, NetworkEntry>();
  const sessions: CDPSession[] = [];
  const pending = new Set<Promise<unknown>>();
  let offline = false;
  const root = await browser.target().createCDPSession();
  root.on('Target.attachedToTarget', (event) => {
    const session = root.connection()?.session(event.sessionId);
    if (!session) return;
    const ours = event.targetInfo.type === 'service_worker' && event.targetInfo.browserContextId === context.id;
    const attached = bounded(
      (async () => {
        if (ours) {
          trackNetwork(session, () => entries, true);
          await startNetwork(session, latencyMs, offline);
          sessions.push(session);
        }
        if (event.waitingForDebugger) await session.send('Runtime.runIfWaitingForDebugger');
      })(),
      5000,
    );
    pending.add(attached);
    void attached.finally(() => pending.delete(attached));
  });
  await root.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: true,
    flatten: true,
    filter: [{ type: 'service_worker', exclude: false }, { exclude: true }],
  });
  return {
    reset: () => void (entries = new Map()),
    entries: () => [...entries.values()],
    async setOffline(value) {
      offline = value;
      await Promise.all([...pending]);
      await Promise.all(sessions.map((s) => bounded(setLinkOffline(s, latencyMs, value))));
    },
    async settled() {
      await Promise.all([...pending]);
    },
    close: () => bounded(root.detach()).then(() => undefined),
  };
}
