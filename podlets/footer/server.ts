import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPodlet, type RenderMode } from '@podmap/runtime/podlet';
import { html } from 'lit';

const packageDir = fileURLToPath(new URL('.', import.meta.url));
const litVersion = readLitVersion();
const render =
  (process.env.PODMAP_FOOTER_RENDER as RenderMode | undefined) || (process.env.PODMAP_DEMO_RENDER === 'client' ? 'client' : 'ssr-only');

/**
 * The footer podlet: rendered on the server into declarative shadow DOM, so it shows before any
 * module runs and the page loads none of its modules. PODMAP_FOOTER_RENDER=client (or
 * PODMAP_DEMO_RENDER=client, for every demo podlet) renders it in the browser as before, for the demos whose point is what the browser's modules do (import-map
 * overrides of the footer, a design-system release reaching it without a redeploy).
 */
export const podlet = await createPodlet({
  name: 'footer',
  packageDir,
  cdnUrl: process.env.PODMAP_PODLET_CDN_URL || undefined,
  entries: ['footer.js'],
  render,
  content: () =>
    render === 'client'
      ? '<podlet-footer><small>© 2026 Podmap Travel</small></podlet-footer>'
      : html`<podlet-footer rendered-with="lit@${litVersion}, rendered on the server"></podlet-footer>`,
  fallback: () => '<footer class="podlet-fallback"><small>© 2026 Podmap Travel</small></footer>',
});

/** The version of the lit this server renders with, as the footer's own module resolves it (lit exports no package.json). */
function readLitVersion(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.resolve('lit'))); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    const pkg = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }) : {};
    if (pkg.name === 'lit' && pkg.version) return pkg.version;
  }
  return 'unknown';
}
