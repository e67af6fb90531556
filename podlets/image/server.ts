import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';

/** The image podlet: a travel photo gallery. */
export const podlet = await createPodlet({
  name: 'image',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['image.js'],
  content: () => '<podlet-image><p>Loading gallery…</p></podlet-image>',
  fallback: () => '<p class="podlet-fallback">The gallery is unavailable.</p>',
});
