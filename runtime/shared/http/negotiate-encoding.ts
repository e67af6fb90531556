/** A stored representation of a file: the original bytes or a precompressed copy. */
export type StoredEncoding = 'br' | 'gzip' | 'identity';

/**
 * Picks the representation to send for an `Accept-Encoding` header, preferring brotli, then
 * gzip, and honouring `q=0` (RFC 9110 §12.5.3). Only called for files that have precompressed
 * copies; the server never compresses per request.
 */
export function negotiateEncoding(acceptEncoding: string | undefined): StoredEncoding {
  if (!acceptEncoding) return 'identity';
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split('=');
      if (key === 'q') q = Number.parseFloat(value ?? '') || 0;
    }
    weights.set(token, q);
  }
  const weight = (coding: string) => weights.get(coding) ?? weights.get('*') ?? 0;
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return 'identity';
}
