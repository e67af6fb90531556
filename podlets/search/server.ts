import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';

/** The search podlet: search results for travel destinations. */
export const podlet = await createPodlet({
  name: 'search',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['search.js'],
  content: () => '<podlet-search><p>Loading search…</p></podlet-search>',
  fallback: () => '<p class="podlet-fallback">Search is unavailable right now.</p>',
});
