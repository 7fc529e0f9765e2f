import { DecisionTreeRegression, type DecisionTreeRegressionJson } from "ml-cart";
import type { Rng } from "../../core/rng.js";

/**
 * Stochastic gradient boosting of regression trees on squared error (Friedman, "Greedy function approximation:
 * a gradient boosting machine", Ann. Statist. 2001, Algorithm 2 (LS_Boost); row subsampling from "Stochastic
 * gradient boosting", 2002). The trees are ml-cart's CART regression trees; the boosting loop is these lines:
 * F_0 = mean(y), and each round fits a tree to the residuals y - F on a subsample and adds `shrinkage` x its
 * prediction. Serialisable as JSON (ml-cart's tree format).
 */
export interface GbdtOptions {
  trees: number;
  maxDepth: number;
  /** Fewest rows in a leaf. */
  minLeaf: number;
  /** Learning rate nu of Friedman's eq. 36. */
  shrinkage: number;
  /** Fraction of rows each tree is fitted on. */
  subsample: number;
}

export const DEFAULT_GBDT: GbdtOptions = { trees: 300, maxDepth: 3, minLeaf: 3, shrinkage: 0.05, subsample: 0.8 };

export interface GbdtModel {
  base: number;
  shrinkage: number;
  trees: DecisionTreeRegressionJson[];
}

/** `size` distinct row indices (a partial Fisher-Yates shuffle). */
function subsample(n: number, size: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = rng.int(i, n - 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, size);
}

export function fitGbdt(x: readonly number[][], y: readonly number[], options: GbdtOptions, rng: Rng): GbdtModel {
  if (x.length < 2 * options.minLeaf) throw new Error(`fitGbdt: ${x.length} rows is too few for leaves of ${options.minLeaf}`);
  const base = y.reduce((a, b) => a + b, 0) / y.length;
  const fitted = y.map(() => base);
  const trees: DecisionTreeRegressionJson[] = [];
  const size = Math.max(2 * options.minLeaf, Math.round(options.subsample * x.length));
  for (let t = 0; t < options.trees; t++) {
    const rows = subsample(x.length, size, rng);
    const tree = new DecisionTreeRegression({ maxDepth: options.maxDepth, minNumSamples: options.minLeaf });
    tree.train(rows.map((r) => [...x[r]]), rows.map((r) => y[r] - fitted[r]));
    const step = tree.predict(x.map((row) => [...row]));
    step.forEach((v, r) => (fitted[r] += options.shrinkage * v));
    trees.push(tree.toJSON());
  }
  return { base, shrinkage: options.shrinkage, trees };
}

/** Predictions for rows of features; the trees are revived from JSON once per call. */
export function predictGbdt(model: GbdtModel, x: readonly number[][]): number[] {
  const out = x.map(() => model.base);
  const rows = x.map((row) => [...row]);
  for (const json of model.trees) DecisionTreeRegression.load(json).predict(rows).forEach((v, r) => (out[r] += model.shrinkage * v));
  return out;
}
