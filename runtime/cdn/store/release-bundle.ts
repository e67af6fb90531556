/**
 * Packs a release's objects into one buffer, so that staging a release on object storage is one
 * PUT however many files it has: 4 bytes (big-endian) giving the length of a JSON header, the
 * header (`[key, byteLength]` pairs in order), then every object's bytes in that order.
 * unpackReleaseBundle reads it back.
 */
export function packReleaseBundle(objects: ReadonlyMap<string, Buffer>): Buffer {
  const header = Buffer.from(JSON.stringify([...objects].map(([key, bytes]) => [key, bytes.length])));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, ...objects.values()]);
}

/** The objects of a bundle packReleaseBundle made, by key. Throws a TypeError for a buffer that is not one. */
export function unpackReleaseBundle(bundle: Buffer): Map<string, Buffer> {
  const headerLength = bundle.length >= 4 ? bundle.readUInt32BE(0) : -1;
  if (headerLength < 0 || 4 + headerLength > bundle.length) throw new TypeError('not a release bundle');
  const entries = JSON.parse(bundle.subarray(4, 4 + headerLength).toString()) as Array<[string, number]>;
  const objects = new Map<string, Buffer>();
  let offset = 4 + headerLength;
  for (const [key, size] of entries) {
    if (offset + size > bundle.length) throw new TypeError('a release bundle cut short');
    objects.set(key, bundle.subarray(offset, offset + size));
    offset += size;
  }
  return objects;
}
