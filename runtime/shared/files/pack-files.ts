import { gzipSync } from 'node:zlib';
import { PodmapError } from '../errors.ts';
import { isSafeRelativePath } from './is-safe-relative-path.ts';

/** One file to pack: its "/"-separated path inside the release and its bytes. */
export interface PackedFile {
  path: string;
  bytes: Buffer;
}

const block = 512;
/** ustar's `name` and `prefix` fields, in bytes; a longer path needs pax headers, which packFiles does not write. */
const nameBytes = 100;
const prefixBytes = 155;
/** The largest size ustar's 11 octal digits can hold (8 GiB - 1). */
const maxSize = 0o77777777777;

/**
 * Packs `files` as a podlet release tarball (docs/cdn.md): a gzipped ustar archive in which every
 * file is a regular-file entry `package/<path>`, mode 0644, owner 0:0, mtime 0, in path order,
 * so the same files give the same bytes whatever order they come in. A path longer than ustar's
 * 100-byte name field is split into its 155-byte prefix field at a "/". Throws PodmapError
 * PODMAP_ERR_BAD_PATH for a path that isSafeRelativePath refuses, that comes twice, or that
 * cannot fit (over 255 bytes with `package/`, or no "/" to split it at), before packing anything.
 * No dependency: the CLI packs `public/` with it, and the CDN reads it with readReleaseTarball.
 */
export function packFiles(files: readonly PackedFile[]): Buffer {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const blocks: Buffer[] = [];
  sorted.forEach(({ path, bytes }, index) => {
    if (!isSafeRelativePath(path)) throw new PodmapError('PODMAP_ERR_BAD_PATH', `cannot pack ${JSON.stringify(path)}`);
    if (index > 0 && sorted[index - 1]!.path === path)
      throw new PodmapError('PODMAP_ERR_BAD_PATH', `${JSON.stringify(path)} is packed twice`);
    if (bytes.length > maxSize) throw new PodmapError('PODMAP_ERR_BAD_PATH', `${JSON.stringify(path)} is too large for a tar entry`);
    blocks.push(encodeHeader(`package/${path}`, bytes.length), bytes, Buffer.alloc((block - (bytes.length % block)) % block));
  });
  // The end of the archive: two zero blocks.
  blocks.push(Buffer.alloc(2 * block));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

/** The 512-byte ustar header of a regular file. */
function encodeHeader(path: string, size: number): Buffer {
  const { name, prefix } = splitPath(path);
  const header = Buffer.alloc(block);
  header.write(name, 0, nameBytes, 'utf8');
  writeOctal(header, 100, 8, 0o644); // mode
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, size);
  writeOctal(header, 136, 12, 0); // mtime: fixed, so the bytes depend on the files only
  header.write('0', 156, 1, 'ascii'); // typeflag: regular file
  header.write('ustar\u000000', 257, 8, 'ascii'); // magic and version
  header.write(prefix, 345, prefixBytes, 'utf8');
  // The checksum is computed with its own field as eight spaces, then written as six digits, NUL, space.
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return header;
}

/** The path as ustar's name (≤ 100 bytes) and prefix (≤ 155 bytes) fields, split at the first "/" that fits. */
function splitPath(path: string): { name: string; prefix: string } {
  if (Buffer.byteLength(path) <= nameBytes) return { name: path, prefix: '' };
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    const prefix = path.slice(0, slash);
    const name = path.slice(slash + 1);
    if (Buffer.byteLength(prefix) > prefixBytes) break;
    if (Buffer.byteLength(name) <= nameBytes) return { name, prefix };
  }
  throw new PodmapError('PODMAP_ERR_BAD_PATH', `${JSON.stringify(path)} does not fit a ustar header (100-byte name, 155-byte prefix)`);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'ascii');
}
