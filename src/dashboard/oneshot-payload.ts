import type { Json } from "../core/json.js";
import type { TrialRecord } from "../core/trial.js";
import { NascentError } from "../core/errors.js";
import type { OneshotSpace } from "../oneshot/layout.js";
import { architectureRows, type CellRows } from "../oneshot/rows.js";
import type { StudySpec } from "../storage/storage.js";
import { oneshotMethod } from "./oneshot-method.js";

/** One epoch of a one-shot search as the dashboard draws it (one trial of its study). */
export interface OneshotEpoch {
  epoch: number;
  trial: number;
  trainLoss: number | null;
  archLoss: number | null;
  supernetAccuracy: number | null;
  learningRate: number | null;
  seconds: number | null;
  /** GDAS's Gumbel-softmax temperature. */
  temperature: number | null;
  /** ProxylessNAS/FBNet: the mean latency (ms) the architecture loss saw. */
  latencyMs: number | null;
  /** softmax(alpha) per edge, [rows][ops] in the order of `OneshotPayload.cells` (null: the method has none). */
  alpha: number[][] | null;
  /** PC-DARTS: softmax(beta) per intermediate node over its inputs, nodes in the order of `cells`. */
  beta: number[][] | null;
  /** The genotype derived after this epoch, a config of the study's space (null for SPOS/RSPS). */
  genotype: Json | null;
  key: string | null;
}

/** A one-shot study's architecture weights and curves per epoch; `epochs` holds those changed since the cursor asked for. */
export interface OneshotPayload {
  method: string;
  space: OneshotSpace;
  /** The epochs the run was started for, when its study says. */
  plannedEpochs: number | null;
  /** What `alpha` holds: softmax(alpha) ("alpha"), ENAS's controller policy softmax(theta) ("policy"), or nothing. */
  weights: "alpha" | "policy" | null;
  ops: readonly string[];
  cells: CellRows[];
  cursor: number;
  complete: boolean;
  epochs: OneshotEpoch[];
}


function oneshotSpace(spec: StudySpec): OneshotSpace {
  const space = spec.space as { type?: string; style?: string; fields?: { normal?: { style?: string } } };
  if (space.type === "cell" && space.style === "nb201") return "nb201";
  if (space.type === "object" && space.fields?.normal?.style === "darts") return "nb301";
  throw new NascentError(`study '${spec.name}': a one-shot study of a space the dashboard cannot name (${space.type})`);
}

const isMatrix = (value: Json | undefined): value is number[][] =>
  Array.isArray(value) && value.every((row) => Array.isArray(row) && row.every((v) => typeof v === "number"));

/** Splits a record's alphaSoftmax rows into alpha [edges][ops] and beta [nodes][inputs], checking every length. */
function splitRows(spec: StudySpec, trial: TrialRecord, cells: CellRows[], ops: number): { alpha: number[][] | null; beta: number[][] | null } {
  const rows = trial.userAttrs.alphaSoftmax;
  if (rows === undefined || rows === null) return { alpha: null, beta: null };
  const where = `study '${spec.name}', trial ${trial.number}: alphaSoftmax`;
  if (!isMatrix(rows)) throw new NascentError(`${where} is not a matrix of numbers`);
  const edges = cells.flatMap((c) => c.edges);
  const nodes = cells.flatMap((c) => c.nodes);
  if (rows.length !== edges.length && rows.length !== edges.length + nodes.length) {
    throw new NascentError(`${where} has ${rows.length} rows; this space has ${edges.length} edges (and ${nodes.length} beta rows with PC-DARTS)`);
  }
  rows.slice(0, edges.length).forEach((row, r) => {
    if (row.length !== ops) throw new NascentError(`${where} row ${r} (${edges[r]}) has ${row.length} entries, not one per op (${ops})`);
  });
  const beta = rows.length > edges.length ? rows.slice(edges.length) : null;
  beta?.forEach((row, n) => {
    if (row.length !== nodes[n].inputs.length) throw new NascentError(`${where} beta row ${n} (node ${nodes[n].node}) has ${row.length} entries, not one per input (${nodes[n].inputs.length})`);
  });
  return { alpha: rows.slice(0, edges.length), beta };
}

function epochOf(spec: StudySpec, trial: TrialRecord, cells: CellRows[], ops: number): OneshotEpoch {
  const metric = (name: string) => trial.metrics?.[name] ?? null;
  const note = trial.note?.epoch;
  const temperature = trial.userAttrs.temperature;
  return {
    epoch: typeof note === "number" ? note : trial.number + 1,
    trial: trial.number,
    trainLoss: metric("trainLoss"),
    archLoss: metric("archLoss"),
    supernetAccuracy: metric("supernetAccuracy"),
    learningRate: metric("learningRate"),
    seconds: metric("seconds"),
    temperature: typeof temperature === "number" ? temperature : null,
    latencyMs: metric("latencyMs"),
    ...splitRows(spec, trial, cells, ops),
    genotype: trial.config,
    key: trial.config === null ? null : trial.key,
  };
}

/**
 * The dashboard's view of a study that `nascent oneshot` writes (one trial per epoch, recordEpochs):
 * per complete epoch the losses, accuracy, schedule, softmax(alpha) split into edges and PC-DARTS's beta,
 * and the genotype; the row and column names come from the space (architectureRows). `trials` are the
 * changed trials a cursor read (all of them when `complete`). Errors: a study not written by `nascent
 * oneshot`, or a record whose alphaSoftmax does not fit the space.
 */
export function oneshotPayload(spec: StudySpec, trials: readonly TrialRecord[], cursor: number, complete: boolean): OneshotPayload {
  const method = oneshotMethod(spec);
  if (method === null) throw new NascentError(`study '${spec.name}' is not a one-shot search (its strategy is ${spec.strategy.name}; nascent oneshot writes oneshot:METHOD)`);
  const space = oneshotSpace(spec);
  const { ops, cells } = architectureRows(space);
  const epochs = trials.filter((t) => t.state === "complete").map((t) => epochOf(spec, t, cells, ops.length));
  const planned = spec.strategy.options?.epochs;
  const weights = method === "spos" || method === "rsps" ? null : method === "enas" ? "policy" : "alpha";
  return { method, space, plannedEpochs: typeof planned === "number" ? planned : null, weights, ops, cells, cursor, complete, epochs };
}
