import { type Tensor, type TensorMap, engine, forward, initJaxNetwork as initNetwork } from "../../nn/engine/jax/direct.js";
import type { Layer, Shape } from "../../nn/layers.js";
import type { Rng } from "../../core/rng.js";
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

/**
 * snip (Lee et al. 2019) and grad_norm (Abdelfattah et al. 2021), as NASLib defines them: one backward pass
 * of the cross-entropy on the batch at initialization, BatchNorm in training mode; over conv and dense
 * weights, snip = Σ |θ ⊙ ∂L/∂θ| and grad_norm = Σ_layers ‖∂L/∂θ‖₂.
 */
export function saliency(network: Layer, batch: ProxyBatch, rng: Rng): { snip: number; gradNorm: number } {
  const { numpy: np, nn, grad, tree } = engine();
  const { params, state } = initNetwork(network, batch.shape, rng);
  const n = batch.labels.length;
  const x = np.array(batch.images).reshape([n, ...batch.shape]);
  const targets = nn.oneHot(np.array(batch.labels, { dtype: np.int32 }), batch.classes);
  const loss = (p: TensorMap): Tensor => {
    const { y, state: newState } = forward(network, p, tree.ref(state), x.ref, { training: true });
    for (const t of Object.values(newState)) t.dispose();
    return nn.logSoftmax(y).mul(targets.ref).sum().mul(-1 / n);
  };
  const gradients = grad(loss)(tree.ref(params)) as TensorMap;
  let snip = 0;
  let gradNorm = 0;
  for (const name of Object.keys(params)) {
    if (isWeight(name)) {
      snip += np.abs(params[name].mul(gradients[name].ref)).sum().js() as number;
      gradNorm += Math.sqrt(gradients[name].ref.mul(gradients[name]).sum().js() as number);
    } else {
      params[name].dispose();
      gradients[name].dispose();
    }
  }
  for (const t of [x, targets, ...Object.values(state)]) t.dispose();
  return { snip, gradNorm };
}

/**
 * jacob_cov (Mellor et al. 2020 v1, NASLib's form): J = ∂(Σ outputs)/∂x per image, flattened; with the
 * eigenvalues λ of the correlation matrix of J's rows, score = -Σ (log(λ + k) + 1/(λ + k)), k = 1e-5.
 */
export function jacobCov(network: Layer, batch: ProxyBatch, rng: Rng): number {
  const { numpy: np, grad, tree } = engine();
  const { params, state } = initNetwork(network, batch.shape, rng);
  const n = batch.labels.length;
  const x = np.array(batch.images).reshape([n, ...batch.shape]);
  const summed = (input: Tensor): Tensor => {
    const { y, state: newState } = forward(network, tree.ref(params), tree.ref(state), input, { training: true });
    for (const t of Object.values(newState)) t.dispose();
    return y.sum();
  };
  const jacobian = Float64Array.from((grad(summed)(x) as Tensor).js().flat(Infinity) as number[]);
  for (const t of [...Object.values(params), ...Object.values(state)]) t.dispose();
  const d = jacobian.length / n;
  const rows = Array.from({ length: n }, (_, i) => jacobian.subarray(i * d, (i + 1) * d));
  const corr = correlation(rows);
  const k = 1e-5;
  return -symmetricEigenvalues(corr).reduce((s, l) => s + Math.log(l + k) + 1 / (l + k), 0);
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

/** Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations. */
export function symmetricEigenvalues(matrix: readonly (readonly number[])[]): number[] {
  const a = matrix.map((r) => [...r]);
  const n = a.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]);
}
