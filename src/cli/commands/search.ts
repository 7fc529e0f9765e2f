import type { Command } from "commander";
import { resolveSpace } from "../../space/builtin/index.js";
import { DEFAULT_STORAGE, openStorage } from "../../storage/open.js";
import { STRATEGY_NAMES, resolveStrategy } from "../../strategy/registry.js";
import { parseConstraint, parseObjective } from "../../study/objectives.js";
import { DEFAULT_MAX_CONSECUTIVE_FAILURES, Study } from "../../study/study.js";
import { DEFAULT_PRUNER, PRUNER_NAMES, resolvePruner } from "../../study/pruner-registry.js";
import { NascentError } from "../../util/errors.js";
import { collect, integer, numericOptions, positiveInt, positiveNumber } from "../arguments.js";
import { bestJson, printJsonLine } from "../output.js";
import { SearchProgress, TrainingProgress } from "../progress.js";
import { warmStarted } from "../../strategy/transfer.js";
import { loadPriorTrials } from "../../study/warm-start.js";
import { addEvaluatorOptions, type EvaluatorOptions, resolveEvaluator } from "../evaluator-options.js";

interface SearchOptions extends EvaluatorOptions {
  space: string;
  maxFailures: number;
  strategy: string;
  trials: number;
  seed: number;
  storage: string;
  study?: string;
  resume?: boolean;
  concurrency: number;
  timeout?: number;
  objective: string[];
  constraint: string[];
  option: string[];
  pruner?: string;
  json?: boolean;
  warmStart: string[];
}

export function registerSearch(program: Command): void {
  addEvaluatorOptions(
    program
      .command("search")
      .description("search a space on a benchmark and store every trial")
      .requiredOption("--space <name|file.json>", "built-in space (nb201, nb301, mobilenet, vit) or a space JSON file"),
  )
    .option("--max-failures <n>", "stop with an error after this many trials in a row failed", positiveInt, DEFAULT_MAX_CONSECUTIVE_FAILURES)
    .option("--strategy <name>", `${STRATEGY_NAMES.join(", ")}`, "random")
    .option("--trials <n>", "trials the study should hold when done (failed ones are retried)", positiveInt, 100)
    .option("--seed <n>", "seed: the same seed gives the same trials", integer, 0)
    .option("--storage <url>", "sqlite:PATH or memory:", DEFAULT_STORAGE)
    .option("--study <name>", "study name (default: a new name from the strategy, space and seed)")
    .option("--resume", "continue the study if it exists")
    .option("--concurrency <n>", "trials evaluated at once", positiveInt, 1)
    .option("--timeout <seconds>", "start no trial after this many seconds", positiveNumber)
    .option("--objective <metric[:max|min]>", "objective (repeat for several; default: the benchmark's first metric)", collect, [])
    .option("--constraint <metric<=x|metric>=x>", "hard constraint (repeatable)", collect, [])
    .option("--option <key=value>", "strategy option, e.g. population=50 (repeatable)", collect, [])
    .option("--pruner <name>", `stop unpromising trials early: ${PRUNER_NAMES.join(", ")} (default: asha for asha and bohb-gp, hyperband for hyperband and bohb, else none)`)
    .option("--json", "print one JSON summary as the last line of stdout")
    .option("--warm-start <storage:study>", "start from the best trials of an earlier study on another task (repeatable; --option warmSeeds=N, default 5)", collect, [])
    .action(async (options: SearchOptions) => {
      if (options.resume && !options.study) throw new NascentError("--resume needs --study NAME (the study to continue)");
      const space = resolveSpace(options.space);
      const strategyOptions = numericOptions(options.option);
      const prior = (await Promise.all(options.warmStart.map((reference) => loadPriorTrials(reference, space)))).flat();
      const baseStrategy = resolveStrategy(options.strategy, strategyOptions);
      const strategy = prior.length ? warmStarted(baseStrategy, prior, { seeds: strategyOptions.warmSeeds }) : baseStrategy;
      const trainingProgress = new TrainingProgress();
      const evaluator = await resolveEvaluator(options, trainingProgress);
      const defaultDirection = (metric: string) => evaluator.metrics.find((m) => m.name === metric)?.direction ?? "maximize";
      const objectives = options.objective.length
        ? options.objective.map((o) => parseObjective(o, defaultDirection))
        : [{ metric: evaluator.metrics[0].name, direction: evaluator.metrics[0].direction }];
      evaluator.checkSpace(space);
      const pruner = resolvePruner(options.pruner ?? DEFAULT_PRUNER[options.strategy] ?? "none", evaluator);
      const storage = openStorage(options.storage);
      const controller = new AbortController();
      const interrupt = () => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write("\nnascent: interrupted; finishing the study record (Ctrl-C again to quit at once)\n");
        controller.abort();
      };
      process.on("SIGINT", interrupt).on("SIGTERM", interrupt);
      const started = Date.now();
      try {
        const study = await Study.open({
          storage,
          name: options.study ?? defaultStudyName(options),
          space,
          strategy,
          strategyOptions,
          objectives,
          constraints: options.constraint.map(parseConstraint),
          seed: options.seed,
          evaluator: evaluator.name,
          pruner,
          resume: options.resume,
        });
        const already = (await study.trials()).filter((t) => t.state === "complete" || t.state === "pruned").length;
        const progress = new SearchProgress(options.trials, Math.min(already, options.trials), objectives[0].direction);
        try {
          await study.optimize(evaluator, {
            totalTrials: options.trials,
            concurrency: options.concurrency,
            timeout: options.timeout,
            signal: controller.signal,
            onTrialFinished: (trial) => progress.update(trial),
            maxConsecutiveFailures: options.maxFailures,
          });
        } finally {
          progress.stop();
          trainingProgress.stop();
          await evaluator.close?.();
        }
        const trials = await study.trials();
        const complete = trials.filter((t) => t.state === "complete").length;
        const best = await bestJson(study);
        if (options.json) {
          printJsonLine({ study: study.name, trials: complete, best });
        } else {
          const counts = ["complete", "pruned", "failed"].map((s) => `${trials.filter((t) => t.state === s).length} ${s}`).join(", ");
          console.log(`study   ${study.name} in ${storage.url}`);
          console.log(`trials  ${counts} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
          if (Array.isArray(best)) console.log(`pareto  ${best.length} trials on the front (nascent best --study ${study.name} --json)`);
          else if (best) console.log(`best    ${(best as { value: number }).value}  ${(best as { key: string }).key}  (trial ${(best as { number: number }).number})`);
          else console.log("best    none: no trial completed feasibly");
        }
        if (controller.signal.aborted) process.exitCode = 130;
      } finally {
        process.off("SIGINT", interrupt).off("SIGTERM", interrupt);
        await storage.close();
      }
    });
}

function defaultStudyName(options: SearchOptions): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const space = options.space.replace(/^.*\//, "").replace(/\.json$/, "");
  return `${space}-${options.strategy}-seed${options.seed}-${stamp}-${process.pid}`;
}
