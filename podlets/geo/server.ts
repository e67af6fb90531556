import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';

/** The geo podlet: a location widget, built by a team still on lit 2. */
export const podlet = await createPodlet({
  name: 'geo',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['geo.js'],
  content: () => '<podlet-geo><p>Finding your location…</p></podlet-geo>',
  fallback: () => '<p class="podlet-fallback">Location is unavailable.</p>',
});
