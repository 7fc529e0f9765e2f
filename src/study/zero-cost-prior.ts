import { Rng } from "../core/rng.js";
import { NascentError } from "../core/errors.js";
import { networkBuilderFor } from "../nn/builders/index.js";
import { countCost } from "../nn/layers.js";
import { zeroCostEvaluator, ZERO_COST_PROXIES } from "../evaluate/zero-cost.js";
import { DEFAULT_VOTE_POOL } from "../predict/zero-cost/vote.js";
import type { Space } from "../space/space.js";
import type { PriorTrial } from "../strategy/transfer.js";

/** The pool docs/zero-cost.md measures (400 cells of most FLOPs) and the seeded trials it starts from (10). */
export const DEFAULT_ZERO_COST_POOL = 400;
export const DEFAULT_ZERO_COST_SEEDS = 10;
/** A space larger than this is sampled (this many configs per pool place) instead of enumerated. */
const SAMPLED_PER_POOL_PLACE = 25;
const ENUMERATE_LIMIT = 100_000;
/** The NB201 networks' own input: FLOPs order and proxy scores are taken at CIFAR shape, as `zc:NAME` does. */
const DATA = { shape: [32, 32, 3] as const, classes: 10 };

export interface ZeroCostPriorOptions {
  /** Candidates the proxy scores: the `pool` configs of most FLOPs. */
  pool?: number;
  /** Seeds the sample of a space too large to enumerate, and the proxy's weights and inputs. */
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ZeroCostPrior {
  /** The pool, each config with its proxy score as `fitness` (source `zc:PROXY`). */
  trials: PriorTrial[];
  /** Proxy evaluations (not benchmark queries) and their total time, `seconds`, which includes the reference pool's. */
  evaluations: number;
  /** Pool configs the proxy could not score (e.g. synflow's R beyond float32 on the largest NB301 networks): left out of the prior, not ranked; with the first one's error. */
  unscored: { count: number; firstError?: string };
  /** zc:vote's reference configs, each scored by the three voters once (0 for the other proxies). */
  referenceEvaluations: number;
  seconds: number;
}

/**
 * Zero-cost warm start (White et al. 2021, "How Powerful are Performance Predictors in NAS?", Sec. 5: rank
 * a large pool by a zero-cost proxy and start the search from its best): a cascade of two proxies, as
 * measured in docs/zero-cost.md. FLOPs (analytic) keeps the `pool` configs with the most multiply-adds, out
 * of the whole space when it has at most 100,000 configs, else out of 25 x `pool` seeded samples; the
 * proxy (`zc:PROXY`, any of ZERO_COST_PROXIES) then scores each at initialization. Deterministic for a
 * seed: each config's proxy stream is `Rng.derive(PROXY, key, seed)`. Throws a NascentError for an
 * unknown proxy, a space without a network builder, or a proxy that cannot run on the space.
 */
export async function zeroCostPrior<C>(space: Space<C>, proxy: string, options: ZeroCostPriorOptions = {}): Promise<ZeroCostPrior> {
  const size = options.pool ?? DEFAULT_ZERO_COST_POOL;
  if (!(Number.isInteger(size) && size >= 1)) throw new NascentError(`zero-cost pool must be an integer >= 1, got ${size}`);
  if (!(ZERO_COST_PROXIES as readonly string[]).includes(proxy)) throw new NascentError(`--zero-cost-warm-start '${proxy}': unknown proxy (expected one of ${ZERO_COST_PROXIES.join(", ")})`);
  const seed = options.seed ?? 0;
  const evaluator = zeroCostEvaluator(proxy);
  evaluator.checkSpace(space as Space<unknown>);
  const builder = networkBuilderFor(space as Space<unknown>);
  const flopsOf = (config: C) => {
    const { network, input } = builder.build(config, DATA);
    return countCost(network, input).macs;
  };
  const candidates = new Map<string, { config: C; flops: number; order: number }>();
  const add = (config: C) => {
    const key = space.key(config);
    if (!candidates.has(key)) candidates.set(key, { config, flops: flopsOf(config), order: candidates.size });
  };
  if (space.size() <= ENUMERATE_LIMIT) for (const config of space.enumerate()) add(config);
  else {
    const rng = Rng.derive("zero-cost-pool", seed);
    for (let i = 0; i < SAMPLED_PER_POOL_PLACE * size; i++) add(space.sample(rng));
  }
  const pool = [...candidates.entries()].sort(([, a], [, b]) => b.flops - a.flops || a.order - b.order).slice(0, size);
  const trials: PriorTrial[] = [];
  let seconds = 0;
  const controller = new AbortController();
  const unscored: ZeroCostPrior["unscored"] = { count: 0 };
  for (const [key, { config }] of pool) {
    const context = { trialNumber: trials.length, rng: Rng.derive(proxy, key, seed), report: async () => {}, shouldPrune: () => false, signal: controller.signal };
    const started = performance.now();
    let metrics: Awaited<ReturnType<typeof evaluator.evaluate>>;
    try {
      metrics = await evaluator.evaluate(config, context);
    } catch (error) {
      if (!(error instanceof NascentError)) throw error;
      seconds += (performance.now() - started) / 1000;
      unscored.count++;
      unscored.firstError ??= error.message;
      options.onProgress?.(trials.length + unscored.count, pool.length);
      continue;
    }
    // zc:vote's shared reference pool is scored once, on the first query: its cost is counted once.
    seconds += Number(metrics.zc_seconds) + (trials.length + unscored.count === 0 ? Number(metrics.zc_pool_seconds ?? 0) : 0);
    trials.push({ config, key, fitness: Number(metrics[proxy]), source: `zc:${proxy}` });
    options.onProgress?.(trials.length + unscored.count, pool.length);
  }
  if (trials.length === 0) throw new NascentError(`--zero-cost-warm-start ${proxy}: the proxy scored none of the ${pool.length} pool configs (${unscored.firstError})`);
  return { trials, evaluations: trials.length + unscored.count, unscored, referenceEvaluations: proxy === "vote" ? DEFAULT_VOTE_POOL.size : 0, seconds };
}
