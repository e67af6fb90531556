import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';
import { html } from 'lit';

/** Rendered on the server and hydrated; PODMAP_DEMO_RENDER=client renders it in the browser only, as before. */
const render = process.env.PODMAP_DEMO_RENDER === 'client' ? 'client' : 'hydrate';

/** The image podlet: a travel photo gallery. */
export const podlet = await createPodlet({
  name: 'image',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['image.js'],
  render,
  content: () => (render === 'client' ? '<podlet-image><p>Loading gallery…</p></podlet-image>' : html`<podlet-image></podlet-image>`),
  fallback: () => '<p class="podlet-fallback">The gallery is unavailable.</p>',
});
