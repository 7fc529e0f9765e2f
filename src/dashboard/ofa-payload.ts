import { basename, resolve } from "node:path";
import { NascentError } from "../core/errors.js";
import { loadFronts, type FrontRecord } from "../ofa/front-file.js";
import { progressiveShrinking } from "../ofa/phases.js";
import { bucketMeans, LOSS_CURVE_SLICES, readOfaRecord } from "../ofa/state.js";

/** One phase of progressive shrinking as the dashboard draws it. */
export interface OfaPhaseCurve {
  phase: string;
  steps: number;
  seconds: number;
  /** Where the phase starts and how long it is, in passes over the training images (steps when the batch is unknown). */
  start: number;
  length: number;
  /** Mean training loss per slice of the phase, at the slice's middle: [position, loss]. */
  loss: [number, number][];
  /** Validation accuracy of the probe sub-networks after the phase (empty for the phase in progress). */
  accuracy: Record<string, number>;
  done: boolean;
}

/** A supernet directory for the dashboard's once-for-all page: its phases' curves and its searches' fronts. */
export interface OfaPayload {
  name: string;
  dir: string;
  dataset: string;
  trainImages: number;
  /** "epoch" when positions are passes over the training images, "step" for supernets saved without their batch. */
  unit: "epoch" | "step";
  phases: OfaPhaseCurve[];
  seconds: number;
  fronts: FrontRecord[];
}

const PHASE_NAMES = progressiveShrinking({ full: 1, kernel: 1, short: 1, long: 1 }).map((p) => p.name);

/**
 * Reads a supernet directory (state.json and fronts/): the finished phases' loss curves and probe
 * accuracies, the phase in progress from its running losses, and every front `ofa search --strategy nsga2`
 * saved. Errors: a directory with no supernet in it.
 */
export function ofaPayload(dir: string): OfaPayload {
  const record = readOfaRecord(dir);
  if (!record) throw new NascentError(`--ofa ${dir}: no once-for-all supernet there (state.json; run nascent ofa train --out ${dir})`);
  const batch = record.meta.batch;
  const scale = batch ? batch / record.meta.trainImages : 1;
  const phases: OfaPhaseCurve[] = [];
  let start = 0;
  const add = (phase: string, steps: number, losses: number[], seconds: number, accuracy: Record<string, number>, done: boolean) => {
    const length = steps * scale;
    const slice = length / Math.max(1, losses.length);
    phases.push({ phase, steps, seconds, start, length, loss: losses.map((l, i) => [start + (i + 0.5) * slice, l]), accuracy, done });
    start += length;
  };
  for (const h of record.history) add(h.phase, h.steps, h.lossCurve, h.seconds, h.accuracy, true);
  if (record.running.length > 0 && record.phase < PHASE_NAMES.length) {
    const before = record.history.reduce((a, h) => a + h.seconds, 0);
    add(PHASE_NAMES[record.phase], record.step, bucketMeans(record.running, LOSS_CURVE_SLICES), record.seconds - before, {}, false);
  }
  return { name: basename(resolve(dir)), dir, dataset: record.meta.dataset, trainImages: record.meta.trainImages, unit: batch ? "epoch" : "step", phases, seconds: record.seconds, fronts: loadFronts(dir) };
}
