import { NETWORK_BUILDERS, networkBuilderFor } from "../nn/builders/index.js";
import { loadEngine } from "../nn/engine/index.js";
import { checkNaswotNetwork, naswot } from "../predict/zero-cost/naswot.js";
import { Rng } from "../core/rng.js";
import { gaussianBatch, jacobCov, saliency } from "../predict/zero-cost/saliency.js";
import { grasp } from "../predict/zero-cost/grasp.js";
import { fisher } from "../predict/zero-cost/fisher.js";
import { synflow } from "../predict/zero-cost/synflow.js";
import { zenScore } from "../predict/zero-cost/zen.js";
import { copelandScore, DEFAULT_VOTE_POOL, votePool, voteBatch, voterScores, type VotePoolOptions } from "../predict/zero-cost/vote.js";
import type { Space } from "../space/space.js";
import type { ImageDataset } from "../nn/data/dataset.js";
import { dataBatch } from "../predict/zero-cost/data-batch.js";
import { datasetSplits, TRAIN_DATASETS, type TrainDataset } from "./train-job.js";
import { NascentError } from "../core/errors.js";
import type { EvaluationContext, Evaluator, Metrics } from "./evaluator.js";

/** Zero-cost proxies an evaluator can score by (`zc:NAME`); higher is better for each. */
export const ZERO_COST_PROXIES = ["synflow", "snip", "grad_norm", "grasp", "fisher", "jacob_cov", "naswot", "zen", "vote"] as const;
export type ZeroCostProxy = (typeof ZERO_COST_PROXIES)[number];

/** Datasets whose training images the data-dependent proxies can run on (`zc:NAME:DATASET`). */
export const ZERO_COST_DATASETS = TRAIN_DATASETS;
export type ZeroCostDataset = TrainDataset;

/** Without a dataset, CIFAR-shaped input: the NB201 networks' own resolution and class count. */
const GAUSSIAN = { shape: [32, 32, 3] as const, classes: 10 };
const BATCH = 64;

export interface ZeroCostEvaluatorOptions {
  votePool?: VotePoolOptions;
  /** Score on this dataset's training images and labels, with networks built for its shape and classes; default N(0, 1) noise at CIFAR shape. */
  dataset?: string;
}

const loaded = new Map<string, ImageDataset>();

/** The dataset's training split, checked by name and read once per process; a NascentError for an unknown one. */
function trainingImages(proxy: string, name: string): ImageDataset {
  if (!(ZERO_COST_DATASETS as readonly string[]).includes(name)) throw new NascentError(`zc:${proxy}: unknown dataset '${name}' (expected one of ${ZERO_COST_DATASETS.join(", ")}; without one the proxies run on N(0, 1) noise)`);
  let images = loaded.get(name);
  if (!images) loaded.set(name, (images = datasetSplits(name as ZeroCostDataset).train));
  return images;
}

/**
 * `zc:NAME[:DATASET]`: scores a config by a zero-cost proxy of its network at initialization, no training.
 * With `options.dataset` the network is built for the dataset's image shape and class count, and snip,
 * grad_norm, grasp, fisher, jacob_cov and naswot (and the vote's voters) run on a batch of 64 of its
 * training images with their labels, drawn from the trial's stream (`dataBatch`: the same seed, the same
 * batch); without one, on 64 N(0, 1) images with random labels at CIFAR shape (32x32x3, 10 classes).
 * synflow's input is all ones and Zen-score's N(0, 1) by definition, on the dataset's shape. The metric
 * `zc_gaussian_input` records which: 1 on N(0, 1) noise, 0 on the dataset's images or synflow's ones; the
 * dataset's name is in the evaluator's name (`zc:snip:fashion-mnist`), which the study stores. Metrics:
 * the proxy, and `zc_seconds` (its cost). `zc:vote` is the config's Copeland score under the majority of
 * synflow, jacob_cov and snip against a seeded reference
 * pool of the space (`options.votePool`, default 50 configs, seed 0), whose scores are computed once per
 * process; each query then costs its own three proxies, and `zc_pool_seconds` reports the pool's cost.
 * A non-finite score is recorded as -1e8, as NASLib does.
 */
export function zeroCostEvaluator(proxy: string, options: ZeroCostEvaluatorOptions = {}): Evaluator {
  if (!(ZERO_COST_PROXIES as readonly string[]).includes(proxy)) throw new NascentError(`unknown zero-cost proxy '${proxy}' (expected one of ${ZERO_COST_PROXIES.join(", ")}, as zc:NAME)`);
  const images = options.dataset === undefined ? null : trainingImages(proxy, options.dataset);
  const data = images ? { shape: images.shape, classes: images.classes } : GAUSSIAN;
  // Zen-score is defined on N(0, 1) input; every other proxy but synflow reads the batch.
  const gaussianInput = proxy === "zen" || (proxy !== "synflow" && !images) ? 1 : 0;
  let space: Space<unknown> | null = null;
  return {
    name: images ? `zc:${proxy}:${options.dataset}` : `zc:${proxy}`,
    metrics: [
      { name: proxy, direction: "maximize", description: `zero-cost proxy ${proxy} at initialization` },
      { name: "zc_seconds", direction: "minimize", description: "seconds the proxy took" },
      { name: "zc_gaussian_input", direction: "minimize", description: "1 when the proxy ran on N(0, 1) noise (no dataset given, or Zen-score), 0 on the dataset's images or synflow's all-ones input" },
      ...(proxy === "vote" ? [{ name: "zc_pool_seconds", direction: "minimize" as const, description: "seconds the shared reference pool took (once per process)" }] : []),
    ],
    checkSpace(s: Space<unknown>): void {
      let builder: ReturnType<typeof networkBuilderFor>;
      try {
        builder = networkBuilderFor(s);
      } catch (error) {
        if (!(error instanceof NascentError)) throw error;
        throw new NascentError(`zc:${proxy} scores a config's network at initialization, and nascent has no network builder for this space (built-in spaces with one: ${Object.keys(NETWORK_BUILDERS).join(", ")})`);
      }
      // A space's networks share their activations: one sampled config tells whether NASWOT can run at all.
      if (proxy === "naswot") {
        const { network, input } = builder.build(s.sample(Rng.derive("zc:naswot check")), data);
        checkNaswotNetwork(network, input, `zc:naswot: space '${builder.name}'`);
      }
      space = s;
    },
    async evaluate(config: unknown, context: EvaluationContext): Promise<Metrics> {
      if (!space) throw new NascentError(`zc:${proxy}: checkSpace must be called before evaluate`);
      await loadEngine();
      const { network, input } = networkBuilderFor(space).build(config, data);
      const started = performance.now();
      let value: number;
      if (proxy === "synflow") value = await synflow(network, input, context.rng.fork("weights"));
      else if (proxy === "zen") value = await zenScore(network, input, context.rng.fork("weights"));
      else if (proxy === "vote") {
        const poolOptions = { ...(options.votePool ?? DEFAULT_VOTE_POOL), data: images ?? undefined };
        const builder = networkBuilderFor(space);
        const pool = await votePool(space, (c) => builder.build(c, data), data.classes, poolOptions);
        const queryStarted = performance.now();
        const scores = await voterScores(network, voteBatch(input, data.classes, poolOptions.seed, poolOptions.data), context.rng.fork("weights"));
        const seconds = (performance.now() - queryStarted) / 1000;
        return { vote: copelandScore(scores, pool.scores), zc_seconds: seconds, zc_gaussian_input: gaussianInput, zc_pool_seconds: pool.seconds };
      }
      else {
        const batch = images ? dataBatch(images, BATCH, context.rng.fork("batch"), input) : gaussianBatch(BATCH, input, data.classes, context.rng.fork("batch"));
        const weights = context.rng.fork("weights");
        if (proxy === "jacob_cov") value = await jacobCov(network, batch, weights);
        else if (proxy === "naswot") value = await naswot(network, batch, weights);
        else if (proxy === "grasp") value = await grasp(network, batch, weights);
        else if (proxy === "fisher") value = await fisher(network, batch, weights);
        else {
          const { snip, gradNorm } = await saliency(network, batch, weights);
          value = proxy === "snip" ? snip : gradNorm;
        }
      }
      // NASLib's ZeroCost.query: a non-finite score (a cell whose `none` edges zero a BatchNorm's input, so
      // its log-variance is -∞; a singular NASWOT kernel) ranks last as -1e8 instead of failing the trial.
      if (!Number.isFinite(value)) value = -1e8;
      return { [proxy]: value, zc_seconds: (performance.now() - started) / 1000, zc_gaussian_input: gaussianInput };
    },
  };
}
