import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';

/** The footer podlet. */
export const podlet = await createPodlet({
  name: 'footer',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['footer.js'],
  content: () => '<podlet-footer><small>© 2026 Podmap Travel</small></podlet-footer>',
  fallback: () => '<footer class="podlet-fallback"><small>© 2026 Podmap Travel</small></footer>',
});
