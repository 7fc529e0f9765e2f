import type { ParamSpec } from "../../space/space.js";
import type { Rng } from "../../core/rng.js";
import { fromUnit, toUnit } from "./parzen.js";

type Value = string | number | boolean;
/** Numbers are decided among this many evenly spaced values (or every integer, if fewer). */
const NUMERIC_BINS = 8;

/** One decision as the policy took it: which option among how many, and the context it saw. */
export interface Action {
  path: string;
  choice: number;
  options: number;
  /** Tokens of the decisions taken before this one. */
  context: number[];
}

/** The options a decision offers the policy: the choices, or a grid over a numeric range. */
export function optionsOf(param: ParamSpec): Value[] {
  if (param.kind === "categorical") return [...param.choices];
  if (param.kind === "int" && (param.max - param.min) / param.step + 1 <= 16) {
    return Array.from({ length: (param.max - param.min) / param.step + 1 }, (_, i) => param.min + i * param.step);
  }
  return Array.from({ length: NUMERIC_BINS }, (_, i) => fromUnit(param, (i + 0.5) / NUMERIC_BINS));
}

/** The option nearest to `value` (for decisions of trials the policy did not propose). */
export function nearestOption(param: ParamSpec, options: Value[], value: Value): number {
  if (param.kind === "categorical") return options.indexOf(value);
  const unit = toUnit(param, value as number);
  let best = 0;
  options.forEach((o, i) => {
    if (Math.abs(toUnit(param, o as number) - unit) < Math.abs(toUnit(param, options[best] as number) - unit)) best = i;
  });
  return best;
}

/**
 * An autoregressive log-linear policy over a space's decisions (a light stand-in for Zoph & Le's LSTM
 * controller): the logit of option k at decision p is b[p][k] + Σ W[p][k][t] over the tokens t of the
 * decisions already taken, so later choices depend on earlier ones.
 */
export class DecisionPolicy {
  private readonly bias = new Map<string, Float64Array>();
  private readonly pairwise = new Map<string, Float64Array>();
  private readonly tokens = new Map<string, number>();

  token(path: string, choice: number): number {
    const name = `${path}=${choice}`;
    let id = this.tokens.get(name);
    if (id === undefined) {
      id = this.tokens.size;
      this.tokens.set(name, id);
    }
    return id;
  }

  private biasOf(path: string, options: number): Float64Array {
    let b = this.bias.get(path);
    if (!b) this.bias.set(path, (b = new Float64Array(options)));
    return b;
  }

  probabilities(path: string, options: number, context: readonly number[]): Float64Array {
    const logits = Float64Array.from(this.biasOf(path, options));
    for (const t of context) {
      const w = this.pairwise.get(`${path}|${t}`);
      if (w) for (let k = 0; k < options; k++) logits[k] += w[k];
    }
    const max = Math.max(...logits);
    let sum = 0;
    for (let k = 0; k < options; k++) sum += logits[k] = Math.exp(logits[k] - max);
    for (let k = 0; k < options; k++) logits[k] /= sum;
    return logits;
  }

  logProbability(actions: readonly Action[]): number {
    return actions.reduce((sum, a) => sum + Math.log(this.probabilities(a.path, a.options, a.context)[a.choice]), 0);
  }

  /** Samples a decision, returning its option index. */
  sample(path: string, options: number, context: readonly number[], rng: Rng): number {
    return rng.weightedIndex([...this.probabilities(path, options, context)]);
  }

  /**
   * ∇θ log π(actions), plus `entropy` times the gradient of each decision's entropy (for exploration), as a
   * sparse map over the parameters these actions touch; added into `into` scaled by `weight` when given.
   */
  scoreFunction(actions: readonly Action[], entropy = 0, weight = 1, into: PolicyGradient = { bias: new Map(), pairwise: new Map() }): PolicyGradient {
    for (const a of actions) {
      const p = this.probabilities(a.path, a.options, a.context);
      // ∂ log p_a / ∂ logit_k = 1[k = a] - p_k; ∂ H / ∂ logit_k = -p_k (log p_k + H).
      const h = -p.reduce((s, pk) => s + (pk > 0 ? pk * Math.log(pk) : 0), 0);
      const gradient = Array.from(p, (pk, k) => weight * ((k === a.choice ? 1 : 0) - pk + entropy * -pk * (Math.log(Math.max(pk, 1e-12)) + h)));
      accumulate(into.bias, a.path, gradient);
      for (const t of a.context) accumulate(into.pairwise, `${a.path}|${t}`, gradient);
    }
    return into;
  }

  /** θ += step · gradient. */
  step(gradient: PolicyGradient, step: number): void {
    for (const [path, g] of gradient.bias) {
      const b = this.biasOf(path, g.length);
      for (let k = 0; k < g.length; k++) b[k] += step * g[k];
    }
    for (const [key, g] of gradient.pairwise) {
      let w = this.pairwise.get(key);
      if (!w) this.pairwise.set(key, (w = new Float64Array(g.length)));
      for (let k = 0; k < g.length; k++) w[k] += step * g[k];
    }
  }

  /** θ += step · ∇θ log π(actions) (plus `entropy` times the entropy gradient, for exploration). */
  ascend(actions: readonly Action[], step: number, entropy = 0): void {
    this.step(this.scoreFunction(actions, entropy), step);
  }
}

/**
 * A gradient over a DecisionPolicy's parameters: per decision path, the bias's gradient; per
 * `path|token`, the gradient of the weights from an earlier decision's token.
 */
export interface PolicyGradient {
  bias: Map<string, Float64Array>;
  pairwise: Map<string, Float64Array>;
}

function accumulate(into: Map<string, Float64Array>, key: string, gradient: readonly number[]): void {
  let g = into.get(key);
  if (!g) into.set(key, (g = new Float64Array(gradient.length)));
  for (let k = 0; k < gradient.length; k++) g[k] += gradient[k];
}
