import { argmax, type Weights } from "../nn/engine/engine.js";
import { resizeDataset, type ImageDataset } from "../nn/data/dataset.js";
import { sideOf, type OfaConfig, type OfaShape } from "./network.js";
import type { OfaRunner } from "./runner.js";

/** A dataset at every side a config may ask for, resized (bilinear) once and kept. */
export class Resized {
  private readonly bySide = new Map<number, ImageDataset>();
  constructor(readonly dataset: ImageDataset) {}

  at(side: number): ImageDataset {
    let found = this.bySide.get(side);
    if (!found) this.bySide.set(side, (found = resizeDataset(this.dataset, side, side)));
    return found;
  }

  /** Images [count, side, side, C] at the given positions. */
  batch(side: number, indices: ArrayLike<number>): { x: Float32Array; labels: Int32Array } {
    const d = this.at(side);
    const size = side * side * d.shape[2];
    const x = new Float32Array(indices.length * size);
    const labels = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      x.set(d.images.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
      labels[i] = d.labels[indices[i]];
    }
    return { x, labels };
  }
}

export interface EvalData {
  /** Training images for BatchNorm recalibration (the first `calibration` of them, in batches of `batch`). */
  calibration: Resized;
  calibrationImages: number;
  evaluation: Resized;
  batch: number;
}

/** The config's standalone weights: cut from the supernet, BatchNorm statistics recomputed on training images. */
export async function calibratedSubnet(runner: OfaRunner, supernet: Weights, config: OfaConfig, data: EvalData): Promise<Weights> {
  const side = sideOf(runner.shape, config);
  const batches: Float32Array[] = [];
  const n = Math.min(data.calibrationImages, data.calibration.dataset.count);
  for (let start = 0; start + data.batch <= n; start += data.batch) {
    batches.push(data.calibration.batch(side, Array.from({ length: data.batch }, (_, i) => start + i)).x);
  }
  if (batches.length === 0) throw new Error(`BatchNorm recalibration needs at least ${data.batch} training images, got ${n}`);
  return runner.recalibrate(config, runner.subnet(supernet, config), batches, data.batch);
}

/** Top-1 accuracy of a sub-network with its own (calibrated) weights on the evaluation images. */
export async function accuracyOf(runner: OfaRunner, config: OfaConfig, weights: Weights, evaluation: Resized, batch: number): Promise<number> {
  const side = sideOf(runner.shape, config);
  let correct = 0;
  const count = evaluation.dataset.count;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const { x, labels } = evaluation.batch(side, Array.from({ length: size }, (_, i) => start + i));
    const predicted = argmax(await runner.forward(config, weights, x, size, false));
    for (let i = 0; i < size; i++) if (predicted[i] === labels[i]) correct++;
  }
  return correct / count;
}

/** Supernet accuracy of a config without retraining: cut, recalibrate, evaluate. */
export async function subnetAccuracy(runner: OfaRunner, supernet: Weights, config: OfaConfig, data: EvalData): Promise<number> {
  return accuracyOf(runner, config, await calibratedSubnet(runner, supernet, config, data), data.evaluation, data.batch);
}
