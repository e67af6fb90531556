import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/**
 * User + system CPU time, in ms, that process `pid` has used so far, all its threads included
 * (the zlib thread pool too): utime + stime from /proc/<pid>/stat (Linux only), in clock ticks
 * (usually 10 ms), so measure over seconds of work.
 */
export function processCpuMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** Whether processCpuMs() can work here. */
export function canReadProcessCpu(): boolean {
  try {
    processCpuMs(process.pid);
    return true;
  } catch {
    return false;
  }
}
