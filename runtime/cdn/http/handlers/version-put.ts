import { createHash, timingSafeEqual } from 'node:crypto';
import { PodmapError } from '../../../shared/errors.ts';
import { publishPackageContents } from '../../publish/publish-package-contents.ts';
import { readTarball } from '../../publish/read-tarball.ts';
import type { PackageKind } from '../../../shared/cdn-protocol/types.ts';
import { sharedHeaders, type CdnContext, type CdnRequest, type CdnResponse } from './cdn-context.ts';

/**
 * `PUT /npm/<name>@<exact>` with an npm tarball as the body: publishes that version and answers
 * 201 with its metadata URL. Needs `Authorization: Bearer <token>` (401 otherwise; 403 when the
 * server has no token, so an unconfigured CDN is read-only). The tarball must name the same
 * package and version as the URL. 409 when the version exists; the store is then unchanged. 413
 * when the upload or what it unpacks to is over the limits (readTarball).
 */
export async function putVersion(
  ctx: CdnContext,
  request: CdnRequest,
  kind: PackageKind,
  name: string,
  version: string,
): Promise<CdnResponse> {
  if (!ctx.publishToken) throw new PodmapError('PODMAP_ERR_CDN_PUBLISH_DISABLED');
  if (!hasToken(request.headers.authorization, ctx.publishToken)) throw new PodmapError('PODMAP_ERR_CDN_UNAUTHORIZED');
  if (kind !== 'npm') throw new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED', 'podlet releases are published with publishPodletRelease');
  // Unpacked as it arrives, under readTarball's streaming limits: neither the upload nor what it
  // inflates to is ever held whole, and a gzip bomb is refused with 413
  // (PODMAP_ERR_CDN_TARBALL_TOO_LARGE) within milliseconds, before anything is stored.
  const contents = await readTarball(request.body());
  const { manifest } = contents;
  if (manifest.name !== name || manifest.version !== version) {
    throw new PodmapError('PODMAP_ERR_CDN_PUBLISH_MISMATCH', `the tarball holds ${manifest.name}@${manifest.version}`);
  }
  await publishPackageContents(ctx.storeDir, contents);
  const location = `/-/npm/${name}@${version}`;
  return {
    status: 201,
    headers: { ...sharedHeaders, location, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify({ name, version, metadata: location }),
  };
}

/** Compares in constant time (over digests, so lengths leak nothing either). */
function hasToken(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}
