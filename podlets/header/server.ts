import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createPodlet } from '@podmap/runtime/podlet';
import { html, nothing } from 'lit';

/**
 * The header podlet: brand, navigation and the signed-in user, rendered on the server and
 * hydrated in the page (PODMAP_DEMO_RENDER=client renders it in the browser only, as before).
 */
const render = process.env.PODMAP_DEMO_RENDER === 'client' ? 'client' : 'hydrate';

export const podlet = await createPodlet({
  name: 'header',
  packageDir: fileURLToPath(new URL('.', import.meta.url)),
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['header.js'],
  render,
  // The page's path and the user the layout knows: what the element reads from the page and the
  // session store in a browser, so the server's render and the hydrating one agree.
  content: (req) =>
    render === 'client'
      ? '<podlet-header><a href="/">Podmap Travel</a></podlet-header>'
      : html`<podlet-header path=${pathOf(req)} user=${userOf(req) ?? nothing}></podlet-header>`,
  fallback: () => '<header class="podlet-fallback"><a href="/">Podmap Travel</a></header>',
});

/** The page's path, as the layout mounts this podlet (Podium's context header). */
function pathOf(req: IncomingMessage): string {
  const path = req.headers['podium-mount-pathname'];
  return typeof path === 'string' && path.startsWith('/') ? path : '/';
}

/** The signed-in user's name from the layout's `podmap-user` header (JSON `{ "name": … }`), if any. */
export function userOf(req: IncomingMessage): string | undefined {
  try {
    const name = (JSON.parse(String(req.headers['podmap-user'])) as { name?: unknown }).name;
    return typeof name === 'string' && name.length > 0 && name.length <= 40 ? name : undefined;
  } catch {
    return undefined;
  }
}
