import { availableParallelism } from "node:os";
import { type Command, InvalidArgumentError } from "commander";
import { CommandEvaluator } from "../evaluate/command.js";
import type { Evaluator } from "../evaluate/evaluator.js";
import { resolveBenchmark } from "../evaluate/registry.js";
import { LLM_EVALUATOR_OPTIONS, resolveLlmEvaluator } from "../evaluate/llm-scaling-law.js";
import { TRAIN_TEXT_DEFAULTS, TrainTextEvaluator } from "../evaluate/train-text.js";
import { SupernetEvaluator } from "../oneshot/supernet-evaluator.js";
import { TRAIN_DATASETS, TrainEvaluator } from "../evaluate/train.js";
import { NascentError } from "../core/errors.js";
import type { OptionDoc } from "../core/registry.js";
import { positiveInt, positiveNumber } from "./arguments.js";
import type { TrainingProgress } from "./progress.js";

/** How candidates are evaluated: exactly one of a benchmark, in-process training or a trial command. */
export interface EvaluatorOptions {
  benchmark?: string;
  evaluator?: string;
  command?: string;
  epochs?: number;
  trainLimit?: number;
  checkpoints?: string;
  batchSize?: number;
  learningRate?: number;
  optimizer?: "sgd" | "adam";
  augment?: boolean;
  trialTimeout?: number;
  maxStep?: number;
  /** With --evaluator llm:scaling-law: hoffmann, besiroglu or fit:PATH. */
  law?: string;
  /** Trials evaluated at once (search): training processes then share the cores between them. */
  concurrency?: number;
}

function optimizerName(text: string): "sgd" | "adam" {
  if (text !== "sgd" && text !== "adam") throw new InvalidArgumentError(`expected sgd or adam, got '${text}'`);
  return text;
}

/** The `--evaluator` forms that are not benchmarks, as `nascent list evaluators` shows them next to the registry's. */
export const IN_PROCESS_EVALUATORS: readonly { name: string; summary: string; options: readonly OptionDoc[] }[] = [
  {
    name: "llm:scaling-law",
    summary: "llm configs scored analytically: Chinchilla-law loss, params, train FLOPs, memory, KV cache, roofline latency per device; llm:scaling-law:key=value,... (docs/llm.md)",
    options: LLM_EVALUATOR_OPTIONS,
  },
  {
    name: "train:text",
    summary: "trains each llm-tiny config as a tiny GPT on the King James Bible for its tokens; validation loss in nats/byte every eval step, for pruners (docs/llm.md)",
    options: [
      { name: "--batch-size", type: "positive integer", default: TRAIN_TEXT_DEFAULTS.batch, description: "sequences per step" },
      { name: "--learning-rate", type: "positive number", default: TRAIN_TEXT_DEFAULTS.learningRate, description: "peak AdamW learning rate (warm-up, cosine decay)" },
    ],
  },
  {
    name: "supernet:DIR",
    summary: "nb201 or nb301 configs scored with the weights they inherit from a trained supernet (nascent oneshot --checkpoint-dir DIR): BatchNorm recalibrated on 4 batches of 64, accuracy on 1,000 validation images",
    options: [],
  },
];

/** The options of `search` and `evaluate` that choose and configure the evaluator. */
export function addEvaluatorOptions(command: Command): Command {
  return command
    .option("--benchmark <name>", "nb201:cifar10, nb201:cifar100, nb301, table:<csv>:<arch column>:<metric column>[:min|max], or a zero-cost proxy zc:NAME[:DATASET] (nascent list evaluators shows them)")
    .option("--evaluator <name>", `train each candidate in-process: ${TRAIN_DATASETS.map((d) => `train:${d}`).join(", ")} (spaces nb201, nb301, mobilenet, vit); llm:scaling-law (space llm); train:text (space llm-tiny, King James Bible); supernet:DIR scores nb201 or nb301 configs inside a trained supernet (nascent oneshot)`)
    .option("--command <shell command>", "train each candidate with this program (trial protocol: README, 'Trial protocol')")
    .option("--epochs <n>", "with --evaluator: training epochs per trial", positiveInt, 2)
    .option("--train-limit <n>", "with --evaluator: training images used", positiveInt)
    .option("--batch-size <n>", "with --evaluator: mini-batch size", positiveInt)
    .option("--learning-rate <x>", "with --evaluator: peak learning rate", positiveNumber)
    .option("--optimizer <sgd|adam>", "with --evaluator: optimizer (default sgd with Nesterov momentum)", optimizerName)
    .option("--augment", "with --evaluator: random flips and shifts of the training images (for longer training)")
    .option("--checkpoints <dir>", "with --evaluator: save each trained model as DIR/trial-N.safetensors")
    .option("--trial-timeout <seconds>", "with --command: kill and fail a trial after this long", positiveNumber)
    .option("--max-step <n>", "with --command: the last step programs report (for asha/hyperband)", positiveInt)
    .option("--law <name>", "with --evaluator llm:scaling-law: hoffmann, besiroglu or fit:PATH");
}

/** Exactly one of --benchmark, --evaluator and --command says how candidates are evaluated. */
export async function resolveEvaluator(options: EvaluatorOptions, progress?: TrainingProgress): Promise<Evaluator> {
  const given = [options.benchmark && "--benchmark", options.evaluator && "--evaluator", options.command && "--command"].filter(Boolean);
  if (given.length !== 1) throw new NascentError(given.length ? `give only one of ${given.join(", ")}` : "say how to evaluate candidates: --benchmark NAME, --evaluator train:fashion-mnist, or --command 'python3 train.py'");
  if (options.benchmark) return resolveBenchmark(options.benchmark);
  if (options.command) return new CommandEvaluator(options.command, { trialTimeout: options.trialTimeout, maxStep: options.maxStep });
  if ((options.evaluator as string).startsWith("llm:")) return resolveLlmEvaluator(options.evaluator as string, { law: options.law });
  if (options.evaluator === "train:text") return new TrainTextEvaluator({ batch: options.batchSize, learningRate: options.learningRate });
  if ((options.evaluator as string).startsWith("supernet:")) return SupernetEvaluator.open((options.evaluator as string).slice("supernet:".length));
  const dataset = (options.evaluator as string).replace(/^train:/, "");
  if (!(options.evaluator as string).startsWith("train:") || !(TRAIN_DATASETS as readonly string[]).includes(dataset)) {
    throw new NascentError(`unknown evaluator '${options.evaluator}' (expected ${TRAIN_DATASETS.map((d) => `train:${d}`).join(" or ")})`);
  }
  return new TrainEvaluator(dataset as (typeof TRAIN_DATASETS)[number], {
    epochs: options.epochs ?? 2,
    trainLimit: options.trainLimit,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    optimizer: options.optimizer,
    augment: options.augment,
    checkpointDir: options.checkpoints,
    // jax-js spreads each kernel over threads; on small networks two one-thread trials at once finish 1.6x
    // sooner than two two-thread trials one after the other (measured: 6 MobileNet trials, 13.3 vs 8.2 min).
    threadsPerTrial: Math.max(1, Math.floor(availableParallelism() / (options.concurrency ?? 1))),
    onProgress: progress ? (trial, step, total, loss) => progress.update(trial, step, total, loss) : undefined,
  });
}
