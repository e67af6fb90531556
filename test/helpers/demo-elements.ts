import { demoPages } from '../../layouts/demo-wiring.ts';

/** The custom element each podlet of a demo page renders into it (`podlet-<name>`), in page order, by path. */
export const demoElements = Object.fromEntries(
  Object.entries(demoPages).map(([path, page]) => [path, page.podlets.map((name) => `podlet-${name}`)]),
) as Record<keyof typeof demoPages, string[]>;
