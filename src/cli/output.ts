import type { Space } from "../space/space.js";
import type { TrialRecord } from "../core/trial.js";
import type { Study } from "../study/study.js";

/** The `best` part of the final JSON line: one trial for one objective, the Pareto front for several. */
export async function bestJson(study: Study<unknown>): Promise<unknown> {
  const describe = (t: TrialRecord) => ({
    number: t.number,
    ...(study.spec.objectives.length === 1 ? { value: t.values![0] } : { values: t.values }),
    config: t.config,
    key: t.key,
    metrics: t.metrics,
  });
  if (study.spec.objectives.length > 1) return (await study.paretoFront()).map(describe);
  const best = await study.bestTrial();
  return best ? describe(best) : null;
}

export function trialJson(trial: TrialRecord) {
  return {
    number: trial.number,
    state: trial.state,
    value: trial.values?.[0] ?? null,
    values: trial.values,
    config: trial.config,
    key: trial.key,
    metrics: trial.metrics,
    violations: trial.violations,
    intermediate: trial.intermediate,
    userAttrs: trial.userAttrs,
    error: trial.error,
    startedAt: trial.startedAt,
    finishedAt: trial.finishedAt,
  };
}

export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A config as a person reads it: the NB201 string for cells, canonical JSON otherwise. */
export function formatConfig(space: Space<unknown>, config: unknown): string {
  return space.format(config);
}
