import { shuffledIndices, subset, type ImageDataset } from "../nn/data/dataset.js";
import { argmax, type Weights } from "../nn/engine/engine.js";
import { Rng } from "../core/rng.js";
import { uniformMode, type EdgeSample } from "./edge-modes.js";
import { configOfPaths } from "./genotype.js";
import type { PathSet } from "./layout.js";
import type { SupernetRunner } from "./supernet.js";

/** A batch of `size` images of `data` in `order` from position `from`. */
export function batch(data: ImageDataset, order: ArrayLike<number>, from: number, size: number): { x: Float32Array; labels: Int32Array } {
  const picked = subset(data, Array.from({ length: size }, (_, i) => order[from + i]));
  return { x: picked.images, labels: picked.labels };
}

/** Top-1 accuracy of one path of the supernet on `data`, BatchNorm on batch statistics unless `weights` were recalibrated. */
export async function supernetAccuracy(runner: SupernetRunner, weights: Weights, sample: Pick<EdgeSample, "paths" | "w" | "probe">, data: ImageDataset, training = true): Promise<number> {
  const size = 250;
  let correct = 0;
  for (let from = 0; from < data.count; from += size) {
    const count = Math.min(size, data.count - from);
    const x = data.images.subarray(from * (data.images.length / data.count), (from + count) * (data.images.length / data.count));
    const predicted = argmax(await runner.logits(weights, sample, x, count, training));
    for (let i = 0; i < count; i++) if (predicted[i] === data.labels[from + i]) correct++;
  }
  return correct / data.count;
}

/** The sample that runs one path with weight 1 per edge. */
export const oneHot = (paths: PathSet): Pick<EdgeSample, "paths" | "w" | "probe"> => ({ paths, w: paths.map(() => [1]), probe: false });

/**
 * RSPS (Li & Talwalkar 2019): `candidates` uniform cells, each scored on one held-out batch with batch
 * statistics. SPOS (Guo et al. 2020): the same candidates, BatchNorm statistics recomputed on 4 training
 * batches for each, scored on all held-out images in eval mode.
 */
export async function rankCandidates(runner: SupernetRunner, weights: Weights, options: { method: string; seed: number; count: number; batchSize: number }, calibration: ImageDataset, held: ImageDataset): Promise<{ config: unknown; accuracy: number }[]> {
  const rng = Rng.derive("oneshot candidates", options.seed);
  const { count, batchSize } = options;
  const { layout } = runner;
  const zero = layout.edges.map(() => layout.ops.map(() => 0));
  const scored: { config: unknown; accuracy: number }[] = [];
  for (let i = 0; i < count; i++) {
    // NB201 draws an op per edge (the candidates of earlier runs); other spaces draw a config of the space.
    const config = layout.space === "nb201" ? configOfPaths(uniformMode.sample(zero, rng, 1).paths) : layout.configSpace.sample(rng);
    const paths = layout.pathsOf(config);
    let accuracy: number;
    if (options.method === "rsps") {
      accuracy = await supernetAccuracy(runner, weights, oneHot(paths), subset(held, Array.from({ length: Math.min(250, held.count) }, (_, k) => k)));
    } else {
      const order = shuffledIndices(calibration.count, rng.fork("calibration"));
      const batches = Array.from({ length: 4 }, (_, b) => batch(calibration, order, b * batchSize, batchSize).x);
      const calibrated = await runner.recalibrate(weights, paths, batches, batchSize);
      accuracy = await supernetAccuracy(runner, calibrated, oneHot(paths), held, false);
    }
    scored.push({ config, accuracy });
  }
  // A stable sort: ties keep the drawing order, so the result does not depend on the engine's float noise order.
  return scored.sort((a, b) => b.accuracy - a.accuracy);
}
