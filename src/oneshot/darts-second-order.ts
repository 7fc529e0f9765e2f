import type { HostTensors, Weights } from "../nn/engine/engine.js";
import { Rng } from "../core/rng.js";
import { dartsMode } from "./edge-modes.js";
import type { SupernetRunner } from "./supernet.js";

export interface Batch {
  x: Float32Array;
  labels: Int32Array;
}

/**
 * What the unrolled hypergradient needs of a model with weights W: loss and gradients in w and alpha on the
 * training or the validation batch, and two vector operations on W. Generic so that the same code runs on
 * an engine's supernet and, for its exactness test, on a float64 host network.
 */
export interface UnrolledOracle<W> {
  gradients(w: W, alpha: number[][], batch: "train" | "validation"): Promise<{ loss: number; gradW: W; gradAlpha: number[][] }>;
  /** w + scale * direction. */
  axpy(w: W, direction: W, scale: number): W;
  norm(direction: W): number;
}

/**
 * Second-order DARTS (Liu et al. 2019, eqs. 7-8): the gradient in alpha of L_val(w', alpha) with the
 * unrolled weights w' = w - xi * grad_w L_train(w, alpha), i.e.
 *   grad_alpha L_val(w', alpha) - xi * grad^2_{alpha,w} L_train(w, alpha) . grad_w' L_val(w', alpha),
 * the Hessian-vector product by central differences at w +- eps * grad_w' L_val with eps = 0.01 / ||grad_w' L_val||.
 * Four gradient evaluations; the unrolled step is plain gradient descent (eq. 7), without momentum or decay.
 */
export async function unrolledHypergradient<W>(oracle: UnrolledOracle<W>, w: W, alpha: number[][], xi: number): Promise<{ loss: number; grad: number[][] }> {
  const atTrain = await oracle.gradients(w, alpha, "train");
  const atValidation = await oracle.gradients(oracle.axpy(w, atTrain.gradW, -xi), alpha, "validation");
  const eps = 0.01 / oracle.norm(atValidation.gradW);
  const plus = await oracle.gradients(oracle.axpy(w, atValidation.gradW, eps), alpha, "train");
  const minus = await oracle.gradients(oracle.axpy(w, atValidation.gradW, -eps), alpha, "train");
  return { loss: atValidation.loss, grad: atValidation.gradAlpha.map((row, e) => row.map((g, i) => g - (xi * (plus.gradAlpha[e][i] - minus.gradAlpha[e][i])) / (2 * eps))) };
}

/** params + scale * direction, for the parameters `direction` has (the others as they are). */
function step(params: HostTensors, direction: HostTensors, scale: number): HostTensors {
  const next: HostTensors = { ...params };
  for (const [name, d] of Object.entries(direction)) next[name] = { shape: params[name].shape, data: params[name].data.map((v, i) => v + scale * d.data[i]) };
  return next;
}

/** The supernet as an unrolled oracle (DARTS mixing; BatchNorm on batch statistics when `training`). */
export async function unrolledAlphaGradient(runner: SupernetRunner, weights: Weights, alpha: number[][], train: Batch, validation: Batch, xi: number, training = true): Promise<{ loss: number; grad: number[][] }> {
  const sample = dartsMode.sample(alpha, Rng.derive("darts draws nothing"), 1);
  const oracle: UnrolledOracle<HostTensors> = {
    async gradients(params, _alpha, which) {
      const batch = which === "train" ? train : validation;
      const result = await runner.gradients({ params, state: weights.state }, sample, batch.x, batch.labels, training);
      return { loss: result.loss, gradW: result.grads, gradAlpha: sample.alphaGradient(result.dw, result.probeSum) };
    },
    axpy: step,
    norm: (d) => Math.sqrt(Object.values(d).reduce((s, t) => s + t.data.reduce((a, v) => a + v * v, 0), 0)),
  };
  return unrolledHypergradient(oracle, weights.params, alpha, xi);
}
