import { PodmapError } from '../../shared/errors.ts';
import { encodePath } from '../store/build-package-map.ts';
import { getAlias } from './handlers/alias-get.ts';
import type { CdnContext, CdnRequest, CdnResponse } from './handlers/cdn-context.ts';
import { getFile } from './handlers/file-get.ts';
import { getPackageInfo } from './handlers/package-info-get.ts';
import { getPackageMap } from './handlers/package-map-get.ts';
import { getVersionInfo } from './handlers/version-info-get.ts';
import { putVersion } from './handlers/version-put.ts';
import { postShaken } from './handlers/shaken-post.ts';
import { parseCdnPath } from './parse-cdn-path.ts';

/**
 * Maps a request to its handler: parses the path (parseCdnPath, which throws the 400 and 404
 * codes), checks the method (405 with the allowed ones in the error detail) and sends alias
 * versions to getAlias. The one place that knows the URL table of docs/cdn.md.
 */
export async function routeRequest(ctx: CdnContext, request: CdnRequest, target: string): Promise<CdnResponse> {
  const route = parseCdnPath(target);
  const reading = request.method === 'GET' || request.method === 'HEAD';
  if (route.resource === 'shaken') {
    if (request.method === 'POST') return postShaken(ctx, request);
    throw methodNotAllowed('POST');
  }
  if (route.resource === 'version-root') {
    if (request.method === 'PUT' && 'exact' in route.ref) return putVersion(ctx, request, route.kind, route.name, route.ref.exact);
    if (reading) throw new PodmapError('PODMAP_ERR_NOT_FOUND');
    throw methodNotAllowed('PUT');
  }
  if (!reading) throw methodNotAllowed('GET, HEAD');
  const { kind, name } = route;
  switch (route.resource) {
    case 'package-info':
      return getPackageInfo(ctx, request, kind, name);
    case 'file':
      if ('line' in route.ref) return getAlias(ctx, '', kind, name, route.ref.line, encodePath(route.file));
      return getFile(ctx, request, kind, name, route.ref.exact, route.file);
    case 'version-info':
      if ('line' in route.ref) return getAlias(ctx, '/-', kind, name, route.ref.line, '');
      return getVersionInfo(ctx, request, kind, name, route.ref.exact);
    case 'package-map':
      if ('line' in route.ref) return getAlias(ctx, '/-/map', kind, name, route.ref.line, '');
      return getPackageMap(ctx, request, kind, name, route.ref.exact);
  }
}

function methodNotAllowed(allowed: string): PodmapError {
  return new PodmapError('PODMAP_ERR_METHOD_NOT_ALLOWED', `allowed: ${allowed}`);
}
