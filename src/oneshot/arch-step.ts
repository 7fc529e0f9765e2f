import { argmax, type Weights } from "../nn/engine/engine.js";
import type { Rng } from "../core/rng.js";
import { unrolledAlphaGradient, type Batch } from "./darts-second-order.js";
import type { EdgeMode } from "./edge-modes.js";
import { reinforceGradient } from "./enas.js";
import { fbnetLoss, proxylessLatencyTerm, type LatencyObjective } from "./hardware-loss.js";
import type { SupernetRunner } from "./supernet.js";

export interface ArchStepInput {
  method: string;
  mode: EdgeMode;
  runner: SupernetRunner;
  weights: Weights;
  /** The architecture parameters (alpha; PC-DARTS: alpha and beta; ENAS: the policy's logits). */
  alpha: number[][];
  /** ENAS's moving-average reward baseline. */
  baseline: number;
  train: Batch;
  validation: Batch;
  learningRate: number;
  temperature: number;
  rng: Rng;
  latency?: LatencyObjective;
}

export interface ArchStepResult {
  grad: number[][];
  /** The architecture step's loss (ENAS: the reward, the sampled cell's batch accuracy). */
  loss: number;
  baseline: number;
  /** The latency (ms) the loss saw: E[LAT] (ProxylessNAS) or LAT under the mask (FBNet). */
  latencyMs?: number;
}

/** One architecture step on a batch of the alpha half: the gradient to descend and what the step saw. */
export async function architectureStep(s: ArchStepInput): Promise<ArchStepResult> {
  if (s.method === "darts2") {
    // The unrolled step uses the current training batch and the weights' learning rate as xi (DARTS, sec. 2.3).
    const unrolled = await unrolledAlphaGradient(s.runner, s.weights, s.alpha, s.train, s.validation, s.learningRate);
    return { grad: unrolled.grad, loss: unrolled.loss, baseline: s.baseline };
  }
  const sample = s.mode.sample(s.alpha, s.rng, s.temperature);
  if (s.method === "enas") {
    // Reward: the drawn cell's accuracy on the batch with the shared weights (ENAS, sec. 2.2).
    const predicted = argmax(await s.runner.logits(s.weights, sample, s.validation.x, s.validation.labels.length, true));
    const reward = predicted.reduce((n, k, i) => n + (k === s.validation.labels[i] ? 1 : 0), 0) / predicted.length;
    const step = reinforceGradient(s.alpha, sample.paths.map((p) => p[0]), reward, s.baseline);
    return { grad: step.grad, loss: reward, baseline: step.baseline };
  }
  const result = await s.runner.gradients(s.weights, sample, s.validation.x, s.validation.labels);
  if (s.method === "fbnet") {
    if (!s.latency) throw new Error("fbnet needs a latency objective (--latency-target)");
    const loss = fbnetLoss(result.loss, result.dw, sample.w, s.latency);
    return { grad: sample.alphaGradient(loss.dm, result.probeSum), loss: loss.loss, baseline: s.baseline, latencyMs: loss.latencyMs };
  }
  const grad = sample.alphaGradient(result.dw, result.probeSum);
  if (s.method === "proxyless" && s.latency) {
    const term = proxylessLatencyTerm(s.alpha, s.latency);
    return { grad: grad.map((row, e) => row.map((g, i) => g + term.grad[e][i])), loss: result.loss + term.value, baseline: s.baseline, latencyMs: term.expectedMs };
  }
  return { grad, loss: result.loss, baseline: s.baseline };
}
