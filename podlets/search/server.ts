import { fileURLToPath } from 'node:url';
import { createPodlet, isMain, listenFromEnv } from '@podmap/runtime/server';

/** The search podlet: search results for travel destinations. */
export const podlet = await createPodlet({
  name: 'search',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['search.js'],
  content: () => '<podlet-search><p>Loading search…</p></podlet-search>',
  fallback: () => '<p class="podlet-fallback">Search is unavailable right now.</p>',
});

if (isMain(import.meta.url)) await listenFromEnv(podlet, { name: 'search', envVar: 'PODMAP_SEARCH_PORT', defaultPort: 7600 });
