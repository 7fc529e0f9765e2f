import { loadFashionMnist } from "../nn/data/fashion-mnist.js";
import { resizeDataset } from "../nn/data/dataset.js";
import type { Engine } from "../nn/engine/engine.js";
import { Resized, type EvalData } from "./evaluate.js";
import { fullConfig, type OfaConfig, type OfaShape } from "./network.js";
import { progressiveShrinking, type Phase } from "./phases.js";
import { OfaRunner } from "./runner.js";
import { progressiveShrink } from "./train.js";
import type { OfaState } from "./state.js";

/** Fashion-MNIST at a native side (bilinear from 28 px): 55,000 training, 5,000 validation, 10,000 test images. */
export interface OfaData {
  train: Resized;
  validation: Resized;
  test: Resized;
  native: number;
}

export function loadOfaData(native: number, trainLimit?: number): OfaData {
  const splits = loadFashionMnist({ trainLimit });
  const at = (d: typeof splits.train) => new Resized(resizeDataset(d, native, native));
  return { train: at(splits.train), validation: at(splits.validation), test: at(splits.test), native };
}

export interface OfaTrainOptions {
  dir: string;
  width: number;
  head: number;
  batch: number;
  seed: number;
  epochs: { full: number; kernel: number; short: number; long: number };
  kdRatio: number;
  weightDecay: number;
  checkpointEvery: number;
  /** Training images used to recompute BatchNorm statistics of a sub-network before it is evaluated. */
  calibrationImages: number;
  /** Validation images on which the probe sub-networks are scored after each phase. */
  probeImages: number;
}

export const smallestConfig = (): OfaConfig => ({ resolution: 0.75, stages: [0, 1, 2, 3].map(() => ({ kernel: 3, expand: 3, depth: 2 })) });

export function ofaShape(native: number, options: Pick<OfaTrainOptions, "width" | "head">): OfaShape {
  return { input: [native, native, 1], classes: 10, width: options.width, head: options.head };
}

export function evalDataOf(data: OfaData, options: Pick<OfaTrainOptions, "calibrationImages" | "batch">, evaluation: Resized): EvalData {
  return { calibration: data.train, calibrationImages: options.calibrationImages, evaluation, batch: options.batch };
}

/** Progressive shrinking of a `mobilenet`-space supernet on Fashion-MNIST, resumable from `options.dir`. */
export async function trainOfa(engine: Engine, data: OfaData, options: OfaTrainOptions, onStep?: (phase: Phase, step: number, steps: number, loss: number) => void): Promise<OfaState> {
  const shape = ofaShape(data.native, options);
  const runner = new OfaRunner(engine, shape);
  const probeSet = data.validation.dataset;
  const probes = new Resized({ ...probeSet, count: Math.min(options.probeImages, probeSet.count) });
  try {
    return await progressiveShrink(runner, data.train, evalDataOf(data, options, probes), {
      phases: progressiveShrinking(options.epochs),
      batch: options.batch,
      seed: options.seed,
      kdRatio: options.kdRatio,
      weightDecay: options.weightDecay,
      checkpointEvery: options.checkpointEvery,
      probes: [fullConfig(), smallestConfig()],
      dir: options.dir,
      meta: { shape, dataset: `fashion-mnist/train@${data.native}px`, trainImages: data.train.dataset.count, batch: options.batch },
      onStep,
    });
  } finally {
    runner.dispose();
  }
}
