import { createHash } from 'node:crypto';

/** The Subresource Integrity value podmap uses everywhere: `sha384-<base64>` of the bytes. */
export function integrityOf(bytes: Uint8Array | string): string {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}
