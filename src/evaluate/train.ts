import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { requireFashionMnist } from "../nn/data/fashion-mnist.js";
import { networkBuilderFor } from "../nn/builders/index.js";
import type { Space } from "../space/space.js";
import { NascentError } from "../core/errors.js";
import type { EvaluationContext, Evaluator, MetricInfo, Metrics } from "./evaluator.js";
import { TRAIN_DATASETS, type EpochVerdict, type TrainDataset, type TrainJob, type TrainMessage, type TrainSettings } from "./train-job.js";

export { TRAIN_DATASETS };

export interface TrainEvaluatorOptions extends TrainSettings {
  /** Called with each trial's progress (for progress bars). */
  onProgress?: (trial: number, step: number, totalSteps: number, loss: number) => void;
  /** Threads each training process gives the engine (NASCENT_THREADS in the environment wins; default: all cores). */
  threadsPerTrial?: number;
}

const METRICS: MetricInfo[] = [
  { name: "accuracy", direction: "maximize", description: "validation accuracy after the last epoch (0-1)" },
  { name: "test_accuracy", direction: "maximize", description: "accuracy on the test set after training (0-1)" },
  { name: "params", direction: "minimize", description: "trainable parameters" },
  { name: "flops", direction: "minimize", description: "multiply-adds per image (conv and dense layers)" },
  { name: "train_seconds", direction: "minimize", description: "wall-clock training time" },
];

const TRAIN_PROCESS = fileURLToPath(new URL("./train-process.js", import.meta.url));

/**
 * Real training as an evaluator: each config is built into a network (nb201, nb301, mobilenet, vit) and trained
 * on the dataset on the engine (torch where its addon loads, else jax-js: nn/engine), in a process of its own
 * (see train-process.ts), with validation accuracy
 * reported after every epoch so pruners work.
 */
export class TrainEvaluator implements Evaluator {
  readonly metrics = METRICS;
  readonly maxStep: number;
  private builderName = "";

  constructor(
    readonly dataset: TrainDataset,
    readonly options: TrainEvaluatorOptions,
  ) {
    if (!Number.isInteger(options.epochs) || options.epochs < 1) throw new NascentError(`--epochs must be a positive integer, got ${options.epochs}`);
    this.maxStep = options.epochs;
    if (dataset === "fashion-mnist") requireFashionMnist();
  }

  get name(): string {
    const parts = [`epochs=${this.options.epochs}`];
    if (this.options.trainLimit) parts.push(`train_limit=${this.options.trainLimit}`);
    if (this.options.batchSize) parts.push(`batch_size=${this.options.batchSize}`);
    if (this.options.learningRate) parts.push(`lr=${this.options.learningRate}`);
    if (this.options.optimizer) parts.push(`optimizer=${this.options.optimizer}`);
    if (this.options.augment) parts.push("augment");
    return `train:${this.dataset}:${parts.join(",")}`;
  }

  checkSpace(space: Space<unknown>): void {
    this.builderName = networkBuilderFor(space).name;
  }

  evaluate(config: unknown, context: EvaluationContext): Promise<Metrics> {
    if (!this.builderName) throw new NascentError("TrainEvaluator: call checkSpace(space) first");
    const { onProgress, threadsPerTrial, ...options } = this.options;
    const env = threadsPerTrial && !process.env.NASCENT_THREADS ? { ...process.env, NASCENT_THREADS: String(threadsPerTrial) } : process.env;
    const job: TrainJob = { ...options, builder: this.builderName, config, dataset: this.dataset, trialNumber: context.trialNumber, seed: context.rng.fork("training").int(0, 2 ** 31 - 1) };
    return new Promise<Metrics>((resolve, reject) => {
      const child = fork(TRAIN_PROCESS, [], { env, stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced" });
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        context.signal.removeEventListener("abort", onAbort);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        outcome();
      };
      const onAbort = () => settle(() => reject(new Error("training interrupted")));
      context.signal.addEventListener("abort", onAbort);
      child.on("message", (message: TrainMessage) => {
        if (message.kind === "step") onProgress?.(context.trialNumber, message.step, message.total, message.loss);
        else if (message.kind === "epoch") {
          void context
            .report(message.epoch, message.accuracy)
            .then(() => child.connected && child.send({ kind: "verdict", prune: context.shouldPrune() } satisfies EpochVerdict))
            .catch((error: unknown) => settle(() => reject(error)));
        } else if (message.kind === "done") settle(() => resolve(message.metrics));
        else settle(() => reject(new NascentError(message.message)));
      });
      child.on("error", (error) => settle(() => reject(error)));
      child.on("exit", (code, signal) => settle(() => reject(new Error(`the training process ended (${signal ?? `code ${code}`}) before reporting a result`))));
      child.send(job);
    });
  }
}
