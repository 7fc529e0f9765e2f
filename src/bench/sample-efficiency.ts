import { resolveBenchmark } from "../evaluate/registry.js";
import { resolveSpace } from "../space/builtin/index.js";
import { MemoryStorage } from "../storage/memory.js";
import { resolveStrategy } from "../strategy/registry.js";
import { Study } from "../study/study.js";
import type { Evaluator } from "../evaluate/evaluator.js";
import type { Space } from "../space/space.js";

export interface RunTask {
  benchmark: string;
  space: string;
  strategy: string;
  seed: number;
  budget: number;
  /** When known (tables), a run stops once it is found: best-so-far cannot rise further. */
  optimum: number | null;
}

export interface RunResult {
  strategy: string;
  seed: number;
  /** Best value after each query, 1..budget. */
  bestSoFar: number[];
  seconds: number;
}

const evaluators = new Map<string, Promise<Evaluator>>();

/** One search of `budget` queries; the curve of the best value found so far. */
export async function runOnce(task: RunTask): Promise<RunResult> {
  let evaluator = evaluators.get(task.benchmark);
  if (!evaluator) evaluators.set(task.benchmark, (evaluator = resolveBenchmark(task.benchmark)));
  const space: Space<unknown> = resolveSpace(task.space);
  const started = performance.now();
  const study = await Study.open({
    storage: new MemoryStorage(),
    name: `${task.strategy}-${task.seed}`,
    space,
    strategy: resolveStrategy(task.strategy),
    objectives: [{ metric: (await evaluator).metrics[0].name, direction: (await evaluator).metrics[0].direction }],
    seed: task.seed,
  });
  const bestSoFar: number[] = [];
  let best = -Infinity;
  const sign = (await evaluator).metrics[0].direction === "maximize" ? 1 : -1;
  while (bestSoFar.length < task.budget) {
    await study.optimize(await evaluator, { trials: 1 });
    const trial = (await study.trials()).at(-1);
    if (!trial) break;
    if (trial.state === "complete" && trial.values) best = Math.max(best, sign * trial.values[0]);
    bestSoFar.push(sign * best);
    if (task.optimum !== null && sign * best >= sign * task.optimum) break;
  }
  while (bestSoFar.length < task.budget) bestSoFar.push(bestSoFar.at(-1)!);
  return { strategy: task.strategy, seed: task.seed, bestSoFar, seconds: (performance.now() - started) / 1000 };
}

export interface StrategySummary {
  strategy: string;
  seeds: number;
  /** Median over seeds of the number of queries to first reach the optimum (null: not reached by the median seed). */
  medianQueriesToOptimum: number | null;
  /** Median best after these numbers of queries. */
  medianBestAt: Record<number, number>;
  /** Per query: the 25th, 50th and 75th percentile of best-so-far over seeds. */
  quartiles: [number, number, number][];
  secondsPerRun: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export function summarize(strategy: string, runs: readonly RunResult[], optimum: number | null, checkpoints: readonly number[], maximize: boolean): StrategySummary {
  const budget = runs[0].bestSoFar.length;
  const quartiles = Array.from({ length: budget }, (_, i) => {
    const values = runs.map((r) => r.bestSoFar[i]).sort((a, b) => a - b);
    return [quantile(values, 0.25), quantile(values, 0.5), quantile(values, 0.75)] as [number, number, number];
  });
  let medianQueriesToOptimum: number | null = null;
  if (optimum !== null) {
    const reached = runs
      .map((r) => r.bestSoFar.findIndex((v) => (maximize ? v >= optimum : v <= optimum)))
      .map((i) => (i < 0 ? Infinity : i + 1))
      .sort((a, b) => a - b);
    const median = quantile(reached, 0.5);
    medianQueriesToOptimum = Number.isFinite(median) ? median : null;
  }
  return {
    strategy,
    seeds: runs.length,
    medianQueriesToOptimum,
    medianBestAt: Object.fromEntries(checkpoints.filter((c) => c <= budget).map((c) => [c, quartiles[c - 1][1]])),
    quartiles,
    secondsPerRun: runs.reduce((a, r) => a + r.seconds, 0) / runs.length,
  };
}
