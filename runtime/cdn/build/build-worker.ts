// The entry module of a build process (runInBuildProcess): it runs one job at a time, each a
// function exported by one of the CDN's modules, and answers over the IPC channel. It is started
// by fork, never imported but for its types.
import { transform } from 'esbuild';

/** What the parent sends: call export `name` of the module at `url` with `args`. */
export interface BuildRequest {
  url: string;
  name: string;
  args: unknown[];
}

/**
 * What the worker answers: `started` once the job's module is loaded (its time budget starts
 * then), then `done` with the function's value or error, and whether esbuild's service still
 * runs (`healthy`): a job whose input stopped it has no trustworthy result, and the process is
 * not used again.
 */
export type BuildAnswer =
  | { type: 'started' }
  | ({ type: 'done'; healthy: boolean } & (
      { ok: true; value: unknown } | { ok: false; error: { code?: string; detail?: string; message: string } }
    ));

process.on('message', (request: BuildRequest) => {
  void runRequest(request).then((answer) => process.send!(answer));
});
// The parent is gone (it exited, or was killed): nothing will ask for this process's work.
process.on('disconnect', () => process.exit(0));

/** Runs one request: the answer to send, never a throw. */
async function runRequest(request: BuildRequest): Promise<BuildAnswer> {
  let done: BuildAnswer;
  try {
    const module = (await import(request.url)) as Record<string, (...args: unknown[]) => unknown>;
    process.send!({ type: 'started' } satisfies BuildAnswer);
    done = { type: 'done', healthy: true, ok: true, value: await module[request.name]!(...request.args) };
  } catch (error) {
    const { code, detail } = error as { code?: unknown; detail?: unknown };
    const message = error instanceof Error ? error.message : String(error);
    done = {
      type: 'done',
      healthy: true,
      ok: false,
      error: { code: typeof code === 'string' ? code : undefined, detail: typeof detail === 'string' ? detail : undefined, message },
    };
  }
  // esbuild answers no call once its service stopped ("The service is no longer running").
  done.healthy = await transform('').then(
    () => true,
    () => false,
  );
  return done;
}
