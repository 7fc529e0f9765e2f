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
import { NascentError } from "../core/errors.js";
import type { EvaluationContext, Evaluator, Metrics } from "./evaluator.js";

/** Zero-cost proxies an evaluator can score by (`zc:NAME`); higher is better for each. */
export const ZERO_COST_PROXIES = ["synflow", "snip", "grad_norm", "grasp", "fisher", "jacob_cov", "naswot", "zen", "vote"] as const;
export type ZeroCostProxy = (typeof ZERO_COST_PROXIES)[number];

/** CIFAR-shaped input: the NB201 networks' own resolution and class count. */
const DATA = { shape: [32, 32, 3] as const, classes: 10 };
const BATCH = 64;

/**
 * `zc:NAME`: scores a config by a zero-cost proxy of its network at initialization, no training. synflow
 * needs no data; snip, grad_norm, grasp, fisher, jacob_cov and naswot use a batch of 64 N(0, 1) images
 * with random labels (no dataset is given; Zen-score's input is N(0, 1) by definition), recorded in the
 * metric `zc_gaussian_input` = 1. Metrics: the proxy, and `zc_seconds` (its cost). `zc:vote` is the
 * config's Copeland score under the majority of synflow, jacob_cov and snip against a seeded reference
 * pool of the space (`options.votePool`, default 50 configs, seed 0), whose scores are computed once per
 * process; each query then costs its own three proxies, and `zc_pool_seconds` reports the pool's cost.
 * A non-finite score is recorded as -1e8, as NASLib does.
 */
export function zeroCostEvaluator(proxy: string, options: { votePool?: VotePoolOptions } = {}): Evaluator {
  if (!(ZERO_COST_PROXIES as readonly string[]).includes(proxy)) throw new NascentError(`unknown zero-cost proxy 'zc:${proxy}' (expected one of ${ZERO_COST_PROXIES.map((p) => `zc:${p}`).join(", ")})`);
  let space: Space<unknown> | null = null;
  return {
    name: `zc:${proxy}`,
    metrics: [
      { name: proxy, direction: "maximize", description: `zero-cost proxy ${proxy} at initialization` },
      { name: "zc_seconds", direction: "minimize", description: "seconds the proxy took" },
      { name: "zc_gaussian_input", direction: "minimize", description: "1 when the proxy ran on N(0, 1) noise (no dataset given), 0 when it needs no input data" },
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
        const { network, input } = builder.build(s.sample(Rng.derive("zc:naswot check")), DATA);
        checkNaswotNetwork(network, input, `zc:naswot: space '${builder.name}'`);
      }
      space = s;
    },
    async evaluate(config: unknown, context: EvaluationContext): Promise<Metrics> {
      if (!space) throw new NascentError(`zc:${proxy}: checkSpace must be called before evaluate`);
      await loadEngine();
      const { network, input } = networkBuilderFor(space).build(config, DATA);
      const started = performance.now();
      let value: number;
      if (proxy === "synflow") value = await synflow(network, input, context.rng.fork("weights"));
      else if (proxy === "zen") value = await zenScore(network, input, context.rng.fork("weights"));
      else if (proxy === "vote") {
        const poolOptions = options.votePool ?? DEFAULT_VOTE_POOL;
        const builder = networkBuilderFor(space);
        const pool = await votePool(space, (c) => builder.build(c, DATA), DATA.classes, poolOptions);
        const queryStarted = performance.now();
        const scores = await voterScores(network, voteBatch(input, DATA.classes, poolOptions.seed), context.rng.fork("weights"));
        const seconds = (performance.now() - queryStarted) / 1000;
        return { vote: copelandScore(scores, pool.scores), zc_seconds: seconds, zc_gaussian_input: 1, zc_pool_seconds: pool.seconds };
      }
      else {
        const batch = gaussianBatch(BATCH, input, DATA.classes, context.rng.fork("batch"));
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
      return { [proxy]: value, zc_seconds: (performance.now() - started) / 1000, zc_gaussian_input: proxy === "synflow" ? 0 : 1 };
    },
  };
}
