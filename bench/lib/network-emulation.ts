import type { CDPSession } from 'puppeteer-core';

/** 10 Mbit/s in bytes per second, both ways: the link every emulated variant runs on. */
const throughput = (10 * 1000 * 1000) / 8;

/**
 * The 10 Mbit/s link with `latencyMs` of latency every variant runs on (or none at all, offline).
 * At 0 ms (not offline) there is no emulation at all, throughput included: Chromium's emulation at
 * 0 ms latency and 10 Mbit/s stalled cold loads with every response already sent by the servers
 * (bench/stall.ts, bench/results/page-stall.md). `emulating` says whether to send these at all.
 */
export function networkConditions(latencyMs: number, offline = false) {
  const bytesPerSecond = latencyMs === 0 && !offline ? -1 : throughput;
  return { offline, latency: latencyMs, downloadThroughput: bytesPerSecond, uploadThroughput: bytesPerSecond };
}

/** Whether a page or worker at `latencyMs` gets CDP network emulation at all (not at 0 ms, unless offline). */
export const emulating = (latencyMs: number, offline = false): boolean => latencyMs > 0 || offline;

/** bench:page's link before 0 ms went without emulation: kept for bench/stall.ts to reproduce the stall. */
export function emulatedConditions(latencyMs: number) {
  return { offline: false, latency: latencyMs, downloadThroughput: throughput, uploadThroughput: throughput };
}

/**
 * Readies a CDP session (a page's or a service worker's) for a measured load: Network enabled, the
 * HTTP cache on, and the link of `latencyMs` (none at 0 ms, see networkConditions). Every bench that
 * emulates a link goes through here, so none can drift back to emulating 0 ms.
 */
export async function startNetwork(session: CDPSession, latencyMs: number, offline = false): Promise<void> {
  await session.send('Network.enable');
  await session.send('Network.setCacheDisabled', { cacheDisabled: false });
  if (emulating(latencyMs, offline)) await session.send('Network.emulateNetworkConditions', networkConditions(latencyMs, offline));
}

/** Switches a session's link offline, or back to `latencyMs` (sent even at 0 ms: it lifts offline). */
export async function setOffline(session: CDPSession, latencyMs: number, offline: boolean): Promise<void> {
  await session.send('Network.emulateNetworkConditions', networkConditions(latencyMs, offline));
}
