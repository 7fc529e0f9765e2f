import type { ParamSpec } from "../../space/space.js";
import type { Rng } from "../../core/rng.js";

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
  /** Normalised mixture weights, the prior's last. */
  private readonly weights: Float64Array;
  private logWeightsCache: Float64Array | null = null;
  private readonly sigma: number;

  constructor(
    private readonly observations: readonly Decisions[],
    private readonly priorWeight: number,
    dimensions: number,
  ) {
    const weights = new Float64Array(observations.length + 1);
    weights.set(observationWeights(observations.length));
    weights[observations.length] = priorWeight;
    let total = 0;
    for (const w of weights) total += w;
    for (let k = 0; k < weights.length; k++) weights[k] /= total;
    this.weights = weights;
    this.sigma = Math.min(1, Math.max(0.01, 0.2 * Math.max(observations.length, 1) ** (-1 / (Math.max(dimensions, 1) + 4))));
  }

  private get kernels(): number {
    return this.observations.length + 1;
  }

  private get logWeights(): Float64Array {
    return (this.logWeightsCache ??= this.weights.map(Math.log));
  }

  /** Picks a mixture component (the last index is the prior). */
  pickComponent(rng: Rng): number {
    return rng.weightedIndex(this.weights);
  }

  /** Per-kernel products, reused across calls (scoring runs 2 x candidates times per proposal). */
  private scratch: Float64Array | null = null;
  private factorScratch = new Float64Array(0);

  private categoricalLogDensity(x: Decisions, params: ReadonlyMap<string, ParamSpec>): number {
    const products = (this.scratch ??= new Float64Array(this.weights.length));
    products.set(this.weights);
    const share = this.priorWeight / this.kernels;
    for (const [path, value] of x) {
      const param = params.get(path) as Extract<ParamSpec, { kind: "categorical" }>;
      const { codes } = this.column(path, param);
      const choices = param.choices.length;
      const hit = (1 + share) / (1 + share * choices);
      const miss = share / (1 + share * choices);
      // Factor by observed code + 1 (0: the prior or inactive), so the kernel loop has no branches.
      const factors = (this.factorScratch = this.factorScratch.length > choices ? this.factorScratch : new Float64Array(choices + 1));
      factors.fill(miss, 1, choices + 1);
      factors[0] = 1 / choices;
      factors[param.choices.indexOf(value) + 1] = hit;
      for (let k = 0; k < products.length; k++) products[k] *= factors[codes[k] + 1];
    }
    let total = 0;
    for (let k = 0; k < products.length; k++) total += products[k];
    return Math.log(total);
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

  /** Each decision's observed value per kernel (undefined: the prior, or inactive there), built on first use. */
  private readonly columns = new Map<string, { codes: Int32Array; mu: Float64Array; logNorm: Float64Array; sigma: Float64Array }>();

  /** Each observation's remembered choice indices (see choiceCode), fetched once per estimator. */
  private codeRows: CodeRow[] | null = null;

  private column(path: string, param: ParamSpec) {
    let column = this.columns.get(path);
    if (!column) {
      const n = this.kernels;
      // Categorical observations as choice indices (-1: prior or inactive), so scoring compares integers.
      const codes = new Int32Array(n).fill(-1);
      const mu = new Float64Array(n);
      const sigma = new Float64Array(n);
      const logNorm = new Float64Array(n);
      if (param.kind === "categorical") {
        const slot = pathSlot(path);
        const rows = (this.codeRows ??= this.observations.map(codeRow));
        for (let k = 0; k < n - 1; k++) codes[k] = choiceCode(rows[k], this.observations[k], slot, path, param.choices);
      } else {
        for (let k = 0; k < n; k++) {
          const v = k < n - 1 ? this.observations[k].get(path) : undefined;
          [mu[k], sigma[k]] = v === undefined ? [0.5, 1] : [toUnit(param, v as number), this.sigma];
          // Truncation to [0, 1]: divide by the mass the Gaussian puts there.
          const mass = normalCdf((1 - mu[k]) / sigma[k]) - normalCdf(-mu[k] / sigma[k]);
          logNorm[k] = -LOG_SQRT_2PI - Math.log(sigma[k]) - Math.log(Math.max(mass, 1e-12));
        }
      }
      column = { codes, mu, logNorm, sigma };
      this.columns.set(path, column);
    }
    return column;
  }

  /** log of the mixture density at `x` (over the decisions `x` has). */
  logDensity(x: Decisions, params: ReadonlyMap<string, ParamSpec>): number {
    const categorical = [...x.keys()].every((path) => params.get(path)!.kind === "categorical");
    // All-categorical points (architecture cells) are scored with products of per-decision factors:
    // no exp per kernel. The smallest factor is share/(1+share·K) ≥ 1/(kernels·K), so it cannot underflow here.
    if (categorical && x.size * Math.log(this.kernels * 64) < 600) return this.categoricalLogDensity(x, params);
    const sums = Float64Array.from(this.logWeights);
    for (const [path, value] of x) {
      const param = params.get(path)!;
      const { codes, mu, logNorm, sigma } = this.column(path, param);
      if (param.kind === "categorical") {
        const share = this.priorWeight / this.kernels;
        const norm = Math.log(1 + share * param.choices.length);
        const [hit, miss, prior] = [Math.log(1 + share) - norm, Math.log(share) - norm, -Math.log(param.choices.length)];
        const code = param.choices.indexOf(value);
        for (let k = 0; k < sums.length; k++) sums[k] += codes[k] < 0 ? prior : codes[k] === code ? hit : miss;
      } else {
        const unit = toUnit(param, value as number);
        for (let k = 0; k < sums.length; k++) {
          const z = (unit - mu[k]) / sigma[k];
          sums[k] += -0.5 * z * z + logNorm[k];
        }
      }
    }
    let max = -Infinity;
    for (const s of sums) if (s > max) max = s;
    let total = 0;
    for (const s of sums) total += Math.exp(s - max);
    return max + Math.log(total);
  }
}

/** Optuna's default weights: equal for the last 25 observations, a ramp from 1/n for older ones (read-only). */
export function observationWeights(n: number): Readonly<Float64Array> {
  let weights = weightsByCount.get(n);
  if (!weights) {
    weights = new Float64Array(n).fill(1);
    const ramp = n - 25;
    for (let i = 0; i < ramp; i++) weights[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
    if (weightsByCount.size > 16) weightsByCount.clear();
    weightsByCount.set(n, weights);
  }
  return weights;
}
/** Each proposal builds its two estimators over about the same counts as the last one did. */
const weightsByCount = new Map<number, Float64Array>();

/**
 * An observation's choice index for a categorical decision (-1: inactive there), remembered per observation:
 * TPE rebuilds its estimators on every proposal over the same finished trials, and looking their values up
 * and comparing them with the choices (strings) again each time was most of a proposal's cost at 1000
 * trials. Rows are indexed by a slot per decision path, so a remembered code costs one array read.
 */
interface CodeRow {
  codes: Int32Array;
}

const UNKNOWN = -2;
const slots = new Map<string, number>();
const codeRows = new WeakMap<Decisions, CodeRow>();

function pathSlot(path: string): number {
  let slot = slots.get(path);
  if (slot === undefined) slots.set(path, (slot = slots.size));
  return slot;
}

function codeRow(observation: Decisions): CodeRow {
  let row = codeRows.get(observation);
  if (!row) codeRows.set(observation, (row = { codes: new Int32Array(0) }));
  return row;
}

function choiceCode(row: CodeRow, observation: Decisions, slot: number, path: string, choices: readonly Value[]): number {
  if (slot >= row.codes.length) {
    const grown = new Int32Array(Math.max(slot + 1, 2 * row.codes.length, 8)).fill(UNKNOWN);
    grown.set(row.codes);
    row.codes = grown;
  }
  let code = row.codes[slot];
  if (code === UNKNOWN) {
    const value = observation.get(path);
    code = row.codes[slot] = value === undefined ? -1 : choices.indexOf(value);
  }
  return code;
}
