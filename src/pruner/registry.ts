import { NascentError } from "../core/errors.js";
import { medianPruner, noPruning, type Pruner } from "./pruner.js";
import { hyperbandPruner, successiveHalvingPruner } from "./successive-halving.js";

export const PRUNER_NAMES = ["none", "median", "asha", "hyperband"];

/** Multi-fidelity strategies come with the pruner that makes them what they are. */
export const DEFAULT_PRUNER: Record<string, string> = { asha: "asha", hyperband: "hyperband", bohb: "hyperband", "bohb-gp": "asha" };

export function resolvePruner(name: string, evaluator: { readonly name: string; readonly maxStep?: number }): Pruner {
  switch (name) {
    case "none":
      return noPruning;
    case "median":
      return medianPruner();
    case "asha":
      return successiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
    case "hyperband":
      if (!evaluator.maxStep) throw new NascentError(`hyperband needs an evaluator that reports per step with a known last step (e.g. nb301:curve); '${evaluator.name}' does not`);
      return hyperbandPruner({ minResource: 1, maxResource: evaluator.maxStep, reductionFactor: 3 });
    default:
      throw new NascentError(`unknown pruner '${name}' (expected one of ${PRUNER_NAMES.join(", ")})`);
  }
}
