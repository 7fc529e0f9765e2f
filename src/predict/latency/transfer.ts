import { Rng } from "../../core/rng.js";
import { latencyErrors, type LatencyErrors } from "../metrics/rank.js";
import { adaptToDevice, predictLatency, sourcePrior, type LatencyPrior } from "./few-shot.js";

/** A latency table: one architecture per row, one column per device (ms). */
export interface LatencyTable {
  /** Architecture features per row (e.g. `nb201LatencyFeatures`). */
  features: number[][];
  /** The same features of each row's pruned form (e.g. `nb201PrunedLatencyFeatures`), where the table has them. */
  prunedFeatures?: number[][];
  /** Latency per row on each device, by column name (ms). */
  devices: Record<string, ArrayLike<number>>;
}

export interface TransferResult extends LatencyErrors {
  target: string;
  sources: string[];
  /** Measured rows of the target used for adaptation (the rest are predicted and scored). */
  samples: number;
  sampleRows: number[];
}

/** `count` distinct row indices of `rows`, drawn from the seed's own stream (partial Fisher-Yates). */
export function drawRows(rows: number, count: number, rng: Rng): number[] {
  if (count > rows) throw new Error(`cannot draw ${count} rows from a table of ${rows}`);
  const indices = Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, rows - 1);
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return indices.slice(0, count);
}

export interface TransferOptions {
  /** Directions (from the prior's mean) the evidence may widen the prior along (LatencyPrior.directions). */
  directions?: (prior: LatencyPrior) => number[][];
  /**
   * Offer the evidence the pruned view of the cells (table.prunedFeatures) beside their own; default true
   * where the table has it. Measured on NB201 in docs/latency.md (Pixel 3 0.89 -> 0.96, other devices unchanged).
   */
  prunedView?: boolean;
}

/** Predicted latency of every row on `target` from `sampleRows` measured on it and every row on `sources`. */
export function transferPredictions(table: LatencyTable, target: string, sources: readonly string[], sampleRows: readonly number[], options: TransferOptions = {}): Float64Array {
  const source = sourcePrior(table.features, sources.map((name) => table.devices[name]));
  const prior = options.directions ? { ...source, directions: options.directions(source) } : source;
  const measured = table.devices[target];
  const pruned = options.prunedView !== false ? table.prunedFeatures : undefined;
  const model = adaptToDevice(prior, sampleRows.map((r) => table.features[r]), sampleRows.map((r) => measured[r]), pruned && sampleRows.map((r) => pruned[r]));
  const rows = model.view === "pruned" && pruned ? pruned : table.features;
  return Float64Array.from(rows, (row) => predictLatency(model, row));
}

/** Scores predictions on the rows that were not measured for adaptation. */
export function scoreUnseen(predicted: ArrayLike<number>, measured: ArrayLike<number>, sampleRows: readonly number[]): LatencyErrors {
  const seen = new Set(sampleRows);
  const keep = Array.from({ length: measured.length }, (_, i) => i).filter((i) => !seen.has(i));
  return latencyErrors(keep.map((i) => predicted[i]), keep.map((i) => measured[i]));
}

/**
 * Few-shot transfer to a device left out of the table: draws `samples` rows of `target` with the seed,
 * adapts the source devices' prior to them, and scores the predictions on every other row.
 */
export function fewShotTransfer(table: LatencyTable, target: string, sources: readonly string[], samples: number, seed: number, options: TransferOptions = {}): TransferResult {
  const rows = table.features.length;
  const sampleRows = drawRows(rows, samples, Rng.derive("latency-transfer", target, seed));
  const predicted = transferPredictions(table, target, sources, sampleRows, options);
  return { target, sources: [...sources], samples, sampleRows, ...scoreUnseen(predicted, table.devices[target], sampleRows) };
}
