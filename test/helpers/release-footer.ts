import type { IncomingMessage, ServerResponse } from 'node:http';
import { releasePodlet } from './release-podlet.ts';

/**
 * A new release of the demo's footer podlet: releasePodlet with name 'footer' (its module sets
 * `document.documentElement.dataset.footerRelease` to `marker`, default the version). Returns the
 * new podlet's handler, to put in place of the old one. The caller removes `workDir`.
 */
export function releaseFooter(options: {
  workDir: string;
  storeDir: string;
  cdnUrl: string;
  version: string;
  marker?: string;
}): Promise<(req: IncomingMessage, res: ServerResponse) => void> {
  return releasePodlet({ ...options, name: 'footer' });
}
