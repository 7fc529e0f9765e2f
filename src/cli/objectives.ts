import { NascentError } from "../core/errors.js";
import { parseObjective, type ObjectiveSpec } from "../core/objectives.js";
import type { Evaluator } from "../evaluate/evaluator.js";
import type { Strategy } from "../strategy/strategy.js";

/**
 * The study's objectives from `--objective` flags (default: the evaluator's first metric, in its direction);
 * a bare metric takes the direction the evaluator declares. Throws when the strategy needs more objectives
 * than given (NSGA-II needs two).
 */
export function objectivesFor(given: readonly string[], evaluator: Evaluator<never>, strategy: Strategy, strategyName: string): ObjectiveSpec[] {
  const defaultDirection = (metric: string) => evaluator.metrics.find((m) => m.name === metric)?.direction ?? "maximize";
  const objectives = given.length ? given.map((o) => parseObjective(o, defaultDirection)) : [{ metric: evaluator.metrics[0].name, direction: evaluator.metrics[0].direction }];
  if (objectives.length < (strategy.minObjectives ?? 1)) {
    throw new NascentError(`strategy '${strategyName}' needs at least ${strategy.minObjectives} objectives, got ${objectives.length} (add --objective METRIC[:min|max])`);
  }
  return objectives;
}
