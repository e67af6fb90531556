import { createConfigError } from './errors.ts';

const PODLET_NAME = /^[a-zA-Z0-9_-]{2,100}$/;

/**
 * Throws PODMAP_ERR_PODLET_NAME (a TypeError) unless `name` is a name Podium accepts: 2–100 of
 * letters, digits, "_" and "-". Checked where a podlet is created and where a layout registers
 * one, because names end up in pages, log lines and CDN paths.
 */
export function assertPodletName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !PODLET_NAME.test(name)) throw createConfigError('PODMAP_ERR_PODLET_NAME', JSON.stringify(name));
}
