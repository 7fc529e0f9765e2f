import { NascentError } from "./errors.js";
import type { TrialRecord } from "./trial.js";

export type Direction = "maximize" | "minimize";

export interface ObjectiveSpec {
  /** The metric the evaluator returns (or the name given to told values). */
  metric: string;
  direction: Direction;
}

/** A hard constraint on a metric; a trial that breaks one is never reported as best. */
export interface ConstraintSpec {
  metric: string;
  op: "<=" | ">=";
  bound: number;
}

/** Per constraint: > 0 by how much it is broken, <= 0 when met (Optuna's convention). */
export function constraintViolations(constraints: readonly ConstraintSpec[], metrics: Record<string, number>): number[] {
  return constraints.map((c) => (c.op === "<=" ? metrics[c.metric] - c.bound : c.bound - metrics[c.metric]));
}

export function isFeasible(trial: Pick<TrialRecord, "violations">): boolean {
  return (trial.violations ?? []).every((v) => v <= 0);
}

/** `value` made "higher is better". */
export function signed(value: number, direction: Direction): number {
  return direction === "maximize" ? value : -value;
}

/** True when a is at least as good as b in every objective and better in one. */
export function dominates(a: readonly number[], b: readonly number[], directions: readonly Direction[]): boolean {
  let better = false;
  for (let i = 0; i < directions.length; i++) {
    const sa = signed(a[i], directions[i]);
    const sb = signed(b[i], directions[i]);
    if (sa < sb) return false;
    if (sa > sb) better = true;
  }
  return better;
}

/** The complete, feasible trials that no other such trial dominates, in number order. */
export function paretoFront(trials: readonly TrialRecord[], directions: readonly Direction[]): TrialRecord[] {
  const candidates = trials.filter((t) => t.state === "complete" && t.values && isFeasible(t));
  return candidates.filter((t) => !candidates.some((o) => o !== t && dominates(o.values!, t.values!, directions)));
}

/** The best complete, feasible trial of a single-objective study (earliest on ties), or null. */
export function bestTrial(trials: readonly TrialRecord[], direction: Direction): TrialRecord | null {
  let best: TrialRecord | null = null;
  for (const t of trials) {
    if (t.state !== "complete" || !t.values || !isFeasible(t)) continue;
    if (!best || signed(t.values[0], direction) > signed(best.values![0], direction)) best = t;
  }
  return best;
}

/** Parses `metric<=bound` or `metric>=bound` as written on the command line. */
export function parseConstraint(text: string): ConstraintSpec {
  const match = /^\s*([A-Za-z0-9_.:-]+)\s*(<=|>=)\s*(-?[0-9.eE+-]+)\s*$/.exec(text);
  if (!match || !Number.isFinite(Number(match[3]))) {
    throw new NascentError(`constraint '${text}' is not of the form metric<=number or metric>=number`);
  }
  return { metric: match[1], op: match[2] as "<=" | ">=", bound: Number(match[3]) };
}

/** Parses `metric` or `metric:max|min`; a bare metric takes `defaultDirection`. */
export function parseObjective(text: string, defaultDirection: (metric: string) => Direction): ObjectiveSpec {
  // Metric names may hold ':' (latency:l4); a trailing max/min is the direction.
  const parts = text.split(":");
  const last = parts.at(-1) as string;
  const hasDirection = parts.length > 1 && ["max", "maximize", "min", "minimize"].includes(last);
  const metric = hasDirection ? parts.slice(0, -1).join(":") : text;
  const direction = hasDirection ? last : undefined;
  const directionWords = ["max", "maximize", "min", "minimize"];
  const nameParts = hasDirection ? parts.slice(0, -1) : parts;
  if (!metric || parts.some((p) => !p) || nameParts.some((p) => directionWords.includes(p))) {
    throw new NascentError(`objective '${text}' is not of the form metric or metric:max or metric:min`);
  }
  if (direction === undefined) return { metric, direction: defaultDirection(metric) };
  if (direction === "max" || direction === "maximize") return { metric, direction: "maximize" };
  if (direction === "min" || direction === "minimize") return { metric, direction: "minimize" };
  throw new NascentError(`objective '${text}': direction must be max or min, got '${direction}'`);
}
