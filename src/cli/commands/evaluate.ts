import type { Command } from "commander";
import { resolveBenchmark } from "../../evaluate/registry.js";
import { resolveSpace } from "../../space/builtin/index.js";
import { Rng } from "../../util/rng.js";
import { parseConfigArgument } from "../parse-config.js";
import { printJsonLine } from "../output.js";

export function registerEvaluate(program: Command): void {
  program
    .command("evaluate")
    .description("evaluate one config on a benchmark and print its metrics as JSON")
    .requiredOption("--space <name|file.json>", "built-in space or space JSON file")
    .requiredOption("--benchmark <name>", "benchmark name")
    .requiredOption("--config <json|nb201 string>", "the config")
    .action(async (options: { space: string; benchmark: string; config: string }) => {
      const space = resolveSpace(options.space);
      const config = parseConfigArgument(space, options.config);
      const evaluator = await resolveBenchmark(options.benchmark);
      try {
        evaluator.checkSpace(space);
        const metrics = await evaluator.evaluate(config, {
          trialNumber: 0,
          rng: Rng.derive("evaluate"),
          report: async () => undefined,
          shouldPrune: () => false,
          signal: new AbortController().signal,
        });
        printJsonLine({ key: space.key(config), config, metrics });
      } finally {
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
