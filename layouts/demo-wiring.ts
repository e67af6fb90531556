import type { Server } from 'node:http';
import { listenFromEnv } from '@podmap/runtime/cli';

/**
 * The demo's wiring, the one place it is written: each server of the demo and its default port.
 * Its variables follow from the name: PODMAP_<NAME>_PORT for the port it listens on, and, for
 * podlets, PODMAP_<NAME>_URL for the manifest URL the layout uses.
 */
export const demoPorts = { layout: 7000, header: 7100, footer: 7200, auth: 7300, geo: 7400, image: 7500, search: 7600 } as const;

export type DemoServerName = keyof typeof demoPorts;
export type DemoPodletName = Exclude<DemoServerName, 'layout'>;

/** The demo's podlets, in the order of their ports: the one list the demo, its tests and its benchmarks name them by. */
export const demoPodletNames = Object.keys(demoPorts).filter((n): n is DemoPodletName => n !== 'layout');

/** The demo's pages: path → title and the podlets on it, in page order. */
export const demoPages: Record<'/' | '/search', { title: string; podlets: DemoPodletName[] }> = {
  '/': { title: 'Podmap Travel', podlets: ['header', 'auth', 'geo', 'image', 'footer'] },
  '/search': { title: 'Search — Podmap Travel', podlets: ['header', 'search', 'geo', 'footer'] },
};

/** A port for every server of the demo, the CDN's included, all 0: startDemo() then picks free ports. */
export function freeDemoPorts(): Record<'cdn' | DemoServerName, number> {
  return Object.fromEntries(['cdn', ...Object.keys(demoPorts)].map((name) => [name, 0])) as Record<'cdn' | DemoServerName, number>;
}

/** The variable that sets a server's port ("PODMAP_HEADER_PORT"). */
export function portVariable(name: string): string {
  return `PODMAP_${name.toUpperCase()}_PORT`;
}

/** The variable that points the layout at a podlet's manifest ("PODMAP_HEADER_URL"). */
export function manifestUrlVariable(name: string): string {
  return `PODMAP_${name.toUpperCase()}_URL`;
}

/** Starts one of the demo's servers as this process, on its port variable or default port. */
export function listenOnDemoPort(target: { listen(port: number, host?: string): Promise<Server> }, name: DemoServerName): Promise<Server> {
  return listenFromEnv(target, { name, envVar: portVariable(name), defaultPort: demoPorts[name] });
}
