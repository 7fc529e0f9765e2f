import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { resolveBenchmark } from "../evaluate/registry.js";
import { resolveSpace } from "../space/builtin/index.js";
import { Rng } from "../core/rng.js";
import { optunaSampleEfficiency, optunaVersion } from "./optuna.js";
import { bestSoFarSvg, svgToPng } from "./plot.js";
import { runInWorkers } from "./pool.js";
import { summarize, type RunResult, type RunTask, type StrategySummary } from "./sample-efficiency.js";

export interface CompareOptions {
  benchmark: string;
  space: string;
  strategies: string[];
  budget: number;
  seeds: number;
  out: string;
  workers?: number;
  /** Optuna samplers to run as references (NB201 benchmarks only): "tpe", "nsga2". */
  optuna?: string[];
  checkpoints?: number[];
  onProgress?: (done: number, total: number) => void;
}

export interface Comparison {
  benchmark: string;
  budget: number;
  seeds: number;
  optimum: number | null;
  optunaVersion: string | null;
  summaries: StrategySummary[];
}

/** The best value in the benchmark, when its space is small enough to enumerate (NB201: 15,625). */
async function knownOptimum(benchmark: string, space: string): Promise<number | null> {
  const evaluator = await resolveBenchmark(benchmark);
  const configs = resolveSpace(space);
  if (configs.size() > 100_000) return null;
  const metric = evaluator.metrics[0];
  const values: number[] = [];
  for (const config of configs.grid()) {
    const metrics = await evaluator.evaluate(config, { trialNumber: 0, rng: Rng.derive("optimum"), report: async () => undefined, shouldPrune: () => false, signal: new AbortController().signal });
    values.push(metrics[metric.name]);
  }
  await evaluator.close?.();
  return metric.direction === "maximize" ? Math.max(...values) : Math.min(...values);
}

/**
 * Runs every strategy for `seeds` seeds (1..seeds) of `budget` queries on worker threads, adds Optuna's
 * samplers as references when asked and installed, and writes results.json, summary.md and the median
 * best-so-far plot (SVG and PNG) to `out`.
 */
export async function compareStrategies(options: CompareOptions): Promise<Comparison> {
  const checkpoints = options.checkpoints ?? [20, 50, 100, 300];
  const optimum = await knownOptimum(options.benchmark, options.space);
  const evaluator = await resolveBenchmark(options.benchmark);
  const maximize = evaluator.metrics[0].direction === "maximize";
  await evaluator.close?.();
  const tasks: RunTask[] = options.strategies.flatMap((strategy) =>
    Array.from({ length: options.seeds }, (_, i) => ({ benchmark: options.benchmark, space: options.space, strategy, seed: i + 1, budget: options.budget, optimum })),
  );
  const optunaRuns: RunResult[] = [];
  const version = options.optuna?.length ? await optunaVersion() : null;
  const dataset = /^nb201:(cifar10|cifar100)$/.exec(options.benchmark)?.[1];
  const total = tasks.length + (version && dataset ? (options.optuna?.length ?? 0) * options.seeds : 0);
  let done = 0;
  const results = await runInWorkers(tasks, options.workers ?? availableParallelism(), () => options.onProgress?.(++done, total));
  if (version && dataset) {
    for (const sampler of options.optuna ?? []) {
      optunaRuns.push(...(await optunaSampleEfficiency(dataset, sampler, options.budget, options.seeds)));
      done += options.seeds;
      options.onProgress?.(done, total);
    }
  }
  const runs = [...results, ...optunaRuns];
  mkdirSync(options.out, { recursive: true });
  const recorded: RecordedComparison = { benchmark: options.benchmark, budget: options.budget, seeds: options.seeds, optimum, optunaVersion: version, maximize, metric: evaluator.metrics[0].name, runs };
  writeFileSync(join(options.out, "results.json"), `${JSON.stringify(recorded)}\n`);
  return writeReport(recorded, options.out, checkpoints);
}

/** What results.json holds: every run's curve, from which the summary and plots are made. */
export interface RecordedComparison extends Omit<Comparison, "summaries"> {
  maximize: boolean;
  metric: string;
  runs: RunResult[];
}

/** Writes summary.md and the best-so-far plots (SVG, PNG) for recorded runs; returns the summaries. */
export function writeReport(recorded: RecordedComparison, out: string, checkpoints: readonly number[] = [20, 50, 100, 300]): Comparison {
  const names = [...new Set(recorded.runs.map((r) => r.strategy))];
  const summaries = names.map((name) => summarize(name, recorded.runs.filter((r) => r.strategy === name), recorded.optimum, checkpoints, recorded.maximize));
  const { runs: _runs, maximize: _maximize, metric, ...rest } = recorded;
  const comparison: Comparison = { ...rest, summaries };
  const svg = bestSoFarSvg(`${recorded.benchmark}: median best so far, interquartile band, ${recorded.seeds} seeds`, metric, summaries);
  writeFileSync(join(out, "best-so-far.svg"), svg);
  writeFileSync(join(out, "best-so-far.png"), svgToPng(svg));
  writeFileSync(join(out, "summary.md"), markdownTable(comparison, checkpoints));
  return comparison;
}

export function markdownTable(comparison: Comparison, checkpoints: readonly number[]): string {
  const shown = checkpoints.filter((c) => c <= comparison.budget);
  const header = ["strategy", ...(comparison.optimum !== null ? ["median queries to optimum"] : []), ...shown.map((c) => `best @${c}`), "s/run"];
  const rows = comparison.summaries.map((s) => [
    s.strategy,
    ...(comparison.optimum !== null ? [s.medianQueriesToOptimum === null ? `>${comparison.budget}` : String(s.medianQueriesToOptimum)] : []),
    ...shown.map((c) => s.medianBestAt[c].toFixed(comparison.optimum !== null && comparison.optimum > 1 ? 3 : 4)),
    s.secondsPerRun.toFixed(2),
  ]);
  const note = `${comparison.benchmark}, ${comparison.seeds} seeds, budget ${comparison.budget}${comparison.optimum !== null ? `, optimum ${comparison.optimum}` : ""}${comparison.optunaVersion ? `, Optuna ${comparison.optunaVersion}` : ""}`;
  return [`${note}\n`, `| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`), ""].join("\n");
}
