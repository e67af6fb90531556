import { PodmapError } from '../../shared/errors.ts';

/**
 * Returns `location` if it is a root-relative path on this host, or throws. Defence in depth
 * for redirects: "//evil.example/x" and "/\evil.example/x" are protocol-relative to browsers
 * (which treat "\" as "/"), and a scheme would leave the host. The inputs are validated names,
 * versions and segments, so this should never fire; it keeps a future bug from becoming an
 * open redirect.
 */
export function safeLocation(location: string): string {
  // eslint-disable-next-line no-control-regex
  if (!location.startsWith('/') || /^\/[/\\]/.test(location) || /[\\\u0000-\u001f\u007f\s]/.test(location)) {
    throw new PodmapError('PODMAP_ERR_BAD_PATH', 'refusing an unsafe redirect target');
  }
  return location;
}
