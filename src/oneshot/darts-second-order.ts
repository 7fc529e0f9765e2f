import type { HostTensors, Weights } from "../nn/engine/engine.js";
import { Rng } from "../core/rng.js";
import { dartsMode } from "./edge-modes.js";
import type { Nb201SupernetRunner } from "./supernet.js";

export interface Batch {
  x: Float32Array;
  labels: Int32Array;
}

/** params + scale * direction, for the parameters `direction` has (the others as they are). */
function step(params: HostTensors, direction: HostTensors, scale: number): HostTensors {
  const next: HostTensors = { ...params };
  for (const [name, d] of Object.entries(direction)) next[name] = { shape: params[name].shape, data: params[name].data.map((v, i) => v + scale * d.data[i]) };
  return next;
}

const squaredNorm = (tensors: HostTensors): number => Object.values(tensors).reduce((s, t) => s + t.data.reduce((a, v) => a + v * v, 0), 0);

/**
 * Second-order DARTS (Liu et al. 2019, eqs. 7-8): the gradient in alpha of L_val(w', alpha) with the
 * unrolled weights w' = w - xi * grad_w L_train(w, alpha), i.e.
 *   grad_alpha L_val(w', alpha) - xi * grad^2_{alpha,w} L_train(w, alpha) . grad_w' L_val(w', alpha),
 * the Hessian-vector product by central differences at w +- eps * grad_w' L_val with eps = 0.01 / ||grad_w' L_val||.
 * Five gradient evaluations; the unrolled step is plain gradient descent (eq. 7), without momentum or decay.
 */
export async function unrolledAlphaGradient(runner: Nb201SupernetRunner, weights: Weights, alpha: number[][], train: Batch, validation: Batch, xi: number, training = true): Promise<{ loss: number; grad: number[][] }> {
  const sample = dartsMode.sample(alpha, Rng.derive("darts draws nothing"), 1);
  const atTrain = await runner.gradients(weights, sample, train.x, train.labels, training);
  const unrolled = { params: step(weights.params, atTrain.grads, -xi), state: weights.state };
  const atValidation = await runner.gradients(unrolled, sample, validation.x, validation.labels, training);
  const direct = sample.alphaGradient(atValidation.dw, atValidation.probeSum);
  const eps = 0.01 / Math.sqrt(squaredNorm(atValidation.grads));
  const plus = await runner.gradients({ params: step(weights.params, atValidation.grads, eps), state: weights.state }, sample, train.x, train.labels, training);
  const minus = await runner.gradients({ params: step(weights.params, atValidation.grads, -eps), state: weights.state }, sample, train.x, train.labels, training);
  const gPlus = sample.alphaGradient(plus.dw, plus.probeSum);
  const gMinus = sample.alphaGradient(minus.dw, minus.probeSum);
  return { loss: atValidation.loss, grad: direct.map((row, e) => row.map((g, i) => g - (xi * (gPlus[e][i] - gMinus[e][i])) / (2 * eps))) };
}
