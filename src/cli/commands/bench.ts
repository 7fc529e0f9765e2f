import type { Command } from "commander";
import cliProgress from "cli-progress";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareStrategies, markdownTable, writeReport, type RecordedComparison } from "../../bench/compare.js";
import { optunaAskSeconds, optunaVersion } from "../../bench/optuna.js";
import { askSeconds } from "../../bench/overhead.js";
import { NascentError } from "../../core/errors.js";
import { positiveInt } from "../arguments.js";
import { printJsonLine } from "../output.js";

/** The space a benchmark's configs live in. */
function spaceOf(benchmark: string): string {
  return benchmark.startsWith("nb301") ? "nb301" : "nb201";
}

const list = (text: string) => text.split(",").map((s) => s.trim()).filter(Boolean);

export function registerBench(program: Command): void {
  const bench = program.command("bench").description("measure strategies: sample efficiency and overhead");

  bench
    .command("strategies")
    .description("run strategies over many seeds; write results.json, summary.md and best-so-far plots (SVG, PNG)")
    .requiredOption("--benchmark <name>", "nb201:cifar10, nb201:cifar100, nb301, ...")
    .option("--strategies <list>", "comma-separated strategies", "random,evolution,local,tpe,gp,bananas,reinforce,ppo")
    .option("--budget <n>", "queries per run", positiveInt, 300)
    .option("--seeds <n>", "seeds per strategy (1..n)", positiveInt, 15)
    .option("--workers <n>", "worker threads (default: one per core)", positiveInt)
    .option("--optuna <list>", "Optuna samplers to add as references on NB201 (tpe, nsga2; needs python3-optuna), or none", "tpe,nsga2")
    .requiredOption("--out <dir>", "output folder")
    .action(async (options: { benchmark: string; strategies: string; budget: number; seeds: number; workers?: number; optuna: string; out: string }) => {
      const bar = new cliProgress.SingleBar({ format: "{bar} {value}/{total} runs | {duration_formatted}", stream: process.stderr }, cliProgress.Presets.shades_classic);
      let started = false;
      const comparison = await compareStrategies({
        benchmark: options.benchmark,
        space: spaceOf(options.benchmark),
        strategies: list(options.strategies),
        budget: options.budget,
        seeds: options.seeds,
        workers: options.workers,
        optuna: options.optuna === "none" ? [] : list(options.optuna),
        out: options.out,
        onProgress: (done, total) => {
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
        },
      });
      bar.stop();
      process.stdout.write(markdownTable(comparison, [20, 50, 100, 300]));
      console.log(`wrote ${options.out}/results.json, summary.md, best-so-far.svg and best-so-far.png`);
      printJsonLine({ ...comparison, summaries: comparison.summaries.map(({ quartiles: _quartiles, ...rest }) => rest) });
    });

  bench
    .command("report")
    .description("remake summary.md and the plots from a results.json written by bench strategies")
    .requiredOption("--out <dir>", "the folder holding results.json")
    .action((options: { out: string }) => {
      let recorded: RecordedComparison;
      try {
        recorded = JSON.parse(readFileSync(join(options.out, "results.json"), "utf8")) as RecordedComparison;
      } catch (error) {
        throw new NascentError(`cannot read ${join(options.out, "results.json")}: ${(error as Error).message}`);
      }
      process.stdout.write(markdownTable(writeReport(recorded, options.out), [20, 50, 100, 300]));
    });

  bench
    .command("overhead")
    .description("seconds per ask() at 100 and 1000 complete trials, nascent against Optuna in the same run")
    .option("--dataset <name>", "NB201 dataset", "cifar10")
    .option("--strategies <list>", "nascent strategies", "tpe,gp,nsga2")
    .option("--asks <n>", "asks timed per point (after 200 untimed ones on a separate study)", positiveInt, 30)
    .action(async (options: { dataset: string; strategies: string; asks: number }) => {
      const version = await optunaVersion();
      if (!version) process.stderr.write("Optuna not found for /usr/bin/python3 (apt-get install python3-optuna): nascent only\n");
      const rows: { sampler: string; completed: number; medianAskMs: number }[] = [];
      for (const completed of [100, 1000]) {
        for (const strategy of list(options.strategies)) rows.push({ sampler: strategy, completed, medianAskMs: 1000 * (await askSeconds(strategy, options.dataset, completed, options.asks)) });
        if (version) {
          for (const sampler of ["tpe", "nsga2"]) rows.push({ sampler: `optuna-${sampler}`, completed, medianAskMs: 1000 * (await optunaAskSeconds(options.dataset, sampler, completed, options.asks)) });
        }
      }
      const ratio = (ours: string, theirs: string, completed: number) => {
        const a = rows.find((r) => r.sampler === ours && r.completed === completed);
        const b = rows.find((r) => r.sampler === theirs && r.completed === completed);
        return a && b ? a.medianAskMs / b.medianAskMs : null;
      };
      console.log("sampler          trials   ms per ask");
      for (const r of rows) console.log(`${r.sampler.padEnd(16)} ${String(r.completed).padStart(6)}   ${r.medianAskMs.toFixed(3).padStart(10)}`);
      if (rows.length === 0) throw new NascentError("no strategies measured");
      printJsonLine({ optunaVersion: version, rows, tpeRatioToOptunaAt1000: ratio("tpe", "optuna-tpe", 1000), nsga2RatioToOptunaAt1000: ratio("nsga2", "optuna-nsga2", 1000) });
    });
}
