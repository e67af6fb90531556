import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, test } from 'node:test';
import {
  BUILD_PROCESS_HEAP_MB,
  MAX_BUILD_PROCESSES,
  runInBuildProcess,
  type BuildJob,
} from '../../../runtime/cdn/build/run-in-build-process.ts';
import { PodmapError } from '../../../runtime/shared/errors.ts';

const job = (name: string, args: unknown[] = [], timeoutMs = 10_000): BuildJob => ({
  from: import.meta.url,
  module: './build-process-jobs',
  name,
  args,
  timeoutMs,
});

/** True once `pid` runs nothing: no such process, or a zombie waiting for a parent to collect it. */
async function gone(pid: number): Promise<boolean> {
  // A killed process's children die with it but are collected by init a moment later: a bounded wait on /proc.
  for (let turn = 0; turn < 20_000; turn++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
    if (stat === null || /^\d+ \(.*\) [ZX]/.test(stat)) return true;
    await nextTurn();
  }
  return false;
}

/** The pid a build-process error names. */
const pidIn = (error: unknown) => Number(/process (\d+)/.exec((error as PodmapError).detail ?? '')?.[1]);

describe('runInBuildProcess()', () => {
  test('a job - answers with what the function returned, Buffers and Maps intact, from another process that the next job reuses', async () => {
    const value = { bytes: Buffer.from('abc'), files: new Map([['a.js', Buffer.from('x')]]) };
    const first = await runInBuildProcess<{ value: typeof value; pid: number; execArgv: string[] }>(job('echo', [value]));
    assert.notEqual(first.pid, process.pid);
    assert.ok(first.execArgv.includes(`--max-old-space-size=${BUILD_PROCESS_HEAP_MB}`), first.execArgv.join(' '));
    assert.ok(!first.execArgv.some((flag) => flag.startsWith('--test')), "the test runner's flags stay with the test runner");
    assert.ok(Buffer.isBuffer(first.value.bytes) && first.value.bytes.equals(value.bytes));
    assert.ok(first.value.files.get('a.js')!.equals(Buffer.from('x')));
    const second = await runInBuildProcess<{ pid: number }>(job('echo', [1]));
    assert.equal(second.pid, first.pid, 'a healthy process is kept for the next job');
  });

  test('a job that throws a coded error - rejects with that code and detail', async () => {
    await assert.rejects(runInBuildProcess(job('failCoded')), (error: unknown) => {
      assert.ok(error instanceof PodmapError);
      assert.equal(error.code, 'PODMAP_ERR_CDN_BUILD_FAILED');
      assert.equal(error.detail, 'the fixture failed');
      return true;
    });
  });

  test('a job past its budget - PODMAP_ERR_CDN_BUILD_TIMEOUT within the budget and a margin, the process and its esbuild killed; the next job runs', async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'podmap-build-process-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'pids.json');
    const started = performance.now();
    const error = await runInBuildProcess(job('hangWithEsbuild', [file], 1_000)).catch((e: unknown) => e);
    const took = performance.now() - started;
    assert.ok(error instanceof PodmapError && error.code === 'PODMAP_ERR_CDN_BUILD_TIMEOUT', String(error));
    assert.ok(took < 1_000 + 5_000, `answered after ${took} ms`);
    // The scenario happened: the job ran, with esbuild's service as a child, when it was killed.
    const pids = JSON.parse(await readFile(file, 'utf8')) as { pid: number; children: number[] };
    assert.equal(pidIn(error), pids.pid);
    assert.ok(pids.children.length > 0, 'esbuild ran under the build process');
    for (const pid of [pids.pid, ...pids.children]) assert.ok(await gone(pid), `process ${pid} is gone`);
    assert.equal((await runInBuildProcess<{ value: number }>(job('echo', [2]))).value, 2);
  });

  test('a process that dies without an answer (as an out-of-memory kill) - PODMAP_ERR_CDN_BUILD_CRASHED; the next job runs in a new process', async () => {
    const error = await runInBuildProcess(job('die')).catch((e: unknown) => e);
    assert.ok(error instanceof PodmapError && error.code === 'PODMAP_ERR_CDN_BUILD_CRASHED', String(error));
    assert.match(error.detail!, /SIGKILL/);
    const next = await runInBuildProcess<{ pid: number }>(job('echo', [3]));
    assert.notEqual(next.pid, pidIn(error));
  });

  test("a job whose input stops esbuild's service (262,144 `!`) - PODMAP_ERR_CDN_BUILD_CRASHED though it answered; the process is not used again", async () => {
    const error = await runInBuildProcess(job('stopEsbuild')).catch((e: unknown) => e);
    assert.ok(error instanceof PodmapError && error.code === 'PODMAP_ERR_CDN_BUILD_CRASHED', String(error));
    assert.match(error.detail!, /esbuild's service in process \d+ stopped/);
    assert.ok(await gone(pidIn(error)));
    const next = await runInBuildProcess<{ pid: number }>(job('echo', [4]));
    assert.notEqual(next.pid, pidIn(error));
  });

  test(`more jobs than MAX_BUILD_PROCESSES (${MAX_BUILD_PROCESSES}) - the others wait for a process to be free`, async () => {
    const freed: number[] = [];
    const hanging = Array.from({ length: MAX_BUILD_PROCESSES }, () =>
      runInBuildProcess(job('hang', [], 500)).catch((error: PodmapError) => {
        assert.equal(error.code, 'PODMAP_ERR_CDN_BUILD_TIMEOUT');
        freed.push(Date.now());
      }),
    );
    const queued = await runInBuildProcess<{ at: number }>(job('echo', ['queued']));
    await Promise.all(hanging);
    assert.ok(
      freed.length === MAX_BUILD_PROCESSES && queued.at >= Math.min(...freed),
      `started at ${queued.at}, the first process freed at ${freed}`,
    );
  });
});
