import { interruptOnSignals } from "../interrupt.js";
import { objectivesFor } from "../objectives.js";
import { Option, type Command } from "commander";
import { resolveSpace } from "../../space/builtin/index.js";
import { DEFAULT_STORAGE, openStorage } from "../../storage/open.js";
import { STRATEGY_NAMES, defaultPruner, resolveStrategy } from "../../strategy/registry.js";
import { parseConstraint } from "../../core/objectives.js";
import { DEFAULT_MAX_CONSECUTIVE_FAILURES, Study } from "../../study/study.js";
import { isDeadLocalWorker, isDetachedWorker } from "../../study/worker.js";
import type { TrialRecord } from "../../core/trial.js";
import { PRUNER_NAMES, resolvePruner } from "../../pruner/registry.js";
import { parseOptionPairs } from "../../space/options.js";
import { NascentError } from "../../core/errors.js";
import { collect, imageShape, integer, nonNegativeNumber, positiveInt, positiveNumber } from "../arguments.js";
import { bestJson, formatValue, printJsonLine } from "../output.js";
import { checkStudyName } from "../../core/study-name.js";
import { SearchProgress, TrainingProgress } from "../progress.js";
import { withLatencyOption, withLatencyScreen, type LatencyOptions } from "./latency-option.js";
import { warmStarted } from "../../strategy/transfer.js";
import { loadPriorTrials } from "../../study/warm-start.js";
import { addEvaluatorOptions, type EvaluatorOptions, resolveEvaluator } from "../evaluator-options.js";
import { workerPlan } from "../worker-plan.js";
import { DEFAULT_ZERO_COST_POOL, DEFAULT_ZERO_COST_SEEDS } from "../../study/zero-cost-prior.js";
import { ZERO_COST_PROXIES } from "../../evaluate/zero-cost.js";
import { zeroCostPriorWithProgress } from "./zero-cost-warm-start.js";

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
  prunerOption: string[];
  json?: boolean;
  warmStart: string[];
  warmSeeds?: number;
  zeroCostWarmStart?: string;
  zeroCostPool: number;
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
    .option("--storage <url>", "sqlite:PATH, postgres://user@host/db or memory:", DEFAULT_STORAGE)
    .option("--study <name>", "study name (default: a new name from the strategy, space and seed)")
    .option("--resume", "continue the study if it exists")
    .option("--concurrency <n>", "trials evaluated at once", positiveInt, 1)
    .option("--timeout <seconds>", "start no trial after this many seconds", positiveNumber)
    .option("--objective <metric[:max|min]>", "objective (repeat for several; default: the benchmark's first metric)", collect, [])
    .option("--constraint <metric<=x|metric>=x>", "hard constraint (repeatable)", collect, [])
    .option("--option <key=value>", "strategy option, e.g. population=50 (repeatable; nascent list strategies shows them)", collect, [])
    .option("--pruner <name>", `stop unpromising trials early: ${PRUNER_NAMES.join(", ")} (default: the preset's pruner for asha, hyperband, bohb and bohb-gp, else none)`)
    .option("--pruner-option <key=value>", "pruner option, e.g. reductionFactor=4 (repeatable; nascent list pruners shows them)", collect, [])
    .option("--latency-predictor <path>", "add the metric latency:DEVICE (ms) predicted by a `nascent latency fit` predictor, for --objective/--constraint")
    .option("--latency-input <HxWxC>", "image size the latency is predicted at (default 28x28x1)", imageShape)
    .option("--latency-measure", "also measure each trained candidate on the predictor's device: latency:DEVICE is then the measurement")
    .option("--latency-margin <fraction>", "with a latency constraint, configs predicted above bound x (1 + margin) are not tried (counted in each trial's note as screenedOut)", nonNegativeNumber, 0)
    .option("--json", "print one JSON summary as the last line of stdout")
    .option("--warm-start <storage:study>", "start from the best trials of an earlier study on another task (repeatable)", collect, [])
    .option("--warm-seeds <n>", `how many prior configs are evaluated first (default: 5 with --warm-start, ${DEFAULT_ZERO_COST_SEEDS} with --zero-cost-warm-start)`, integer)
    .addOption(new Option("--zero-cost-warm-start [proxy]", `rank a pool of configs by a zero-cost proxy (${ZERO_COST_PROXIES.join(", ")}; default synflow) and evaluate its best first; proxy evaluations are not trials`).preset("synflow"))
    .option("--zero-cost-pool <n>", "with --zero-cost-warm-start: the configs of most FLOPs the proxy ranks", positiveInt, DEFAULT_ZERO_COST_POOL)
    .action(async (options: SearchOptions & LatencyOptions, command: Command) => {
      if (options.resume && !options.study) throw new NascentError("--resume needs --study NAME (the study to continue)");
      checkWarmStartFlags(options, command);
      const space = resolveSpace(options.space);
      const strategyOptions = parseOptionPairs(options.option, "--option");
      const prior = (await Promise.all(options.warmStart.map((reference) => loadPriorTrials(reference, space)))).flat();
      const baseStrategy = resolveStrategy(options.strategy, strategyOptions);
      const constraints = options.constraint.map(parseConstraint);
      const trainingProgress = new TrainingProgress();
      const evaluator = withLatencyOption(await resolveEvaluator(options, trainingProgress), options);
      evaluator.checkSpace(space);
      // After the benchmark's checks, so a bad flag is not reported only after the pool's proxy time.
      const zeroCost = options.zeroCostWarmStart !== undefined ? await zeroCostPriorWithProgress(space, options.zeroCostWarmStart, options.zeroCostPool, options.seed) : null;
      if (zeroCost) prior.push(...zeroCost.trials);
      const proxyEvaluations = zeroCost ? { proxy: `zc:${options.zeroCostWarmStart}`, evaluations: zeroCost.evaluations, seconds: zeroCost.seconds } : undefined;
      const warmSeeds = options.warmSeeds ?? (options.warmStart.length ? 5 : DEFAULT_ZERO_COST_SEEDS);
      const strategy = withLatencyScreen(prior.length ? warmStarted(baseStrategy, prior, { seeds: warmSeeds }) : baseStrategy, space, constraints, options);
      const objectives = objectivesFor(options.objective, evaluator, strategy, options.strategy);
      const prunerOptions = parseOptionPairs(options.prunerOption, "--pruner-option");
      const pruner = resolvePruner(options.pruner ?? defaultPruner(options.strategy), evaluator, prunerOptions);
      const storage = openStorage(options.storage);
      const controller = interruptOnSignals("nascent: interrupted; finishing the study record (Ctrl-C again to quit at once)");
      const started = Date.now();
      try {
        const study = await Study.open({
          storage,
          name: checkStudyName(options.study ?? defaultStudyName(options)),
          space,
          strategy,
          strategyOptions,
          objectives,
          constraints,
          seed: options.seed,
          evaluator: evaluator.name,
          pruner,
          prunerOptions,
          resume: options.resume,
          run: workerPlan(options, options.trials, options.concurrency),
          proxyEvaluations,
        });
        // Trials whose lease already ran out are failed first, so the warnings below describe what will run.
        await storage.failStaleTrials(study.id, isDeadLocalWorker);
        const before = await study.trials();
        warnAboutHeldPlaces(study.name, storage.url, before, options.trials);
        const already = before.filter((t) => t.state === "complete" || t.state === "pruned").length;
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
        const held = trials.filter((t) => t.state === "complete" || t.state === "pruned").length;
        if (held < options.trials && !controller.signal.aborted) {
          process.stderr.write(
            `nascent: warning: study '${study.name}' holds ${held} complete or pruned trials, fewer than --trials ${options.trials}: ` +
              `${options.timeout !== undefined ? "--timeout stopped it, or " : ""}the strategy has no untried configuration left (a failed trial's config is not proposed again)\n`,
          );
        }
        const best = await bestJson(study);
        if (options.json) {
          printJsonLine({ study: study.name, trials: complete, best, ...(study.spec.proxyEvaluations ? { proxyEvaluations: study.spec.proxyEvaluations } : {}) });
        } else {
          const counts = ["complete", "pruned", "failed"].map((s) => `${trials.filter((t) => t.state === s).length} ${s}`).join(", ");
          console.log(`study   ${study.name} in ${storage.url}`);
          console.log(`trials  ${counts} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
          const proxies = study.spec.proxyEvaluations;
          if (proxies) console.log(`proxies ${proxyLine(proxies, proxyEvaluations)}`);
          const storageFlag = options.storage === DEFAULT_STORAGE ? "" : ` --storage ${shellWord(options.storage)}`;
          const more = `nascent best${storageFlag} --study ${shellWord(study.name)}`;
          if (Array.isArray(best)) console.log(`pareto  ${best.length} trials on the front (${more})`);
          else if (best) console.log(`best    ${formatValue((best as { value: number }).value)}  ${(best as { key: string }).key}  (trial ${(best as { number: number }).number}; ${more})`);
          else console.log("best    none: no trial completed feasibly");
        }
        if (controller.signal.aborted) process.exitCode = 130;
      } finally {
        controller.release();
        await storage.close();
      }
    });
}

/**
 * Says why a resumed search may run fewer trials than asked: the study already holds the budget, or
 * trials handed out by `nascent ask` and never told hold places in it until their lease ends.
 */
function warnAboutHeldPlaces(study: string, storage: string, trials: readonly TrialRecord[], budget: number): void {
  const live = trials.filter((t) => t.state !== "failed");
  if (live.length >= budget) {
    process.stderr.write(`nascent: study '${study}' already holds ${live.length} trials (--trials ${budget}): nothing to run; raise --trials to continue it\n`);
  }
  const held = live.filter((t) => t.state === "running" && isDetachedWorker(t.worker));
  if (held.length === 0) return;
  const numbers = held.map((t) => t.number).join(", ");
  const until = new Date(Math.max(...held.map((t) => t.leaseExpiresAt ?? 0))).toISOString();
  process.stderr.write(
    `nascent: warning: trial${held.length > 1 ? "s" : ""} ${numbers} of '${study}' ${held.length > 1 ? "were" : "was"} handed out by 'nascent ask' and never told; ` +
      `${held.length > 1 ? "they hold places" : "it holds a place"} in the --trials budget until ${until}. Release with: ` +
      `nascent tell --storage ${storage} --study ${study} --trial ${held[0].number} --failed abandoned\n`,
  );
}

function defaultStudyName(options: SearchOptions): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  const space = options.space.replace(/^.*\//, "").replace(/\.json$/, "");
  return `${space}-${options.strategy}-seed${options.seed}-${stamp}-${process.pid}`;
}

/** `text` as one shell word, quoted only when it needs to be, so a printed command can be pasted back. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** --zero-cost-pool and --warm-seeds only tune a warm start: alone they would be silently ignored. */
function checkWarmStartFlags(options: SearchOptions, command: Command): void {
  if (command.getOptionValueSource("zeroCostPool") === "cli" && options.zeroCostWarmStart === undefined) throw new NascentError("--zero-cost-pool needs --zero-cost-warm-start PROXY (it sizes that warm start's pool)");
  if (options.warmSeeds !== undefined && options.zeroCostWarmStart === undefined && options.warmStart.length === 0) throw new NascentError("--warm-seeds needs --warm-start or --zero-cost-warm-start (it counts their prior configs evaluated first)");
}

type ProxyEvaluations = { proxy: string; evaluations: number; seconds: number };

/**
 * The study keeps the proxy cost of the run that created it; a resumed run that scores the pool again says
 * both, so the printed figure is not taken for this run's.
 */
function proxyLine(stored: ProxyEvaluations, thisRun: ProxyEvaluations | undefined): string {
  const cost = (p: ProxyEvaluations) => `${p.evaluations} ${p.proxy} evaluations in ${p.seconds.toFixed(1)} s`;
  const same = thisRun && thisRun.proxy === stored.proxy && thisRun.evaluations === stored.evaluations && thisRun.seconds === stored.seconds;
  if (same) return `${cost(stored)} (zero-cost warm start; not trials)`;
  const again = thisRun ? `; this run scored the pool again: ${cost(thisRun)}` : "";
  return `${cost(stored)} (zero-cost warm start, stored from the run that created the study${again}; not trials)`;
}
