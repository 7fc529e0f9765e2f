import { constraintViolations } from "../core/objectives.js";
import type { TrialOutcome, TrialRecord } from "../core/trial.js";
import type { Metrics } from "../evaluate/evaluator.js";
import type { StudySpec } from "../storage/storage.js";

/** A result as told: one value, one value per objective, or the evaluator's named metrics. */
export type TellResult = number | readonly number[] | Metrics;

/**
 * What a told result means for the trial: complete with its objective values, or failed with a reason
 * when a value is missing or not a finite number (no comparison could use it).
 */
export function outcomeOf(spec: Pick<StudySpec, "objectives" | "constraints">, result: TellResult): TrialOutcome {
  const { objectives, constraints } = spec;
  let metrics: Metrics;
  if (typeof result === "number") metrics = { [objectives[0].metric]: result };
  else if (Array.isArray(result)) metrics = Object.fromEntries(objectives.map((o, i) => [o.metric, (result as number[])[i]]));
  else metrics = result as Metrics;
  if (Array.isArray(result) && result.length !== objectives.length) {
    return { state: "failed", error: `told ${result.length} values for ${objectives.length} objectives` };
  }
  for (const name of [...objectives.map((o) => o.metric), ...constraints.map((c) => c.metric)]) {
    if (!(name in metrics)) return { state: "failed", error: `no value for metric '${name}' (got: ${Object.keys(metrics).join(", ") || "none"})` };
    if (typeof metrics[name] !== "number" || !Number.isFinite(metrics[name])) {
      return { state: "failed", error: `metric '${name}' is ${metrics[name]}, not a finite number`, metrics: finiteOnly(metrics) };
    }
  }
  return {
    state: "complete",
    values: objectives.map((o) => metrics[o.metric]),
    metrics: finiteOnly(metrics),
    violations: constraints.length ? constraintViolations(constraints, metrics) : null,
  };
}

/** A pruned trial keeps its last report as its value in a single-objective study (as Optuna), none otherwise. */
export function prunedValues(trial: Pick<TrialRecord, "intermediate"> | null, objectives: number): number[] | null {
  const last = trial?.intermediate.at(-1);
  return last && objectives === 1 ? [last.value] : null;
}

function finiteOnly(metrics: Metrics): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter(([, v]) => typeof v === "number" && Number.isFinite(v)));
}
