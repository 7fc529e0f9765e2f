import type { ParamSpec } from "../../space/space.js";
import type { Rng } from "../../util/rng.js";

type Value = string | number | boolean;
export type Decisions = ReadonlyMap<string, Value>;

/** Maps a numeric param to [0, 1] (on a log scale if the param is). */
export function toUnit(param: Extract<ParamSpec, { kind: "int" | "float" }>, value: number): number {
  if (param.max === param.min) return 0.5;
  return param.log ? Math.log(value / param.min) / Math.log(param.max / param.min) : (value - param.min) / (param.max - param.min);
}

export function fromUnit(param: Extract<ParamSpec, { kind: "int" | "float" }>, unit: number): number {
  const u = Math.min(1, Math.max(0, unit));
  return param.log ? param.min * (param.max / param.min) ** u : param.min + u * (param.max - param.min);
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf), accurate to ~1e-7. */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A Parzen estimator over a space's decisions, as in TPE (Bergstra et al. 2011) with Optuna's choices:
 * one kernel per observation plus a prior kernel, older observations down-weighted, categorical kernels
 * that put `priorWeight / kernels` on every choice and 1 on the observed one, truncated Gaussians on [0, 1]
 * for numbers with a bandwidth shrinking as n^(-1/(d+4)) (Scott's rule, Optuna's multivariate TPE).
 * Kernels are products over decisions (multivariate); a decision missing from an observation (inactive
 * there) is scored by the prior kernel.
 */
export class ParzenEstimator {
  private readonly logWeights: number[];
  private readonly sigma: number;

  constructor(
    private readonly observations: readonly Decisions[],
    private readonly priorWeight: number,
    dimensions: number,
  ) {
    const weights = [...observationWeights(observations.length), priorWeight];
    const total = weights.reduce((a, b) => a + b, 0);
    this.logWeights = weights.map((w) => Math.log(w / total));
    this.sigma = Math.min(1, Math.max(0.01, 0.2 * Math.max(observations.length, 1) ** (-1 / (Math.max(dimensions, 1) + 4))));
  }

  private get kernels(): number {
    return this.observations.length + 1;
  }

  /** Picks a mixture component (the last index is the prior). */
  pickComponent(rng: Rng): number {
    return rng.weightedIndex(this.logWeights.map(Math.exp));
  }

  /** Draws one decision from component `k`'s kernel. */
  sample(k: number, path: string, param: ParamSpec, rng: Rng): Value {
    const observed = this.observations[k]?.get(path);
    if (param.kind === "categorical") {
      if (observed === undefined) return rng.pick(param.choices);
      const probabilities = param.choices.map((c) => (c === observed ? 1 : 0) + this.priorWeight / this.kernels);
      return param.choices[rng.weightedIndex(probabilities)];
    }
    const [mu, sigma] = observed === undefined ? [0.5, 1] : [toUnit(param, observed as number), this.sigma];
    let unit = mu;
    for (let attempt = 0; attempt < 100; attempt++) {
      unit = mu + sigma * rng.normal();
      if (unit >= 0 && unit <= 1) break;
    }
    return fromUnit(param, unit);
  }

  /** log of the mixture density at `x` (over the decisions `x` has). */
  logDensity(x: Decisions, params: ReadonlyMap<string, ParamSpec>): number {
    const terms = this.logWeights.map((logWeight, k) => {
      let sum = logWeight;
      for (const [path, value] of x) sum += this.logKernel(k, path, params.get(path)!, value);
      return sum;
    });
    const max = Math.max(...terms);
    return max + Math.log(terms.reduce((acc, t) => acc + Math.exp(t - max), 0));
  }

  private logKernel(k: number, path: string, param: ParamSpec, value: Value): number {
    const observed = this.observations[k]?.get(path);
    if (param.kind === "categorical") {
      if (observed === undefined) return -Math.log(param.choices.length);
      const share = this.priorWeight / this.kernels;
      return Math.log(((value === observed ? 1 : 0) + share) / (1 + share * param.choices.length));
    }
    const [mu, sigma] = observed === undefined ? [0.5, 1] : [toUnit(param, observed as number), this.sigma];
    const z = (toUnit(param, value as number) - mu) / sigma;
    const mass = normalCdf((1 - mu) / sigma) - normalCdf(-mu / sigma);
    return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - Math.log(Math.max(mass, 1e-12));
  }
}

/** Optuna's default weights: equal for the last 25 observations, a ramp from 1/n for older ones. */
export function observationWeights(n: number): number[] {
  if (n < 25) return Array(n).fill(1);
  const ramp = n - 25;
  return [...Array.from({ length: ramp }, (_, i) => (ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1))), ...Array(25).fill(1)];
}
