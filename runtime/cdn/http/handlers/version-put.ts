import { PodmapError } from '../../../shared/errors.ts';
import { publishPackageContents } from '../../publish/publish-package-contents.ts';
import { publishPodletFiles } from '../../publish/publish-podlet-files.ts';
import { readReleaseTarball, readTarball } from '../../publish/read-tarball.ts';
import type { PackageKind } from '../../../shared/cdn-protocol/types.ts';
import { authorizePublish } from './authorize-publish.ts';
import { sharedHeaders, type CdnContext, type CdnRequest, type CdnResponse } from './cdn-context.ts';

/**
 * `PUT /<kind>/<name>@<exact>`: publishes that version from the tarball in the body and answers
 * 201 `{ name, version, metadata, url, warnings }` with the metadata URL in Location (`warnings`:
 * what the publisher should know of a stored release, a file kept unminified; [] for npm). For `npm`, an npm
 * tarball whose package.json names the same package and version as the URL
 * (PODMAP_ERR_CDN_PUBLISH_MISMATCH otherwise); for `podlet`, a release tarball (readReleaseTarball,
 * docs/cdn.md). Needs `Authorization: Bearer <token>` with a token whose scope covers the
 * package, checked before the body is read (authorizePublish: 401, 403). 409 when the version
 * exists; the store is then unchanged. 413 when the upload or what it unpacks to is over the
 * limits (readTarball).
 */
export async function putVersion(
  ctx: CdnContext,
  request: CdnRequest,
  kind: PackageKind,
  name: string,
  version: string,
): Promise<CdnResponse> {
  authorizePublish(ctx.tokens, request.headers.authorization, kind, name);
  // Unpacked as it arrives, under readTarball's streaming limits: neither the upload nor what it
  // inflates to is ever held whole, and a gzip bomb is refused with 413
  // (PODMAP_ERR_CDN_TARBALL_TOO_LARGE) within milliseconds, before anything is stored.
  let warnings: Array<{ code: string; message: string }> = [];
  if (kind === 'podlet') {
    ({ warnings } = await publishPodletFiles(ctx.store, name, version, await readReleaseTarball(request.body())));
  } else {
    const contents = await readTarball(request.body());
    const { manifest } = contents;
    if (manifest.name !== name || manifest.version !== version) {
      throw new PodmapError('PODMAP_ERR_CDN_PUBLISH_MISMATCH', `the tarball holds ${manifest.name}@${manifest.version}`);
    }
    await publishPackageContents(ctx.store, contents);
  }
  // This server's own readers see the new version at once; other servers within their cache's second.
  ctx.reader.forget();
  const location = `/-/${kind}/${name}@${version}`;
  return {
    status: 201,
    headers: { ...sharedHeaders, location, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify({ name, version, metadata: location, url: `/${kind}/${name}@${version}/`, warnings }),
  };
}
