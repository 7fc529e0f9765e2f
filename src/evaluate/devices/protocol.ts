/**
 * One latency protocol for every device: warm-up runs (JIT compilation, caches, thread pools), then timed
 * runs of batch 1 until the median's relative standard error is below the target or the time cap is hit.
 * The standard error of the median is estimated robustly from the median absolute deviation,
 * SE ≈ 1.2533 * 1.4826 * MAD / sqrt(n) (the normal-theory SE of a median, with MAD for sigma), so a few
 * slow runs from a busy machine neither stop nor prolong the measurement much.
 */
export interface MeasureOptions {
  warmup: number;
  minRepeats: number;
  maxRepeats: number;
  /** Stop once SE(median) / median is below this. */
  relativeError: number;
  /** Stop after this much measuring time (ms), converged or not. */
  timeCapMs: number;
}

export const DEFAULT_MEASURE: MeasureOptions = { warmup: 5, minRepeats: 10, maxRepeats: 2000, relativeError: 0.02, timeCapMs: 3000 };

/** One clock's summary of a measurement's runs (ms); p10 is the least-disturbed runs' time on a busy machine. */
export interface ClockSummary {
  medianMs: number;
  p90Ms: number;
  p10Ms: number;
}

export interface LatencyMeasurement {
  medianMs: number;
  p90Ms: number;
  p10Ms: number;
  repeats: number;
  /** SE(median) / median at the end. */
  relativeError: number;
  /** Whether the relative-error target was met before the time cap. */
  converged: boolean;
  /** Median and p90 of the same runs on every clock timed beside the primary one (ms), by clock name. */
  clocks?: Record<string, ClockSummary>;
}

/**
 * Clocks in ms. `wall`: elapsed time, what a user waits. `process-cpu`: the CPU time of this process (all its
 * threads, user + system, from getrusage), which a busy shared machine inflates far less than wall time (time
 * spent waiting for a core is not counted); for a single-threaded device measured by a process that does nothing
 * else it stands in for the latency on an idle machine (docs/latency.md checks the two agree on a quiet machine).
 */
export const CLOCKS = {
  wall: () => performance.now(),
  "process-cpu": () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
} as const;
export type ClockName = keyof typeof CLOCKS;

export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export function medianRelativeError(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const deviations = sorted.map((t) => Math.abs(t - median)).sort((a, b) => a - b);
  return (1.2533 * 1.4826 * quantile(deviations, 0.5)) / Math.sqrt(times.length) / median;
}

/**
 * Times `run` (one inference of batch 1, resolved when its result is available) under the protocol; `clock` in
 * ms. When `run` resolves to a number, that is the run's time as the device measured it.
 */
export async function measureLatency(
  run: () => Promise<number | void>,
  options: MeasureOptions = DEFAULT_MEASURE,
  clock: () => number = () => performance.now(),
  beside: Record<string, () => number> = {},
): Promise<LatencyMeasurement> {
  for (let i = 0; i < options.warmup; i++) await run();
  const times: number[] = [];
  const besideTimes = Object.fromEntries(Object.keys(beside).map((name) => [name, [] as number[]]));
  const started = clock();
  let relativeError = Infinity;
  while (times.length < options.maxRepeats) {
    const besideStart = Object.entries(beside).map(([name, c]) => [name, c()] as const);
    const t0 = clock();
    const reported = await run();
    const t1 = clock();
    for (const [name, start] of besideStart) besideTimes[name].push(beside[name]() - start);
    // A device that times itself (a browser, timing inside the page) reports ms; the clock would add the round trip.
    times.push(typeof reported === "number" ? reported : t1 - t0);
    if (times.length >= options.minRepeats) {
      relativeError = medianRelativeError(times);
      if (relativeError < options.relativeError || clock() - started > options.timeCapMs) break;
    }
  }
  const summary = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { medianMs: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), p10Ms: quantile(sorted, 0.1) };
  };
  const clocks = Object.keys(beside).length ? Object.fromEntries(Object.entries(besideTimes).map(([name, values]) => [name, summary(values)])) : undefined;
  return { ...summary(times), repeats: times.length, relativeError, converged: relativeError < options.relativeError, ...(clocks ? { clocks } : {}) };
}
