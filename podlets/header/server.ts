import { fileURLToPath } from 'node:url';
import { createPodlet, isMain, listenFromEnv } from '@podmap/runtime/server';

/** The header podlet: brand, navigation and the signed-in user. */
export const podlet = await createPodlet({
  name: 'header',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['header.js'],
  content: () => '<podlet-header><a href="/">Podmap Travel</a></podlet-header>',
  fallback: () => '<header class="podlet-fallback"><a href="/">Podmap Travel</a></header>',
});

if (isMain(import.meta.url)) await listenFromEnv(podlet, { name: 'header', envVar: 'PODMAP_HEADER_PORT', defaultPort: 7100 });
