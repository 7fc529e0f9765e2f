import { interruptOnSignals } from "../interrupt.js";
import type { Command } from "commander";
import { spaceFromJson } from "../../space/from-json.js";
import { openStorage } from "../../storage/open.js";
import { resolveStrategy } from "../../strategy/registry.js";
import { refusedMessage } from "../../study/distributed.js";
import { resolvePruner } from "../../pruner/registry.js";
import { Study } from "../../study/study.js";
import { NascentError } from "../../core/errors.js";
import { positiveInt } from "../arguments.js";
import { type EvaluatorOptions, resolveEvaluator } from "../evaluator-options.js";
import { printJsonLine } from "../output.js";
import { SearchProgress, TrainingProgress } from "../progress.js";
import { storedPlan } from "../worker-plan.js";

interface WorkerCliOptions {
  storage: string;
  study: string;
  concurrency: number;
  trials?: number;
  json?: boolean;
}

/**
 * `nascent worker`: joins a study made by `nascent create` or `nascent search` and runs its own evaluator,
 * as recorded in its spec, until the study holds its budget. Start any number, on any machines.
 */
export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("join a stored study and run its trials until it holds its budget (start any number, anywhere)")
    .requiredOption("--storage <url>", "the study's storage, e.g. postgres://user@host/db")
    .requiredOption("--study <name>", "the study to join")
    .option("--concurrency <n>", "trials this worker evaluates at once", positiveInt, 1)
    .option("--trials <n>", "the budget, for a study that records none", positiveInt)
    .option("--json", "print one JSON summary as the last line of stdout")
    .action(async (options: WorkerCliOptions) => {
      const storage = openStorage(options.storage);
      const controller = interruptOnSignals("nascent worker: interrupted; failing its running trials so others re-run them");
      try {
        const stored = await storage.loadStudy(options.study);
        if (!stored) throw new NascentError(`no study '${options.study}' in ${storage.url} (create it with nascent create)`);
        const { spec } = stored;
        const plan = storedPlan(spec, options.trials);
        const training = new TrainingProgress();
        const evaluator = await resolveEvaluator({ ...(plan.evaluatorOptions as EvaluatorOptions), concurrency: options.concurrency }, training);
        const study = await Study.open({
          storage, name: spec.name, space: spaceFromJson(spec.space), strategy: resolveStrategy(spec.strategy.name, spec.strategy.options),
          strategyOptions: spec.strategy.options, objectives: spec.objectives, constraints: spec.constraints, seed: spec.seed,
          evaluator: evaluator.name, pruner: resolvePruner(spec.pruner ?? "none", evaluator, spec.prunerOptions ?? {}), prunerOptions: spec.prunerOptions, resume: true,
        });
        const done = (await study.trials()).filter((t) => t.state === "complete" || t.state === "pruned").length;
        const progress = new SearchProgress(plan.trials, Math.min(done, plan.trials), spec.objectives[0].direction);
        let summary;
        try {
          summary = await study.work(evaluator, {
            budget: plan.trials, concurrency: options.concurrency, window: plan.window, leaseMs: plan.leaseMs, signal: controller.signal,
            onTrialFinished: (trial) => progress.update(trial),
            onRefused: (trial, outcome) => process.stderr.write(`nascent worker: ${refusedMessage(trial, outcome)}\n`),
          });
        } finally {
          progress.stop();
          training.stop();
          await evaluator.close?.();
        }
        const counts = (await storage.listStudies()).find((s) => s.name === spec.name)?.counts;
        if (options.json) printJsonLine({ study: spec.name, worker: summary.worker, recorded: summary.recorded.length, refused: summary.refused, counts });
        else console.log(`worker ${summary.worker}: ${summary.recorded.length} trials recorded, ${summary.refused.length} refused; study ${spec.name} now ${JSON.stringify(counts)}`);
        if (controller.signal.aborted) process.exitCode = 130;
      } finally {
        controller.release();
        await storage.close();
      }
    });
}
