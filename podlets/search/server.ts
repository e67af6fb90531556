import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';
import { html } from 'lit';

/** Rendered on the server and hydrated; PODMAP_DEMO_RENDER=client renders it in the browser only, as before. */
const render = process.env.PODMAP_DEMO_RENDER === 'client' ? 'client' : 'hydrate';

/** The search podlet: search results for travel destinations. */
export const podlet = await createPodlet({
  name: 'search',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['search.js'],
  render,
  content: () => (render === 'client' ? '<podlet-search><p>Loading search…</p></podlet-search>' : html`<podlet-search></podlet-search>`),
  fallback: () => '<p class="podlet-fallback">Search is unavailable right now.</p>',
});
