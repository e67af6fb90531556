import { fileURLToPath } from 'node:url';
import { createPodlet, isMain, listenFromEnv } from '@podmap/runtime/server';

/** The image podlet: a travel photo gallery. */
export const podlet = await createPodlet({
  name: 'image',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['image.js'],
  content: () => '<podlet-image><p>Loading gallery…</p></podlet-image>',
  fallback: () => '<p class="podlet-fallback">The gallery is unavailable.</p>',
});

if (isMain(import.meta.url)) await listenFromEnv(podlet, { name: 'image', envVar: 'PODMAP_IMAGE_PORT', defaultPort: 7500 });
