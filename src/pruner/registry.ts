import { NascentError } from "../core/errors.js";
import type { Json } from "../core/json.js";
import { Registry } from "../core/registry.js";
import * as s from "../space/dsl.js";
import { option, options } from "../space/options.js";
import { medianPruner, noPruning, type Pruner } from "./pruner.js";
import { hyperbandPruner, successiveHalvingPruner } from "./successive-halving.js";

/** What a pruner may need to know of the evaluator: its name, and its last step if it reports per step. */
export interface PrunedEvaluator {
  readonly name: string;
  readonly maxStep?: number;
}

const minResource = option(s.int(1, 1_000_000), 1, "the first rung's step (e.g. epoch)");
const reductionFactor = option(s.int(2, 1000), 3, "η: a rung keeps the best 1/η of the trials that reached it");

/** Every pruner nascent builds by name (`--pruner`, with `--pruner-option key=value`). */
export const PRUNERS = new Registry<Pruner, PrunedEvaluator>("pruner")
  .register({ name: "none", summary: "never stops a trial early", options: options({}), create: () => noPruning })
  .register({
    name: "median",
    summary: "the median stopping rule (Golovin et al. 2017, Google Vizier)",
    options: options({
      startupTrials: option(s.int(0, 1_000_000), 5, "complete trials needed before anything is pruned"),
      warmupSteps: option(s.int(0, 1_000_000), 0, "steps a trial may report before it can be pruned"),
    }),
    create: (o) => medianPruner(o),
  })
  .register({
    name: "asha",
    summary: "asynchronous successive halving (Li et al. 2020): rungs at r, rη, rη², ...",
    options: options({ minResource, reductionFactor }),
    create: (o) => successiveHalvingPruner({ minResource: o.minResource ?? 1, reductionFactor: o.reductionFactor ?? 3 }),
  })
  .register({
    name: "hyperband",
    summary: "Hyperband (Li et al. 2018) run asynchronously; needs an evaluator with a known last step",
    options: options({ minResource, reductionFactor }),
    create: (o, evaluator) => {
      if (!evaluator.maxStep) throw new NascentError(`hyperband needs an evaluator that reports per step with a known last step (e.g. nb301:curve); '${evaluator.name}' does not`);
      return hyperbandPruner({ minResource: o.minResource ?? 1, maxResource: evaluator.maxStep, reductionFactor: o.reductionFactor ?? 3 });
    },
  });

export const PRUNER_NAMES = PRUNERS.names;

export function resolvePruner(name: string, evaluator: PrunedEvaluator, given: Readonly<Record<string, Json>> = {}): Pruner {
  return PRUNERS.create(name, given, evaluator);
}
