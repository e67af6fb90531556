import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';

/** The header podlet: brand, navigation and the signed-in user. */
export const podlet = await createPodlet({
  name: 'header',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['header.js'],
  content: () => '<podlet-header><a href="/">Podmap Travel</a></podlet-header>',
  fallback: () => '<header class="podlet-fallback"><a href="/">Podmap Travel</a></header>',
});
