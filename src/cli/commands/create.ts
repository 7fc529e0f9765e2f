import { objectivesFor } from "../objectives.js";
import type { Command } from "commander";
import { resolveSpace } from "../../space/builtin/index.js";
import { DEFAULT_STORAGE, openStorage } from "../../storage/open.js";
import { MemoryStorage } from "../../storage/memory.js";
import { NascentError } from "../../core/errors.js";
import { STRATEGY_NAMES, defaultPruner, resolveStrategy } from "../../strategy/registry.js";
import { parseConstraint } from "../../core/objectives.js";
import { PRUNER_NAMES, resolvePruner } from "../../pruner/registry.js";
import { parseOptionPairs } from "../../space/options.js";
import { checkStudyName } from "../../core/study-name.js";
import { DEFAULT_LEASE_MS, Study } from "../../study/study.js";
import { collect, integer, positiveInt, positiveNumber } from "../arguments.js";
import { addEvaluatorOptions, type EvaluatorOptions, resolveEvaluator } from "../evaluator-options.js";
import { printJsonLine } from "../output.js";
import { workerPlan } from "../worker-plan.js";

interface CreateOptions extends EvaluatorOptions {
  space: string;
  strategy: string;
  trials: number;
  seed: number;
  storage: string;
  study: string;
  window: number;
  lease: number;
  objective: string[];
  constraint: string[];
  option: string[];
  pruner?: string;
  prunerOption: string[];
  json?: boolean;
}

/** `nascent create`: records a study's spec (search, evaluator, budget) for `nascent worker` to run; runs no trial. */
export function registerCreate(program: Command): void {
  addEvaluatorOptions(
    program
      .command("create")
      .description("record a study for workers to run (nascent worker); runs no trial itself")
      .requiredOption("--study <name>", "study name")
      .requiredOption("--space <name|file.json>", "built-in space (nb201, nb301, mobilenet, vit) or a space JSON file"),
  )
    .option("--strategy <name>", `${STRATEGY_NAMES.join(", ")}`, "random")
    .option("--trials <n>", "trials the study should hold when done (failed ones are retried)", positiveInt, 100)
    .option("--seed <n>", "seed: the same seed gives the same trials, whatever the number of workers", integer, 0)
    .option("--storage <url>", "postgres://user@host/db, sqlite:PATH or memory:", DEFAULT_STORAGE)
    .option("--window <n>", "the strategy proposing trial n sees trials <= n - window: trials run at once over all workers", positiveInt, 16)
    .option("--lease <seconds>", "a running trial whose worker is silent this long is failed and re-run", positiveNumber, DEFAULT_LEASE_MS / 1000)
    .option("--objective <metric[:max|min]>", "objective (repeat for several; default: the benchmark's first metric)", collect, [])
    .option("--constraint <metric<=x|metric>=x>", "hard constraint (repeatable)", collect, [])
    .option("--option <key=value>", "strategy option, e.g. population=50 (repeatable)", collect, [])
    .option("--pruner <name>", `${PRUNER_NAMES.join(", ")} (default as nascent search)`)
    .option("--pruner-option <key=value>", "pruner option, e.g. reductionFactor=4 (repeatable)", collect, [])
    .option("--json", "print the stored spec as one JSON line")
    .action(async (options: CreateOptions) => {
      const space = resolveSpace(options.space);
      const strategyOptions = parseOptionPairs(options.option, "--option");
      const strategy = resolveStrategy(options.strategy, strategyOptions);
      const evaluator = await resolveEvaluator(options);
      const objectives = objectivesFor(options.objective, evaluator, strategy, options.strategy);
      evaluator.checkSpace(space);
      const prunerOptions = parseOptionPairs(options.prunerOption, "--pruner-option");
      const pruner = resolvePruner(options.pruner ?? defaultPruner(options.strategy), evaluator, prunerOptions);
      await evaluator.close?.();
      const definition = {
        name: checkStudyName(options.study), space, strategy, strategyOptions, prunerOptions, objectives, constraints: options.constraint.map(parseConstraint),
        seed: options.seed, evaluator: evaluator.name, pruner, run: workerPlan(options, options.trials, options.window, Math.round(options.lease * 1000)),
      };
      // A dry run in memory: the checks `search` makes (metrics the evaluator measures, a first proposal) fail here,
      // not later on every worker.
      const probe = await Study.open({ storage: new MemoryStorage(), ...definition });
      probe.checkEvaluator(evaluator);
      await probe.ask();
      const storage = openStorage(options.storage);
      try {
        if (await storage.loadStudy(options.study)) throw new NascentError(`study '${options.study}' already exists in ${storage.url}: choose another --study name (workers join it with nascent worker)`);
        const study = await Study.open({ storage, ...definition });
        if (options.json) printJsonLine(study.spec);
        else console.log(`created study ${study.name} in ${storage.url}: ${options.trials} trials of ${evaluator.name}; start workers with nascent worker --storage ${options.storage} --study ${study.name}`);
      } finally {
        await storage.close();
      }
    });
}
