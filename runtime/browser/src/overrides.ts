// Import-map overrides for development, in the page (docs/overrides.md). A layout with
// `overrides` enabled loads this module on every page; it is not part of what other pages load.
// It writes the `podmap-overrides` cookie and reloads: the layout applies the cookie while it
// writes the import map, because a native import map cannot be changed once a module has loaded.

/** The cookie the layout reads (runtime/layout/overrides/parse-overrides-cookie.ts). */
export const OVERRIDES_COOKIE = 'podmap-overrides';

/** What the cookie holds: bare specifier → URL, and podlet name → base URL of its modules. */
export interface Overrides {
  imports: Record<string, string>;
  podlets: Record<string, string>;
}

/** The overrides the cookie holds now (what the layout may still have rejected is in the page's notice). */
export function listOverrides(): Overrides {
  const raw = document.cookie
    .split('; ')
    .find((c) => c.startsWith(`${OVERRIDES_COOKIE}=`))
    ?.slice(OVERRIDES_COOKIE.length + 1);
  try {
    const value = raw ? (JSON.parse(decodeURIComponent(raw)) as Partial<Overrides>) : {};
    return { imports: { ...value.imports }, podlets: { ...value.podlets } };
  } catch {
    return { imports: {}, podlets: {} };
  }
}

/**
 * Points bare specifier `specifier` (kind "import") or every module of podlet `name` (kind
 * "podlet", `url` is the base its files are under) at `url`, then reloads. The layout accepts
 * only http(s) URLs on its allowed hosts (localhost by default).
 */
export function setOverride(kind: 'import' | 'podlet', key: string, url: string, options: { reload?: boolean } = {}): Overrides {
  if (!/^https?:\/\//i.test(url)) throw new TypeError(`podmap: override URL must be absolute http(s): ${url}`);
  const overrides = listOverrides();
  overrides[kind === 'import' ? 'imports' : 'podlets'][key] = url;
  return write(overrides, options.reload);
}

/** Removes one override and reloads. */
export function removeOverride(kind: 'import' | 'podlet', key: string, options: { reload?: boolean } = {}): Overrides {
  const overrides = listOverrides();
  delete overrides[kind === 'import' ? 'imports' : 'podlets'][key];
  return write(overrides, options.reload);
}

/** Removes every override and reloads. */
export function clearOverrides(options: { reload?: boolean } = {}): Overrides {
  return write({ imports: {}, podlets: {} }, options.reload);
}

/** Opens a small panel to edit the overrides (its code loads only now). */
export async function openOverridesPanel(): Promise<void> {
  const { showOverridesPanel } = await import('./overrides-panel.ts');
  showOverridesPanel({ listOverrides, setOverride, clearOverrides });
}

function write(overrides: Overrides, reload = true): Overrides {
  const empty = Object.keys(overrides.imports).length + Object.keys(overrides.podlets).length === 0;
  const secure = location.protocol === 'https:' ? '; Secure' : '';
  // A session cookie: overrides end with the browser session, and the page says while they last.
  document.cookie = empty
    ? `${OVERRIDES_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax${secure}`
    : `${OVERRIDES_COOKIE}=${encodeURIComponent(JSON.stringify(overrides))}; Path=/; SameSite=Lax${secure}`;
  if (reload) location.reload();
  return overrides;
}

// The console API, and the layout's rejections as console warnings.
Object.assign(globalThis, {
  podmapOverrides: { list: listOverrides, set: setOverride, remove: removeOverride, clear: clearOverrides, panel: openOverridesPanel },
});
const data = document.getElementById('podmap-overrides-data');
if (data) {
  const { rejected } = JSON.parse(data.textContent ?? '{}') as { rejected?: Array<{ key: string; value: string; reason: string }> };
  for (const r of rejected ?? []) console.warn(`podmap: import-map override ${r.key} → ${r.value} was ignored: ${r.reason}`);
}
