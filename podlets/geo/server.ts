import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';

/**
 * The geo podlet: a location widget, built by a team still on lit 2. It renders on the client
 * (docs/render-modes.md, "lit 2 next to lit 3"): until its module runs, and with JavaScript off,
 * the page shows the default place as plain HTML, which its shadow root then replaces.
 */
export const podlet = await createPodlet({
  name: 'geo',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['geo.js'],
  content: () => '<podlet-geo><p>Your location: Oslo, Norway</p></podlet-geo>',
  fallback: () => '<p class="podlet-fallback">Location is unavailable.</p>',
});
