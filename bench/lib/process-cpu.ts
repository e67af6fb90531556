import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

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

/**
 * CPU time, in ms, of process `pid` and every process below it (esbuild's service, for one):
 * processCpuMs of each live one, plus what their children that already exited used (cutime and
 * cstime, counted once reaped). Linux only, through /proc/<pid>/task/<tid>/children.
 */
export function processTreeCpuMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime: fields 14 to 17.
  let ms = ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond;
  for (const child of listChildren(pid)) {
    try {
      ms += processTreeCpuMs(child);
    } catch {
      // It exited between the listing and the read; its time is in our cutime once reaped.
    }
  }
  return ms;
}

function listChildren(pid: number): number[] {
  const children: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let listed = '';
    try {
      listed = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    } catch {
      continue; // the thread ended
    }
    if (listed) children.push(...listed.split(' ').map(Number));
  }
  return children;
}
