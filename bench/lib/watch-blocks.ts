/** The longest stretch between two ticks of a 1 ms timer: by the wall clock, and how much of it was this process's CPU time. */
export interface Block {
  wallMs: number;
  cpuBoundMs: number;
}

/**
 * Watches the event loop until stop(): a 1 ms interval timer notes the time between its ticks by
 * the wall clock and by the process's CPU time (process.cpuUsage). On a shared machine the wall
 * clock also counts time the OS gave to other processes; the CPU time counts only work done here
 * (the main thread, and V8's helper threads during GC), so min(wall, CPU) of a stretch is the
 * block this process caused. A stretch includes the timer's own 1 ms.
 */
export async function watchBlocks(): Promise<{ stop(): Promise<Block> }> {
  const longest: Block = { wallMs: 0, cpuBoundMs: 0 };
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const wallMs = now - last;
    const cpuMs = (cpu.user + cpu.system - lastCpu.user - lastCpu.system) / 1000;
    longest.wallMs = Math.max(longest.wallMs, wallMs);
    longest.cpuBoundMs = Math.max(longest.cpuBoundMs, Math.min(wallMs, cpuMs));
    [last, lastCpu] = [now, cpu];
  }, 1);
  // A few ticks first, so that a block right at the start is measured from a tick.
  await new Promise((resolve) => setTimeout(resolve, 10));
  Object.assign(longest, { wallMs: 0, cpuBoundMs: 0 });
  return {
    async stop() {
      // A block is seen at the tick after it: let that tick come.
      await new Promise((resolve) => setTimeout(resolve, 5));
      clearInterval(timer);
      return longest;
    },
  };
}
