import type { ShakenService } from '../../runtime/cdn/index.ts';
import type { RequestHandler } from './listen-tls.ts';
import type { ShakenStates } from './page-modules-markdown.ts';
import { settleShakenBuilds } from './packages-cdn.ts';
import { pagePaths } from './page-options.ts';

/**
 * The CDN's handler, keeping the last answer it gave to a layout's shaken-builds request
 * (`POST /-/shaken`, docs/shaken-builds.md): each package version's state, for the results.
 */
export function watchShakenAnswers(handler: RequestHandler): { handler: RequestHandler; last(): ShakenStates | null } {
  let last: ShakenStates | null = null;
  const watched: RequestHandler = (req, res) => {
    if (req.method === 'POST' && (req.url ?? '').split('?')[0] === '/-/shaken') {
      const chunks: Buffer[] = [];
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      const keep = (chunk: unknown) => {
        if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      };
      res.write = ((...args: unknown[]) => (keep(args[0]), write(...args))) as typeof res.write;
      res.end = ((...args: unknown[]) => {
        keep(args[0]);
        // The answer is plain JSON (never compressed, no-store); one that is not is left unrecorded.
        if (res.statusCode === 200 && !res.getHeader('content-encoding')) {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { builds: ShakenStates };
          last = Object.fromEntries(
            Object.entries(parsed.builds).map(([key, s]) => [key, { status: s.status, reason: s.reason, code: s.code }]),
          );
        }
        return end(...args);
      }) as typeof res.end;
    }
    handler(req, res);
  };
  return { handler: watched, last: () => last };
}

/**
 * Waits, before anything is measured, until the CDN has no shaken build left to make for these
 * layouts and each has composed its pages from the final answer (packages-cdn.ts,
 * settleShakenBuilds: a round per level of the package graph). Without it the first loads map the
 * full builds and the layouts move to the shaken ones a second after each is stored, in the
 * middle of the run. Returns the rounds it took and the CDN's last answer.
 */
export async function settlePageShaken(
  layouts: ReadonlyArray<{ refresh(): Promise<void>; url: string }>,
  shaken: ShakenService,
  answers: { last(): ShakenStates | null },
): Promise<{ rounds: number; states: ShakenStates }> {
  const rounds = await settleShakenBuilds(layouts, pagePaths, shaken);
  const states = answers.last();
  if (!states) throw new Error('bench: the layouts never asked the CDN for shaken builds');
  const pending = Object.entries(states).filter(([, s]) => s.status === 'pending');
  if (pending.length > 0)
    throw new Error(`bench: shaken builds still pending after ${rounds} rounds: ${pending.map(([k]) => k).join(', ')}`);
  return { rounds, states };
}
