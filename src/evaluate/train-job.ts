import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildNetwork } from "../nn/builders/index.js";
import { saveCheckpoint } from "../nn/checkpoint.js";
import { type DataSplits, resizeDataset, syntheticSplits } from "../nn/data/dataset.js";
import { loadFashionMnist } from "../nn/data/fashion-mnist.js";
import { countCost } from "../nn/layers.js";
import { trainNetwork, type OptimizerName } from "../nn/trainer.js";
import { Rng } from "../core/rng.js";
import type { Metrics } from "./evaluator.js";

export const TRAIN_DATASETS = ["fashion-mnist", "synthetic"] as const;
export type TrainDataset = (typeof TRAIN_DATASETS)[number];

/** How every trial of a search trains. */
export interface TrainSettings {
  epochs: number;
  /** Training images used (the first N of a fixed shuffle of the training split). */
  trainLimit?: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: OptimizerName;
  /** Random flips and shifts of the training images. */
  augment?: boolean;
  /** Save each fully trained model here as `trial-N.safetensors` (weights, BN statistics and the network). */
  checkpointDir?: string;
}

/** One trial's training, as sent to the process that runs it (plain JSON). */
export interface TrainJob extends TrainSettings {
  builder: string;
  config: unknown;
  dataset: TrainDataset;
  trialNumber: number;
  seed: number;
}

/** What the training process tells its parent. */
export type TrainMessage =
  | { kind: "step"; step: number; total: number; loss: number }
  | { kind: "epoch"; epoch: number; accuracy: number }
  | { kind: "done"; metrics: Metrics }
  | { kind: "error"; message: string };

/** The parent's answer to an epoch message. */
export interface EpochVerdict {
  kind: "verdict";
  prune: boolean;
}

export interface TrainChannel {
  send(message: TrainMessage): void;
  /** Sends an epoch's accuracy and waits for the parent's verdict. */
  epoch(epoch: number, accuracy: number): Promise<boolean>;
}

/** A training dataset's splits by name (Fashion-MNIST from its IDX files; the fixed synthetic set of the tests). */
export function datasetSplits(dataset: TrainDataset, trainLimit?: number): DataSplits {
  return dataset === "fashion-mnist"
    ? loadFashionMnist({ trainLimit })
    : syntheticSplits({ train: trainLimit ?? 2048, validation: 512, test: 512, shape: [16, 16, 1], classes: 4, noise: 1.2, rng: Rng.derive("synthetic data") });
}

const loadSplits = (job: TrainJob): DataSplits => datasetSplits(job.dataset, job.trainLimit);

/** Builds the job's network, trains it on the job's data and returns the trial's metrics. */
export async function runTrainJob(job: TrainJob, channel: TrainChannel): Promise<Metrics> {
  const native = loadSplits(job);
  const { network, input } = buildNetwork(job.builder, job.config, { shape: native.train.shape, classes: native.train.classes });
  const side = input[0];
  const data =
    side === native.train.shape[0]
      ? native
      : { train: resizeDataset(native.train, side, side), validation: resizeDataset(native.validation, side, side), test: resizeDataset(native.test, side, side) };
  const cost = countCost(network, input);
  const result = await trainNetwork(network, data, {
    epochs: job.epochs,
    batchSize: job.batchSize,
    learningRate: job.learningRate,
    optimizer: job.optimizer,
    augment: job.augment,
    rng: Rng.derive("training", job.seed),
    onStep: (step, total, loss) => channel.send({ kind: "step", step, total, loss }),
    onEpoch: (epoch, accuracy) => channel.epoch(epoch, accuracy),
  });
  if (job.checkpointDir && !result.stopped) {
    mkdirSync(job.checkpointDir, { recursive: true });
    await saveCheckpoint(join(job.checkpointDir, `trial-${job.trialNumber}.safetensors`), { network, input, params: result.params, state: result.state });
  }
  const metrics: Metrics = { accuracy: result.validationAccuracy, params: cost.params, flops: cost.macs, train_seconds: result.seconds };
  if (result.testAccuracy !== undefined) metrics.test_accuracy = result.testAccuracy;
  return metrics;
}
