import type { IncomingMessage } from 'node:http';

/** What a layout knows about a request beyond its headers, from createLayout's `context` option. */
export interface RequestContext {
  /** A BCP 47 tag ("nb-NO"); default: the first valid tag of Accept-Language, else "en-US". */
  locale?: string;
  /** The signed-in user, where the layout knows one (from its own session cookie, say); sent as JSON. */
  user?: Record<string, unknown> | null;
}

/** The header that carries the signed-in user to podlets, as ASCII JSON. */
export const USER_HEADER = 'podmap-user';
const USER_MAX_BYTES = 1024;
const LOCALE = /^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$/i;

/** The first Accept-Language tag that is a plain language tag ("fr-CH"), or undefined. */
function acceptedLocale(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(',').slice(0, 10)) {
    const tag = part.split(';')[0]!.trim();
    if (LOCALE.test(tag) && tag.length <= 35) return tag;
  }
  return undefined;
}

/** Podium's device types from the User-Agent, as its layouts send them. */
function deviceType(userAgent: string | undefined): 'mobile' | 'tablet' | 'desktop' {
  const ua = userAgent ?? '';
  if (/iPad|Tablet|(Android(?!.*Mobile))/i.test(ua)) return 'tablet';
  if (/Mobi|iPhone|Android/i.test(ua)) return 'mobile';
  return 'desktop';
}

/**
 * The headers every content request carries: Podium's context (requested-by, mount origin and
 * pathname, locale, device type) and, where the layout's `context` knows one, the signed-in user
 * as `podmap-user` (ASCII JSON, at most 1 KB; larger is dropped). Everything comes from the
 * layout's configuration or is checked, never a client's header as it came.
 */
export function podletContextHeaders(
  req: IncomingMessage,
  path: string,
  settings: { name: string; mountOrigin: string },
  context: RequestContext | undefined,
): Record<string, string> {
  const locale =
    context?.locale && LOCALE.test(context.locale) ? context.locale : (acceptedLocale(req.headers['accept-language']) ?? 'en-US');
  const headers: Record<string, string> = {
    'podium-requested-by': settings.name,
    'podium-mount-origin': settings.mountOrigin,
    'podium-mount-pathname': path,
    'podium-locale': locale,
    'podium-device-type': deviceType(req.headers['user-agent']),
  };
  if (context?.user) {
    const json = JSON.stringify(context.user).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    if (json.length <= USER_MAX_BYTES && /^[\x20-\x7e]*$/.test(json)) headers[USER_HEADER] = json;
  }
  return headers;
}
