import type { Rng } from "../core/rng.js";
import type { PathSet, SupernetLayout } from "./layout.js";
import { uniformPaths } from "./layout.js";

/**
 * How a supernet's mixed edges run in one step, given the architecture parameters alpha [edges][ops]:
 * which ops each edge runs, with what mixing weights w, and how dLoss/dw (and, for GDAS, the edge output's
 * summed cotangent) chain back to dLoss/dalpha. The supernet never sees alpha, only w.
 */
export interface EdgeSample {
  paths: PathSet;
  /** Mixing weights per edge, one per active op. */
  w: number[][];
  /** Whether the graph needs the GDAS probe (see mixed-edge.ts). */
  probe: boolean;
  /** dLoss/dalpha from dLoss/dw per edge and the per-edge sum of the output cotangent (zeros unless probe). */
  alphaGradient(dw: number[][], probeSum: number[]): number[][];
}

export interface EdgeMode {
  readonly name: string;
  /** False for single-path methods that learn no alpha (SPOS, RSPS). */
  readonly learnsAlpha: boolean;
  sample(alpha: number[][], rng: Rng, temperature: number): EdgeSample;
}

export function softmax(logits: readonly number[]): number[] {
  const top = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** Vector-Jacobian product of softmax: dz_i = p_i (dp_i - sum_j p_j dp_j). */
export function softmaxBackward(p: readonly number[], dp: readonly number[]): number[] {
  const dot = p.reduce((s, pi, i) => s + pi * dp[i], 0);
  return p.map((pi, i) => pi * (dp[i] - dot));
}

const zerosLike = (alpha: number[][]): number[][] => alpha.map((row) => row.map(() => 0));

/** DARTS (Liu et al. 2019, eq. 2): every op, weighted by softmax(alpha). */
export const dartsMode: EdgeMode = {
  name: "darts",
  learnsAlpha: true,
  sample(alpha) {
    const w = alpha.map((row) => softmax(row));
    return { paths: alpha.map((row) => row.map((_, i) => i)), w, probe: false, alphaGradient: (dw) => w.map((p, e) => softmaxBackward(p, dw[e])) };
  },
};

/**
 * GDAS (Dong & Yang 2019): h = one_hot(argmax p) with p = softmax((alpha + Gumbel noise) / tau), only the
 * chosen op runs; straight-through gradients, dh_i = <cotangent, op_i(x)> for the chosen op and the summed
 * cotangent for the others (the reference code adds each h_i, zero-valued, to the edge output).
 */
export const gdasMode: EdgeMode = {
  name: "gdas",
  learnsAlpha: true,
  sample(alpha, rng, temperature) {
    const probs = alpha.map((row) => softmax(row.map((a) => (a - Math.log(-Math.log(1 - rng.float()))) / temperature)));
    const chosen = probs.map((p) => p.indexOf(Math.max(...p)));
    return {
      paths: chosen.map((k) => [k]),
      w: chosen.map(() => [1]),
      probe: true,
      alphaGradient: (dw, probeSum) =>
        probs.map((p, e) => softmaxBackward(p, p.map((_, i) => (i === chosen[e] ? dw[e][0] : probeSum[e]))).map((g) => g / temperature)),
    };
  },
};

/** SPOS and RSPS (Guo et al. 2020; Li & Talwalkar 2019): one op per edge, uniformly drawn, no alpha. */
export const uniformMode: EdgeMode = {
  name: "uniform",
  learnsAlpha: false,
  sample(alpha, rng) {
    return { paths: alpha.map((row) => [rng.int(0, row.length - 1)]), w: alpha.map(() => [1]), probe: false, alphaGradient: () => zerosLike(alpha) };
  },
};

/**
 * ProxylessNAS's two-path approximation (Cai et al. 2019, sec. 3.2.1): two distinct ops drawn from
 * softmax(alpha), run and mixed by the softmax of their own two alphas, which alone get gradients.
 */
export const proxylessMode: EdgeMode = {
  name: "proxyless",
  learnsAlpha: true,
  sample(alpha, rng) {
    const pairs = alpha.map((row) => {
      const p = softmax(row);
      const first = rng.weightedIndex(p);
      const second = rng.weightedIndex(p.map((pi, i) => (i === first ? 0 : pi)));
      return [Math.min(first, second), Math.max(first, second)];
    });
    const w = pairs.map((pair, e) => softmax(pair.map((i) => alpha[e][i])));
    return {
      paths: pairs,
      w,
      probe: false,
      alphaGradient(dw) {
        const grad = zerosLike(alpha);
        pairs.forEach((pair, e) => softmaxBackward(w[e], dw[e]).forEach((g, j) => (grad[e][pair[j]] = g)));
        return grad;
      },
    };
  },
};

/**
 * SPOS and RSPS on a space whose configs are not one op per edge (DARTS: 2 inputs per node): a config of the
 * space drawn uniformly, run as its single path (`none` on the edges it does not use), no alpha.
 */
export function configUniformMode(layout: SupernetLayout): EdgeMode {
  return {
    name: "uniform",
    learnsAlpha: false,
    sample(alpha, rng) {
      const paths = uniformPaths(layout, rng);
      return { paths, w: paths.map(() => [1]), probe: false, alphaGradient: () => zerosLike(alpha) };
    },
  };
}
