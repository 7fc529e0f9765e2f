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
    // Where the strategy got the config, e.g. {origin: "warm-start", source: "zc:synflow"}; the report shows the same note.
    ...(trial.note ? { note: trial.note } : {}),
  };
}

export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A config as a person reads it: the NB201 string for cells, canonical JSON otherwise. */
export function formatConfig(space: Space<unknown>, config: unknown): string {
  return space.format(config);
}

/**
 * A value as people read it: float32 table entries without their binary tail (0.8259999752044678 prints as
 * 0.826, the shortest decimal that is the same float32), other numbers to 12 significant digits.
 */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.fround(value) === value) {
    for (let digits = 1; digits <= 9; digits++) {
      const short = Number(value.toPrecision(digits));
      if (Math.fround(short) === value) return String(short);
    }
  }
  return String(Number(value.toPrecision(12)));
}

interface BestEntry {
  number: number;
  value?: number;
  values?: number[];
  key: string;
  metrics: Record<string, number> | null;
}

/** `best` for a person: the trial, its objective values by name, its architecture and its other metrics. */
export function bestLines(study: Study<unknown>, best: unknown): string[] {
  if (best === null) return ["no trial has completed feasibly yet"];
  const entries = (Array.isArray(best) ? best : [best]) as BestEntry[];
  const objectives = study.spec.objectives;
  const lines = objectives.length > 1 ? [`Pareto front: ${entries.length} trial(s), objectives ${objectives.map((o) => `${o.metric} (${o.direction})`).join(", ")}`] : [];
  for (const entry of entries) {
    const values = entry.values ?? [entry.value as number];
    const named = objectives.map((o, i) => `${o.metric} ${formatValue(values[i])}`).join(", ");
    const others = Object.entries(entry.metrics ?? {})
      .filter(([name]) => !objectives.some((o) => o.metric === name))
      .map(([name, v]) => `${name} ${formatValue(v)}`)
      .join(", ");
    lines.push(`trial ${entry.number}: ${named}`, `  ${entry.key}`, ...(others ? [`  ${others}`] : []));
  }
  return lines;
}
