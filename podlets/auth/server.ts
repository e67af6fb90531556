import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';
import { html, nothing } from 'lit';

/** Rendered on the server and hydrated; PODMAP_DEMO_RENDER=client renders it in the browser only, as before. */
const render = process.env.PODMAP_DEMO_RENDER === 'client' ? 'client' : 'hydrate';

/** The auth podlet: a sign-in form; exposes its session module to other podlets. */
export const podlet = await createPodlet({
  name: 'auth',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['auth.js'],
  exposes: { '@podlets/auth/session.js': 'session.js' },
  render,
  content: (req) =>
    render === 'client'
      ? '<podlet-auth><p>Loading sign-in…</p></podlet-auth>'
      : html`<podlet-auth user=${readUser(req.headers['podmap-user']) ?? nothing}></podlet-auth>`,
  // The user the layout knows (its podmap-user header) becomes the page's session: the stores
  // of the header and of this podlet start from it, before any module runs.
  state: (req) => {
    const user = readUser(req.headers['podmap-user']);
    return user ? { auth: { user, since: '' } } : undefined;
  },
  fallback: () => '<p class="podlet-fallback">Sign-in is unavailable right now. Please try again in a minute.</p>',
});

/** The user name in the layout's `podmap-user` header (JSON `{ "name": … }`), if it is one. */
function readUser(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  try {
    const name = (JSON.parse(header) as { name?: unknown }).name;
    return typeof name === 'string' && name.length > 0 && name.length <= 40 ? name : undefined;
  } catch {
    return undefined;
  }
}
