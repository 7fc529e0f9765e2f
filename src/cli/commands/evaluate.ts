import type { Command } from "commander";
import { integer } from "../arguments.js";
import { addEvaluatorOptions, type EvaluatorOptions, resolveEvaluator } from "../evaluator-options.js";
import { TrainingProgress } from "../progress.js";
import { resolveSpace } from "../../space/builtin/index.js";
import { Rng } from "../../core/rng.js";
import { parseConfigArgument } from "../parse-config.js";
import { printJsonLine } from "../output.js";

export function registerEvaluate(program: Command): void {
  addEvaluatorOptions(
    program
      .command("evaluate")
      .description("evaluate one config (on a benchmark, by training it, or with a trial command) and print its metrics as JSON")
      .requiredOption("--space <name|file.json>", "built-in space or space JSON file")
      .requiredOption("--config <json|nb201 string>", "the config"),
  )
    .option("--seed <n>", "seed of the evaluation's randomness", integer, 0)
    .action(async (options: EvaluatorOptions & { space: string; config: string; seed: number }) => {
      const space = resolveSpace(options.space);
      const config = parseConfigArgument(space, options.config);
      const progress = new TrainingProgress();
      const evaluator = await resolveEvaluator(options, progress);
      try {
        evaluator.checkSpace(space);
        const metrics = await evaluator.evaluate(config, {
          trialNumber: 0,
          rng: Rng.derive("evaluate", options.seed),
          report: async (step, value) => void process.stderr.write(`step ${step}: ${value}\n`),
          shouldPrune: () => false,
          signal: new AbortController().signal,
        });
        printJsonLine({ key: space.key(config), config, metrics });
      } finally {
        progress.stop();
        await evaluator.close?.();
      }
    });

  program
    .command("space")
    .description("print a space as JSON (a starting point for a custom space file), or samples from it")
    .argument("<name|file.json>", "built-in space or space JSON file")
    .option("--sample <n>", "print n random configs instead", Number)
    .option("--seed <n>", "seed for --sample", Number, 0)
    .action((name: string, options: { sample?: number; seed: number }) => {
      const space = resolveSpace(name);
      if (options.sample === undefined) return printJsonLine({ ...space.toJson(), size: space.size() });
      const rng = Rng.derive("space-sample", options.seed);
      for (let i = 0; i < options.sample; i++) {
        const config = space.sample(rng);
        printJsonLine({ key: space.key(config), config });
      }
    });
}
