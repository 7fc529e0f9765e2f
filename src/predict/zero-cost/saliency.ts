import type { Engine } from "../../nn/engine/engine.js";
import type { Layer, Shape } from "../../nn/layers.js";
import type { Rng } from "../../core/rng.js";
import { compileProxyModel, sumOverWeights } from "./compiled.js";
import { symmetricEigen } from "../linear/dense.js";
import { isWeight } from "./network.js";

/** A minibatch for data-dependent proxies: images (N, H, W, C) and integer labels. */
export interface ProxyBatch {
  images: Float32Array;
  labels: Int32Array;
  shape: Shape;
  classes: number;
  /** "data" for a dataset's images, "gaussian" for N(0, 1) noise with random labels (no data given). */
  source: "data" | "gaussian";
}

/** N(0, 1) images with uniform random labels: the proxies' input where no dataset is given. */
export function gaussianBatch(count: number, shape: Shape, classes: number, rng: Rng): ProxyBatch {
  const images = new Float32Array(count * shape.reduce((a, b) => a * b, 1)).map(() => rng.normal());
  const labels = Int32Array.from({ length: count }, () => rng.int(0, classes - 1));
  return { images, labels, shape, classes, source: "gaussian" };
}

const sumAbsProduct = (theta: Float32Array, grad: Float32Array) => {
  let s = 0;
  for (let i = 0; i < theta.length; i++) s += Math.abs(theta[i] * grad[i]);
  return s;
};

/**
 * snip (Lee et al. 2019) and grad_norm (Abdelfattah et al. 2021), as NASLib defines them: one backward pass
 * of the mean cross-entropy on the batch at initialization, BatchNorm in training mode; over conv and dense
 * weights, snip = Σ |θ ⊙ ∂L/∂θ| and grad_norm = Σ_layers ‖∂L/∂θ‖₂. Runs on any engine (default: loadEngine()).
 */
export async function saliency(network: Layer, batch: ProxyBatch, rng: Rng, engine?: Engine): Promise<{ snip: number; gradNorm: number }> {
  const { model, params } = await compileProxyModel(network, batch.shape, rng, { engine });
  try {
    const { grads } = await model.valueAndGrad(batch.images, batch.labels.length, { kind: "crossEntropy", labels: batch.labels }, { training: true });
    const snip = sumOverWeights(params, grads, isWeight, sumAbsProduct);
    const gradNorm = sumOverWeights(params, grads, isWeight, (_, g) => Math.sqrt(g.reduce((s, v) => s + v * v, 0)));
    return { snip, gradNorm };
  } finally {
    model.dispose();
  }
}

/**
 * jacob_cov (Mellor et al. 2020 v1, NASLib's form): J = ∂(Σ outputs)/∂x per image, flattened; with the
 * eigenvalues λ of the correlation matrix of J's rows, score = -Σ (log(λ + k) + 1/(λ + k)), k = 1e-5.
 * BatchNorm in training mode, as NASLib runs it.
 */
export async function jacobCov(network: Layer, batch: ProxyBatch, rng: Rng, engine?: Engine): Promise<number> {
  const { model, graph } = await compileProxyModel(network, batch.shape, rng, { engine });
  const n = batch.labels.length;
  try {
    const classes = graph.nodes[graph.output].shape.reduce((a, b) => a * b, 1);
    const { input } = await model.valueAndGrad(batch.images, n, { kind: "dot", cotangent: new Float32Array(n * classes).fill(1) }, { training: true, wrtInput: true });
    // No path from the input to the output (a cell of `none` edges): the Jacobian is zero.
    const jacobian = input ? Float64Array.from(input) : new Float64Array(batch.images.length);
    const d = jacobian.length / n;
    const rows = Array.from({ length: n }, (_, i) => jacobian.subarray(i * d, (i + 1) * d));
    const k = 1e-5;
    return -symmetricEigen(correlation(rows)).values.reduce((s, l) => s + Math.log(l + k) + 1 / (l + k), 0);
  } finally {
    model.dispose();
  }
}

function correlation(rows: Float64Array[]): number[][] {
  const centred = rows.map((r) => {
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const c = r.map((v) => v - mean);
    const norm = Math.sqrt(c.reduce((a, b) => a + b * b, 0)) || 1;
    return c.map((v) => v / norm);
  });
  return centred.map((a) => centred.map((b) => a.reduce((s, v, i) => s + v * b[i], 0)));
}
