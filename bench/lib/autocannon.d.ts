// autocannon ships no types; the part bench/layout.ts uses.
declare module 'autocannon' {
  interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
  }
  interface Result {
    requests: Histogram & { total: number };
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }
  function autocannon(options: {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    pipelining?: number;
    headers?: Record<string, string>;
    /** ms between the samples of req/s; a run with `amount` also ends on one of these ticks. */
    sampleInt?: number;
  }): Promise<Result> & { on(event: 'response', listener: () => void): void; stop(): void };
  export default autocannon;
}
