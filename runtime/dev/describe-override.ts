import { createConfigError } from '../shared/errors.ts';

/** The cookie a layout with overrides on reads (docs/overrides.md). */
const OVERRIDES_COOKIE = 'podmap-overrides';

/**
 * The text `podmap dev --layout <url>` prints: how to load podlet `name` from the dev server at
 * `devUrl` in the live layout at `layoutUrl` through the `podmap-overrides` cookie
 * (docs/overrides.md): the console call that writes it, the cookie itself for a page that does
 * not load the console API, and what the layout must allow. Throws PODMAP_ERR_CONFIG_OPTION
 * when `layoutUrl` is not an absolute http(s) URL.
 */
export function describeOverride(options: { name: string; devUrl: string; layoutUrl: string }): string {
  let layout: URL;
  try {
    layout = new URL(options.layoutUrl);
  } catch {
    layout = new URL('invalid:');
  }
  if (layout.protocol !== 'http:' && layout.protocol !== 'https:') {
    throw createConfigError(
      'PODMAP_ERR_CONFIG_OPTION',
      `layoutUrl must be an absolute http(s) URL, got ${JSON.stringify(options.layoutUrl)}`,
    );
  }
  const base = new URL('public/', options.devUrl).href;
  const cookie = encodeURIComponent(JSON.stringify({ imports: {}, podlets: { [options.name]: base } }));
  const secure = layout.protocol === 'https:' ? '; Secure' : '';
  return [
    `To load podlet "${options.name}" from this dev server in the layout at ${layout.href}:`,
    `  1. The layout must run with overrides on (createLayout({ overrides: true }); the demo: PODMAP_OVERRIDES=1)`,
    `     and allow the host ${new URL(base).hostname} (allowedHosts; the default allows localhost, 127.0.0.1 and [::1]).`,
    `  2. Open ${layout.href} and run in the browser's console:`,
    `       podmapOverrides.set('podlet', '${options.name}', '${base}')`,
    `     which writes the ${OVERRIDES_COOKIE} cookie and reloads; or set that cookie yourself on ${layout.origin}:`,
    `       document.cookie = '${OVERRIDES_COOKIE}=${cookie}; Path=/; SameSite=Lax${secure}'; location.reload()`,
    `  3. The page shows a banner listing the override; its "Clear overrides" button (or podmapOverrides.clear()) ends it.`,
    `  The layout knows the podlet by the name it registers it under; "${options.name}" is the podlet's own name.`,
  ].join('\n');
}
