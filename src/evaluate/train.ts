import { buildNetwork, networkBuilderFor } from "../nn/builders/index.js";
import { type DataSplits, resizeDataset, syntheticSplits } from "../nn/data/dataset.js";
import { loadFashionMnist } from "../nn/data/fashion-mnist.js";
import { countCost } from "../nn/layers.js";
import { releaseWeights, trainNetwork, type OptimizerName } from "../nn/trainer.js";
import type { Space } from "../space/space.js";
import { NascentError } from "../util/errors.js";
import { Rng } from "../util/rng.js";
import type { EvaluationContext, Evaluator, MetricInfo, Metrics } from "./evaluator.js";

export const TRAIN_DATASETS = ["fashion-mnist", "synthetic"] as const;

export interface TrainEvaluatorOptions {
  epochs: number;
  /** Training images used (the first N of a fixed shuffle of the training split). */
  trainLimit?: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: OptimizerName;
  /** Called with each trial's progress (for progress bars). */
  onProgress?: (trial: number, step: number, totalSteps: number, loss: number) => void;
}

const METRICS: MetricInfo[] = [
  { name: "accuracy", direction: "maximize", description: "validation accuracy after the last epoch (0-1)" },
  { name: "test_accuracy", direction: "maximize", description: "accuracy on the test set after training (0-1)" },
  { name: "params", direction: "minimize", description: "trainable parameters" },
  { name: "flops", direction: "minimize", description: "multiply-adds per image (conv and dense layers)" },
  { name: "train_seconds", direction: "minimize", description: "wall-clock training time" },
];

/**
 * Real training as an evaluator: each config is built into a network (nb201, mobilenet, vit), trained on
 * the dataset in-process on jax-js, with validation accuracy reported after every epoch so pruners work.
 */
export class TrainEvaluator implements Evaluator {
  readonly metrics = METRICS;
  readonly maxStep: number;
  private builderName = "";
  private splits: DataSplits | undefined;
  private readonly resized = new Map<number, DataSplits>();

  constructor(
    readonly dataset: (typeof TRAIN_DATASETS)[number],
    readonly options: TrainEvaluatorOptions,
  ) {
    if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new NascentError(`--epochs must be a positive integer, got ${options.epochs}`);
    this.maxStep = options.epochs;
  }

  get name(): string {
    const parts = [`epochs=${this.options.epochs}`];
    if (this.options.trainLimit) parts.push(`train_limit=${this.options.trainLimit}`);
    if (this.options.batchSize) parts.push(`batch_size=${this.options.batchSize}`);
    if (this.options.learningRate) parts.push(`lr=${this.options.learningRate}`);
    if (this.options.optimizer) parts.push(`optimizer=${this.options.optimizer}`);
    return `train:${this.dataset}:${parts.join(",")}`;
  }

  checkSpace(space: Space<unknown>): void {
    this.builderName = networkBuilderFor(space).name;
  }

  private data(): DataSplits {
    this.splits ??=
      this.dataset === "fashion-mnist"
        ? loadFashionMnist({ trainLimit: this.options.trainLimit })
        : syntheticSplits({ train: this.options.trainLimit ?? 2048, validation: 512, test: 512, shape: [16, 16, 1], classes: 4, noise: 1.2, rng: Rng.derive("synthetic data") });
    return this.splits;
  }

  private dataAt(side: number): DataSplits {
    const data = this.data();
    if (side === data.train.shape[0]) return data;
    let resized = this.resized.get(side);
    if (!resized) {
      resized = { train: resizeDataset(data.train, side, side), validation: resizeDataset(data.validation, side, side), test: resizeDataset(data.test, side, side) };
      this.resized.set(side, resized);
    }
    return resized;
  }

  async evaluate(config: unknown, context: EvaluationContext): Promise<Metrics> {
    if (!this.builderName) throw new NascentError("TrainEvaluator: call checkSpace(space) first");
    const native = this.data().train;
    const { network, input } = buildNetwork(this.builderName, config, { shape: native.shape, classes: native.classes });
    const cost = countCost(network, input);
    const result = await trainNetwork(network, this.dataAt(input[0]), {
      epochs: this.options.epochs,
      batchSize: this.options.batchSize,
      learningRate: this.options.learningRate,
      optimizer: this.options.optimizer,
      rng: context.rng.fork("training"),
      signal: context.signal,
      onStep: (step, total, loss) => this.options.onProgress?.(context.trialNumber, step, total, loss),
      onEpoch: async (epoch, accuracy) => {
        await context.report(epoch, accuracy);
        return context.shouldPrune();
      },
    });
    releaseWeights(result);
    const metrics: Metrics = {
      accuracy: result.validationAccuracy,
      params: cost.params,
      flops: cost.macs,
      train_seconds: result.seconds,
    };
    if (result.testAccuracy !== undefined) metrics.test_accuracy = result.testAccuracy;
    return metrics;
  }
}
