import { NascentError } from "../core/errors.js";
import { canonicalJson, type Json } from "../core/json.js";
import type { ConstraintSpec, ObjectiveSpec } from "../core/objectives.js";
import type { Space } from "../space/space.js";
import type { ProxyEvaluations, StudySpec, WorkerPlan } from "../storage/storage.js";

/** What a study is asked to be, before it is stored. */
export interface SpecRequest {
  name: string;
  space: Space<unknown>;
  strategy: string;
  strategyOptions?: Record<string, Json>;
  objectives?: ObjectiveSpec[];
  constraints?: ConstraintSpec[];
  seed?: number;
  evaluator?: string | null;
  pruner?: string;
  prunerOptions?: Record<string, Json>;
  /** How `nascent worker` runs the study; not part of the resume check. */
  run?: WorkerPlan;
  /** A zero-cost warm start's proxy evaluations; not part of the resume check. */
  proxyEvaluations?: ProxyEvaluations;
}

/** The stored form of a study's definition, checked: a name, at least one objective, an integer seed. */
export function studySpec(request: SpecRequest): StudySpec {
  const spec: StudySpec = {
    name: request.name,
    space: request.space.toJson(),
    objectives: request.objectives ?? [{ metric: "value", direction: "maximize" }],
    constraints: request.constraints ?? [],
    seed: request.seed ?? 0,
    strategy: { name: request.strategy, options: request.strategyOptions ?? {} },
    evaluator: request.evaluator ?? null,
    pruner: request.pruner ?? "none",
  };
  // Absent rather than empty, so studies stored before pruner options existed compare equal.
  if (request.prunerOptions && Object.keys(request.prunerOptions).length) spec.prunerOptions = request.prunerOptions;
  if (request.run) spec.run = request.run;
  if (request.proxyEvaluations) spec.proxyEvaluations = request.proxyEvaluations;
  if (!spec.name) throw new NascentError("a study needs a name");
  if (spec.objectives.length === 0) throw new NascentError("a study needs at least one objective");
  if (!Number.isSafeInteger(spec.seed)) throw new NascentError(`the seed must be an integer, got ${spec.seed}`);
  return spec;
}

/** A resumed study must be the same search; says exactly which part differs. */
export function checkSameSearch(stored: StudySpec, asked: StudySpec): void {
  const fields: [string, unknown, unknown][] = [
    ["space", stored.space, asked.space],
    ["objectives", stored.objectives, asked.objectives],
    ["constraints", stored.constraints, asked.constraints],
    ["seed", stored.seed, asked.seed],
    ["strategy", stored.strategy, asked.strategy],
    ["evaluator", stored.evaluator, asked.evaluator],
    ["pruner", stored.pruner ?? "none", asked.pruner ?? "none"],
    ["pruner options", stored.prunerOptions ?? {}, asked.prunerOptions ?? {}],
  ];
  for (const [field, was, now] of fields) {
    if (canonicalJson(was) !== canonicalJson(now)) {
      throw new NascentError(`study '${stored.name}' was created with ${field} ${describeSpec(was)}; this run asks for ${describeSpec(now)}`);
    }
  }
}

function describeSpec(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
