import { fileURLToPath } from 'node:url';
import { createPodlet, isMain, listenFromEnv } from '@podmap/runtime/server';

/** The footer podlet. */
export const podlet = await createPodlet({
  name: 'footer',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['footer.js'],
  content: () => '<podlet-footer><small>© 2026 Podmap Travel</small></podlet-footer>',
  fallback: () => '<footer class="podlet-fallback"><small>© 2026 Podmap Travel</small></footer>',
});

if (isMain(import.meta.url)) await listenFromEnv(podlet, { name: 'footer', envVar: 'PODMAP_FOOTER_PORT', defaultPort: 7200 });
