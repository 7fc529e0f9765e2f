import { Rng } from "../../core/rng.js";
import { canonicalJson } from "../../core/json.js";
import type { Engine } from "../../nn/engine/engine.js";
import type { Layer, Shape } from "../../nn/layers.js";
import type { Space } from "../../space/space.js";
import type { ImageDataset } from "../../nn/data/dataset.js";
import { dataBatch } from "./data-batch.js";
import { gaussianBatch, jacobCov, saliency, type ProxyBatch } from "./saliency.js";
import { synflow, SynflowRangeError } from "./synflow.js";

/** The proxies of Abdelfattah et al.'s majority vote (2021, Sec. 5), in the order `voterScores` returns them. */
export const VOTERS = ["synflow", "jacob_cov", "snip"] as const;

/** The reference pool a single architecture's vote is counted against: `size` distinct configs sampled from the space with `seed`. */
export interface VotePoolOptions {
  size: number;
  seed: number;
  /** The dataset whose images every network of the vote is scored on (`voteBatch`); default N(0, 1) noise. */
  data?: ImageDataset;
}

/** 50 cells: a vote's resolution is 1/50, and the pool costs 50 architectures' three proxies once per process. */
export const DEFAULT_VOTE_POOL: VotePoolOptions = { size: 50, seed: 0 };

/** The voters' scores of one network ([synflow, jacob_cov, snip], non-finite ones as -1e8, a synflow beyond float32's range as Number.MAX_VALUE); weights from `rng`'s forks, data-dependent ones on `batch`. */
export async function voterScores(network: Layer, batch: ProxyBatch, rng: Rng, engine?: Engine): Promise<number[]> {
  const flow = await synflow(network, batch.shape, rng.fork("synflow"), engine).catch((error: unknown) => {
    // R beyond e^160 (every path ends in the classifier, so S >= R) puts S above every network whose S is
    // representable, up to a factor of the path depth at the boundary: it wins synflow's vote, and ties another such one.
    if (error instanceof SynflowRangeError) return Number.MAX_VALUE;
    throw error;
  });
  const jacobian = await jacobCov(network, batch, rng.fork("jacob_cov"), engine);
  const { snip } = await saliency(network, batch, rng.fork("snip"), engine);
  // A non-finite score ranks last, as NASLib's -1e8.
  return [flow, jacobian, snip].map((v) => (Number.isFinite(v) ? v : -1e8));
}

/**
 * A single architecture's majority-vote score: its Copeland score against a reference pool, the fraction of
 * the pool it beats when each pair is decided by the majority of the voters (a tie of voters counts half).
 * `query` and every pool row hold the same proxies in the same order, higher better. Result in [0, 1].
 */
export function copelandScore(query: readonly number[], pool: readonly (readonly number[])[]): number {
  if (pool.length === 0) throw new Error("copelandScore: the reference pool is empty");
  let wins = 0;
  for (const other of pool) {
    let margin = 0;
    query.forEach((q, p) => (margin += Math.sign(q - other[p])));
    wins += margin > 0 ? 1 : margin === 0 ? 0.5 : 0;
  }
  return wins / pool.length;
}

/**
 * The batch every network of a vote is scored on, drawn from `seed` and the input shape only: 64 of `data`'s
 * images with their labels (resized to `input`), or without data N(0, 1) images with random labels.
 */
export function voteBatch(input: Shape, classes: number, seed: number, data?: ImageDataset): ProxyBatch {
  if (data) return dataBatch(data, 64, Rng.derive("zc:vote batch", seed, data.name), input);
  return gaussianBatch(64, input, classes, Rng.derive("zc:vote batch", seed, input.join("x"), classes));
}

const pools = new Map<string, Promise<{ scores: number[][]; seconds: number }>>();

/**
 * The reference pool's voter scores (`VotePoolOptions`): configs sampled from `space` with the seed, each
 * built by `build`, scored on `voteBatch` with weights from Rng.derive("zc:vote weights", seed, key).
 * Computed once per process for a space, pool and class count (later calls share it); `seconds` is its cost.
 * Throws when the space has fewer distinct configs than the pool asks for (after 100 draws per member).
 */
export function votePool(
  space: Space<unknown>,
  build: (config: unknown) => { network: Layer; input: Shape },
  classes: number,
  options: VotePoolOptions = DEFAULT_VOTE_POOL,
  engine?: Engine,
): Promise<{ scores: number[][]; seconds: number }> {
  const cacheKey = canonicalJson({ space: space.toJson(), classes, size: options.size, seed: options.seed, data: options.data?.name ?? null });
  let pool = pools.get(cacheKey);
  if (!pool) {
    pool = (async () => {
      const started = performance.now();
      const rng = Rng.derive("zc:vote pool", options.seed);
      const keys = new Set<string>();
      const scores: number[][] = [];
      for (let draws = 0; scores.length < options.size; draws++) {
        if (draws > 100 * options.size) throw new Error(`zc:vote: the space has fewer than ${options.size} distinct configs for the reference pool`);
        const config = space.sample(rng);
        const key = space.key(config);
        if (keys.has(key)) continue;
        keys.add(key);
        const { network, input } = build(config);
        scores.push(await voterScores(network, voteBatch(input, classes, options.seed, options.data), Rng.derive("zc:vote weights", options.seed, key), engine));
      }
      return { scores, seconds: (performance.now() - started) / 1000 };
    })();
    pools.set(cacheKey, pool);
    pool.catch(() => pools.delete(cacheKey));
  }
  return pool;
}
