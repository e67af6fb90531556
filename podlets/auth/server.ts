import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';

/** The auth podlet: a sign-in form; exposes its session module to other podlets. */
export const podlet = await createPodlet({
  name: 'auth',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['auth.js'],
  exposes: { '@podlets/auth/session.js': 'session.js' },
  content: () => '<podlet-auth><p>Loading sign-in…</p></podlet-auth>',
  fallback: () => '<p class="podlet-fallback">Sign-in is unavailable right now. Please try again in a minute.</p>',
});
